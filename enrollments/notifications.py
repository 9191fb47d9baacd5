"""E-mails to an officer when their enrolment changes: enrolled, waiting list, promoted, request
approved or declined, withdrawn, moved to another cohort (cohort changed).

Services call ``notify`` inside their transaction; the message is handed to Celery only once
the transaction commits (a rolled-back change tells nobody) and is written in the officer's own
language. Reminders, which must never be lost or sent twice, are rows first: see
``enrollments.reminders``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from academy.models import AuditEvent
from courses.models import Cohort
from enrollments.models import Enrollment

KINDS = (
    "enrolled",
    "waitlisted",
    "promoted",
    "approved",
    "declined",
    "withdrawn",
    "cohort_changed",
)


def notify(enrollment: Enrollment, kind: str) -> None:
    """Send the officer the ``kind`` e-mail about ``enrollment`` once the transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown enrolment e-mail {kind!r}")
    from enrollments.tasks import send_enrolment_email

    # The place in line as it is now: by the time the message is written, a waiting officer
    # may already have been promoted.
    pk, position = enrollment.pk, enrollment.waitlist_position
    transaction.on_commit(lambda: send_enrolment_email.delay(pk, kind, position))


def send_enrolment_email(enrollment_id: int, kind: str, position: int | None = None) -> bool:
    """Render and send the e-mail; False when the enrolment is gone."""
    enrollment = (
        Enrollment.objects.select_related("officer", "cohort__course", "cohort__campus")
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None:
        return False
    officer = enrollment.officer
    with translation.override(officer.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "enrollment": enrollment,
            "position": position,
            "officer": officer,
            "cohort": enrollment.cohort,
            "course": enrollment.cohort.course,
            "my_learning_url": settings.PORTAL_URL + reverse("enrollments:my_learning"),
        }
        if kind == "cohort_changed":
            context["previous_cohort"], context["move_reason"] = _moved_from(enrollment)
        subject = render_to_string(f"enrollments/email/{kind}_subject.txt", context)
        text = render_to_string(f"enrollments/email/{kind}_body.txt", context)
        # The text was rendered without escaping: body.html escapes it (force_escape).
        html = render_to_string("enrollments/email/body.html", {**context, "text": text})
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[officer.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    return True


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
