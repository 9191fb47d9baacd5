"""POST /api/v1/reports/ and GET /api/v1/reports/{id}/ (and its file): report files for HR
systems, with the page's rules: the same request while running is the same run, and a run is
its requester's alone."""

import csv
import io

import pytest
from django.urls import reverse

from reports.models import ReportRun
from tests.reports.test_api_completions import with_token

pytestmark = pytest.mark.django_db
URL = reverse("api_report_request")
Q1 = {"from": "2026-01-01", "to": "2026-03-31"}


def ask(client, **fields):
    return client.post(URL, {"kind": "completions", "format": "csv", **Q1, **fields}, format="json")


def test_a_request_is_queued_then_the_same_request_returns_the_same_run(world, hr_ict):
    client = with_token(hr_ict)
    first = ask(client)
    assert first.status_code == 202
    body = first.json()
    assert body["status"] == "queued" and body["file_url"] is None
    assert body["organisation"] == world.ministry.pk
    assert (body["date_from"], body["date_to"]) == ("2026-01-01", "2026-03-31")
    again = ask(client)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    other = ask(client, organisation=world.directorate.pk)
    assert other.status_code == 202 and other.json()["id"] != body["id"]
    assert ReportRun.objects.count() == 2


def test_a_built_report_is_downloaded_with_the_token(
    world, hr_ict, django_capture_on_commit_callbacks
):
    client = with_token(hr_ict)
    with django_capture_on_commit_callbacks(execute=True):
        run_id = ask(client).json()["id"]
    progress = client.get(reverse("api_report_run", args=[run_id]))
    assert progress.status_code == 200
    body = progress.json()
    assert (body["status"], body["percent"], body["rows_done"]) == ("ready", 100, 3)
    assert body["file_url"].endswith(f"/api/v1/reports/{run_id}/file/")
    assert progress["Cache-Control"] == "private, no-store"
    download = client.get(body["file_url"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 4  # the header and the three completions of the quarter


def test_a_file_not_built_yet_or_expired_is_said_so(world, hr_ict):
    client = with_token(hr_ict)
    run_id = ask(client).json()["id"]
    file_url = reverse("api_report_file", args=[run_id])
    response = client.get(file_url)
    assert response.status_code == 409
    assert "not ready" in response.json()["detail"]
    ReportRun.objects.filter(pk=run_id).update(status=ReportRun.Status.EXPIRED)
    response = client.get(file_url)
    assert response.status_code == 410
    assert response.json() == {"detail": "This report's file has expired: ask for it again."}


def test_the_treasury_token_gets_nothing_of_the_ministry_of_ict(
    world, hr_ict, hr_treasury, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = ask(with_token(hr_ict)).json()["id"]
    treasury = with_token(hr_treasury)
    # Their run, by guessing its number: as if it did not exist.
    for name in ("api_report_run", "api_report_file"):
        response = treasury.get(reverse(name, args=[run_id]))
        assert response.status_code == 404
        assert response.json() == {"detail": "There is no report with this number for you."}
    # A report on the Ministry: refused without a run.
    response = ask(treasury, organisation=world.ministry.pk)
    assert response.status_code == 404
    assert ReportRun.objects.filter(requested_by=hr_treasury).count() == 0


def test_a_run_is_its_requesters_even_for_ksg_staff(world, hr_ict, ksg_staff):
    run_id = ask(with_token(hr_ict)).json()["id"]
    assert with_token(ksg_staff).get(reverse("api_report_run", args=[run_id])).status_code == 404


def test_only_ksg_staff_ask_for_the_national_report(world, hr_ict, ksg_staff):
    staff = ask(with_token(ksg_staff))
    assert staff.status_code == 202 and staff.json()["organisation"] is None


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": "everything"}, "kind"),
        ({"format": "docx"}, "format"),
        ({"from": "31/03/2026"}, "from"),
        ({"from": "2026-03-31", "to": "2026-01-01"}, "to"),
        ({"skill_area": "cooking"}, "skill_area"),
    ],
)
def test_bad_fields_get_field_errors_and_queue_nothing(world, hr_ict, fields, error):
    response = ask(with_token(hr_ict), **fields)
    assert response.status_code == 400
    assert error in response.json()
    assert not ReportRun.objects.exists()


def test_a_body_that_is_not_an_object_is_refused(world, hr_ict):
    response = with_token(hr_ict).post(URL, ["completions"], format="json")
    assert response.status_code == 400
    assert not ReportRun.objects.exists()


def test_a_pdf_too_big_is_refused_with_the_reason(world, hr_ict, monkeypatch):
    monkeypatch.setattr("reports.services.PDF_MAX_ROWS", 2)
    response = ask(with_token(hr_ict), format="pdf")
    assert response.status_code == 400
    assert response.json()["code"] == "pdf_too_big"
    assert "Choose CSV or Excel" in response.json()["detail"]
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "trainer", "huawei_reviewer"])
def test_who_may_not_report_is_refused(world, persona, trainer, huawei_reviewer):
    user = {"officer": world.officers.wanjiku, "trainer": trainer}.get(persona) or huawei_reviewer
    client = with_token(user)
    assert ask(client).status_code == 403
    assert client.get(reverse("api_report_run", args=[1])).status_code == 403


def test_every_reports_api_url_is_tested_here_or_in_the_completions_tests():
    from django.urls import get_resolver

    names = {
        name
        for name in get_resolver().reverse_dict
        if isinstance(name, str) and name.startswith("api_report")
    }
    assert names == {
        "api_report_request",
        "api_report_completions",
        "api_report_run",
        "api_report_file",
    }


def test_anonymous_callers_are_asked_to_authenticate(world, hr_ict):
    from rest_framework.test import APIClient

    run_id = ask(with_token(hr_ict)).json()["id"]
    anonymous = APIClient()
    assert anonymous.post(URL, {"kind": "completions", "format": "csv"}).status_code == 401
    for name in ("api_report_run", "api_report_file"):
        assert anonymous.get(reverse(name, args=[run_id])).status_code == 401


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"from": 20260101}, "from"),
        ({"to": ["2026-03-31"]}, "to"),
        ({"organisation": "ministry"}, "organisation"),
        ({"organisation": {"id": 1}}, "organisation"),
        ({"kind": ["completions"]}, "kind"),
    ],
)
def test_values_of_the_wrong_type_get_field_errors_not_a_server_error(world, hr_ict, fields, error):
    response = ask(with_token(hr_ict), **fields)
    assert response.status_code == 400
    assert error in response.json()
    assert not ReportRun.objects.exists()


def test_an_empty_skill_area_or_level_means_all_as_on_the_page(world, hr_ict):
    """A form-encoded body sends empty fields; JSON may too: both mean "all" (schemathesis)."""
    response = ask(with_token(hr_ict), skill_area="", level="")
    assert response.status_code == 202
    run = ReportRun.objects.get(pk=response.json()["id"])
    assert run.skill_area is None and run.level == ""
