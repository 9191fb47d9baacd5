"""Fixtures of the account tests: a valid sign-up, a superuser, a county government."""

import pytest
from django.urls import reverse

from tests.academy.support import SIGNUP_PASSWORD
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def signup_data(state_department_ict, nairobi):
    """POST data of a valid sign-up; tests change one thing at a time."""

    def build(**overrides):
        data = {
            "full_name": "Achieng Atieno",
            "email": "achieng@ict.go.ke",
            "password1": SIGNUP_PASSWORD,
            "password2": SIGNUP_PASSWORD,
            "personal_number": "2020123456",
            "organisation": state_department_ict.pk,
            "job_group": "K",
            "designation": "ICT Officer II",
            "duty_station": nairobi.pk,
            "gender": "",
            "national_id": "",
        }
        data.update(overrides)
        return data

    return build


@pytest.fixture
def signup(client):
    def post(data):
        return client.post(reverse("account_signup"), data)

    return post


@pytest.fixture
def superuser(db):
    return UserFactory(
        email="root@ksg.ac.ke", full_name="Root Admin", is_staff=True, is_superuser=True
    )


@pytest.fixture
def county_government(db):
    return OrganisationFactory(
        name="County Government of Mombasa", slug="cg-mombasa", kind="county"
    )
