"""Completion issues the certificate, after the commit, through the task: a result decided one at
a time, a cohort closed at once, and the hourly sweep for any whose message was lost."""

import pytest

from certificates import tasks
from certificates.models import Certificate
from enrollments import results
from enrollments.models import Enrollment
from tests.certificates.conftest import completed_officer
from tests.enrollments.conftest import attend, make_officer
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db
State = Enrollment.State


@pytest.fixture
def seated(ended, wanjiku):
    """Wanjiku holds a seat in the ended cohort and was there every day."""
    enrollment = EnrollmentFactory(officer=wanjiku, cohort=ended, state=State.ENROLLED)
    attend(enrollment, 5)
    return enrollment


def test_a_result_decided_as_completed_issues_the_certificate_after_commit(
    seated, ksg_staff, signatories, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        results.enrollment_complete(enrollment=seated, by=ksg_staff)
        # Nothing is issued inside the completion's transaction.
        assert not Certificate.objects.exists()

    for callback in callbacks:
        callback()

    certificate = Certificate.objects.get()
    assert certificate.enrollment_id == seated.pk
    assert certificate.pdf


def test_a_result_decided_as_not_completed_issues_nothing(
    seated, ksg_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        results.enrollment_complete(
            enrollment=seated, by=ksg_staff, completed=False, reason="Left early"
        )

    assert not Certificate.objects.exists()


def test_a_rolled_back_completion_issues_nothing(seated, ksg_staff, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the audit write failed")

    monkeypatch.setattr(results, "audit_record", fail)
    with pytest.raises(RuntimeError):
        results.enrollment_complete(enrollment=seated, by=ksg_staff)

    assert Enrollment.objects.get(pk=seated.pk).state == State.ENROLLED
    assert not Certificate.objects.exists()


def test_closing_a_cohort_issues_a_certificate_to_everyone_who_completed(
    ended, ksg_staff, signatories, django_capture_on_commit_callbacks
):
    present = [EnrollmentFactory(cohort=ended, officer=make_officer(n)) for n in range(3)]
    absent = EnrollmentFactory(cohort=ended, officer=make_officer(9))
    for enrollment in present:
        attend(enrollment, 5)
    attend(absent, 1)

    with django_capture_on_commit_callbacks(execute=True):
        results.cohort_close(cohort=ended, by=ksg_staff)

    issued = Certificate.objects.order_by("serial")
    assert sorted(c.enrollment_id for c in issued) == sorted(e.pk for e in present)
    assert all(c.pdf for c in issued)


def test_the_sweep_issues_what_completion_is_still_owed(ended, signatories):
    owed = [completed_officer(ended, n) for n in range(2)]
    EnrollmentFactory(cohort=ended, officer=make_officer(7), state=State.NOT_COMPLETED)

    tasks.issue_missing_certificates()

    assert sorted(Certificate.objects.values_list("enrollment_id", flat=True)) == [
        e.pk for e in owed
    ]
    # Run again, nothing more: every completion has its certificate.
    tasks.issue_missing_certificates()
    assert Certificate.objects.count() == 2


def test_the_task_skips_an_enrolment_that_is_no_longer_completed(seated):
    tasks.issue_certificate(seated.pk)
    tasks.issue_certificate(987654)

    assert not Certificate.objects.exists()


def test_the_task_issues_once_however_often_it_runs(completed, signatories):
    for _ in range(3):
        tasks.issue_certificate(completed.pk)

    assert Certificate.objects.filter(enrollment=completed).count() == 1
