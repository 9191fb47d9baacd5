"""Sessions: the list of one's sessions, the idle and absolute limits, a new key at sign-in, and
every other session ended when the password changes or is reset.

Time moves by patching ``django.utils.timezone.now``: academy.sessions, Django's session store
(its expiry date) and allauth's session list all read the clock through it.
"""

from datetime import timedelta
from importlib import import_module

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

EMAIL = "wanjiku@ict.demo.go.ke"
PHONE_BROWSER = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
DESKTOP_BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture
def clock(monkeypatch):
    """``clock.advance(minutes=…)`` moves every ``timezone.now()`` forward."""
    real_now = timezone.now

    class Clock:
        offset = timedelta()

        def advance(self, **kwargs):
            self.offset += timedelta(**kwargs)

    travel = Clock()
    monkeypatch.setattr(timezone, "now", lambda: real_now() + travel.offset)
    return travel


def _sign_in(client, password=DEFAULT_PASSWORD, email=EMAIL):
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _session_exists(key: str) -> bool:
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


PROFILE = "/profile/"


# --- The list of one's sessions ----------------------------------------------------------------


def test_sessions_page_lists_both_sessions_and_ends_the_other(wanjiku):
    desktop = Client(HTTP_USER_AGENT=DESKTOP_BROWSER)
    phone = Client(HTTP_USER_AGENT=PHONE_BROWSER, REMOTE_ADDR="196.201.214.10")
    _sign_in(desktop)
    _sign_in(phone)
    assert phone.get(PROFILE).status_code == 200

    page = desktop.get(reverse("usersessions_list"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Firefox on Windows" in html
    assert "Chrome on Android" in html
    assert "196.201.214.10" in html
    assert html.count("This browser") == 1
    assert "Sign out of all other sessions" in html

    ended = desktop.post(reverse("usersessions_list"), follow=True)

    assert "Signed out of all other sessions." in ended.content.decode()
    assert "Chrome on Android" not in ended.content.decode()
    assert _signed_in(desktop)
    assert phone.get(PROFILE).status_code == 302
    assert not _signed_in(phone)
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        desktop.session.session_key
    ]


def test_sessions_page_is_linked_from_the_profile(client, wanjiku):
    client.force_login(wanjiku)

    html = client.get(PROFILE).content.decode()

    assert f'href="{reverse("usersessions_list")}"' in html


def test_sessions_page_with_one_session_offers_no_sign_out_of_others(client, wanjiku):
    _sign_in(client)

    html = client.get(reverse("usersessions_list")).content.decode()

    assert "You are not signed in anywhere else." in html
    assert "Sign out of all other sessions" not in html
    assert 'class="site-header"' in html  # the portal's layout, not allauth's bare page


def test_activity_is_noted_on_the_list_at_most_once_a_minute(client, wanjiku, clock):
    _sign_in(client)
    row = UserSession.objects.get()
    signed_in = row.last_seen_at

    clock.advance(seconds=30)
    client.get(PROFILE)
    row.refresh_from_db()
    assert row.last_seen_at == signed_in

    clock.advance(seconds=31)
    client.get(PROFILE)
    row.refresh_from_db()
    assert row.last_seen_at >= signed_in + timedelta(seconds=61)


def test_sessions_page_needs_a_signed_in_user(client):
    response = client.get(reverse("usersessions_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Idle and absolute limits ------------------------------------------------------------------


def test_defaults_are_30_minutes_idle_and_12_hours_in_all():
    from academy import settings as academy_settings

    assert academy_settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert academy_settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    assert academy_settings.SESSION_COOKIE_AGE == 12 * 60 * 60


def test_activity_keeps_the_session_alive(client, wanjiku, clock):
    _sign_in(client)
    for _ in range(4):  # two hours, a request every 29 minutes
        clock.advance(minutes=29)
        assert client.get(PROFILE).status_code == 200


def test_idle_session_is_signed_out_with_a_message(client, wanjiku, clock):
    _sign_in(client)
    assert client.get(PROFILE).status_code == 200
    key = client.session.session_key

    clock.advance(minutes=30, seconds=1)
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/profile/"
    assert not _signed_in(client)
    assert not _session_exists(key)
    assert not UserSession.objects.filter(session_key=key).exists()
    page = client.get(response["Location"])
    assert "You were signed out after 30 minutes without activity." in page.content.decode()
    assert 'role="status"' in page.content.decode()  # read out by screen readers


def test_idle_limit_is_read_from_settings(client, wanjiku, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    _sign_in(client)

    clock.advance(minutes=5)
    response = client.get(PROFILE, follow=True)

    assert "after 5 minutes without activity" in response.content.decode()


def test_a_form_sent_after_the_idle_limit_is_not_processed(client, wanjiku, clock):
    _sign_in(client)

    clock.advance(minutes=31)
    response = client.post(PROFILE, {"full_name": "Someone Else"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    wanjiku.refresh_from_db()
    assert wanjiku.full_name == "Wanjiku Kamau"


def test_session_ends_12_hours_after_sign_in_however_busy(client, wanjiku, clock):
    _sign_in(client)
    for _ in range(47):  # 11 h 45 min of a request every quarter of an hour
        clock.advance(minutes=15)
        assert client.get(PROFILE).status_code == 200

    clock.advance(minutes=15)
    response = client.get(PROFILE, follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert "because you signed in more than 12 hours ago" in response.content.decode()
    assert not _signed_in(client)


def test_api_answers_401_json_when_the_session_is_idle(client, wanjiku, clock):
    _sign_in(client)
    assert client.get("/api/v1/me/enrolments/").status_code == 200

    clock.advance(minutes=31)
    response = client.get("/api/v1/me/enrolments/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "session_idle"
    assert "30 minutes without activity" in response.json()["detail"]
    assert not _signed_in(client)


def test_a_token_is_not_a_session_and_has_no_idle_limit(client, wanjiku, clock):
    token = Token.objects.create(user=wanjiku)
    headers = {"Authorization": f"Token {token.key}"}
    assert client.get("/api/v1/me/enrolments/", headers=headers).status_code == 200

    clock.advance(hours=13)

    assert client.get("/api/v1/me/enrolments/", headers=headers).status_code == 200


def test_a_token_call_goes_on_when_the_session_cookie_beside_it_is_idle(client, wanjiku, clock):
    token = Token.objects.create(user=wanjiku)
    _sign_in(client)

    clock.advance(minutes=31)
    response = client.get("/api/v1/me/enrolments/", headers={"Authorization": f"Token {token.key}"})

    assert response.status_code == 200
    assert not _signed_in(client)  # the idle session itself is over


@pytest.mark.parametrize(
    ("user_agent", "summary"),
    [
        (DESKTOP_BROWSER, "Firefox on Windows"),
        (PHONE_BROWSER, "Chrome on Android"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_sessions_are_named_by_browser_and_system(user_agent, summary):
    from academy.templatetags.academy_sessions import browser_summary

    assert browser_summary(user_agent) == summary


def test_session_from_before_the_limits_starts_its_clocks_now(client, wanjiku, clock):
    """A session signed in before this release has no times: it is not cut off at once."""
    client.force_login(wanjiku)
    session = client.session
    for key in ("academy_signed_in_at", "academy_last_seen_at"):
        session.pop(key, None)
    session.save()

    assert client.get(PROFILE).status_code == 200
    clock.advance(minutes=29)
    assert client.get(PROFILE).status_code == 200


# --- A new session key at sign-in --------------------------------------------------------------


def test_sign_in_gives_a_new_session_key(client, wanjiku):
    """A key planted before sign-in (session fixation) is worth nothing afterwards."""
    session = client.session
    session["planted"] = True
    session.save()
    before = session.session_key

    _sign_in(client)

    after = client.session.session_key
    assert after != before
    assert not _session_exists(before)
    assert int(client.session["_auth_user_id"]) == wanjiku.pk


def test_two_factor_sign_in_gives_a_new_key_at_each_stage(client, wanjiku):
    secret = generate_totp_secret()
    TOTP.activate(wanjiku, secret)
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key

    response = _sign_in(client)

    assert response["Location"] == reverse("mfa_authenticate")
    assert not _signed_in(client)
    password_stage = client.session.session_key
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    done = client.post(reverse("mfa_authenticate"), {"code": code})

    assert done.status_code == 302
    assert _signed_in(client)
    signed_in = client.session.session_key
    assert signed_in not in (planted, password_stage)
    assert not _session_exists(planted)
    assert not _session_exists(password_stage)


# --- Password change and reset end every other session -----------------------------------------


NEW_PASSWORD = "Lake-Naivasha-Sunrise-42"


def _two_sessions():
    first, second = Client(HTTP_USER_AGENT=DESKTOP_BROWSER), Client(HTTP_USER_AGENT=PHONE_BROWSER)
    for browser in (first, second):
        _sign_in(browser)
        assert browser.get(PROFILE).status_code == 200  # listed on the "Sessions" page
    assert UserSession.objects.count() == 2
    return first, second


def test_password_change_ends_the_other_sessions_and_keeps_this_one(wanjiku):
    changer, other = _two_sessions()
    other_key = other.session.session_key

    response = changer.post(
        reverse("account_change_password"),
        {"oldpassword": DEFAULT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert changer.get(PROFILE).status_code == 200
    assert other.get(PROFILE).status_code == 302
    assert not _signed_in(other)
    assert not _session_exists(other_key)
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        changer.session.session_key
    ]


def test_password_reset_ends_every_session(client, wanjiku, mailoutbox):
    first, second = _two_sessions()

    client.post(reverse("account_reset_password"), {"email": EMAIL})
    link = next(w for w in mailoutbox[-1].body.split() if "/accounts/password/reset/key/" in w)
    form_page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert done.status_code == 302
    for browser in (first, second):
        assert browser.get(PROFILE).status_code == 302
        assert not _signed_in(browser)
    assert not UserSession.objects.exists()
    assert not Session.objects.exists() or all(
        "_auth_user_id" not in s.get_decoded() for s in Session.objects.all()
    )
