"""In a real browser, without JavaScript: a training officer filters, requests an XLSX, watches
the progress (the page refreshes itself) and downloads the file, which is a valid workbook. The
report file pages meet WCAG 2.1 AA on a desktop and on a 360 px phone."""

import io

import openpyxl
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from reports import runs, services
from reports.models import Format, Kind, ReportRun
from tests.reports.conftest import world  # noqa: F401 - the hand-made public service
from tests.reports.support_runs import q1

pytestmark = pytest.mark.e2e

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
Status = ReportRun.Status


@pytest.fixture
def public_service(transactional_db, world):  # noqa: F811 - the fixture imported above
    return world


@pytest.fixture
def no_worker(monkeypatch):
    """Requests stay queued until the test plays the worker (tasks would run eagerly inside
    the live server's request, and the page would never show a build under way)."""
    monkeypatch.setattr(services, "_nudge", lambda pk: None)


def test_a_training_officer_requests_an_xlsx_watches_it_build_and_downloads_it(
    sign_in, public_service, hr_ict, no_worker, screenshot
):
    place = public_service
    page = sign_in(hr_ict, java_script_enabled=False)
    page.goto("/reports/files/new/")
    page.get_by_label("Organisation").select_option(label=place.ministry.name)
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("To").fill("2026-03-31")
    page.get_by_role("combobox", name="Report").select_option(label="Completions")
    page.get_by_label("Excel (XLSX)").check()
    screenshot(page, "1-request")
    page.get_by_role("button", name="Build the report").click()

    run = ReportRun.objects.get()
    expect(page).to_have_url(f"/reports/files/{run.pk}/")
    expect(page.get_by_text("Counting the rows")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 1

    # A worker takes it and has written one row of three: the page refreshes itself to show it.
    ReportRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, rows_total=3, rows_done=1)
    expect(page.get_by_text("1 of 3 rows written")).to_be_visible(timeout=6000)
    expect(page.get_by_role("status")).to_contain_text("33%")
    progress = page.locator("progress")
    assert (progress.get_attribute("max"), progress.get_attribute("value")) == ("3", "1")
    screenshot(page, "2-progress")

    # The worker finishes the file.
    ReportRun.objects.filter(pk=run.pk).update(status=Status.QUEUED)
    assert runs.report_build(run_id=run.pk).status == Status.READY
    link = page.get_by_role("link", name="Download the report (Excel (XLSX)")
    expect(link).to_be_visible(timeout=6000)
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    expect(page.get_by_text("completions-ministry-ict-2026-01-01-2026-03-31.xlsx")).to_be_visible()
    screenshot(page, "3-ready")

    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.suggested_filename == "completions-ministry-ict-2026-01-01-2026-03-31.xlsx"
    with open(download.path(), "rb") as f:
        book = openpyxl.load_workbook(io.BytesIO(f.read()))
    assert book.sheetnames == ["About", "Completions"]
    names = [row[0].value for row in book["Completions"].iter_rows(min_row=2)]
    assert names == ["Achieng", "Wanjiku", "Kamau"]


@pytest.mark.parametrize("viewport", [{}, {"viewport": PHONE}], ids=["desktop", "phone"])
def test_report_file_pages_meet_wcag_21_aa(sign_in, public_service, hr_ict, viewport, screenshot):
    place = public_service
    queued, _ = services.report_request(
        by=hr_ict, filters=q1(place, "directorate"), kind=Kind.SUMMARY, format=Format.PDF
    )
    ready, _ = services.report_request(
        by=hr_ict, filters=q1(place), kind=Kind.COMPLETIONS, format=Format.CSV
    )
    runs.report_build(run_id=ready.pk)
    page = sign_in(hr_ict, **viewport)
    axe = Axe()
    for step, url in [
        ("request", "/reports/files/new/"),
        ("list", "/reports/files/"),
        ("queued", f"/reports/files/{queued.pk}/"),
        ("ready", f"/reports/files/{ready.pk}/"),
    ]:
        page.goto(url)
        results = axe.run(page, options=WCAG_21_AA)
        assert results.violations_count == 0, (url, results.generate_report())
        if viewport:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
        screenshot(page, step)


def test_with_javascript_the_bar_follows_the_build_without_reloading_the_page(
    sign_in, public_service, hr_ict, no_worker, screenshot
):
    run, _ = services.report_request(
        by=hr_ict, filters=q1(public_service), kind=Kind.COMPLETIONS, format=Format.XLSX
    )
    page = sign_in(hr_ict)
    page.goto(f"/reports/files/{run.pk}/")
    # No refresh with JavaScript on: the script asks for the status instead.
    assert page.evaluate("document.querySelector('meta[http-equiv=refresh]')") is None
    page.evaluate("window.notReloaded = true")

    ReportRun.objects.filter(pk=run.pk).update(status=Status.RUNNING, rows_total=3, rows_done=2)
    expect(page.get_by_text("2 of 3 rows written")).to_be_visible(timeout=6000)
    expect(page.locator("#report-progress-percent")).to_have_text("66%")
    expect(page.locator("#report-progress-state")).to_have_text("Being built")
    assert page.locator("progress").evaluate("bar => [bar.max, bar.value]") == [3, 2]
    assert page.evaluate("window.notReloaded") is True  # the same page, updated in place
    screenshot(page, "js-progress")

    # Finished: the page reloads once to show the download link.
    ReportRun.objects.filter(pk=run.pk).update(status=Status.QUEUED)
    assert runs.report_build(run_id=run.pk).status == Status.READY
    expect(page.get_by_role("link", name="Download the report (Excel (XLSX)")).to_be_visible(
        timeout=6000
    )
    assert page.evaluate("window.notReloaded") is None
