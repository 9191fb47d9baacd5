"""Retention (DPA 2019 s.39: kept no longer than the purpose needs): what is purged, after how
long. The periods are settings, read here and by the privacy page, so the page and the daily
task cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import logging

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError
from django.utils import timezone

from academy.audit import audit_record
from academy.models import AuditEvent, Membership, User

logger = logging.getLogger(__name__)


def periods() -> dict[str, int]:
    """Each retention period in days (sessions: in hours), as the settings say now."""
    return {
        "report_files_days": settings.REPORT_FILES_EXPIRE_DAYS,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        "unverified_account_days": settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS,
        "outbox_days": settings.PRIVACY_OUTBOX_DAYS,
        "audit_days": settings.PRIVACY_AUDIT_DAYS,
    }


def retention_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Everything past its retention period is gone; returns how many of each kind (counts
    only, which are also logged and audited)."""
    now = now or timezone.now()
    from reports.runs import expire_files

    counts = {
        "report_files": expire_files(now=now),
        "sessions": _expired_sessions(now),
        "unverified_accounts": _stale_unverified_accounts(now),
        "outbox_rows": _old_outbox_details(now),
        "audit_events": _old_audit_events(now),
    }
    with transaction.atomic():
        audit_record(actor=None, action="privacy.retention.purged", data=counts)
    logger.info("privacy retention purge: %s", counts)
    return counts


def stale_unverified_accounts(now: dt.datetime) -> list[int]:
    """Ids of accounts never verified, with no enrolment and no role, older than the period."""
    from allauth.account.models import EmailAddress

    from enrollments.models import Enrollment

    cutoff = now - dt.timedelta(days=settings.PRIVACY_UNVERIFIED_ACCOUNT_DAYS)
    return list(
        User.objects.filter(date_joined__lt=cutoff, is_staff=False, is_superuser=False)
        .exclude(Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)))
        .exclude(Exists(Enrollment.objects.filter(officer=OuterRef("pk"))))
        .exclude(Exists(Membership.objects.filter(user=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )


def _expired_sessions(now: dt.datetime) -> int:
    deleted = Session.objects.filter(expire_date__lt=now).delete()[0]
    # A listed session whose session is gone (asked through the session engine, which may be a
    # cache) is not a session any more.
    for user_session in UserSession.objects.iterator():
        if not user_session.exists():
            user_session.delete()
            deleted += 1
    return deleted


def _stale_unverified_accounts(now: dt.datetime) -> int:
    deleted = 0
    for pk in stale_unverified_accounts(now):
        try:
            with transaction.atomic():
                User.objects.filter(pk=pk).delete()
        except ProtectedError:
            # Something kept refers to the account (it acted on something): it stays.
            continue
        deleted += 1
    return deleted


def _old_outbox_details(now: dt.datetime) -> int:
    """Sent or finished e-mails older than the period keep their row (the unique keys stop a
    reminder being sent twice) but lose the facts they quoted and any delivery error."""
    from enrollments.models import Notification, OutgoingEmail, Reminder
    from partners.models import PartnerReminder
    from reports.models import ReportEmail

    cutoff = now - dt.timedelta(days=settings.PRIVACY_OUTBOX_DAYS)
    cleared = 0
    for model in (Notification, Reminder, PartnerReminder, ReportEmail):
        rows = model.objects.filter(created_at__lt=cutoff).exclude(
            status=OutgoingEmail.Status.PENDING
        )
        if model is Notification:
            cleared += rows.exclude(data={}, last_error="").update(data={}, last_error="")
        else:
            cleared += rows.exclude(last_error="").update(last_error="")
    return cleared


def _old_audit_events(now: dt.datetime) -> int:
    """Audit events older than the period, except a certificate's: its history stays as long
    as the certificate can be verified."""
    from certificates.models import Certificate

    cutoff = now - dt.timedelta(days=settings.PRIVACY_AUDIT_DAYS)
    old = AuditEvent.objects.filter(created_at__lt=cutoff).exclude(
        target_type=ContentType.objects.get_for_model(Certificate)
    )
    return old.delete()[0]
