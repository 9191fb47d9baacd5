"""Celery tasks of reports: thin, ids in, the work done by ``reports.runs`` and
``reports.emails``.

A report request is a ``ReportRun`` row first (``reports.services.report_request``), which
enqueues ``build_report`` after its commit. Building is idempotent: a message delivered twice
finds the run claimed and does nothing. ``resume_reports`` (beat) nudges the runs whose message
or worker was lost; ``expire_report_files`` (beat) deletes the files past their expiry.
"""

from celery import shared_task


@shared_task(ignore_result=True)
def build_report(run_id: int) -> None:
    """Build the file of a ``ReportRun``, recording its progress."""
    from reports.runs import report_build

    report_build(run_id=run_id)


@shared_task(ignore_result=True)
def resume_reports() -> None:
    """Nudge again every run queued or running for too long without progress."""
    from reports.runs import lost_run_ids

    for run_id in lost_run_ids():
        build_report.delay(run_id)


@shared_task(ignore_result=True)
def expire_report_files() -> None:
    """Delete the files of the runs past their expiry (their runs say "expired")."""
    from reports.runs import expire_files

    expire_files()


@shared_task(ignore_result=True)
def send_report_emails() -> None:
    """Send the pending report e-mails; a second run at the same time skips the rows the first
    holds."""
    from reports.emails import send_pending

    send_pending()


@shared_task(ignore_result=True)
def build_subscribed_reports() -> None:
    """Ask for the report of the last whole period of every subscription that lacks it."""
    from reports.subscriptions import build_due_reports

    build_due_reports()
