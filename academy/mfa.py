"""Multi-factor authentication: who must use it, and how its secrets are kept.

Accounts that hold other people's personal data (``roles.requires_mfa``: KSG staff and
superusers, facilitators, training officers, partner reviewers) can do nothing but set up MFA
until they have an authenticator app (TOTP) or a security key (WebAuthn). Recovery codes alone
don't count: they are a fallback for a lost authenticator, not a second factor of their own.

allauth stores a TOTP secret and the seed of the recovery codes in its ``Authenticator.data``;
``MFAAdapter`` encrypts them with Fernet (AES-128-CBC and HMAC-SHA256) under
``MFA_ENCRYPTION_KEY``, so a copy of the database alone does not give away anyone's codes.
"""

import base64
import hashlib
from functools import cache

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib import messages
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from academy import roles
from academy.models import Membership

# The authenticators that count as a second factor.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class EncryptionKeyError(ImproperlyConfigured):
    """``MFA_ENCRYPTION_KEY`` is missing or not a Fernet key."""


def mfa_required_message() -> str:
    return _(
        "Your account gives access to other people's personal data, so it must be protected "
        "by two-factor authentication. Set up an authenticator app or a security key to "
        "continue."
    )


def has_second_factor(user) -> bool:
    """The user has an active authenticator app or security key."""
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def mfa_setup_missing(user) -> bool:
    """The user must use MFA and has not set it up yet."""
    return user.is_authenticated and roles.requires_mfa(user) and not has_second_factor(user)


# --- Encryption at rest ------------------------------------------------------------------------


class MFAAdapter(DefaultMFAAdapter):
    """allauth's MFA adapter, with its secrets encrypted at rest."""

    def encrypt(self, text: str) -> str:
        return fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return fernet().decrypt(encrypted_text.encode()).decode()
        except InvalidToken:
            # Not readable with any configured key: a clear secret left from before encryption
            # (the data migration encrypts those) or a key that was replaced without keeping
            # the old one. Refusing is safer than guessing: the code simply doesn't validate.
            raise InvalidToken(
                "An MFA secret could not be decrypted with MFA_ENCRYPTION_KEY."
            ) from None


def fernet() -> MultiFernet:
    """The Fernet keys of ``MFA_ENCRYPTION_KEY`` (see the settings); ``EncryptionKeyError``."""
    return _fernet(
        settings.MFA_ENCRYPTION_KEY,
        settings.MFA_ENCRYPTION_DEVELOPMENT_KEY,
        settings.SECRET_KEY,
    )


def is_encrypted(value: str) -> bool:
    """``value`` decrypts with the configured keys (used to leave encrypted secrets alone)."""
    try:
        fernet().decrypt(value.encode())
    except (InvalidToken, TypeError, ValueError):
        return False
    return True


def _fernet(keys: str, development: bool, secret_key: str) -> MultiFernet:
    parts = [part.strip() for part in keys.split(",") if part.strip()]
    if not parts:
        if not development:
            raise EncryptionKeyError(
                "MFA_ENCRYPTION_KEY is not set: MFA secrets cannot be stored. Set it to a "
                "Fernet key (manage.py mfa_encryption_key prints a new one)."
            )
        # Development, demo and tests: a key derived from SECRET_KEY, the same on every
        # process and never written anywhere. A deployment refuses to start without a real one.
        digest = hashlib.sha256(b"ksg-academy mfa development key\0" + secret_key.encode())
        parts = [base64.urlsafe_b64encode(digest.digest()).decode()]
    try:
        return MultiFernet([Fernet(part) for part in parts])
    except (ValueError, TypeError):
        raise EncryptionKeyError(
            "MFA_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes), or a "
            "comma-separated list of them."
        ) from None


@register(Tags.security, deploy=True)
def encryption_key_check(app_configs=None, **kwargs):
    """``MFA_ENCRYPTION_KEY`` must be set when ``DEBUG`` is off, and be Fernet keys when set."""
    if settings.MFA_ENCRYPTION_DEVELOPMENT_KEY and not settings.MFA_ENCRYPTION_KEY.strip():
        return []  # development and tests use a key derived from SECRET_KEY
    try:
        fernet()
    except EncryptionKeyError as error:
        return [
            Error(
                str(error),
                hint="Generate one with: python manage.py mfa_encryption_key",
                obj="MFA_ENCRYPTION_KEY",
                id="academy.E001",
            )
        ]
    return []


# --- Enforcement -------------------------------------------------------------------------------


class MFARequiredMiddleware:
    """An account that must use MFA and has none can only set it up (or sign out).

    Pages redirect to the two-factor page with a message; the API answers 403 in its own error
    style. Token-authenticated API calls are checked by ``MFATokenAuthentication``, since DRF
    authenticates tokens after the middleware has run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if mfa_setup_missing(request.user) and not _is_exempt(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": mfa_required_message()}, status=403)
            messages.warning(request, mfa_required_message())
            return redirect("mfa_index")
        return self.get_response(request)


class MFATokenAuthentication(TokenAuthentication):
    """Token authentication that refuses the token of an account without its required MFA."""

    def authenticate_credentials(self, key):
        # DRF's own lookup, with whether the account holds any role read in the same statement:
        # an officer's token (most API calls, enrolment among them) then costs no extra query.
        try:
            token = (
                Token.objects.select_related("user")
                .annotate(user_has_role=Exists(Membership.objects.filter(user=OuterRef("user"))))
                .get(key=key)
            )
        except Token.DoesNotExist:
            raise AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if not token.user_has_role:
            user._academy_memberships = []  # what roles.memberships_of would read
        if mfa_setup_missing(user):
            raise PermissionDenied(mfa_required_message())
        return user, token


def _is_exempt(path: str) -> bool:
    """What an account without MFA may still reach: setting MFA up and what that needs."""
    return path.startswith(_exempt_prefixes())


@cache
def _exempt_prefixes() -> tuple[str, ...]:
    # Reversed once: the URLs don't change while the process runs.
    return (
        reverse("mfa_index"),  # every MFA page: TOTP, security keys, recovery codes
        reverse("account_reauthenticate"),  # allauth asks for the password before activation
        reverse("account_logout"),
        reverse("account_email"),  # TOTP needs a verified address: resend the link
        reverse("account_email_verification_sent"),  # and confirm-email/<key>/
        "/i18n/",
        reverse("healthz"),
        "/" + settings.STATIC_URL.lstrip("/"),
    )
