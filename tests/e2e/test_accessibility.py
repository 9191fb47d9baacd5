"""WCAG 2.1 A and AA, checked by axe-core in Chromium on every public page and the officer's
profile: on a desktop and on a 360 px phone, in English and in Kiswahili, and with the error
states a user runs into (a refused sign-up, a catalogue notice, no results)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

from courses.models import Cohort
from enrollments.services import enrollment_create

pytestmark = pytest.mark.e2e

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}

PUBLIC_PAGES = [
    "/",
    "/courses/",
    "/courses/?q=data&level=intermediate",
    "/courses/?q=nothing-like-this",
    "/courses/?page=abc&level=expert",
    "/courses/DGP-201/",
    "/skill-areas/data-use-and-governance/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/no-such-page/",
]

axe = Axe()


def violations(page) -> str:
    """axe's report of the WCAG 2.1 AA violations on the page, or '' when there are none."""
    results = axe.run(page, options=WCAG_21_AA)
    return results.generate_report() if results.violations_count else ""


@pytest.mark.parametrize("locale", ["en-GB", "sw"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_public_pages_meet_wcag_21_aa(new_page, catalogue, locale, viewport):
    options = {"locale": locale}
    if viewport == "phone":
        options["viewport"] = PHONE
    page = new_page(**options)
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == locale[:2]
        report = violations(page)
        if report:
            found[path] = report
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


def test_a_refused_sign_up_meets_wcag_21_aa(page, catalogue):
    """The form with its errors: each error tied to its field, the summary announced."""
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("someone@gmail.com")
    page.get_by_role("button", name="Register").click()
    assert page.locator(".errorlist, .form-errors, [role=alert]").count() > 0
    assert violations(page) == ""


def test_the_officers_own_pages_meet_wcag_21_aa(new_page, catalogue, wanjiku, live_server):
    """Profile, "My learning" with a seat and a waiting place, withdrawal, a course page with
    the officer's place in each cohort."""
    full = Cohort.objects.get(code="DGP-201-C1")
    full.capacity = 7
    full.save()
    enrollment_create(officer=wanjiku, cohort=full)
    mine = enrollment_create(officer=wanjiku, cohort=Cohort.objects.get(code="CYB-101-C1"))
    client = Client()
    client.force_login(wanjiku)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    pages = [
        "/profile/",
        "/my-learning/",
        f"/my-learning/{mine.enrollment.pk}/withdraw/",
        "/courses/DGP-201/",
    ]
    found = {}
    for viewport in (None, PHONE):
        page = new_page(**({"viewport": viewport} if viewport else {}))
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        for path in pages:
            page.goto(path)
            assert page.get_by_text("Sign out").count() > 0
            if report := violations(page):
                found[f"{path} at {viewport or 'desktop'}"] = report
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


def test_the_sessions_page_meets_wcag_21_aa(new_page, catalogue, wanjiku):
    """Signed in through the form (allauth lists the sessions whose sign-in it saw), on a
    desktop and then a phone: the second page lists two sessions."""
    from tests.factories import DEFAULT_PASSWORD

    found = {}
    for viewport in (None, PHONE):
        page = new_page(**({"viewport": viewport} if viewport else {}))
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(wanjiku.email)
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.locator("form.account-form button[type=submit]").click()
        page.goto("/accounts/sessions/")
        assert page.get_by_text("This browser").count() == 1
        if report := violations(page):
            found[f"sessions at {viewport or 'desktop'}"] = report
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


def test_the_checker_does_find_violations(page, catalogue):
    """So that a green run above means "no violations", not "axe never ran" (it is injected
    past the portal's CSP, which allows no inline script)."""
    page.goto("/")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "/static/img/emblem.svg";
            document.querySelector("main").append(img);
            document.querySelector("input[type=search]").removeAttribute("id");
        }"""
    )
    report = violations(page)
    assert "image-alt" in report
