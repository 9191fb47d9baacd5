"""Celery tasks of enrolments: thin, ids in, the work done by the modules they call."""

from celery import shared_task

from enrollments import notifications

# Reminders one run of ``send_reminders`` sends before it hands on to the next run.
REMINDER_BATCH = 500


@shared_task(ignore_result=True)
def send_notifications() -> None:
    """Send the pending enrolment e-mails; a second run at the same time skips the rows the
    first holds."""
    notifications.send_pending_notifications()


@shared_task(ignore_result=True)
def schedule_reminders() -> None:
    """Write the reminders due today, then nudge a worker to send them (beat runs this)."""
    from django.db import transaction

    from enrollments import reminders

    reminders.schedule_due_reminders()
    transaction.on_commit(send_reminders.delay)


@shared_task(ignore_result=True)
def send_reminders() -> None:
    """Send a batch of the pending reminders; a second run at the same time skips the rows the
    first holds.

    A run that sent some while more wait queues the next batch at once: 1,000 reminders due
    together go out in one go, not 500 an hour. A run that sent none (the mail server is down,
    or another worker holds the rows) ends the chain, so an outage doesn't spin; the hourly
    schedule starts it again."""
    from enrollments import reminders

    if reminders.send_pending_reminders(batch=REMINDER_BATCH) and reminders.any_pending():
        send_reminders.delay()
