"""How long sign-in, sign-up and password reset take for a registered and an unknown address.

A measurement, not a check (the times depend on the machine): it runs only when asked, with the
portal's own password hashers (Argon2), and prints the medians:

    MEASURE_ENUMERATION_TIMING=1 .venv/bin/pytest -q -p no:xdist -s \\
        tests/academy/test_enumeration_timing.py

The check that keeps sign-up even is test_enumeration.py's hash count.
"""

import os
import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from academy import settings as academy_settings
from tests.conftest import _clear_cache

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("MEASURE_ENUMERATION_TIMING"),
        reason="a measurement: set MEASURE_ENUMERATION_TIMING=1",
    ),
]
ROUNDS = 15
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


def test_measure(wanjiku, signup_data, settings):
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
        print(
            f"{name}: registered {_median_ms(known)} ms, unknown {_median_ms(unknown)} ms "
            f"(medians of {ROUNDS})"
        )
