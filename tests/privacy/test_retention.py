"""Retention: the daily purge removes each kind of data just past its period and keeps what
is just inside it; it reports counts only; beat runs it daily; and it runs on a real worker."""

import datetime
import logging
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.utils import timezone

from academy.models import AuditEvent, Membership, User
from certificates.models import Certificate
from enrollments.models import Notification
from privacy import retention
from reports.models import ReportRun
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()
SECOND = datetime.timedelta(seconds=1)


def _purge(**kwargs):
    return retention.retention_purge(now=NOW, **kwargs)


def _days(n):
    return datetime.timedelta(days=n)


def _run(user, expires_at):
    run = ReportRun(
        kind=ReportRun._meta.get_field("kind").choices[0][0],
        format="csv",
        date_from=NOW.date(),
        date_to=NOW.date(),
        requested_by=user,
        fingerprint=uuid.uuid4().hex,
        status=ReportRun.Status.READY,
        expires_at=expires_at,
    )
    run.file.save("report.csv", ContentFile(b"a,b\n"), save=False)
    run.save()
    return run


def test_report_files_just_past_expiry_go(ksg_staff, django_capture_on_commit_callbacks):
    gone = _run(ksg_staff, NOW - SECOND)
    kept = _run(ksg_staff, NOW + SECOND)
    name = gone.file.name
    with django_capture_on_commit_callbacks(execute=True):
        counts = _purge()
    assert counts["report_files"] == 1
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert gone.status == ReportRun.Status.EXPIRED and not gone.file
    assert not gone.file.storage.exists(name)
    assert kept.status == ReportRun.Status.READY and kept.file.storage.exists(kept.file.name)


def _session(expire_date):
    store = SessionStore()
    store["probe"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expire_date)
    return store.session_key


def test_sessions_just_past_expiry_go():
    gone = _session(NOW - SECOND)
    kept = _session(NOW + SECOND)
    assert _purge()["sessions"] == 1
    assert not Session.objects.filter(session_key=gone).exists()
    assert Session.objects.filter(session_key=kept).exists()


def _account(email, *, age, verified=False):
    user = UserFactory(email=email, verified=verified)
    User.objects.filter(pk=user.pk).update(date_joined=NOW - age)
    if not verified:
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": False, "primary": True}
        )
    return user


def test_stale_unverified_accounts_go_after_the_period(ksg):
    period = _days(settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS)
    gone = _account("old@stale.demo.go.ke", age=period + SECOND)
    young = _account("young@stale.demo.go.ke", age=period - SECOND)
    verified = _account("verified@stale.demo.go.ke", age=period * 10, verified=True)
    enrolled = _account("enrolled@stale.demo.go.ke", age=period * 10)
    EnrollmentFactory(officer=enrolled)
    with_role = _account("role@stale.demo.go.ke", age=period * 10)
    Membership.objects.create(user=with_role, role=Membership.Role.FACILITATOR)
    assert _purge()["unverified_accounts"] == 1
    assert not User.objects.filter(pk=gone.pk).exists()
    assert not EmailAddress.objects.filter(email="old@stale.demo.go.ke").exists()
    for user in (young, verified, enrolled, with_role):
        assert User.objects.filter(pk=user.pk).exists()


def test_the_unverified_period_comes_from_the_setting(settings):
    settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS = 2
    user = _account("two@stale.demo.go.ke", age=_days(2) + SECOND)
    assert _purge()["unverified_accounts"] == 1
    assert not User.objects.filter(pk=user.pk).exists()


def _notification(enrollment, age, status=Notification.Status.SENT):
    row = Notification.objects.create(
        enrollment=enrollment,
        kind=Notification._meta.get_field("kind").choices[0][0],
        status=status,
        data={"serial": "KSG-2026-000001", "reason": "Sick leave"},
        last_error="550 mailbox wanjiku@ict.demo.go.ke unavailable",
    )
    Notification.objects.filter(pk=row.pk).update(created_at=NOW - age)
    return row


def test_old_email_details_are_cleared_after_the_period(wanjiku):
    period = _days(settings.PRIVACY_OUTBOX_DAYS)
    enrollment = EnrollmentFactory(officer=wanjiku)
    old = _notification(enrollment, period + SECOND)
    young = _notification(enrollment, period - SECOND)
    pending = _notification(enrollment, period * 2, status=Notification.Status.PENDING)
    assert _purge()["outbox_rows"] == 1
    old.refresh_from_db()
    young.refresh_from_db()
    pending.refresh_from_db()
    assert old.data == {} and old.last_error == ""
    assert old.status == Notification.Status.SENT  # the row stays: its key stops a resend
    assert young.data and young.last_error
    assert pending.data  # not sent yet: it still needs its facts


def test_old_audit_events_go_except_a_certificate_s_history(wanjiku):
    period = _days(settings.PRIVACY_AUDIT_DAYS)
    old = AuditEvent.objects.create(action="test.old", created_at=NOW - period - SECOND)
    young = AuditEvent.objects.create(action="test.young", created_at=NOW - period + SECOND)
    history = AuditEvent.objects.create(
        action="certificates.certificate.issued",
        created_at=NOW - period * 2,
        target_type=ContentType.objects.get_for_model(Certificate),
        target_id="1",
    )
    assert _purge()["audit_events"] == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk__in=[young.pk, history.pk]).count() == 2


def test_the_purge_reports_counts_only(caplog, wanjiku):
    _account("canary-retention@stale.demo.go.ke", age=_days(365))
    with caplog.at_level(logging.INFO, logger="privacy.retention"):
        counts = _purge()
    assert set(counts) == {
        "report_files",
        "sessions",
        "unverified_accounts",
        "outbox_rows",
        "audit_events",
    }
    assert all(isinstance(v, int) for v in counts.values())
    assert "canary-retention" not in caplog.text
    assert str(counts) in caplog.text
    event = AuditEvent.objects.get(action="privacy.retention.purged")
    assert event.data == counts and event.actor is None


def test_beat_runs_the_purge_daily():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "privacy.tasks.purge_expired_data"
    )
    schedule = entry["schedule"]
    assert schedule.hour == {2} and schedule.minute == {45}


def test_the_privacy_page_shows_the_periods_the_task_uses(client, settings):
    settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS = 41
    settings.PRIVACY_OUTBOX_DAYS = 97
    settings.PRIVACY_AUDIT_DAYS = 2999
    settings.REPORT_FILES_EXPIRE_DAYS = 5
    page = client.get("/privacy/").content.decode()
    for figure in ("41 days", "97 days", "2999 days", "5 days", "12 hours"):
        assert figure in page, figure
    assert retention.periods()["unverified_account_days"] == 41


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_task_runs_on_a_real_worker(celery_worker_thread):
    from privacy.tasks import purge_expired_data
    from tests.enrollments.conftest import wait_for

    user = _account("worker@stale.demo.go.ke", age=_days(365))
    purge_expired_data.delay()
    assert wait_for(lambda: not User.objects.filter(pk=user.pk).exists())
    assert wait_for(lambda: AuditEvent.objects.filter(action="privacy.retention.purged").exists())


def test_listed_sessions_whose_session_is_gone_go(wanjiku):
    from allauth.usersessions.models import UserSession

    kept = _session(NOW + datetime.timedelta(hours=1))
    UserSession.objects.create(user=wanjiku, session_key=kept, ip="127.0.0.1", user_agent="a")
    UserSession.objects.create(user=wanjiku, session_key="gone" * 8, ip="127.0.0.1", user_agent="b")
    assert _purge()["sessions"] == 1
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [kept]
