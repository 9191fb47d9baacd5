"""
Settings for the KSG Digital Academy portal.

One module, driven by environment variables (django-environ). The embedded defaults let a
newcomer run the portal with one command: an SQLite file under ``var/``, Celery tasks run
eagerly in-process, e-mail printed to the console. Production hardening is switched on by
``DEBUG=False``; nothing exists only in production.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer may keep overrides in a .env file; the environment itself always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# The demo data (seed_demo) and its well-known passwords must never reach a real deployment.
DEMO_MODE = env.bool("DEMO_MODE", default=DEBUG)

if DEBUG:
    SECRET_KEY = env(
        "SECRET_KEY", default="django-insecure-embedded-development-key-do-not-use-in-production"
    )
else:
    SECRET_KEY = env("SECRET_KEY")  # no default: a production start without a key must fail
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    # Third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "csp",
    # The portal
    "academy",
    "courses",
    "enrollments",
    "certificates",
    "partners",
    "reports",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages for a signed-in user are never stored by a cache (academy.caching).
    "academy.caching.PrivateWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends idle and too-old sessions before anything else sees the user, after the message
    # middleware so that the sign-in page can say why; and notes each session's activity for
    # the "Sessions" page (allauth.usersessions' own middleware would write it at every request).
    "academy.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "academy.mfa.MFARequiredMiddleware",
]

ROOT_URLCONF = "academy.urls"
WSGI_APPLICATION = "academy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "academy.context_processors.portal",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'academy.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves one developer; WAL lets the dev server and a shell share it.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

# allauth's rate limits count in the cache, so it must be shared by every web process:
# Redis when configured, otherwise a file cache under var/ (shared by processes on one host).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="academy"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Accounts ---------------------------------------------------------------------------------

AUTH_USER_MODEL = "academy.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 (memory-hard) for every new or changed password. PBKDF2 stays listed so that hashes
# made before still verify; Django re-hashes them with Argon2 at the next sign-in.
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ],
)

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "academy.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "academy.forms.OfficerSignupForm"
# The browser that changes the password stays signed in; every other session of the account
# ends (Django's session hash check, and academy.sessions deletes them with their list rows).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[KSG Digital Academy] "
# Sign-up is for public servants: addresses in these domains or their subdomains only.
ACCOUNT_ALLOWED_SIGNUP_DOMAINS = env.list(
    "ACCOUNT_ALLOWED_SIGNUP_DOMAINS", default=["go.ke", "ksg.ac.ke"]
)
# allauth counts attempts in the cache (Redis in production: shared by every web process).
# "ip" counts per client address, "key" per e-mail address typed, "user" per signed-in account.
# Offices reach the portal through one NAT address, so per-address limits stay generous and the
# tight limits are per account.
ACCOUNT_RATE_LIMITS = {
    # Any sign-in attempt (right or wrong) from one address: a classroom signing in together
    # stays under it, a script trying many accounts does not.
    "login": "30/m/ip",
    # Wrong passwords: 5 per account in 5 minutes stops guessing one password; 10 per minute
    # per address slows trying one password against many accounts. A failed second factor
    # (TOTP, recovery code) counts here too, per account.
    "login_failed": "10/m/ip,5/5m/key",
    # New accounts from one address.
    "signup": "20/m/ip",
    # "Forgot your password?": each request sends an e-mail, so per address typed it is rare.
    "reset_password": "20/m/ip,5/m/key",
    # The form behind the link in the reset e-mail (guessing keys).
    "reset_password_from_key": "20/m/ip",
    # Verification e-mails to one address: one per 3 minutes; later ones are silently not sent
    # (the link in the first one still works).
    "confirm_email": "1/3m/key",
    # Re-entering the password of a signed-in account before a sensitive step.
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    # Sign-in by e-mailed code is not offered; the limit is kept for the day it is.
    "request_login_code": "20/m/ip,3/m/key",
}
# Security keys sign in without a password: per-address limit (allauth's default, stated).
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}
# Behind N reverse proxies the client's address is the Nth from the right in X-Forwarded-For;
# without this every client behind the proxy would share one rate-limit counter.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The "Sessions" page (allauth.usersessions) shows when and from where each was last used;
# academy.sessions.SessionTimeoutMiddleware notes it, at most once a minute per session.
USERSESSIONS_TRACK_ACTIVITY = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# academy.mfa: TOTP secrets and recovery-code seeds are stored encrypted (Fernet) with
# MFA_ENCRYPTION_KEY, one or more comma-separated keys (the first encrypts, all decrypt, so a key
# can be rotated). Required when DEBUG is off (a deploy check says so); with DEBUG on a key
# derived from SECRET_KEY stands in.
MFA_ADAPTER = "academy.mfa.MFAAdapter"
MFA_ENCRYPTION_KEY = env("MFA_ENCRYPTION_KEY", default="")
MFA_ENCRYPTION_DEVELOPMENT_KEY = DEBUG
MFA_TOTP_ISSUER = "KSG Digital Academy"
# Role changes, API token creation and exports of personal data ask for the password (or a
# second factor) again when the last re-authentication is older than this. allauth counts only
# explicit re-authentications, not the sign-in itself.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("ACCOUNT_REAUTHENTICATION_TIMEOUT", default=10 * 60)
# The password or a second factor: not a code e-mailed to the account, which would make the
# mailbox alone enough to export others' data or make a token.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")

# --- API --------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token authentication that refuses accounts still missing their required MFA.
        "academy.mfa.MFATokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "academy.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "academy.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # DRF reads a JSON or form body past Django's DATA_UPLOAD_MAX_MEMORY_SIZE: these parsers
    # hold it to the same limit.
    "DEFAULT_PARSER_CLASSES": [
        "academy.api.parsers.JSONParser",
        "academy.api.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KSG Digital Academy API",
    "DESCRIPTION": (
        "Catalogue, cohorts and (in later versions) enrolments, certificates and reports of the "
        "Kenya School of Government's digital skills academy. Authenticate with a token "
        "(`Authorization: Token …`, issued by `manage.py api_token EMAIL`) or a browser session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CertificateStatusEnum": "certificates.models.Certificate.Status",
        "ReportRunStatusEnum": "reports.models.ReportRun.Status",
    },
}

# --- Background work --------------------------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Africa/Nairobi"
# Exactly one beat process. Reminders and enrolment e-mails are rows first
# (enrollments.outbox): a missed or repeated run creates and sends nothing twice.
CELERY_BEAT_SCHEDULE = {
    "schedule-reminders": {
        "task": "enrollments.tasks.schedule_reminders",
        "schedule": crontab(minute=5),
    },
    # Enrolment e-mails are sent when their change commits; this sends any whose nudge was
    # lost (a worker or the broker down at the time).
    "send-notifications": {
        "task": "enrollments.tasks.send_notifications",
        "schedule": 60.0,
    },
    # Completion enqueues each certificate after commit; this issues any whose message was lost.
    "issue-missing-certificates": {
        "task": "certificates.tasks.issue_missing_certificates",
        "schedule": crontab(minute=35),
    },
    # Agreements whose status follows from the date, just after midnight in Nairobi; then the
    # partners' reminders, hourly like the enrolment ones (rows with unique keys: idempotent).
    "recompute-agreement-statuses": {
        "task": "partners.tasks.recompute_statuses",
        "schedule": crontab(minute=1, hour=0),
    },
    "schedule-partner-reminders": {
        "task": "partners.tasks.schedule_reminders",
        "schedule": crontab(minute=10),
    },
    # Report requests are rows first: this nudges again the runs whose message or worker was
    # lost (a second message for a run is harmless). Their "ready" e-mails are outbox rows.
    "resume-reports": {
        "task": "reports.tasks.resume_reports",
        "schedule": crontab(minute="*/5"),
    },
    "send-report-emails": {
        "task": "reports.tasks.send_report_emails",
        "schedule": 60.0,
    },
    # Report files are deleted REPORT_FILES_EXPIRE_DAYS after they are ready.
    "expire-report-files": {
        "task": "reports.tasks.expire_report_files",
        "schedule": crontab(minute=20),
    },
    # Subscribed reports of the week or month just ended, each morning in Nairobi; a run is
    # unique for its subscription and period, so a repeated or missed morning is harmless.
    "build-subscribed-reports": {
        "task": "reports.tasks.build_subscribed_reports",
        "schedule": crontab(minute=30, hour=6),
    },
    # Retention (privacy.retention): expired sessions, stale unverified accounts, old e-mail
    # details and audit events, and (again) expired report files, daily in the small hours.
    "purge-expired-data": {
        "task": "privacy.tasks.purge_expired_data",
        "schedule": crontab(minute=45, hour=2),
    },
}

# --- E-mail -----------------------------------------------------------------------------------

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="KSG Digital Academy <academy@ksg.ac.ke>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Language and time ------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("sw", _("Kiswahili"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Nairobi"
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------------

# Request limits. A request over one is refused with a 400 that says which (academy.views
# .bad_request; JSON under /api/) and nothing is saved. Files don't count towards
# DATA_UPLOAD_MAX_MEMORY_SIZE: each upload has its own limit, checked as it arrives (partner
# documents: PARTNER_UPLOAD_MAX_BYTES, 10 MiB; enrolment imports: 1 MB; a certificate PDF to
# verify: 5 MiB), so the largest legitimate request is a 10 MiB partner document.
# Everything but files: form fields, JSON bodies. The longest legitimate ones are a few
# thousand characters (an obligation, a comment); 2.5 MiB is Django's default, made explicit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# The attendance form posts two fields per officer of the cohort (listed, present): 5,000 fits an
# online cohort of 2,000 officers and still stops a request of many thousands of fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=5000)
# Every form of the portal takes one file.
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=10)
# A file larger than this is spooled to a temporary file while it is read instead of held in
# memory (Django's default, explicit): a 10 MiB document never sits whole in a worker's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security ---------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
# A signed-in session ends after this long without a request, and this long after sign-in
# whatever happens (academy.sessions.SessionTimeoutMiddleware), in seconds.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # Behind a TLS-terminating proxy (the compose stack, a load balancer) the proxy says which
    # scheme the client used; trust that header only when told the proxy sets it.
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed over plain HTTP inside the cluster.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Scripts only from our own origin: no inline scripts anywhere, so no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # At DEBUG this logger writes every SQL statement with its parameters: e-mail
        # addresses, names, national IDs. It is pinned at INFO whatever LOG_LEVEL says.
        "django.db.backends": {"level": "INFO", "propagate": True},
        # At DEBUG this one writes the whole context of a template with a missing variable:
        # the e-mail confirmation's address, name and key (tests/privacy/test_log_canaries.py).
        "django.template": {"level": "INFO"},
        # WeasyPrint logs every step of every certificate at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- The portal -------------------------------------------------------------------------------

# The portal's address, for links in e-mails (sent by workers, which have no request).
PORTAL_URL = env("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")
# The private key (PEM, RSA or Ed25519) that signs each certificate's Open Badges credential.
# Required when DEBUG is off (a system check says so); in development (and the tests, which
# start with DEBUG on) a key derived from SECRET_KEY stands in.
OPEN_BADGES_SIGNING_KEY = env("OPEN_BADGES_SIGNING_KEY", default="")
OPEN_BADGES_DEVELOPMENT_KEY = DEBUG
CATALOGUE_PAGE_SIZE = env.int("CATALOGUE_PAGE_SIZE", default=12)
# How long a catalogue result list (page or API) may be served from the cache; 0 turns it off.
# Any change to courses, cohorts or enrolments makes cached lists stale at once (courses.cache).
CATALOGUE_CACHE_SECONDS = env.int("CATALOGUE_CACHE_SECONDS", default=300)
# Partners' documents and evidence (partners.uploads): the largest file taken, and for DOCX and
# XLSX (zip archives) the most they may unpack to and the most parts they may hold.
PARTNER_UPLOAD_MAX_BYTES = env.int("PARTNER_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
PARTNER_UPLOAD_MAX_UNPACKED_BYTES = env.int(
    "PARTNER_UPLOAD_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024
)
PARTNER_UPLOAD_MAX_ZIP_ENTRIES = env.int("PARTNER_UPLOAD_MAX_ZIP_ENTRIES", default=1000)
# Report files (reports.ReportRun) are deleted this many days after they are ready.
REPORT_FILES_EXPIRE_DAYS = env.int("REPORT_FILES_EXPIRE_DAYS", default=7)

# Retention periods (privacy.retention; the privacy page shows the same values). Accounts that
# never verified their address, never enrolled and hold no role are deleted after this many
# days; sent e-mails lose the facts they quoted and any delivery error after this many days;
# audit events (except a certificate's history, kept as long as the certificate) after this
# many days: seven years, so that any decision can still be traced when it is questioned.
PRIVACY_UNVERIFIED_ACCOUNT_DAYS = env.int("PRIVACY_UNVERIFIED_ACCOUNT_DAYS", default=30)
PRIVACY_OUTBOX_DAYS = env.int("PRIVACY_OUTBOX_DAYS", default=180)
PRIVACY_AUDIT_DAYS = env.int("PRIVACY_AUDIT_DAYS", default=7 * 365)
