"""Writes of the privacy app: recording a subject access export, and asking for, deciding and
carrying out an erasure (DPA 2019 s.40).

Erasure pseudonymises rather than deletes: the completions and certificates of the person are
facts other people rely on (a certificate's verification page, an organisation's training
figures), so their rows stay, stripped of everything that says who the person was.
"""

from __future__ import annotations

import logging
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.audit import audit_record
from academy.models import Membership, OfficerProfile, User
from privacy.models import ErasureRequest

logger = logging.getLogger(__name__)

# The domain of every erased account's address: ".invalid" is reserved (RFC 2606), so no mail
# can ever be delivered to it.
ERASED_EMAIL_DOMAIN = "erased.invalid"
ERASED_COMMENT = "[removed at the author's request]"
Status = ErasureRequest.Status


class ErasurePending(Exception):
    """The person already has a request waiting for a decision."""


class ErasureAlreadyDecided(Exception):
    """The request was decided by someone else in the meantime."""


class ErasureOwnRequest(Exception):
    """A member of KSG staff may not approve the erasure of their own account."""


def subject_access_recorded(*, user: User, fmt: str) -> None:
    """An audit event says that ``user`` read or downloaded their own data (``fmt``: "html" or
    "json"), and when; never what it contained."""
    audit_record(
        actor=user, action="privacy.subject_access.exported", target=user, data={"format": fmt}
    )


def erasure_request_create(*, user: User, reason: str) -> ErasureRequest:
    """``user`` has one pending erasure request with ``reason``; raises ErasurePending if they
    had one already."""
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(user=user, reason=reason.strip())
            audit_record(actor=user, action="privacy.erasure.requested", target=request)
    except IntegrityError as exc:
        raise ErasurePending from exc
    return request


def erasure_decide(
    *, request: ErasureRequest, approve: bool, by: User, reason: str
) -> ErasureRequest:
    """The pending ``request`` is approved (and the person erased, in the same transaction) or
    declined (and nothing else changes), with who decided, when and why. Another member of
    KSG staff must approve one's own request: no one erases their own record unchecked."""
    if approve and request.user_id == by.pk:
        raise ErasureOwnRequest
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != Status.PENDING:
            raise ErasureAlreadyDecided
        locked.status = Status.APPROVED if approve else Status.DECLINED
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.decision_reason = reason.strip()
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        data = {"reason": locked.decision_reason}
        if approve:
            data["erased"] = user_erase(user=locked.user)
        audit_record(
            actor=by,
            action=f"privacy.erasure.{'approved' if approve else 'declined'}",
            target=locked,
            data=data,
        )
    return locked


def user_erase(*, user: User) -> dict[str, int]:
    """``user`` is pseudonymised: nothing left says who they were, they cannot sign in, and
    their completions and certificates stay, in a minimal form. Call inside a transaction (the
    decision's); returns how many rows of each kind were changed (counts, no personal data)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from rest_framework.authtoken.models import Token

    from certificates.models import Certificate
    from enrollments.models import Enrollment, Notification, OutgoingEmail, Reminder
    from partners.models import PartnerReminder, Review
    from reports.models import ReportEmail, ReportSubscription

    user = User.objects.select_for_update().get(pk=user.pk)
    counts: dict[str, int] = {}
    pseudonym = f"erased-{user.pk}@{ERASED_EMAIL_DOMAIN}"

    # The account: no name, an address nobody receives mail at, no password, no roles.
    user.email = pseudonym
    user.full_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    counts["memberships"] = Membership.objects.filter(user=user).delete()[0]

    # The profile stays (reports count completions by organisation and job group), without
    # anything that identifies the person: the personal number becomes a unique placeholder.
    counts["officer_profile"] = OfficerProfile.objects.filter(user=user).update(
        personal_number=f"ERASED-{user.pk}",
        national_id="",
        gender="",
        designation="",
        updated_at=timezone.now(),
    )

    # Ways into the account, and copies of the address.
    counts["email_addresses"] = EmailAddress.objects.filter(user=user).delete()[0]
    counts["authenticators"] = Authenticator.objects.filter(user=user).delete()[0]
    counts["api_tokens"] = Token.objects.filter(user=user).delete()[0]
    counts["sessions"] = _sessions_end(user)

    # Free text about or by the person: staff reasons on their enrolments, their comments on
    # partners' deliverables (the decision stays, it is the partner's record).
    counts["enrollment_reasons"] = (
        Enrollment.objects.filter(officer=user).exclude(reason="").update(reason="")
    )
    counts["review_comments"] = (
        Review.objects.filter(author=user).exclude(comment="").update(comment=ERASED_COMMENT)
    )

    # E-mails: nothing more is sent, and what was sent keeps no facts or errors (which may
    # quote the address).
    pending = OutgoingEmail.Status.PENDING
    skipped = OutgoingEmail.Status.SKIPPED
    notifications = Notification.objects.filter(enrollment__officer=user)
    notifications.filter(status=pending).update(status=skipped)
    counts["notifications"] = notifications.update(data={}, last_error="")
    for model, lookup in (
        (Reminder, "recipient"),
        (ReportEmail, "recipient"),
        (PartnerReminder, "recipient"),
    ):
        rows = model.objects.filter(**{lookup: user})
        rows.filter(status=pending).update(status=skipped)
        extra = {"email": pseudonym} if model is PartnerReminder else {}
        counts[model._meta.model_name] = rows.update(last_error="", **extra)
    counts["report_subscriptions"] = ReportSubscription.objects.filter(
        owner=user, is_active=True
    ).update(is_active=False)

    # The admin's change log names the account in its own words.
    counts["admin_log"] = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=pseudonym, change_message="")

    # Certificates stay verifiable: serial, course, dates and status, no holder. The PDF and
    # the signed credential print the name, so they go (the files once the erasure commits).
    certificates = list(Certificate.objects.select_for_update().filter(enrollment__officer=user))
    for certificate in certificates:
        if certificate.pdf:
            name = certificate.pdf.name
            transaction.on_commit(lambda name=name: default_storage.delete(name))
        facts = dict(certificate.badge_facts or {})
        facts.pop("recipient", None)
        certificate.pdf = ""
        certificate.badge_jwt = ""
        certificate.badge_facts = facts
        certificate.officer_name = ""
        certificate.save(update_fields=["pdf", "badge_jwt", "badge_facts", "officer_name"])
    counts["certificates"] = len(certificates)
    return counts


def _sessions_end(user: User) -> int:
    """End every session of ``user``, through the session engine (so a cached session goes
    too). Stored sessions only know their user inside their encoded data, so each live one is
    read: erasure is rare, and the table holds only unexpired sessions after the daily purge."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()
        ended += 1
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store().delete(session.session_key)
            ended += 1
    return ended
