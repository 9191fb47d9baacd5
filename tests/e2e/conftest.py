"""Fixtures of the browser tests: Playwright driving Debian's Chromium against pytest-django's
live server, a small published catalogue to browse, and screenshots for review.

Every test here is marked ``e2e``: tests/conftest.py skips them when chromium is missing (and
fails them instead when REQUIRE_BROWSER is set). Playwright's own browser downloads are never
used: ``playwright install`` is not needed.

Playwright's sync API keeps an asyncio event loop running in the main thread for as long as it
is started, and Django refuses database access from a thread with a running loop unless
DJANGO_ALLOW_ASYNC_UNSAFE is set. So Playwright runs only while the tests of this package run
(``browser`` is package-scoped, not session-scoped), and the variable is set only for that
time. Set for the whole session, it would leak into the other tests of the process: into
their subprocesses too, where ``manage.py check --deploy`` rejects it (async.E001), and it
would hide real async-safety errors.
"""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright

from courses.models import DeliveryMode, Level
from tests.conftest import SignedInClient
from tests.courses.conftest import cohort, fill
from tests.factories import CampusFactory, CompetencyFactory, CourseFactory, SkillAreaFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "e2e"
# Generous for a loaded CI machine running the suite under xdist; a passing step takes ~50 ms.
TIMEOUT_MS = 15_000


# --- The browser ---------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the browser tests (each test gets fresh contexts).

    Torn down as soon as the next test is not a browser test; under xdist, a worker that runs
    two separate batches of browser tests starts Chromium twice (about half a second each).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open a page in a new browser context; ``options`` go to ``browser.new_context``.

    The context browses the live server in British English (the portal also speaks
    Kiswahili, chosen from Accept-Language); every context is closed after the test.
    """
    contexts: list[BrowserContext] = []

    def open_page(**options) -> Page:
        context = browser.new_context(
            **{"base_url": live_server.url, "locale": "en-GB", "viewport": DESKTOP, **options}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    """A desktop-sized page with JavaScript on."""
    return new_page()


@pytest.fixture
def sign_in(new_page, live_server) -> Callable[..., Page]:
    """A page signed in as ``user``, opened with ``options`` (locale, viewport…). The session is
    made server-side: signing in through the form has tests of its own."""

    def page_for(user, **options) -> Page:
        client = SignedInClient()
        client.force_login(user)
        page = new_page(**options)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return page

    return page_for


@pytest.fixture(scope="session")
def _screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def screenshot(request, _screenshot_dir) -> Callable[..., Path]:
    """Save a screenshot as var/screenshots/e2e/<test>-<step>.png, for review.

    Of a page: the whole page, or with ``full_page=False`` what the window shows. Of a
    locator: that element only.
    """
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def take(target: Page | Locator, step: str, *, full_page: bool = True) -> Path:
        path = _screenshot_dir / f"{test_name}-{step}.png"
        if isinstance(target, Page):
            target.screenshot(path=str(path), full_page=full_page)
        else:
            target.screenshot(path=str(path))
        return path

    return take


# --- The catalogue -------------------------------------------------------------------------


@pytest.fixture
def catalogue(transactional_db, nairobi, ksg) -> dict:
    """Three skill areas and four published courses with upcoming cohorts.

    Only the two courses of "Data Use and Governance" mention data, so a search for "data"
    finds exactly those two; of them, only "Data Governance for Public Officers" is at the
    intermediate level and only "Open Data for Service Delivery" is taught online.
    """
    planning = SkillAreaFactory(
        slug="digital-planning-and-design", name="Digital Planning and Design", position=1
    )
    data_area = SkillAreaFactory(
        slug="data-use-and-governance", name="Data Use and Governance", position=2
    )
    management = SkillAreaFactory(
        slug="digital-management-and-execution",
        name="Digital Management and Execution",
        position=3,
    )
    kabete = CampusFactory(slug="lower-kabete", name="Lower Kabete", county=nairobi)
    mombasa = CampusFactory(slug="mombasa", name="Mombasa")

    def competency(area, slug, name):
        return CompetencyFactory(skill_area=area, slug=slug, name=name)

    governance = CourseFactory(
        code="DGP-201",
        title="Data Governance for Public Officers",
        summary="Set up and run data governance in a ministry, department or agency.",
        description="Stewardship roles, data quality rules and the Data Protection Act, 2019.",
        skill_area=data_area,
        level=Level.INTERMEDIATE,
        delivery_mode=DeliveryMode.IN_PERSON,
        provider=ksg,
        competencies=[
            competency(data_area, "data-governance", "Data governance frameworks"),
            competency(data_area, "data-protection", "Data protection compliance"),
        ],
    )
    open_data = CourseFactory(
        code="ODS-101",
        title="Open Data for Service Delivery",
        summary="Publish government data sets that citizens and businesses can reuse.",
        skill_area=data_area,
        level=Level.FOUNDATION,
        delivery_mode=DeliveryMode.ONLINE,
        provider=ksg,
        competencies=[competency(data_area, "open-data", "Open data publishing")],
    )
    cyber = CourseFactory(
        code="CYB-101",
        title="Cybersecurity Essentials",
        summary="Protect systems and accounts of a government office from common attacks.",
        skill_area=management,
        level=Level.FOUNDATION,
        delivery_mode=DeliveryMode.IN_PERSON,
        provider=ksg,
        competencies=[competency(management, "incident-response", "Incident response")],
    )
    strategy = CourseFactory(
        code="DTS-301",
        title="Digital Transformation Strategy",
        summary="Lead the move of public services online, from roadmap to rollout.",
        skill_area=planning,
        level=Level.ADVANCED,
        delivery_mode=DeliveryMode.BLENDED,
        provider=ksg,
        competencies=[competency(planning, "service-design", "Service design")],
    )

    governance_kabete = cohort(governance, starts_in=21, campus=kabete, code="DGP-201-C1")
    fill(governance_kabete, 7)
    cohort(governance, starts_in=60, online=True, code="DGP-201-C2")
    cohort(open_data, starts_in=30, online=True, code="ODS-101-C1")
    cohort(cyber, starts_in=14, campus=mombasa, code="CYB-101-C1")
    cohort(strategy, starts_in=45, campus=kabete, code="DTS-301-C1")
    return {
        "governance": governance,
        "open_data": open_data,
        "cyber": cyber,
        "strategy": strategy,
    }
