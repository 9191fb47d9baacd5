"""A bare Celery task: the floor against which the reminder run's per-item cost is set."""

from celery import shared_task


@shared_task(ignore_result=True)
def noop(pk: int) -> None:
    """Does nothing: what a task costs before it does any work."""
