"""The account e-mails (confirmation, password reset, enumeration-safe answers) are the
portal's own words, in the language the visitor uses."""

from django.conf import settings
from django.urls import reverse


def test_the_confirmation_email_after_sign_up(client, signup_data, mailoutbox):
    client.post(reverse("account_signup"), signup_data())
    (message,) = mailoutbox
    assert message.subject == "[KSG Digital Academy] Confirm your e-mail address"
    assert "registered achieng@ict.go.ke for an account on the KSG Digital Academy" in message.body
    assert "/accounts/confirm-email/" in message.body


def test_the_confirmation_email_in_kiswahili(client, signup_data, mailoutbox):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    client.post(reverse("account_signup"), signup_data())
    (message,) = mailoutbox
    assert "alisajili achieng@ict.go.ke kwa akaunti" in message.body
    assert "Confirm your e-mail address" not in message.subject


def test_signing_up_again_mails_the_owner_instead_of_saying_so(
    client, signup_data, wanjiku, mailoutbox
):
    client.post(
        reverse("account_signup"),
        signup_data(email="wanjiku@ict.demo.go.ke", personal_number="2020999999"),
    )
    (message,) = mailoutbox
    assert message.to == ["wanjiku@ict.demo.go.ke"]
    assert message.subject == "[KSG Digital Academy] You already have an account"
    assert "/accounts/password/reset/" in message.body


def test_a_reset_for_an_unknown_address_says_so_to_that_address_only(client, db, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "nobody@ict.go.ke"})
    (message,) = mailoutbox
    assert message.to == ["nobody@ict.go.ke"]
    assert message.subject == "[KSG Digital Academy] No account has this address"
    assert "/accounts/signup/" in message.body


def test_the_reset_email_of_a_known_address(client, wanjiku, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "wanjiku@ict.demo.go.ke"})
    (message,) = mailoutbox
    assert message.subject == "[KSG Digital Academy] Choose a new password"
    assert "/accounts/password/reset/key/" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
