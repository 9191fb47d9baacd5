"""Passwords: at least 12 characters, common ones refused, stored with Argon2.

The other tests hash with MD5 for speed (tests/conftest.py ``_fast_tests``); the hashing tests
here put back the portal's own list from academy/settings.py.
"""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from academy import settings as academy_settings
from academy.models import User
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

TOO_SHORT = "Kabete-202!"  # 11 characters
SHORT_MESSAGE = "This password is too short. It must contain at least 12 characters."
COMMON_MESSAGE = "This password is too common."


@pytest.fixture
def portal_hashers(settings):
    # MD5 last, only so that the personas' fast test hashes still verify.
    settings.PASSWORD_HASHERS = [
        *academy_settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]


def _change(client, new, old=DEFAULT_PASSWORD):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": old, "password1": new, "password2": new},
    )


def test_eleven_characters_are_refused_at_sign_up(signup, signup_data):
    assert len(TOO_SHORT) == 11

    response = signup(signup_data(password1=TOO_SHORT, password2=TOO_SHORT))

    assert response.status_code == 200
    assert SHORT_MESSAGE in response.content.decode()
    assert not User.objects.filter(email="achieng@ict.go.ke").exists()


def test_twelve_characters_are_enough(signup, signup_data):
    response = signup(signup_data(password1="Kabete-2026!", password2="Kabete-2026!"))

    assert response.status_code == 302
    assert User.objects.filter(email="achieng@ict.go.ke").exists()


def test_eleven_characters_are_refused_at_password_change(client, wanjiku):
    client.force_login(wanjiku)

    response = _change(client, TOO_SHORT)

    assert response.status_code == 200
    assert SHORT_MESSAGE in response.content.decode()
    wanjiku.refresh_from_db()
    assert wanjiku.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize("common", ["password1234", "qwerty123456", "123456123456"])
def test_common_passwords_are_refused_at_sign_up(signup, signup_data, common):
    response = signup(signup_data(password1=common, password2=common))

    assert response.status_code == 200
    assert COMMON_MESSAGE in response.content.decode()


def test_common_password_is_refused_at_password_change(client, wanjiku):
    client.force_login(wanjiku)

    response = _change(client, "password1234")

    assert COMMON_MESSAGE in response.content.decode()


def test_short_password_is_refused_at_password_reset(client, wanjiku, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": wanjiku.email})
    link = next(w for w in mailoutbox[0].body.split() if "/accounts/password/reset/key/" in w)
    form_page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)

    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": TOO_SHORT, "password2": TOO_SHORT}
    )

    assert SHORT_MESSAGE in response.content.decode()


def test_argon2_comes_first_and_pbkdf2_stays_for_old_hashes():
    hashers = academy_settings.PASSWORD_HASHERS

    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers[1:]


def test_a_new_password_is_stored_with_argon2(client, wanjiku, portal_hashers):
    client.force_login(wanjiku)

    _change(client, "Lake-Naivasha-Sunrise-42")

    wanjiku.refresh_from_db()
    assert wanjiku.password.startswith("argon2$argon2id$")
    assert wanjiku.check_password("Lake-Naivasha-Sunrise-42")


def test_sign_up_stores_argon2(signup, signup_data, portal_hashers):
    signup(signup_data())

    assert User.objects.get(email="achieng@ict.go.ke").password.startswith("argon2$")


def test_a_pbkdf2_hash_still_signs_in_and_is_upgraded(client, wanjiku, portal_hashers):
    User.objects.filter(pk=wanjiku.pk).update(
        password=make_password(DEFAULT_PASSWORD, hasher="pbkdf2_sha256")
    )

    response = client.post(
        reverse("account_login"), {"login": wanjiku.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    wanjiku.refresh_from_db()
    assert wanjiku.password.startswith("argon2$")
    assert wanjiku.check_password(DEFAULT_PASSWORD)
