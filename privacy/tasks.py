"""Privacy's background work: the daily retention purge (from beat)."""

from celery import shared_task


@shared_task(ignore_result=True)
def purge_expired_data() -> dict[str, int]:
    """Purge everything past its retention period; the counts are returned and logged."""
    from privacy.retention import retention_purge

    return retention_purge()
