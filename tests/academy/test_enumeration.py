"""No enumeration: signing in, signing up, resetting a password and verifying an address answer
the same for an address with an account and one without.

"The same" is compared on what a client sees: the status, the redirect, and the page text with
the CSRF token and the typed address taken out. Only the mailbox of the address differs, which
only its owner reads (ACCOUNT_PREVENT_ENUMERATION = True).
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from academy.models import OfficerProfile, User
from tests.academy.support import confirmation_link
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KNOWN = "wanjiku@ict.demo.go.ke"
UNKNOWN = "nobody.here@ict.demo.go.ke"


def _normalised(response, *typed: str) -> str:
    """The page without what legitimately differs: the CSRF token and the address typed."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    for value in typed:
        html = html.replace(value, "ADDRESS")
    return html


def _answer(response, *typed: str):
    return (
        response.status_code,
        response.get("Location"),
        [url for url, _ in getattr(response, "redirect_chain", [])],
        _normalised(response, *typed),
    )


def _both(flow, known=KNOWN, unknown=UNKNOWN):
    """The answers of ``flow(client, address)`` for both addresses, each from a fresh client."""
    return flow(Client(), known), flow(Client(), unknown)


# --- Signing in ------------------------------------------------------------------------------


def test_wrong_password_answers_the_same_for_known_and_unknown_addresses(wanjiku):
    def flow(client, email):
        response = client.post(
            reverse("account_login"), {"login": email, "password": "Not-The-Password-1"}
        )
        return _answer(response, email)

    known, unknown = _both(flow)

    assert known == unknown
    assert known[0] == 200
    assert "The email address and/or password you specified are not correct." in known[3]


def test_unverified_account_with_a_wrong_password_answers_like_an_unknown_address(db):
    UserFactory(email="new.officer@ict.demo.go.ke", verified=False).save()

    def flow(client, email):
        response = client.post(
            reverse("account_login"), {"login": email, "password": "Not-The-Password-1"}
        )
        return _answer(response, email)

    assert flow(Client(), "new.officer@ict.demo.go.ke") == flow(Client(), UNKNOWN)


def test_admin_sign_in_answers_the_same_for_a_staff_address(ksg_staff):
    def flow(client, email):
        response = client.post(
            f"{reverse('account_login')}?next=/admin/",
            {"login": email, "password": "Not-The-Password-1"},
        )
        return _answer(response, email)

    known, unknown = _both(flow, known=ksg_staff.email, unknown="nobody@ksg.demo.ac.ke")

    assert known == unknown


def test_admin_login_form_checks_no_password_itself(ksg_staff):
    """/admin/login/ only sends the browser to the portal's sign-in (secure_admin_login), so a
    password posted to it is never checked there: no second door without limits."""
    from tests.factories import DEFAULT_PASSWORD

    client = Client()
    response = client.post(
        "/admin/login/", {"username": ksg_staff.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


# --- Signing up ------------------------------------------------------------------------------


def test_sign_up_with_a_registered_address_answers_like_a_new_one(wanjiku, signup_data, mailoutbox):
    def flow(client, email):
        number = "2021000001" if email == KNOWN else "2021000002"
        response = client.post(
            reverse("account_signup"), signup_data(email=email, personal_number=number)
        )
        page = client.get(response["Location"])
        return _answer(response, email), _answer(page, email)

    known, unknown = _both(flow)

    assert known == unknown
    assert known[0][:2] == (302, reverse("account_email_verification_sent"))
    # The owner of the registered address is told someone tried; the new one gets its link.
    to_known, to_unknown = (
        [m for m in mailoutbox if m.to == [address]] for address in (KNOWN, UNKNOWN)
    )
    assert len(to_known) == 1
    assert "already" in to_known[0].subject.lower() or "already" in to_known[0].body.lower()
    assert "/accounts/confirm-email/" not in to_known[0].body
    assert len(to_unknown) == 1
    assert "/accounts/confirm-email/" in to_unknown[0].body
    # Nothing was added to the registered account.
    assert User.objects.filter(email__iexact=KNOWN).count() == 1
    assert not OfficerProfile.objects.filter(personal_number="2021000001").exists()


def test_sign_up_with_an_unverified_registered_address_answers_like_a_new_one(
    signup_data, mailoutbox
):
    UserFactory(email="new.officer@ict.demo.go.ke", verified=False)

    def flow(client, email):
        number = "2021000003" if email.startswith("new.") else "2021000004"
        response = client.post(
            reverse("account_signup"), signup_data(email=email, personal_number=number)
        )
        return _answer(response, email)

    assert flow(Client(), "new.officer@ict.demo.go.ke") == flow(Client(), UNKNOWN)


def test_sign_up_in_another_case_of_a_registered_address_answers_like_a_new_one(
    wanjiku, signup_data
):
    def flow(client, email):
        number = "2021000005" if "WANJIKU" in email else "2021000006"
        response = client.post(
            reverse("account_signup"), signup_data(email=email, personal_number=number)
        )
        return _answer(response, email, email.lower())

    assert flow(Client(), KNOWN.upper()) == flow(Client(), UNKNOWN.upper())
    assert User.objects.filter(email__iexact=KNOWN).count() == 1


# --- Resetting a password --------------------------------------------------------------------


def test_password_reset_answers_the_same_and_mails_only_the_owner(wanjiku, mailoutbox):
    def flow(client, email):
        response = client.post(reverse("account_reset_password"), {"email": email})
        page = client.get(response["Location"])
        return _answer(response, email), _answer(page, email)

    known, unknown = _both(flow)

    assert known == unknown
    assert known[0][:2] == (302, reverse("account_reset_password_done"))
    to_known, to_unknown = (
        [m for m in mailoutbox if m.to == [address]] for address in (KNOWN, UNKNOWN)
    )
    assert len(to_known) == 1
    assert "/accounts/password/reset/key/" in to_known[0].body
    # allauth's "someone asked, but there is no account with this address" mail, no link.
    assert len(to_unknown) == 1
    assert "/accounts/password/reset/key/" not in to_unknown[0].body


def test_password_reset_for_an_address_outside_the_public_service_answers_the_same(
    huawei_reviewer,
):
    def flow(client, email):
        response = client.post(reverse("account_reset_password"), {"email": email})
        return _answer(response, email)

    known, unknown = _both(flow, known=huawei_reviewer.email, unknown="nobody@gmail.com")

    assert known == unknown


# --- Verifying an address --------------------------------------------------------------------


def test_adding_an_address_of_another_account_answers_like_a_new_address(
    otieno, wanjiku, mailoutbox
):
    """The "E-mail addresses" page: adding someone else's address reveals nothing."""
    from allauth.account.models import EmailAddress

    def flow(email):
        browser = Client()
        browser.force_login(otieno)
        response = browser.post(
            reverse("account_email"), {"action_add": "", "email": email}, follow=True
        )
        # Each attempt starts from otieno's account as it was.
        EmailAddress.objects.filter(user=otieno).exclude(email=otieno.email).delete()
        return _answer(response, email)

    # An unknown address that sorts after otieno's, as wanjiku's does: the list is in order.
    known, unknown = flow(KNOWN), flow("wanjiru.nobody@ict.demo.go.ke")

    assert known == unknown
    assert known[0] == 200
    # Both get the same confirmation mail, as allauth sends for any address being added ...
    to_known, to_unknown = (
        [m for m in mailoutbox if m.to == [address]]
        for address in (KNOWN, "wanjiru.nobody@ict.demo.go.ke")
    )
    assert len(to_known) == len(to_unknown) == 1
    assert to_known[0].subject == to_unknown[0].subject
    # ... and following it cannot take the address from the account that has it verified.
    browser = Client()
    browser.force_login(otieno)
    browser.post(reverse("account_email"), {"action_add": "", "email": KNOWN})
    browser.post(confirmation_link(mailoutbox[-1]))
    assert EmailAddress.objects.get(email=KNOWN, user=wanjiku).verified
    assert not EmailAddress.objects.filter(email=KNOWN, user=otieno, verified=True).exists()


def test_a_confirmation_link_says_nothing_about_the_address(client):
    response = client.get(reverse("account_confirm_email", args=["0" * 64]))

    assert response.status_code == 200
    assert "This confirmation link has expired or is not valid." in response.content.decode()


def test_sign_up_with_a_registered_address_hashes_a_password_like_a_new_one(
    wanjiku, signup_data, settings, monkeypatch
):
    """A new sign-up hashes the password (Argon2: slow on purpose); a sign-up with a registered
    address hashes one too (AccountAdapter), or its speed alone would tell the two apart."""
    from django.contrib.auth import hashers

    from academy import settings as academy_settings

    settings.PASSWORD_HASHERS = academy_settings.PASSWORD_HASHERS
    hashed = []
    encode = hashers.Argon2PasswordHasher.encode

    def counting_encode(self, *args, **kwargs):
        hashed.append(1)
        return encode(self, *args, **kwargs)

    monkeypatch.setattr(hashers.Argon2PasswordHasher, "encode", counting_encode)
    counts = []
    for email, number in ((UNKNOWN, "2021000011"), (KNOWN, "2021000012")):
        hashed.clear()
        response = Client().post(
            reverse("account_signup"), signup_data(email=email, personal_number=number)
        )
        assert response.status_code == 302
        counts.append(len(hashed))

    assert counts == [1, 1]
