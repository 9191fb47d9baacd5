"""MFA and re-authentication in a real browser: a KSG staff member without MFA signs in, is held
on the two-factor page, confirms their password, sets up an authenticator app with JavaScript
off, and then reaches the staff pages; an officer makes an API token. Each page meets WCAG 2.1
AA on a desktop and a phone, and the security-key page runs under the CSP without violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from rest_framework.authtoken.models import Token

from academy.models import Membership
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory, totp_code

pytestmark = pytest.mark.e2e

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
axe = Axe()


def violations(page) -> str:
    results = axe.run(page, options=WCAG_21_AA)
    return results.generate_report() if results.violations_count else ""


@pytest.fixture
def new_staff(transactional_db, ksg):
    user = UserFactory(email="new.staff@ksg.ac.ke", full_name="Achieng Otieno", is_staff=True)
    MembershipFactory(user=user, role=Membership.Role.KSG_STAFF, mfa=False)
    return user


def _accessible(page, javascript: bool) -> bool:
    # axe runs as a script in the page: with JavaScript off there is nothing to run it.
    return not javascript or violations(page) == ""


@pytest.mark.parametrize(
    ("viewport", "javascript"), [("desktop", True), ("phone", True), ("desktop", False)]
)
def test_staff_without_mfa_set_up_an_authenticator_app(
    new_page, new_staff, viewport, javascript, screenshot
):
    options = {"java_script_enabled": javascript}
    if viewport == "phone":
        options["viewport"] = PHONE
    page = new_page(**options)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(new_staff.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    with page.expect_navigation():  # a loaded machine answers after the click returns
        page.locator("main form button[type=submit]").click()

    page.goto("/reports/")
    assert page.url.endswith("/accounts/2fa/")
    assert page.get_by_text("must be protected by two-factor authentication").count() == 1
    assert _accessible(page, javascript)
    screenshot(page, f"mfa-required-{viewport}")

    with page.expect_navigation():
        page.get_by_role("link", name="Set up an authenticator app").click()
    assert "/accounts/reauthenticate/" in page.url  # allauth asks for the password first
    assert _accessible(page, javascript)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    assert page.url.endswith("/accounts/2fa/totp/activate/")
    assert _accessible(page, javascript)
    screenshot(page, f"mfa-totp-activate-{viewport}")
    secret = page.locator("code.token-key").inner_text().strip()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Activate").click()

    page.goto("/reports/")
    assert page.url.endswith("/reports/")


def test_the_security_key_page_runs_its_script_under_the_csp(transactional_db, sign_in, ksg_staff):
    page = sign_in(ksg_staff)
    problems = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto("/accounts/2fa/webauthn/add/")

    assert page.get_by_role("button", name="Add").count() == 1
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert violations(page) == ""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_an_officer_makes_an_api_token(transactional_db, sign_in, wanjiku, viewport, screenshot):
    page = sign_in(wanjiku, **({"viewport": PHONE} if viewport == "phone" else {}))
    page.goto("/profile/")
    with page.expect_navigation():
        page.get_by_role("link", name="API token").click()
    assert page.get_by_text("You have no API token.").count() == 1
    assert violations(page) == ""

    with page.expect_navigation():
        page.get_by_role("button", name="Create a token").click()

    key = Token.objects.get(user=wanjiku).key
    assert page.locator("code.token-key").inner_text() == key
    assert violations(page) == ""
    screenshot(page, f"api-token-{viewport}")
