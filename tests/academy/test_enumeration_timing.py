"""Sign-in, sign-up and password reset take about as long for a registered address as for an
unknown one, with the portal's own password hashers (Argon2), so their timing does not tell
that an address exists. The medians print with ``-s``:

    .venv/bin/pytest -q -p no:xdist -s tests/academy/test_enumeration_timing.py

The bound is loose on purpose (neither median more than double the other, give or take 50 ms),
because a shared machine is noisy; the leak it guards against was twelvefold (a sign-up with a
registered address answered in 46 ms against 577 ms, as it hashed nothing). The exact check that
keeps sign-up even is test_enumeration.py's hash count.
"""

import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from academy import settings as academy_settings
from tests.conftest import _clear_cache

pytestmark = pytest.mark.django_db
ROUNDS = 7
KNOWN = "wanjiku@ict.demo.go.ke"


def _median_ms(samples):
    return round(statistics.median(samples) * 1000)


def _time(post):
    _clear_cache()  # rate limits would stop the rounds, not what is measured
    started = time.perf_counter()
    response = post(Client())
    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 302)
    return elapsed


def test_known_and_unknown_addresses_take_about_as_long(wanjiku, signup_data, settings):
    settings.PASSWORD_HASHERS = academy_settings.PASSWORD_HASHERS
    flows = {
        "sign-in, wrong password": lambda email, i: (
            lambda c: c.post(
                reverse("account_login"), {"login": email, "password": "Not-The-Password-1"}
            )
        ),
        "sign-up": lambda email, i: (
            lambda c: c.post(
                reverse("account_signup"),
                signup_data(email=email, personal_number=f"{2030000000 + i}"),
            )
        ),
        "password reset": lambda email, i: (
            lambda c: c.post(reverse("account_reset_password"), {"email": email})
        ),
    }
    print()
    for n, (name, flow) in enumerate(flows.items()):
        known, unknown = [], []
        for i in range(ROUNDS):
            number = (n * ROUNDS + i) * 2
            known.append(_time(flow(KNOWN, number)))
            unknown.append(_time(flow(f"nobody{number}@ict.demo.go.ke", number + 1)))
        known_ms, unknown_ms = _median_ms(known), _median_ms(unknown)
        print(f"{name}: registered {known_ms} ms, unknown {unknown_ms} ms (medians of {ROUNDS})")
        assert abs(known_ms - unknown_ms) <= max(50, min(known_ms, unknown_ms)), name
