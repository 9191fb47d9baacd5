"""The e-mails that tell whoever asked for a report that it is ready (or could not be built): a
``ReportEmail`` row
written in the transaction that finishes the run, sent by ``enrollments.outbox`` (once, none
lost) after the commit, and by the beat's sweep for any nudge that was lost.

The e-mail links to the run's page, never to the file: the download asks who is signed in.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from enrollments import outbox
from reports.models import ReportEmail, ReportRun


def report_ready(run: ReportRun) -> ReportEmail:
    """Owe the requester the "your report is ready" e-mail; sent once the transaction commits.

    Idempotent: a run has one such e-mail."""
    email, _created = ReportEmail.objects.get_or_create(
        run=run, kind=ReportEmail.Kind.READY, defaults={"recipient": run.requested_by}
    )
    # robust: a broker that is down must not fail the build; the beat's sweep sends the row.
    transaction.on_commit(_nudge, robust=True)
    return email


def report_failed(run: ReportRun) -> ReportEmail:
    """Owe the requester the "your report could not be built" e-mail, with the reason: someone
    waiting for a report (or a scheduled one that won't come) should not have to find out."""
    email, _created = ReportEmail.objects.get_or_create(
        run=run, kind=ReportEmail.Kind.FAILED, defaults={"recipient": run.requested_by}
    )
    transaction.on_commit(_nudge, robust=True)
    return email


def send_pending(batch: int = 500) -> int:
    """Send up to ``batch`` pending report e-mails, oldest first; the number sent."""
    return outbox.send_pending(_sendable(), batch=batch, build_message=build_message)


def send_one(pk: int) -> str | None:
    return outbox.send_one(_sendable(), pk, build_message=build_message)


def build_message(email: ReportEmail) -> EmailMultiAlternatives:
    """The e-mail, in the recipient's language."""
    run, recipient = email.run, email.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "run": run,
            "recipient": recipient,
            "kind": run.get_kind_display(),
            "format": run.get_format_display(),
            "organisation": run.organisation.name if run.organisation else None,
            "expire_days": settings.REPORT_FILES_EXPIRE_DAYS,
            "link": settings.PORTAL_URL + reverse("report_runs:run", args=[run.pk]),
        }
        prefix = f"reports/email/report_{email.kind}"
        subject = render_to_string(f"{prefix}_subject.txt", context)
        text = render_to_string(f"{prefix}_body.txt", context)
        html = render_to_string(f"{prefix}_body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def _sendable() -> models.QuerySet:
    return ReportEmail.objects.select_related("run__organisation", "recipient")


def _nudge() -> None:
    from reports.tasks import send_report_emails

    send_report_emails.delay()
