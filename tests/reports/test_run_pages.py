"""The report file pages: who may open what (every URL of report_runs is classified here), asking
through the form, the progress page that refreshes itself without JavaScript, the download
(only for whoever asked: anyone else a 404, also by guessing numbers), and expired files."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import runs, views_runs
from reports.models import Format, Kind, ReportRun
from reports.services import report_request
from tests.factories import MembershipFactory
from tests.reauthentication import prompt_for, reauthenticate, sign_in_stale
from tests.reports.support_runs import q1, read_csv, url_names

pytestmark = pytest.mark.django_db
Status = ReportRun.Status

# Every URL of report_runs: its method and whether it names a run.
URLS = {
    "list": ("get", False),
    "request": ("get", False),
    "run": ("get", True),
    "status": ("get", True),
    "download": ("get", True),
}


def test_every_report_runs_url_is_classified():
    assert url_names("report_runs") == set(URLS)


@pytest.fixture
def run(world, hr_ict):
    return report_request(by=hr_ict, filters=q1(world), kind=Kind.COMPLETIONS, format=Format.CSV)[0]


@pytest.fixture
def ready(run):
    return runs.report_build(run_id=run.pk)


def url(name, run=None):
    return reverse(f"report_runs:{name}", args=[run.pk] if URLS[name][1] else [])


@pytest.mark.parametrize("name", sorted(URLS))
def test_anonymous_visitors_are_sent_to_sign_in(client, ready, name):
    response = client.get(url(name, ready))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["wanjiku", "trainer", "huawei_reviewer"])
@pytest.mark.parametrize("name", sorted(URLS))
def test_officers_facilitators_and_partner_reviewers_are_refused(
    request, client, ready, name, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(name, ready)).status_code == 403


@pytest.mark.parametrize("persona", ["hr_treasury", "ksg_staff"])
@pytest.mark.parametrize("name", ["run", "status", "download"])
def test_a_report_is_its_requesters_alone(request, client, ready, name, persona):
    # The Treasury's training officer, guessing the number; KSG staff too: files go only to
    # whoever asked for them (staff ask for their own).
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(name, ready)).status_code == 404


@pytest.mark.parametrize("name", ["run", "status", "download"])
def test_guessing_numbers_finds_nothing(client, ready, hr_treasury, name):
    client.force_login(hr_treasury)
    for pk in (ready.pk + 1, ready.pk + 1000, 0):
        response = client.get(reverse(f"report_runs:{name}", args=[pk]))
        assert response.status_code == 404


def test_a_training_officer_moved_to_another_organisation_no_longer_gets_the_file(
    client, ready, hr_ict, treasury
):
    hr_ict.memberships.all().delete()
    MembershipFactory(user=hr_ict, role="training_officer", organisation=treasury)
    client.force_login(hr_ict)
    assert client.get(url("download", ready)).status_code == 404
    assert client.get(url("run", ready)).status_code == 404


# --- Asking -----------------------------------------------------------------------------------


def form_data(world, **extra):
    return {
        "organisation": world.ministry.pk,
        "date_from": "2026-01-01",
        "date_to": "2026-03-31",
        "kind": "completions",
        "format": "xlsx",
        **extra,
    }


def test_the_request_form_offers_the_users_organisations(client, world, hr_ict):
    client.force_login(hr_ict)
    page = client.get(url("request")).content.decode()
    assert world.ministry.name in page and world.directorate.name in page
    assert world.treasury.name not in page
    assert "5,000" in page or "5000" in page  # the PDF's cap is said before asking


def test_the_dashboards_filters_carry_over_to_the_form(client, world, hr_ict):
    client.force_login(hr_ict)
    query = {**q1(world, "directorate").as_params(), "kind": "summary"}
    form = client.get(url("request"), query).context["form"]
    assert form.initial == {
        "date_from": "2026-01-01",
        "date_to": "2026-03-31",
        "organisation": str(world.directorate.pk),
        "kind": "summary",
    }


def test_the_form_opens_on_the_financial_year_so_far(client, world, hr_ict):
    from reports.filters import default_period

    client.force_login(hr_ict)
    start, end = default_period(timezone.localdate())
    form = client.get(url("request")).context["form"]
    assert (form.initial["date_from"], form.initial["date_to"]) == (
        start.isoformat(),
        end.isoformat(),
    )


def test_asking_queues_the_run_and_opens_its_page(client, world, hr_ict):
    client.force_login(hr_ict)
    response = client.post(url("request"), form_data(world))
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("run", run)
    assert (run.kind, run.format, run.organisation, run.requested_by) == (
        "completions",
        "xlsx",
        world.ministry,
        hr_ict,
    )


def test_asking_twice_opens_the_same_run_and_says_so(client, world, hr_ict):
    client.force_login(hr_ict)
    client.post(url("request"), form_data(world))
    response = client.post(url("request"), form_data(world), follow=True)
    assert ReportRun.objects.count() == 1
    assert "You asked for this very report already" in response.content.decode()


def test_another_organisation_is_refused_like_one_that_does_not_exist(client, world, hr_ict):
    client.force_login(hr_ict)
    response = client.post(url("request"), form_data(world, organisation=world.treasury.pk))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_a_pdf_too_big_is_refused_on_the_form(client, world, hr_ict, monkeypatch):
    from reports import services

    monkeypatch.setattr(services, "PDF_MAX_ROWS", 2)
    client.force_login(hr_ict)
    response = client.post(url("request"), form_data(world, format="pdf"))
    assert response.status_code == 400
    assert "Choose CSV or Excel (XLSX)" in response.content.decode()
    assert not ReportRun.objects.exists()


# --- Progress ---------------------------------------------------------------------------------


def test_a_queued_report_page_refreshes_itself(client, run, hr_ict):
    client.force_login(hr_ict)
    response = client.get(url("run", run))
    page = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Counting the rows" in page
    assert "no-store" in response["Cache-Control"]


def test_the_page_shows_the_progress_of_a_running_build(client, run, hr_ict):
    ReportRun.objects.filter(pk=run.pk).update(
        status=Status.RUNNING, rows_total=4000, rows_done=1000
    )
    client.force_login(hr_ict)
    page = client.get(url("run", run)).content.decode()
    assert 'max="4000" value="1000"' in page
    assert '<strong id="report-progress-percent">25%</strong>' in page
    assert "1000 of 4000 rows written" in page
    ReportRun.objects.filter(pk=run.pk).update(rows_done=3000)
    page = client.get(url("run", run)).content.decode()
    assert 'value="3000"' in page and '<strong id="report-progress-percent">75%</strong>' in page
    status = client.get(url("status", run)).json()
    assert status == {
        "status": "running",
        "status_label": "Being built",
        "rows_done": 3000,
        "rows_total": 4000,
        "percent": 75,
        "finished": False,
    }


def test_a_ready_report_page_stops_refreshing_and_links_the_download(client, ready, hr_ict):
    client.force_login(hr_ict)
    page = client.get(url("run", ready)).content.decode()
    assert "http-equiv" not in page
    assert url("download", ready) in page
    assert "completions-ministry-ict-2026-01-01-2026-03-31.csv" in page
    assert "Ready: 3 rows." in page


def test_a_failed_report_says_why(client, run, hr_ict):
    ReportRun.objects.filter(pk=run.pk).update(status=Status.FAILED, error="Something broke.")
    client.force_login(hr_ict)
    page = client.get(url("run", run)).content.decode()
    assert "Something broke." in page and "http-equiv" not in page


# --- Download ---------------------------------------------------------------------------------


def test_the_requester_downloads_the_file_as_an_attachment(client, ready, hr_ict):
    client.force_login(hr_ict)
    response = client.get(url("download", ready))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="completions-ministry-ict-2026-01-01-2026-03-31.csv"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    table = read_csv(b"".join(response.streaming_content))
    assert [row[0] for row in table[1:]] == ["Achieng", "Wanjiku", "Kamau"]


def test_an_unfinished_report_has_nothing_to_download_yet(client, run, hr_ict):
    client.force_login(hr_ict)
    response = client.get(url("download", run))
    assert response.status_code == 409
    assert "This report is not ready" in response.content.decode()


def test_an_expired_file_is_gone_with_a_clear_page(
    client, ready, hr_ict, django_capture_on_commit_callbacks
):
    ReportRun.objects.filter(pk=ready.pk).update(expires_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        runs.expire_files()
    client.force_login(hr_ict)
    response = client.get(url("download", ready))
    assert response.status_code == 410
    page = response.content.decode()
    assert "This report's file has expired" in page
    assert "7 days" in page
    assert "has expired and was deleted" in client.get(url("run", ready)).content.decode()


# --- My reports -------------------------------------------------------------------------------


def test_my_reports_lists_mine_only_newest_first(client, world, hr_ict, ksg_staff, ready):
    report_request(by=ksg_staff, filters=q1(world, None), kind=Kind.SUMMARY, format=Format.CSV)
    newer, _ = report_request(
        by=hr_ict, filters=q1(world, "directorate"), kind=Kind.SUMMARY, format=Format.PDF
    )
    client.force_login(hr_ict)
    response = client.get(url("list"))
    assert [run.pk for run in response.context["runs"]] == [newer.pk, ready.pk]
    page = response.content.decode()
    assert url("download", ready) in page


def test_my_reports_is_paginated_with_a_fixed_number_of_queries(
    client, world, hr_ict, django_assert_max_num_queries
):
    for day in range(1, 26):
        filters = q1(world)
        filters = type(filters)(
            organisation=filters.organisation,
            date_from=filters.date_from.replace(day=day),
            date_to=filters.date_to,
        )
        report_request(by=hr_ict, filters=filters, kind=Kind.COMPLETIONS, format=Format.CSV)
    client.force_login(hr_ict)
    with django_assert_max_num_queries(12):
        first = client.get(url("list"))
    assert len(first.context["runs"]) == views_runs.RUNS_PER_PAGE
    second = client.get(url("list"), {"page": 2})
    assert len(second.context["runs"]) == 5


def test_pages_speak_kiswahili(client, ready, hr_ict):
    client.force_login(hr_ict)
    response = client.get(url("run", ready), HTTP_ACCEPT_LANGUAGE="sw")
    assert response.status_code == 200
    assert 'lang="sw"' in response.content.decode()


# --- Re-authentication before the file leaves (academy.reauthentication) ---------------------


def test_the_download_asks_a_stale_sign_in_to_reauthenticate(client, ready, hr_ict):
    path = url("download", ready)
    sign_in_stale(client, hr_ict)

    assert client.get(path)["Location"] == prompt_for(path)
    assert client.get(url("run", ready)).status_code == 200  # the run's page needs none

    assert reauthenticate(client, path)["Location"] == path
    assert client.get(path).status_code == 200


def test_asking_for_a_file_asks_a_stale_sign_in_to_reauthenticate(client, world, hr_ict):
    path = url("request")
    sign_in_stale(client, hr_ict)
    assert client.get(path).status_code == 200  # the form needs none

    response = client.post(path, form_data(world))

    assert response["Location"] == prompt_for(path)
    assert not ReportRun.objects.exists()
    resumed = reauthenticate(client, path)  # the kept request is carried out
    run = ReportRun.objects.get()
    assert resumed["Location"] == url("run", run)
