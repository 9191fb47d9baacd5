"""Signing in, rate limits, password reset, and the allauth pages in the portal's layout."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from academy.models import User
from tests.academy.support import no_inline_code
from tests.factories import DEFAULT_PASSWORD, totp_code

pytestmark = pytest.mark.django_db


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_wanjiku_signs_in(client, wanjiku):
    response = _login(client, "wanjiku@ict.demo.go.ke", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == wanjiku.pk


def test_sign_in_ignores_the_case_of_the_address(client, wanjiku):
    _login(client, "Wanjiku@ICT.demo.go.ke", DEFAULT_PASSWORD)

    assert _signed_in(client)


def test_wrong_password_is_refused_with_a_message_at_the_top(client, wanjiku):
    response = _login(client, "wanjiku@ict.demo.go.ke", "not-her-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert "not correct" in html
    assert not _signed_in(client)


def test_partner_reviewer_outside_public_service_domains_signs_in(client, huawei_reviewer):
    """The domain rule is for registration; accounts made by KSG staff sign in as usual (with
    their second factor, as every role must: tests/academy/test_mfa.py)."""
    response = _login(client, "reviewer@huawei.demo.co.ke", DEFAULT_PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert _signed_in(client)


def test_repeated_failures_lock_the_address_for_a_while(client, wanjiku, settings):
    """The "login_failed" limit (ACCOUNT_RATE_LIMITS): 5 failures per address in 5 minutes."""
    # The counters live in the cache. The embedded default is a file cache under var/, which a
    # second test run in the same checkout may clear half-way: count in this process only.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "login-rate-limit-test",
        }
    }
    for _ in range(5):
        response = _login(client, "wanjiku@ict.demo.go.ke", "guess")
        assert "Too many failed login attempts" not in response.content.decode()

    locked = _login(client, "wanjiku@ict.demo.go.ke", "guess")
    assert "Too many failed login attempts. Try again later." in locked.content.decode()
    # Even the right password is refused until the limit expires.
    right = _login(client, "wanjiku@ict.demo.go.ke", DEFAULT_PASSWORD)
    assert "Too many failed login attempts" in right.content.decode()
    assert not _signed_in(client)


def test_inactive_account_cannot_sign_in(client, wanjiku):
    User.objects.filter(pk=wanjiku.pk).update(is_active=False)

    response = _login(client, "wanjiku@ict.demo.go.ke", DEFAULT_PASSWORD)

    assert not _signed_in(client)
    assert response.status_code in (200, 302)


def test_admin_sign_in_goes_through_allauth(client):
    response = client.get("/admin/", follow=True)

    final_url, _ = response.redirect_chain[-1]
    assert final_url.startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in final_url
    assert 'name="login"' in response.content.decode()  # allauth's form, not Django's
    assert 'name="username"' not in response.content.decode()


def test_password_reset_mails_a_partner_reviewer(client, huawei_reviewer, mailoutbox):
    """Resetting a password is not a sign-up: addresses outside go.ke still get their link."""
    response = client.post(
        reverse("account_reset_password"), {"email": "reviewer@huawei.demo.co.ke"}
    )

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["reviewer@huawei.demo.co.ke"]]


def test_password_reset_from_the_link(client, wanjiku, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "wanjiku@ict.demo.go.ke"})
    link = next(
        word for word in mailoutbox[0].body.split() if "/accounts/password/reset/key/" in word
    )
    path = link.split("://", 1)[1].split("/", 1)[1]

    form_page = client.get(f"/{path}", follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    new_password = "Another-Long-Password-77"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": new_password, "password2": new_password},
    )

    assert done.status_code == 302
    wanjiku.refresh_from_db()
    assert wanjiku.check_password(new_password)


def test_adding_an_address_outside_the_public_service_is_refused(client, wanjiku):
    client.force_login(wanjiku)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "wanjiku@gmail.com"}
    )

    assert response.status_code == 200
    assert "registration is open to addresses at" in response.content.decode()
    assert not EmailAddress.objects.filter(email="wanjiku@gmail.com").exists()


# --- The pages look like the portal ----------------------------------------------------------


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
]
SIGNED_IN_PAGES = ["account_email", "account_change_password", "account_logout", "mfa_index"]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_entrance_pages_use_the_portal_layout(client, name, state_department_ict):
    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert 'action="/i18n/setlang/"' in html  # the language switch stays on every page
    assert "<h1>" in html
    assert no_inline_code(html)


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_account_pages_use_the_portal_layout(client, wanjiku, name):
    client.force_login(wanjiku)

    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "<h1>" in html
    assert no_inline_code(html)


def test_confirmation_page_for_a_bad_key(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-key"]))

    assert response.status_code == 200
    assert "This confirmation link has expired or is not valid." in response.content.decode()


def test_sign_out_asks_then_signs_out(client, wanjiku):
    client.force_login(wanjiku)

    page = client.get(reverse("account_logout"))
    assert "Are you sure you want to sign out?" in page.content.decode()
    client.post(reverse("account_logout"))

    assert not _signed_in(client)
