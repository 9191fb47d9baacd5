"""Asking for a report file and building it: who may ask, the same request twice gets the same
run, the build writes the file with its progress and audits the export, a failure says so."""

import threading
from unittest import mock

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from academy.models import AuditEvent
from reports import runs, services
from reports.models import Format, Kind, ReportEmail, ReportRun
from reports.services import ReportRefused, report_request
from tests.reports.support_runs import q1, read_csv

pytestmark = pytest.mark.django_db
Status = ReportRun.Status


def ask(user, filters, kind=Kind.COMPLETIONS, format=Format.CSV, **extra):
    return report_request(by=user, filters=filters, kind=kind, format=format, **extra)


# --- Asking ---------------------------------------------------------------------------------


def test_a_request_is_a_queued_row_audited_and_built_after_commit(
    world, hr_ict, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        run, created = ask(hr_ict, q1(world))
    assert created
    assert run.status == Status.QUEUED
    assert run.fingerprint == q1(world).fingerprint(str(hr_ict.pk), "completions", "csv")
    event = AuditEvent.objects.get(action="reports.report.requested")
    assert event.actor == hr_ict
    assert event.target_id == str(run.pk)
    assert event.data == {
        "kind": "completions",
        "format": "csv",
        "filters": {
            "from": "2026-01-01",
            "to": "2026-03-31",
            "organisation": str(world.ministry.pk),
        },
    }
    # Nothing is enqueued before the commit; then one nudge.
    assert len(callbacks) == 1


def test_the_same_request_twice_while_unfinished_gets_the_same_run(world, hr_ict):
    first, created = ask(hr_ict, q1(world))
    again, created_again = ask(hr_ict, q1(world))
    assert created and not created_again
    assert again.pk == first.pk
    assert ReportRun.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"filters": {"organisation": "state_department"}},
        {"kind": Kind.SUMMARY},
        {"format": Format.XLSX},
    ],
    ids=["other-filters", "other-kind", "other-format"],
)
def test_a_different_request_is_a_new_run(world, hr_ict, change):
    first, _ = ask(hr_ict, q1(world))
    filters = q1(world, **change.get("filters", {}))
    other, created = ask(
        hr_ict,
        filters,
        kind=change.get("kind", Kind.COMPLETIONS),
        format=change.get("format", Format.CSV),
    )
    assert created
    assert other.pk != first.pk


def test_another_person_asking_the_same_gets_their_own_run(world, hr_ict, ksg_staff):
    first, _ = ask(hr_ict, q1(world))
    theirs, created = ask(ksg_staff, q1(world))
    assert created and theirs.pk != first.pk


def test_once_finished_the_same_request_builds_a_new_file(
    world, hr_ict, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = ask(hr_ict, q1(world))
    first.refresh_from_db()
    assert first.status == Status.READY
    second, created = ask(hr_ict, q1(world))
    assert created and second.pk != first.pk


def test_the_index_holds_one_unfinished_run_per_request(world, hr_ict):
    run, _ = ask(hr_ict, q1(world))
    with pytest.raises(IntegrityError):
        ReportRun.objects.create(
            kind=run.kind,
            format=run.format,
            organisation=run.organisation,
            date_from=run.date_from,
            date_to=run.date_to,
            requested_by=hr_ict,
            fingerprint=run.fingerprint,
        )


def test_a_request_racing_past_the_look_gets_the_winners_run(world, hr_ict):
    first, _ = ask(hr_ict, q1(world))
    # As if the other request inserted between this one's look and its insert.
    with mock.patch.object(services, "_unfinished", side_effect=[None, first]):
        again, created = ask(hr_ict, q1(world))
    assert not created
    assert again.pk == first.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_make_one_run(world, hr_ict):
    barrier = threading.Barrier(4)
    results, errors = [], []

    def request():
        try:
            barrier.wait()
            results.append(ask(hr_ict, q1(world)))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(services, "_nudge"):
        threads = [threading.Thread(target=request) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert ReportRun.objects.count() == 1
    assert sum(created for _run, created in results) == 1
    assert {run.pk for run, _created in results} == {ReportRun.objects.get().pk}


@pytest.mark.parametrize(
    ("persona", "organisation", "code"),
    [
        ("hr_treasury", "ministry", "not_yours"),
        ("hr_ict", "treasury", "not_yours"),
        ("hr_ict", None, "not_national"),
        ("wanjiku", "state_department", "not_yours"),
    ],
)
def test_nobody_reports_on_what_is_not_theirs(request, world, persona, organisation, code):
    user = request.getfixturevalue(persona)
    with pytest.raises(ReportRefused) as refused:
        ask(user, q1(world, organisation))
    assert refused.value.code == code
    assert not ReportRun.objects.exists()


def test_ksg_staff_report_nationally(world, ksg_staff):
    run, created = ask(ksg_staff, q1(world, None))
    assert created and run.organisation is None


def test_a_training_officer_reports_on_a_sub_unit(world, hr_ict):
    run, _ = ask(hr_ict, q1(world, "directorate"))
    assert run.organisation == world.directorate


def test_a_pdf_past_the_cap_is_refused_with_a_clear_message(world, hr_ict, monkeypatch):
    monkeypatch.setattr(services, "PDF_MAX_ROWS", 2)
    with pytest.raises(ReportRefused) as refused:
        ask(hr_ict, q1(world), format=Format.PDF)
    assert refused.value.code == "pdf_too_big"
    assert "3 rows" in refused.value.message
    assert "CSV" in refused.value.message
    # The same report as CSV is fine.
    ask(hr_ict, q1(world), format=Format.CSV)


def test_a_broker_down_at_commit_fails_no_request(
    world, hr_ict, django_capture_on_commit_callbacks
):
    from reports.tasks import build_report

    refused = ConnectionRefusedError("Redis is restarting")
    with (
        mock.patch.object(build_report, "delay", side_effect=refused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run, created = ask(hr_ict, q1(world))
    assert created
    run.refresh_from_db()
    assert run.status == Status.QUEUED  # the sweep nudges it again


# --- Building -------------------------------------------------------------------------------


def test_a_build_writes_the_file_and_marks_the_run_ready(world, hr_ict, settings):
    settings.REPORT_FILES_EXPIRE_DAYS = 3
    run, _ = ask(hr_ict, q1(world))
    before = timezone.now()
    built = runs.report_build(run_id=run.pk)

    assert built.status == Status.READY
    assert (built.rows_done, built.rows_total) == (3, 3)
    assert built.file_size == built.file.size > 0
    assert built.started_at >= before and built.finished_at >= built.started_at
    assert built.expires_at == built.finished_at + timezone.timedelta(days=3)
    with built.file.open("rb") as f:
        table = read_csv(f.read())
    assert table[0][:3] == ["Officer", "Personal number", "Organisation"]
    assert [row[0] for row in table[1:]] == ["Achieng", "Wanjiku", "Kamau"]
    # The stored name says nothing; the download gets a telling one.
    assert "completions" not in built.file.name
    assert runs.filename(built) == "completions-ministry-ict-2026-01-01-2026-03-31.csv"


def test_every_export_is_audited_with_who_which_filters_and_how_many_rows(world, hr_ict):
    run, _ = ask(hr_ict, q1(world, "state_department", skill_area=world.planning), Kind.SUMMARY)
    runs.report_build(run_id=run.pk)
    event = AuditEvent.objects.get(action="reports.report.exported")
    assert event.actor == hr_ict
    assert event.target_id == str(run.pk)
    assert event.data == {
        "kind": "summary",
        "format": "csv",
        "filters": {
            "from": "2026-01-01",
            "to": "2026-03-31",
            "organisation": str(world.state_department.pk),
            "skill_area": "digital-planning-and-design",
        },
        "rows": 3,  # the state department, its directorate, and the totals
        "subscription": None,
    }


def test_a_message_delivered_twice_builds_once(world, hr_ict):
    run, _ = ask(hr_ict, q1(world))
    assert runs.report_build(run_id=run.pk) is not None
    assert runs.report_build(run_id=run.pk) is None
    assert AuditEvent.objects.filter(action="reports.report.exported").count() == 1
    assert ReportEmail.objects.count() == 1


def test_a_run_being_built_by_a_live_worker_is_left_alone(world, hr_ict):
    run, _ = ask(hr_ict, q1(world))
    ReportRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, updated_at=timezone.now())
    assert runs.report_build(run_id=run.pk) is None


def test_a_run_whose_worker_died_is_taken_over(world, hr_ict):
    run, _ = ask(hr_ict, q1(world))
    long_ago = timezone.now() - runs.STALE_AFTER - timezone.timedelta(seconds=1)
    ReportRun.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, started_at=long_ago, updated_at=long_ago, rows_done=1
    )
    built = runs.report_build(run_id=run.pk)
    assert built.status == Status.READY
    assert built.rows_done == 3


def test_a_worker_whose_run_was_taken_over_keeps_nothing(world, hr_ict, monkeypatch):
    run, _ = ask(hr_ict, q1(world))
    saved = []
    real_finish = runs._finish

    def taken_over_before_finishing(run, mine, scratch, rows):
        # Another worker claims the run (with its own token) while this one writes.
        ReportRun.objects.filter(pk=run.pk).update(started_at=timezone.now())
        result = None
        try:
            result = real_finish(run, mine, scratch, rows)
        finally:
            saved.append(run.file.name)
        return result

    monkeypatch.setattr(runs, "_finish", taken_over_before_finishing)
    assert runs.report_build(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.status == Status.RUNNING and not run.file
    assert not run.file.storage.exists(saved[0])
    assert not AuditEvent.objects.filter(action="reports.report.exported").exists()


def test_a_failed_build_says_so_and_frees_the_request(world, hr_ict, monkeypatch):
    run, _ = ask(hr_ict, q1(world))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "write", broken)
    failed = runs.report_build(run_id=run.pk)
    assert failed.status == Status.FAILED
    assert "could not be built" in failed.error
    assert "disk full" not in failed.error  # the details are in the log, not on the page
    assert AuditEvent.objects.filter(action="reports.report.failed").exists()
    # The requester is told, with the reason the page gives.
    email = ReportEmail.objects.get()
    assert (email.kind, email.recipient) == ("failed", hr_ict)
    from reports.emails import build_message

    message = build_message(email)
    assert message.subject == "Your report could not be built: Completions"
    assert failed.error in message.body and f"/reports/files/{run.pk}/" in message.body
    assert "disk full" not in message.body
    # Asking again is a new run.
    _again, created = ask(hr_ict, q1(world))
    assert created


def test_progress_is_recorded_as_the_rows_are_written(world, hr_ict, monkeypatch):
    """rows_done moves while the build runs (the page reads it from the row)."""
    monkeypatch.setattr(runs, "PROGRESS_ROWS", 1)
    # (An XLSX: on PostgreSQL a CSV is the database's COPY, whose progress comes at its end.)
    run, _ = ask(hr_ict, q1(world), format=Format.XLSX)
    seen = []
    real_update = runs._Progress.__call__

    def watching(self, done):
        real_update(self, done)
        seen.append(ReportRun.objects.values_list("status", "rows_done", "rows_total").get())

    monkeypatch.setattr(runs._Progress, "__call__", watching)
    runs.report_build(run_id=run.pk)
    assert seen == [("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]


def test_progress_is_recorded_every_thousand_rows_or_half_a_second(monkeypatch):
    mine = mock.Mock()
    mine.update.return_value = 1
    clock = mock.Mock(return_value=100.0)
    monkeypatch.setattr(runs.time, "monotonic", clock)
    progress = runs._Progress(mine)
    for done in range(1, 2501):
        progress(done)
    assert [c.kwargs["rows_done"] for c in mine.update.call_args_list] == [1000, 2000]
    clock.return_value = 100.6
    progress(2550)
    assert mine.update.call_args.kwargs["rows_done"] == 2550
