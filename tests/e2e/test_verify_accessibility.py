"""The certificate verification pages (valid, revoked, superseded, not found, the general page,
a checked file) and the staff certificate pages meet WCAG 2.1 AA, on a desktop and a 360 px
phone, in English and Kiswahili; and the public ones leak nothing personal."""

import pytest
from django.conf import settings
from django.test import Client

from certificates import services
from tests.certificates.conftest import completed_officer
from tests.e2e.test_accessibility import PHONE, violations
from tests.enrollments.conftest import week_cohort

pytestmark = pytest.mark.e2e


@pytest.fixture
def certificates(transactional_db, catalogue, wanjiku, ksg_staff):
    from courses.models import Course

    course = Course.objects.get(code="DGP-201")
    cohort = week_cohort(course, code="DGP-201-PAST", status="running")
    valid = services.certificate_issue(enrollment=completed_officer(cohort, 1))
    revoked = services.certificate_issue(enrollment=completed_officer(cohort, 2))
    services.certificate_revoke(certificate=revoked, by=ksg_staff, reason="Issued in error")
    old = services.certificate_issue(enrollment=completed_officer(cohort, 3))
    new = services.certificate_reissue(certificate=old, by=ksg_staff, reason="Name corrected")
    return {"valid": valid, "revoked": revoked, "superseded": old, "new": new, "cohort": cohort}


@pytest.mark.parametrize("locale", ["en-GB", "sw"])
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_verification_pages_meet_wcag_21_aa(new_page, certificates, locale, viewport):
    options = {"locale": locale}
    if viewport == "phone":
        options["viewport"] = PHONE
    page = new_page(**options)
    paths = [
        f"/verify/{certificates[k].verification_code}/" for k in ("valid", "revoked", "superseded")
    ]
    found = {}
    for path in [*paths, "/verify/", "/verify/no-such-code-at-all-here/"]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == locale[:2]
        assert "officer1@" not in page.content()
        if report := violations(page):
            found[path] = report
    # A file that is not the one issued: the answer is announced and accessible too.
    page.goto(paths[0])
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 altered"}],
    )
    page.locator(".verify-upload-form button[type=submit]").click()
    assert page.locator(".verify-file-altered").count() == 1
    if report := violations(page):
        found["altered upload"] = report
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


def test_the_staff_certificate_pages_meet_wcag_21_aa(
    new_page, certificates, ksg_staff, live_server
):
    client = Client()
    client.force_login(ksg_staff)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    cohort = certificates["cohort"]
    pages = [
        "/certificates/staff/",
        f"/certificates/staff/{certificates['new'].serial}/",
        f"/certificates/staff/{certificates['revoked'].serial}/",
        f"/certificates/staff/cohorts/{cohort.pk}/",
    ]
    found = {}
    for viewport in (None, PHONE):
        page = new_page(**({"viewport": viewport} if viewport else {}))
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        for path in pages:
            page.goto(path)
            if report := violations(page):
                found[f"{path} at {viewport or 'desktop'}"] = report
    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())
