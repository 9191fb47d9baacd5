"""Celery tasks of enrolments: thin, ids in, the work done by the modules they call."""

from celery import shared_task

from enrollments import notifications


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
    """Send the pending reminders; a second run at the same time skips the rows the first holds."""
    from enrollments import reminders

    reminders.send_pending_reminders()
