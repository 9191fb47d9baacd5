"""Sending e-mails that were written as rows first (``models.OutgoingEmail``): reminders and the
e-mails about an officer's enrolment.

Each row is sent in its own short transaction: it is claimed under a lock that other workers
skip (``SELECT … FOR UPDATE SKIP LOCKED``), the e-mail goes out and the row is marked sent
before the lock is released. A worker that dies part-way leaves the rows it did not mark sent
pending for the next run; a row marked sent never goes again. The broker only carries the nudge
to run, so nothing is lost when Redis restarts.

One window is left, and no outbox can close it: a worker killed after the mail server took an
e-mail but before the row's commit leaves the row pending, and it goes again (at least once, never
lost). At most one e-mail per worker process can be in that window. Each e-mail therefore carries
a Message-ID made from its row, the same on every attempt, so that mail servers and clients that
drop a repeated Message-ID show the officer one (tests/enrollments/test_chaos.py counts them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.utils import timezone

from enrollments.models import OutgoingEmail

logger = logging.getLogger(__name__)

Status = OutgoingEmail.Status

# A row that failed this many times is given up (status failed).
MAX_ATTEMPTS = 5


def send_one(
    pending: models.QuerySet,
    pk: int,
    *,
    build_message: Callable[[OutgoingEmail], EmailMessage],
    still_due: Callable[[OutgoingEmail], bool] = lambda row: True,
) -> str | None:
    """Claim, send and mark the row ``pk`` of ``pending`` in its own transaction; its new
    status, or None when it was not claimed (another worker holds it, or it is no longer
    pending). An exception of the e-mail counts as a failed attempt; anything harsher (the
    worker stopping) rolls back, leaving the row pending."""
    with transaction.atomic():
        row = (
            pending.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, status=Status.PENDING)
            .first()
        )
        if row is None:
            return None
        if not still_due(row):
            row.status = Status.SKIPPED
            row.save(update_fields=["status"])
            return row.status
        try:
            message = build_message(row)
            message.extra_headers.setdefault("Message-ID", message_id(row))
            message.send()
        except Exception as exc:  # any failure of one e-mail counts as one attempt
            logger.warning("%s %s not sent: %s", row._meta.verbose_name, row.pk, exc)
            row.attempts += 1
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = Status.FAILED
            row.save(update_fields=["attempts", "last_error", "status"])
            return row.status
        row.status = Status.SENT
        row.sent_at = timezone.now()
        row.attempts += 1
        row.save(update_fields=["status", "sent_at", "attempts"])
        return row.status


def message_id(row: OutgoingEmail) -> str:
    """The Message-ID of the row's e-mail: the same on every attempt to send it. The moment the
    row was written is part of it, so that a row id used again (a database restored from an
    older backup) doesn't make a new e-mail look like a repeat of an old one."""
    domain = urlsplit(settings.PORTAL_URL).hostname or "academy.invalid"
    written = int(row.created_at.timestamp() * 1_000_000)
    return f"<{row._meta.label_lower}.{row.pk}.{written}@{domain}>"


def send_pending(pending: models.QuerySet, *, batch: int, **send) -> int:
    """Send up to ``batch`` pending rows of ``pending``, oldest first; the number sent.

    Safe to run on several workers at once: each skips the rows another holds."""
    pks = list(
        pending.filter(status=Status.PENDING).order_by("pk").values_list("pk", flat=True)[:batch]
    )
    return sum(send_one(pending, pk, **send) == Status.SENT for pk in pks)
