"""Two people register with the same personal number at the same moment (PostgreSQL).

Both pass the form's "already registered?" check; the database's unique constraint decides.
The loser must get the form error, with no account, profile or address left behind.
"""

import contextlib
import threading
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.urls import reverse

from academy import services
from academy.forms import NewPersonalNumberMixin
from academy.models import OfficerProfile, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(signup_data, monkeypatch) -> tuple[str, dict]:
    """Two sign-ups with one personal number, both past the form check; (loser, responses)."""
    # Both sign-ups check the number before either has saved it.
    monkeypatch.setattr(
        NewPersonalNumberMixin,
        "clean_personal_number",
        lambda form: form.cleaned_data["personal_number"],
    )
    # Hold both inside their transaction, account row written, until both have got there.
    barrier = threading.Barrier(2, timeout=10)
    create = services.officer_profile_create

    def create_together(**kwargs):
        barrier.wait()
        return create(**kwargs)

    monkeypatch.setattr(services, "officer_profile_create", create_together)
    responses = {}

    def register(email):
        try:
            responses[email] = Client().post(
                reverse("account_signup"),
                signup_data(email=email, personal_number="2020999999"),
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=register, args=(email,))
        for email in ("first@ict.go.ke", "second@treasury.go.ke")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(r.status_code for r in responses.values()) == [200, 302]
    loser = next(email for email, r in responses.items() if r.status_code == 200)
    return loser, responses


def test_simultaneous_signups_with_one_personal_number(signup_data, monkeypatch):
    loser, responses = _race(signup_data, monkeypatch)

    assert "This personal number is already registered." in responses[loser].content.decode()
    assert OfficerProfile.objects.filter(personal_number="2020999999").count() == 1
    assert not User.objects.filter(email=loser).exists()
    assert not EmailAddress.objects.filter(email=loser).exists()


def test_without_the_transaction_the_loser_would_keep_an_account(signup_data, monkeypatch):
    """The twin: with signup()'s transaction switched off, the race leaves a stray account."""
    from academy import forms

    monkeypatch.setattr(forms, "transaction", SimpleNamespace(atomic=contextlib.nullcontext))

    loser, _ = _race(signup_data, monkeypatch)

    assert User.objects.filter(email=loser).exists()
    assert not hasattr(User.objects.get(email=loser), "officer_profile")
