"""The reports dashboard in Chromium: WCAG 2.1 A and AA checked by axe-core for a training
officer's organisation, a sub-unit, a refused period and KSG staff's national view, on a
desktop and on a 360 px phone, in English and in Kiswahili; no sideways scrolling on the phone
(wide tables scroll in their own region); and the filters used with JavaScript off.

The data is the hand-made public service of tests/reports/conftest.py, whose figures are
known exactly.
"""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from reports.models import TrainingTarget
from tests.reports import conftest as reports

pytestmark = pytest.mark.e2e

world = reports.world  # the fixture, for the tests of this module

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
VIEWPORTS = {"desktop": {}, "phone": {"viewport": PHONE}}
Q1 = "from=2026-01-01&to=2026-03-31"

axe = Axe()


def problems(page, viewport: str) -> list[str]:
    found = []
    results = axe.run(page, options=WCAG_21_AA)
    if results.violations_count:
        found.append(results.generate_report())
    if viewport == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            found.append(f"scrolls sideways: {width} px wide")
    return found


def audit(page, paths: dict[str, int], locale: str, viewport: str) -> dict[str, list[str]]:
    """Visit each path (expecting its status) and collect what is wrong with each page."""
    found = {}
    for path, status in paths.items():
        response = page.goto(path)
        assert response.status == status, f"{path}: {response.status}"
        assert page.locator("html").get_attribute("lang") == locale[:2], path
        if report := problems(page, viewport):
            found[path] = report
    return found


LOCALES = pytest.mark.parametrize("locale", ["en-GB", "sw"])
SCREENS = pytest.mark.parametrize("viewport", ["desktop", "phone"])


@LOCALES
@SCREENS
def test_a_training_officers_dashboard_meets_wcag_21_aa(
    transactional_db, sign_in, world, hr_ict, screenshot, locale, viewport
):
    page = sign_in(hr_ict, locale=locale, **VIEWPORTS[viewport])
    found = audit(
        page,
        {
            f"/reports/?{Q1}": 200,
            f"/reports/?organisation={world.directorate.pk}&{Q1}&level=foundation": 200,
            # A refused period: the form comes back with its message.
            "/reports/?from=2026-03-31&to=2026-01-01": 400,
        },
        locale,
        viewport,
    )
    page.goto(f"/reports/?{Q1}")
    screenshot(page, "training-officer")
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


@LOCALES
@SCREENS
def test_the_national_view_meets_wcag_21_aa(
    transactional_db, sign_in, world, ksg_staff, screenshot, locale, viewport
):
    # The data migration's target: gone with the flush of the last browser test.
    TrainingTarget.objects.get_or_create(
        name="Kenya National Digital Master Plan 2022-2032: public servants trained",
        defaults={"officers": 300_000, "deadline": datetime.date(2032, 12, 31)},
    )
    page = sign_in(ksg_staff, locale=locale, **VIEWPORTS[viewport])
    found = audit(page, {f"/reports/?{Q1}": 200}, locale, viewport)
    assert page.locator("progress").count() == 1
    screenshot(page, "national")
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


def test_the_filters_work_without_javascript(transactional_db, sign_in, world, hr_ict):
    page = sign_in(hr_ict, java_script_enabled=False)
    page.goto(f"/reports/?{Q1}")
    assert page.locator(".figure-value").first.inner_text() == "6"

    page.select_option("#id_organisation", str(world.directorate.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Show the figures").click()

    assert f"organisation={world.directorate.pk}" in page.url
    assert f"{world.directorate.name} and its sub-units" in page.locator(".lead").inner_text()
    # Achieng and Mutiso are the directorate's officers.
    assert page.locator(".figure-value").first.inner_text() == "2"
