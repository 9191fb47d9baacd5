"""No personal data, password, token or code in the logs: canaries are planted through real
requests (sign-up, sign-in with a wrong and a right password, a TOTP code, password reset,
profile update, API calls with a token, a report, a request that fails with a 500) with every
logger at DEBUG, and the captured output is searched for each of them.

The loggers that settings.LOGGING pins to a level keep it (that is what LOG_LEVEL=DEBUG does
in production); every other logger is raised to DEBUG. Two are pinned at INFO for privacy:
``django.db.backends``, which at DEBUG writes each SQL statement with its parameters (the
personal data itself), and ``django.template``, which at DEBUG wrote the whole context of the
sign-up confirmation e-mail (address, name and confirmation key): the leak this test found.
The twin test shows that the search finds a canary when the SQL logger is let down to DEBUG.
"""

import datetime
import logging
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy import services as academy_services
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

EMAIL = "canary.zq9wx@ict.go.ke"
PASSWORD = "Canary-Pass-Zq9w-8841"
WRONG_PASSWORD = "Canary-Wrong-Xv7k-1193"
NATIONAL_ID = "97531864"
PERSONAL_NUMBER = "CNRY77431"
FULL_NAME = "Canaryname Zqxwvut"
TOTP_CODE = "739184"
TOTP_SECRET = "CANARYTOTPSECRETZQWXVKLM"


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s %(pathname)s")
        )
        self.lines: list[str] = []

    def emit(self, record):
        # What any formatter could write: the message, its arguments, exception and stack.
        self.lines.append(self.format(record))
        self.lines.append(repr(record.args))


@pytest.fixture
def captured():
    """Every logger at DEBUG but those LOGGING pins, all into one list."""
    handler = Capture()
    pinned = {n for n, c in settings.LOGGING["loggers"].items() if "level" in c}
    names = ["", "django", "django.request", "django.server", "django.security", "celery"]
    names += list(logging.root.manager.loggerDict)
    before = {}
    for name in names:
        logger = logging.getLogger(name)
        before[name] = (logger.level, logger.disabled)
        if not any(name == p or name.startswith(p + ".") for p in pinned):
            logger.setLevel(logging.DEBUG)
        logger.disabled = False
    logging.getLogger().addHandler(handler)
    for name in ("celery", "django"):
        logging.getLogger(name).addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)
    for name in ("celery", "django"):
        logging.getLogger(name).removeHandler(handler)
    for name, (level, disabled) in before.items():
        logging.getLogger(name).setLevel(level)
        logging.getLogger(name).disabled = disabled


def _sign_up(organisation, duty_station, **personal) -> dict:
    """The sign-up form filled with the canaries."""
    return {
        "full_name": FULL_NAME,
        "email": EMAIL,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "personal_number": PERSONAL_NUMBER,
        "organisation": organisation.pk,
        "job_group": "K",
        "designation": "ICT Officer II",
        "duty_station": duty_station.pk,
        **personal,
    }


def _plant(state_department_ict, nairobi, wanjiku, hr_ict, ministry_ict):
    """Every request that carries a canary; returns the canaries, the token among them."""
    anonymous = Client(raise_request_exception=False)
    # Sign-up with every personal field.
    anonymous.post(
        reverse("account_signup"),
        _sign_up(state_department_ict, nairobi, gender="female", national_id=NATIONAL_ID),
    )
    # Sign-in: wrong then right password, for a known and an unknown address.
    wanjiku.set_password(PASSWORD)
    wanjiku.save()
    for email, password in (
        (wanjiku.email, WRONG_PASSWORD),
        (EMAIL, WRONG_PASSWORD),
        (wanjiku.email, PASSWORD),
    ):
        Client().post(reverse("account_login"), {"login": email, "password": password})
    # Password reset, known and unknown address.
    for email in (EMAIL, wanjiku.email):
        anonymous.post(reverse("account_reset_password"), {"email": email})
    # A second factor: a wrong TOTP code at sign-in.
    # (hr_ict has an authenticator app already, as every role must, academy.mfa: its secret
    # becomes the canary, stored encrypted as MFAAdapter does.)
    totp = Authenticator.objects.get(user=hr_ict, type="totp")
    previous = totp.data
    totp.data = {"secret": encrypt(TOTP_SECRET)}
    totp.save()
    second = Client()
    second.post(reverse("account_login"), {"login": hr_ict.email, "password": DEFAULT_PASSWORD})
    second.post(reverse("mfa_authenticate"), {"code": TOTP_CODE})
    totp.data = previous
    totp.save()
    # Profile update with a national ID.
    officer = Client(raise_request_exception=False)
    officer.force_login(wanjiku)
    profile_data = {
        "full_name": FULL_NAME,
        "preferred_language": "en",
        "organisation": state_department_ict.pk,
        "job_group": "K",
        "designation": "ICT Officer I",
        "duty_station": nairobi.pk,
        "gender": "female",
        "national_id": NATIONAL_ID,
    }
    officer.post(reverse("academy:profile"), profile_data)
    # The API with a token, a right and a wrong one.
    token = academy_services.api_token_create(user=hr_ict).key
    api = Client(raise_request_exception=False)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    api.get(reverse("api_my_enrolments"), **auth)
    api.get(reverse("api_my_enrolments"), HTTP_AUTHORIZATION=f"Token {token[::-1]}")
    # A report whose file holds the officer's name and personal number.
    api.post(
        reverse("api_report_request"),
        {
            "kind": "no_training",
            "format": "csv",
            "from": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
            "to": timezone.localdate().isoformat(),
            "organisation": ministry_ict.pk,
        },
        content_type="application/json",
        **auth,
    )
    # A request that fails with a 500 while carrying personal data in its body.
    with mock.patch("academy.views_profile._save", side_effect=RuntimeError("boom")):
        response = officer.post(reverse("academy:profile"), profile_data)
    assert response.status_code == 500
    # A 404 and a 403, which Django logs as warnings.
    officer.get(f"/no-such-page/{NATIONAL_ID[:2]}/")
    officer.get(reverse("privacy:staff_list"))
    return [
        EMAIL,
        PASSWORD,
        WRONG_PASSWORD,
        NATIONAL_ID,
        PERSONAL_NUMBER,
        FULL_NAME,
        TOTP_CODE,
        TOTP_SECRET,
        token,
        wanjiku.email,
        wanjiku.officer_profile.personal_number,
    ]


@pytest.fixture
def canary_wanjiku(wanjiku):
    wanjiku.full_name = FULL_NAME
    wanjiku.save()
    profile = wanjiku.officer_profile
    profile.personal_number = PERSONAL_NUMBER[:-1] + "2"  # the sign-up takes the planted one
    profile.save()
    return wanjiku


def test_no_canary_reaches_the_logs(
    captured,
    state_department_ict,
    nairobi,
    canary_wanjiku,
    hr_ict,
    ministry_ict,
    django_capture_on_commit_callbacks,
):
    # Work enqueued after commit (the report build, e-mails) runs too, eagerly.
    with django_capture_on_commit_callbacks(execute=True):
        canaries = _plant(state_department_ict, nairobi, canary_wanjiku, hr_ict, ministry_ict)
    output = "\n".join(captured.lines)
    # The search is not vacuous: the requests did log (a 500 with its traceback, a 404, ...).
    assert "Internal Server Error: /profile/" in output
    assert "RuntimeError: boom" in output
    assert len(captured.lines) > 20
    from reports.models import ReportRun

    run = ReportRun.objects.get(kind="no_training")
    assert run.status == ReportRun.Status.READY  # the report with the officer was built
    with run.file.open("rb") as file:
        assert canary_wanjiku.officer_profile.personal_number in file.read().decode("utf-8-sig")
    hits = {c: output.count(c) for c in canaries if c in output}
    assert hits == {}


@pytest.mark.parametrize("name", ["django.db.backends", "django.template"])
def test_the_loggers_that_write_personal_data_at_debug_are_pinned_at_info(name):
    assert settings.LOGGING["loggers"][name]["level"] == "INFO"
    assert logging.getLogger(name).getEffectiveLevel() == logging.INFO


def test_twin_the_search_finds_a_canary_when_sql_is_logged_at_debug(captured, wanjiku):
    """With the SQL logger at DEBUG (what LOGGING forbids), the national ID is in the log:
    proof that the search above would see a leak."""
    sql = logging.getLogger("django.db.backends")
    level = sql.level
    sql.setLevel(logging.DEBUG)
    previous = connection.force_debug_cursor
    connection.force_debug_cursor = True
    try:
        profile = wanjiku.officer_profile
        profile.national_id = NATIONAL_ID
        profile.save()
    finally:
        connection.force_debug_cursor = previous
        sql.setLevel(level)
    assert NATIONAL_ID in "\n".join(captured.lines)


def test_twin_the_search_finds_the_template_leak_when_that_logger_is_at_debug(
    captured, state_department_ict, nairobi
):
    """The leak this test found: at DEBUG, django.template logged the sign-up e-mail's
    context, address included."""
    template = logging.getLogger("django.template")
    level = template.level
    template.setLevel(logging.DEBUG)
    try:
        Client().post(
            reverse("account_signup"),
            _sign_up(state_department_ict, nairobi, gender="", national_id=""),
        )
    finally:
        template.setLevel(level)
    assert EMAIL in "\n".join(captured.lines)
