"""Fixtures of the privacy tests: Wanjiku with a completed course, its certificate and PDF,
attendance, a second factor, an API token and a partner comment: a person the portal holds a
lot about."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from rest_framework.authtoken.models import Token

from enrollments.models import Attendance
from tests.certificates.conftest import (  # noqa: F401 - fixtures
    certificate,
    completed,
    course,
    ended,
    signatories,
)
from tests.enrollments.conftest import celery_worker_thread  # noqa: F401 - fixture

TOTP_SECRET = "JBSWY3DPEHPK3PXPCANARY7Q"
RECOVERY_SEED = "c0ffee-recovery-seed-canary"


@pytest.fixture
def rich_wanjiku(wanjiku, completed, certificate, trainer):  # noqa: F811 - fixtures
    """Wanjiku with a national ID, gender, attendance, second factors, a token and a verified
    address."""
    profile = wanjiku.officer_profile
    profile.national_id = "28123456"
    profile.gender = "female"
    profile.save()
    for offset in range(2):
        Attendance.objects.create(
            enrollment=completed,
            day=completed.cohort.starts_on + datetime.timedelta(days=offset),
            present=True,
            recorded_by=trainer,
        )
    Authenticator.objects.create(user=wanjiku, type="totp", data={"secret": TOTP_SECRET})
    Authenticator.objects.create(user=wanjiku, type="recovery_codes", data={"seed": RECOVERY_SEED})
    Token.objects.create(user=wanjiku)
    EmailAddress.objects.update_or_create(
        user=wanjiku, email=wanjiku.email, defaults={"verified": True, "primary": True}
    )
    wanjiku.refresh_from_db()
    return wanjiku
