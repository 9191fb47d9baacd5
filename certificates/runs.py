"""Staff issue or re-issue the certificates of a whole cohort at once, in the background.

``run_start`` fixes the cohort's completed enrolments in a ``CertificateRun`` row and, once that
commits, enqueues ``certificates.tasks.run_certificates``; the page of the run shows its
progress from the row. Asking again while a run of the cohort is unfinished returns that run
(a partial unique index backs this under concurrency), so a double click starts nothing twice.

``run_execute`` claims the run, then works through its enrolments from where it stands,
writing the progress after each. A message delivered twice finds the run claimed and does
nothing; a worker that died leaves the run "running" without progress, and after
``STALE_AFTER`` the hourly sweep (``tasks.issue_missing_certificates``) sends a new message,
which takes it over and resumes. A re-issue run
that resumes skips the certificates it re-issued already (issued since the run began).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.audit import audit_record
from academy.models import User
from academy.roles import is_ksg_staff
from certificates.models import Certificate, CertificateRun
from certificates.services import (
    CertificateRefused,
    certificate_issue,
    certificate_reissue,
)
from courses.models import Cohort
from enrollments.models import Enrollment

Mode = CertificateRun.Mode
RunStatus = CertificateRun.Status
UNFINISHED = (RunStatus.QUEUED, RunStatus.RUNNING)
STALE_AFTER = timedelta(minutes=5)


def run_start(
    *, cohort: Cohort, by: User, mode: str, reason: str = ""
) -> tuple[CertificateRun, bool]:
    """The cohort's unfinished run, or a new one queued for a worker; and whether it is new.

    KSG staff only; a re-issue needs a reason (every certificate gets a new serial); the cohort
    must have completed enrolments.
    """
    reason = reason.strip()
    if not is_ksg_staff(by):
        raise CertificateRefused("staff_only", _("Only KSG staff issue certificates."))
    if mode not in Mode.values:
        raise CertificateRefused("unknown_mode", _("Choose to issue or to re-issue."))
    if mode == Mode.REISSUE and not reason:
        raise CertificateRefused(
            "reason_required", _("Say why every certificate of the cohort is re-issued.")
        )
    from certificates.tasks import run_certificates

    with transaction.atomic():
        # Two requests for the same cohort queue here; the second finds the first's run.
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
        existing = unfinished_run(cohort)
        if existing is not None:
            return existing, False
        ids = list(
            Enrollment.objects.filter(cohort=cohort, state=Enrollment.State.COMPLETED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            raise CertificateRefused(
                "nothing_to_issue",
                _("Cohort %(cohort)s has no completed enrolment: there is nothing to issue.")
                % {"cohort": cohort.code},
            )
        run = CertificateRun.objects.create(
            cohort=cohort,
            mode=mode,
            reason=reason,
            enrollment_ids=ids,
            total=len(ids),
            requested_by=by,
        )
        audit_record(
            actor=by,
            action="certificates.run.started",
            target=run,
            data={"cohort": cohort.code, "mode": mode, "total": len(ids), "reason": reason},
        )
        pk = run.pk
        transaction.on_commit(lambda: run_certificates.delay(pk))
    return run, True


def unfinished_run(cohort: Cohort) -> CertificateRun | None:
    return CertificateRun.objects.filter(cohort=cohort, status__in=UNFINISHED).first()


def stale_run_ids() -> list[int]:
    """Unfinished runs with no progress for ``STALE_AFTER``: their message or worker was lost."""
    return list(
        CertificateRun.objects.filter(
            status__in=UNFINISHED, updated_at__lt=timezone.now() - STALE_AFTER
        ).values_list("pk", flat=True)
    )


def run_execute(*, run_id: int) -> CertificateRun | None:
    """The run has worked through all its enrolments and is done; None when another worker
    holds it (or it is done already)."""
    now = timezone.now()
    # Queued: nobody has it. Running without progress for a while: its worker died.
    claimable = Q(status=RunStatus.QUEUED) | Q(
        status=RunStatus.RUNNING, updated_at__lt=now - STALE_AFTER
    )
    claimed = CertificateRun.objects.filter(claimable, pk=run_id).update(
        status=RunStatus.RUNNING, updated_at=now
    )
    if not claimed:
        return None
    run = CertificateRun.objects.select_related("requested_by").get(pk=run_id)
    for index in range(run.done, run.total):
        made = _run_one(run, run.enrollment_ids[index])
        CertificateRun.objects.filter(pk=run.pk).update(
            done=index + 1,
            issued=F("issued") + int(made),
            refused=F("refused") + int(not made),
            updated_at=timezone.now(),
        )
    with transaction.atomic():
        CertificateRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, finished_at=timezone.now(), updated_at=timezone.now()
        )
        run.refresh_from_db()
        audit_record(
            actor=run.requested_by,
            action="certificates.run.finished",
            target=run,
            data={"cohort_id": run.cohort_id, "issued": run.issued, "skipped": run.refused},
        )
    return run


def _run_one(run: CertificateRun, enrollment_id: int) -> bool:
    """Issue or re-issue the certificate of one enrolment; whether this run made one."""
    current = (
        Certificate.objects.filter(
            enrollment_id=enrollment_id,
            status__in=(Certificate.Status.VALID, Certificate.Status.REVOKED),
        )
        .order_by("-pk")
        .first()
    )
    try:
        if current is None:
            certificate_issue(enrollment=enrollment_id, by=run.requested_by)
            return True
        if run.mode == Mode.ISSUE:
            if not current.pdf:
                certificate_issue(enrollment=enrollment_id, by=run.requested_by)
            return False
        if current.issued_at >= run.created_at:
            return True  # re-issued by this run before it was interrupted
        certificate_reissue(certificate=current, by=run.requested_by, reason=run.reason)
        return True
    except CertificateRefused:
        return False
