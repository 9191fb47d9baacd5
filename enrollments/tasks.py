"""Celery tasks of enrolments: thin, ids in, the work done by the modules they call."""

from celery import shared_task

from enrollments import notifications


@shared_task(ignore_result=True)
def send_enrolment_email(enrollment_id: int, kind: str, position: int | None = None) -> None:
    notifications.send_enrolment_email(enrollment_id, kind, position)
