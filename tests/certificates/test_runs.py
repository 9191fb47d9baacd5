"""Staff issue or re-issue a whole cohort's certificates at once: a CertificateRun worked through
by a Celery task, with its progress on a page that refreshes itself; asking twice while a run is
unfinished starts nothing twice; a run interrupted resumes; a real worker runs it."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from certificates import runs, services
from certificates.models import Certificate, CertificateRun
from certificates.services import CertificateRefused
from enrollments.models import Enrollment
from tests.certificates.conftest import completed_officer
from tests.enrollments.conftest import make_officer, wait_for
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db
Status = Certificate.Status
RunStatus = CertificateRun.Status


@pytest.fixture
def three(ended, signatories):
    """Three completed enrolments of the ended cohort, and one not completed."""
    done = [completed_officer(ended, n) for n in range(1, 4)]
    EnrollmentFactory(cohort=ended, officer=make_officer(9), state=Enrollment.State.NOT_COMPLETED)
    return done


def start(cohort, by, mode="issue", reason=""):
    return runs.run_start(cohort=cohort, by=by, mode=mode, reason=reason)


def test_a_run_issues_every_certificate_and_records_its_progress(
    ended, three, ksg_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run, created = start(ended, ksg_staff)

    run.refresh_from_db()
    assert created
    assert run.status == RunStatus.DONE
    assert (run.total, run.done, run.issued, run.refused) == (3, 3, 3, 0)
    assert run.finished_at is not None
    assert Certificate.objects.filter(status=Status.VALID).count() == 3
    assert all(c.pdf for c in Certificate.objects.all())


def test_an_issue_run_leaves_existing_certificates_alone(
    ended, three, ksg_staff, django_capture_on_commit_callbacks
):
    first = services.certificate_issue(enrollment=three[0])
    with django_capture_on_commit_callbacks(execute=True):
        run, _ = start(ended, ksg_staff)

    run.refresh_from_db()
    assert (run.issued, run.refused) == (2, 1)
    first.refresh_from_db()
    assert first.status == Status.VALID
    assert Certificate.objects.count() == 3


def test_asking_twice_while_a_run_is_unfinished_gets_the_same_run(
    ended, three, ksg_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first, created = start(ended, ksg_staff)
        second, again = start(ended, ksg_staff, mode="reissue", reason="Other")

    assert created and not again
    assert second.pk == first.pk
    assert CertificateRun.objects.count() == 1
    assert len(callbacks) == 1  # one task enqueued


def test_the_database_allows_one_unfinished_run_per_cohort(ended, three, ksg_staff):
    CertificateRun.objects.create(cohort=ended, mode="issue", total=1, enrollment_ids=[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateRun.objects.create(cohort=ended, mode="issue", total=1, enrollment_ids=[1])


def test_a_finished_run_does_not_hold_back_the_next(
    ended, three, ksg_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = start(ended, ksg_staff)
    with django_capture_on_commit_callbacks(execute=True):
        second, created = start(ended, ksg_staff, mode="reissue", reason="New signatory")
    assert created and second.pk != first.pk


def test_a_reissue_run_supersedes_every_certificate(
    ended, three, ksg_staff, django_capture_on_commit_callbacks
):
    old = [services.certificate_issue(enrollment=e) for e in three]
    with django_capture_on_commit_callbacks(execute=True):
        run, _ = start(ended, ksg_staff, mode="reissue", reason="New Director General")

    run.refresh_from_db()
    assert (run.done, run.issued) == (3, 3)
    for certificate in old:
        certificate.refresh_from_db()
        assert certificate.status == Status.SUPERSEDED
        assert certificate.superseded_by.status == Status.VALID
    # The message delivered again: the run is done, nothing is re-issued twice.
    assert runs.run_execute(run_id=run.pk) is None
    assert Certificate.objects.count() == 6


def test_a_reissue_run_needs_a_reason_and_staff(ended, three, ksg_staff, hr_ict):
    with pytest.raises(CertificateRefused) as refused:
        start(ended, ksg_staff, mode="reissue", reason=" ")
    assert refused.value.code == "reason_required"
    with pytest.raises(CertificateRefused) as refused:
        start(ended, hr_ict)
    assert refused.value.code == "staff_only"
    assert not CertificateRun.objects.exists()


def test_a_cohort_without_completions_has_nothing_to_issue(ended, ksg_staff):
    with pytest.raises(CertificateRefused) as refused:
        start(ended, ksg_staff)
    assert refused.value.code == "nothing_to_issue"


def test_an_interrupted_run_resumes_where_it_stopped(ended, three, ksg_staff):
    ids = [e.pk for e in three]
    services.certificate_issue(enrollment=three[0])
    run = CertificateRun.objects.create(
        cohort=ended,
        mode="issue",
        enrollment_ids=ids,
        total=3,
        done=1,
        issued=1,
        status=RunStatus.RUNNING,
        updated_at=timezone.now() - timedelta(minutes=10),
        requested_by=ksg_staff,
    )

    runs.run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.done, run.issued) == (RunStatus.DONE, 3, 3)


def test_the_hourly_sweep_resumes_a_run_whose_worker_died(ended, three, ksg_staff):
    from certificates import tasks

    stale = timezone.now() - timedelta(minutes=10)
    run = CertificateRun.objects.create(
        cohort=ended,
        mode="issue",
        enrollment_ids=[e.pk for e in three],
        total=3,
        status=RunStatus.RUNNING,
        created_at=stale,
        updated_at=stale,
        requested_by=ksg_staff,
    )

    tasks.issue_missing_certificates.delay()

    run.refresh_from_db()
    assert (run.status, run.done) == (RunStatus.DONE, 3)


def test_a_run_another_worker_holds_is_left_alone(ended, three, ksg_staff):
    run = CertificateRun.objects.create(
        cohort=ended,
        mode="issue",
        enrollment_ids=[e.pk for e in three],
        total=3,
        status=RunStatus.RUNNING,
        updated_at=timezone.now(),
    )
    assert runs.run_execute(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.done == 0
    assert not Certificate.objects.exists()


# --- The pages -------------------------------------------------------------------------------


def test_staff_start_a_run_and_see_its_progress(
    client, ended, three, ksg_staff, django_capture_on_commit_callbacks
):
    client.force_login(ksg_staff)
    url = reverse("certificates:staff_cohort", kwargs={"pk": ended.pk})
    assert "3 completed enrolments" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {"mode": "issue"})
        again = client.post(url, {"mode": "issue"})
    run = CertificateRun.objects.get()
    run_url = reverse("certificates:staff_run", kwargs={"pk": run.pk})
    assert response["Location"] == run_url
    assert again["Location"] == run_url

    page = client.get(run_url).content.decode()
    assert '<progress id="run-progress" class="run-progress" max="3" value="0">' in page
    assert '<meta http-equiv="refresh" content="3">' in page

    runs.run_execute(run_id=run.pk)
    page = client.get(run_url).content.decode()
    assert 'max="3" value="3"' in page
    assert 'http-equiv="refresh"' not in page
    assert "3 certificates made" in page


def test_the_page_says_why_a_run_is_refused(client, ended, three, ksg_staff):
    client.force_login(ksg_staff)
    url = reverse("certificates:staff_cohort", kwargs={"pk": ended.pk})
    response = client.post(url, {"mode": "reissue", "reason": ""})
    assert response.status_code == 400
    assert "Say why every certificate of the cohort is re-issued." in response.content.decode()


@pytest.mark.parametrize("persona", ["wanjiku", "hr_ict", "trainer"])
def test_outsiders_are_denied_runs(request, client, ended, three, ksg_staff, persona):
    run = CertificateRun.objects.create(cohort=ended, mode="issue", total=3, enrollment_ids=[])
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("certificates:staff_run", kwargs={"pk": run.pk})).status_code == 403
    url = reverse("certificates:staff_cohort", kwargs={"pk": ended.pk})
    assert client.post(url, {"mode": "issue"}).status_code == 403
    assert CertificateRun.objects.count() == 1


# --- A real worker ---------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_cohort_once(ended, three, ksg_staff, celery_worker_thread):
    # The completions issued their certificates as the fixtures were made (eagerly): the run
    # re-issues them, in the worker.
    assert Certificate.objects.filter(status=Status.VALID).count() == 3
    run, _ = start(ended, ksg_staff, mode="reissue", reason="New signatory")
    # A second click while the worker is busy starts nothing.
    again, created = start(ended, ksg_staff, mode="reissue", reason="New signatory")
    if created:  # the worker was quicker than the click
        run.refresh_from_db()
        assert run.status == RunStatus.DONE
    else:
        assert again.pk == run.pk

    def finished():
        return not CertificateRun.objects.exclude(status=RunStatus.DONE).exists()

    assert wait_for(finished, timeout=90), "the worker finished the run"
    run.refresh_from_db()
    assert (run.total, run.done, run.issued) == (3, 3, 3)
    assert Certificate.objects.filter(status=Status.SUPERSEDED).count() >= 3
    assert Certificate.objects.filter(status=Status.VALID).exclude(pdf="").count() == 3
