"""Celery tasks of certificates: thin, ids in, the work done by ``certificates.services``.

Completion enqueues ``issue_certificate`` once its transaction commits (``certificates.signals``);
issuing is idempotent, so a repeated or duplicated message is harmless. The completion itself is
the row that must not be lost: ``issue_missing_certificates`` (hourly, from beat) issues any
certificate whose message was lost with a worker or the broker.
"""

from celery import shared_task

from certificates import selectors, services


@shared_task(ignore_result=True)
def issue_certificate(enrollment_id: int) -> None:
    try:
        services.certificate_issue(enrollment=enrollment_id)
    except services.CertificateRefused:
        # Not (or no longer) completed by the time the message arrived: nothing to issue.
        return


@shared_task(ignore_result=True)
def issue_cohort_certificates(cohort_id: int) -> None:
    """One message per completed enrolment of the cohort still without a certificate, so that
    several workers share a closing cohort's certificates."""
    for enrollment_id in selectors.enrollments_awaiting_certificate(cohort_id=cohort_id):
        issue_certificate.delay(enrollment_id)


@shared_task(ignore_result=True)
def issue_missing_certificates() -> None:
    """Issue (or finish rendering) every certificate a completion is still owed, and resume the
    cohort runs whose message or worker was lost."""
    from certificates.runs import stale_run_ids

    for enrollment_id in selectors.enrollments_awaiting_certificate():
        issue_certificate.delay(enrollment_id)
    for run_id in stale_run_ids():
        run_certificates.delay(run_id)


@shared_task(ignore_result=True)
def run_certificates(run_id: int) -> None:
    """Issue or re-issue a cohort's certificates (a ``CertificateRun``), recording progress."""
    from certificates.runs import run_execute

    run_execute(run_id=run_id)
