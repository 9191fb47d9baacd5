"""Rate limits (ACCOUNT_RATE_LIMITS in academy/settings.py), counted in the shared cache.

Each test makes as many attempts as the limit allows, then one more. The counters live in the
cache: a file cache under var/ locally, Redis in CI (REDIS_URL), where every web process counts
in the same place; the ``redis`` test proves two clients and a second process see one counter.
"""

import json
import os
import subprocess  # nosec B404: runs this same Python to read the cache from a second process
import sys

import pytest
from allauth.core.internal.ratelimit import Rate, get_cache_key
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse

from academy import settings as academy_settings
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOO_MANY_PAGE = "We have received too many requests from you in a short time."
TOO_MANY_LOGINS = "Too many failed login attempts. Try again later."


def _limit(action: str, per: str) -> int:
    """The number of attempts allowed for ``action`` counted ``per`` ip, key or user."""
    for rate in academy_settings.ACCOUNT_RATE_LIMITS[action].split(","):
        amount, _, what = rate.split("/")
        if what == per:
            return int(amount)
    raise LookupError(action, per)


WRONG_PASSWORD = "Not-The-Password-1"


def _login(client, email, password=WRONG_PASSWORD, path=None):
    return client.post(path or reverse("account_login"), {"login": email, "password": password})


def _assert_429(response):
    assert response.status_code == 429
    assert TOO_MANY_PAGE in response.content.decode()  # the portal's page (templates/429.html)
    assert 'class="site-header"' in response.content.decode()


def test_the_limits_are_the_ones_documented():
    limits = academy_settings.ACCOUNT_RATE_LIMITS

    assert limits["login"] == "30/m/ip"
    assert limits["login_failed"] == "10/m/ip,5/5m/key"
    assert limits["signup"] == "20/m/ip"
    assert limits["reset_password"] == "20/m/ip,5/m/key"
    assert limits["reset_password_from_key"] == "20/m/ip"
    assert limits["confirm_email"] == "1/3m/key"
    assert limits["reauthenticate"] == "10/m/user"
    assert limits["change_password"] == "5/m/user"


# --- Signing in --------------------------------------------------------------------------------


def test_sign_in_attempts_per_address_answer_429_after_the_limit(client, db):
    for n in range(_limit("login", "ip")):
        assert _login(client, f"someone{n}@ict.demo.go.ke").status_code == 200

    _assert_429(_login(client, "one.more@ict.demo.go.ke"))


def test_admin_sign_in_answers_429_after_the_same_limit(client, ksg_staff):
    """/admin/ signs in through allauth (secure_admin_login): the same counter applies."""
    admin_login = f"{reverse('account_login')}?next=/admin/"
    assert client.get("/admin/login/")["Location"].startswith(reverse("account_login"))
    for _ in range(_limit("login", "ip")):
        assert _login(client, ksg_staff.email, path=admin_login).status_code == 200

    response = _login(client, ksg_staff.email, DEFAULT_PASSWORD, path=admin_login)

    _assert_429(response)
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_lock_one_account_even_for_the_right_password(client, wanjiku):
    for _ in range(_limit("login_failed", "key")):
        assert TOO_MANY_LOGINS not in _login(client, wanjiku.email).content.decode()

    locked = _login(client, wanjiku.email, DEFAULT_PASSWORD)

    assert TOO_MANY_LOGINS in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked by it.
    assert TOO_MANY_LOGINS not in _login(client, "otieno@treasury.demo.go.ke").content.decode()


def test_wrong_passwords_for_many_accounts_from_one_address_are_limited(client, db):
    for n in range(_limit("login_failed", "ip")):
        assert TOO_MANY_LOGINS not in _login(client, f"a{n}@ict.go.ke").content.decode()

    assert TOO_MANY_LOGINS in _login(client, "fresh@ict.go.ke").content.decode()


def test_wrong_second_factor_codes_lock_the_second_step(client, wanjiku):
    secret = generate_totp_secret()
    TOTP.activate(wanjiku, secret)
    _login(client, wanjiku.email, DEFAULT_PASSWORD)
    for _ in range(_limit("login_failed", "key")):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})

    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_authenticate"), {"code": code})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- Signing up, resetting, verifying ----------------------------------------------------------


def test_sign_ups_per_address_answer_429_after_the_limit(client, db):
    for _ in range(_limit("signup", "ip")):
        assert client.post(reverse("account_signup"), {}).status_code == 200

    _assert_429(client.post(reverse("account_signup"), {}))


def test_password_reset_per_e_mail_address_answers_429_after_the_limit(client, wanjiku):
    for _ in range(_limit("reset_password", "key")):
        response = client.post(reverse("account_reset_password"), {"email": wanjiku.email})
        assert response.status_code == 302

    _assert_429(client.post(reverse("account_reset_password"), {"email": wanjiku.email}))


def test_password_reset_per_client_address_answers_429_after_the_limit(client, db):
    for n in range(_limit("reset_password", "ip")):
        response = client.post(reverse("account_reset_password"), {"email": f"x{n}@ict.go.ke"})
        assert response.status_code == 302

    _assert_429(client.post(reverse("account_reset_password"), {"email": "y@ict.go.ke"}))


def test_reset_links_answer_429_after_the_limit(client, db):
    """Guessing the key of a reset link."""
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "guess"})
    for _ in range(_limit("reset_password_from_key", "ip")):
        assert client.post(url, {}).status_code != 429

    _assert_429(client.post(url, {}))


def test_verification_e_mails_are_sent_once_per_cooldown(db, monkeypatch, mailoutbox):
    """allauth does not answer 429 here: the first link still works, so the later e-mails are
    simply not sent until the cooldown is over."""
    import allauth.core.internal.ratelimit as ratelimit

    user = UserFactory(email="new.officer@ict.demo.go.ke", verified=False)
    user.save()  # the factory saves the password only with the verified address
    for _ in range(3):
        response = _login(Client(), user.email, DEFAULT_PASSWORD)
        assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mailoutbox) == 1

    real_time = ratelimit.time.time
    monkeypatch.setattr(ratelimit.time, "time", lambda: real_time() + 3 * 60 + 1)
    _login(Client(), user.email, DEFAULT_PASSWORD)

    assert len(mailoutbox) == 2


# --- Signed-in accounts ------------------------------------------------------------------------


def test_re_authentication_answers_429_after_the_limit(client, wanjiku):
    client.force_login(wanjiku)
    url = reverse("account_reauthenticate")
    for _ in range(_limit("reauthenticate", "user")):
        assert client.post(url, {"password": WRONG_PASSWORD}).status_code == 200

    _assert_429(client.post(url, {"password": DEFAULT_PASSWORD}))


def test_password_change_answers_429_after_the_limit(client, wanjiku):
    client.force_login(wanjiku)
    url = reverse("account_change_password")
    wrong = {"oldpassword": "wrong", "password1": "x", "password2": "x"}
    for _ in range(_limit("change_password", "user")):
        assert client.post(url, wrong).status_code == 200

    _assert_429(client.post(url, wrong))


# --- One counter for every web process ---------------------------------------------------------


@pytest.mark.redis
def test_two_clients_and_a_second_process_share_one_counter_in_redis(db):
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    first, second = Client(), Client()
    limit = _limit("login", "ip")
    for n in range(limit):
        assert _login(first, f"someone{n}@ict.demo.go.ke").status_code == 200

    # The counter is in Redis, where another process (another web worker) reads the same.
    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")
    key = get_cache_key(request, app="allauth.account", action="login", rate=Rate(limit, 60, "ip"))
    script = (
        "import django, json; django.setup();"
        "from django.core.cache import cache;"
        f"print(json.dumps(len(cache.get({key!r}, []))))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "academy.settings"}
    env["REDIS_URL"] = django_settings.CACHES["default"]["LOCATION"]
    seen_elsewhere = subprocess.run(  # noqa: S603  # nosec B603: this interpreter, a fixed script
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    assert json.loads(seen_elsewhere.stdout.strip().splitlines()[-1]) == limit

    # A second browser from the same address is refused at once.
    _assert_429(_login(second, "someone.else@ict.demo.go.ke"))
