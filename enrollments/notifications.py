"""E-mails to an officer when their enrolment changes: enrolled, waiting list, promoted, request
approved or declined, withdrawn, moved to another cohort (cohort changed); and, written by
``certificates.services``, when the certificate it earned is issued, revoked or re-issued.

Services call ``notify`` inside their transaction. It writes a ``Notification`` row there, so a
rolled-back change tells nobody and a committed one is never lost (the row is an outbox:
``enrollments.outbox`` sends it once). After the commit, ``notify`` nudges a worker to send the
pending rows; the beat schedule runs the same sender every minute for any nudge that was lost.
Messages are written in the officer's own language.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from academy.models import AuditEvent
from courses.models import Cohort
from enrollments import outbox
from enrollments.models import Enrollment, Notification

KINDS = Notification.Kind.values

# A worker process nudges the sender at most this often; each nudge runs the sender this many
# seconds later, by when every row this process committed since the previous nudge is
# committed. Under load that is one broker message a second per process instead of one per
# enrolment: handing a message to Celery costs a request more than writing the row does.
NUDGE_INTERVAL = 1.0
_last_nudge = float("-inf")


# The certificates app writes these kinds; their templates live with its own.
CERTIFICATE_KINDS = {
    Notification.Kind.CERTIFICATE_ISSUED,
    Notification.Kind.CERTIFICATE_REVOKED,
    Notification.Kind.CERTIFICATE_REISSUED,
}


def notify(enrollment: Enrollment, kind: str, *, data: dict | None = None) -> Notification:
    """Owe the officer the ``kind`` e-mail about ``enrollment``; sent once the transaction
    commits. ``data``: facts the e-mail tells that the enrolment does not hold (JSON)."""
    if kind not in KINDS:
        raise ValueError(f"unknown enrolment e-mail {kind!r}")
    notification = Notification.objects.create(
        enrollment=enrollment,
        kind=kind,
        waitlist_position=enrollment.waitlist_position,
        data=data or {},
    )
    # robust: a broker that is down must not turn a committed enrolment into an error page; the
    # row waits for the beat's run of the sender.
    transaction.on_commit(nudge_sender, robust=True)
    return notification


def nudge_sender() -> None:
    """Ask a worker to send the pending e-mails: at once where tasks run in-process (a
    development machine without a broker, the tests), else at most once per NUDGE_INTERVAL."""
    global _last_nudge
    from enrollments.tasks import send_notifications

    if send_notifications.app.conf.task_always_eager:
        send_notifications.delay()
        return
    now = time.monotonic()
    if now - _last_nudge >= NUDGE_INTERVAL:
        _last_nudge = now
        send_notifications.apply_async(countdown=NUDGE_INTERVAL)


def _sendable() -> models.QuerySet:
    return Notification.objects.select_related(
        "enrollment__officer", "enrollment__cohort__course", "enrollment__cohort__campus"
    )


def send_pending_notifications(batch: int = 500) -> int:
    """Send up to ``batch`` pending enrolment e-mails, oldest first; the number sent."""
    return outbox.send_pending(_sendable(), batch=batch, build_message=build_message)


def build_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail, written in the officer's language."""
    enrollment = notification.enrollment
    officer = enrollment.officer
    kind = notification.kind
    with translation.override(officer.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "enrollment": enrollment,
            "position": notification.waitlist_position,
            "officer": officer,
            "cohort": enrollment.cohort,
            "course": enrollment.cohort.course,
            "my_learning_url": settings.PORTAL_URL + reverse("enrollments:my_learning"),
            "data": notification.data,
        }
        if kind == Notification.Kind.COHORT_CHANGED:
            context["previous_cohort"], context["move_reason"] = _moved_from(enrollment)
        folder = "certificates/email" if kind in CERTIFICATE_KINDS else "enrollments/email"
        subject = render_to_string(f"{folder}/{kind}_subject.txt", context)
        text = render_to_string(f"{folder}/{kind}_body.txt", context)
        # The text was rendered without escaping: body.html escapes it (force_escape).
        html = render_to_string("enrollments/email/body.html", {**context, "text": text})
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[officer.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def _moved_from(enrollment: Enrollment) -> tuple[Cohort | None, str]:
    """The cohort the officer was last moved from into the enrolment's cohort, and why, as the
    audit event of the move (written in the same transaction as the move) records them."""
    event = (
        AuditEvent.objects.filter(
            action="enrollments.enrollment.moved",
            target_type=ContentType.objects.get_for_model(Enrollment),
            target_id=str(enrollment.pk),
            data__to=enrollment.cohort.code,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if event is None:
        return None, ""
    previous = Cohort.objects.select_related("campus").filter(code=event.data.get("from")).first()
    return previous, event.data.get("reason") or ""
