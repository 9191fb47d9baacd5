"""Celery tasks of partners: thin, the work done by the modules they call."""

from celery import shared_task
from django.db import transaction

REMINDER_BATCH = 500


@shared_task(ignore_result=True)
def recompute_statuses() -> None:
    """Move agreements whose status follows from today's date (beat runs this daily)."""
    from partners import services

    services.recompute_statuses()


@shared_task(ignore_result=True)
def schedule_reminders() -> None:
    """Write the reminders due today, then nudge a worker to send them (beat runs this)."""
    from partners import reminders

    reminders.schedule_due_reminders()
    transaction.on_commit(send_reminders.delay)


@shared_task(ignore_result=True)
def send_reminders() -> None:
    """Send a batch of the pending reminders; a second run at the same time skips the rows the
    first holds. A run that sent some while more wait queues the next batch at once, and a run
    that sent none ends the chain, as enrolment reminders do (enrollments.tasks)."""
    from partners import reminders

    if reminders.send_pending_reminders(batch=REMINDER_BATCH) and reminders.any_pending():
        send_reminders.delay()
