"""A training officer follows the enrolments of their own organisation's officers only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollments.models import Enrollment
from tests.courses.conftest import cohort
from tests.factories import EnrollmentFactory, OfficerProfileFactory, UserFactory

URL = reverse("enrollments:officers_training")
State = Enrollment.State


@pytest.fixture
def enrolments(run, wanjiku, otieno):
    later = cohort(run.course, starts_in=90, code="DUG-201-LATER")
    return {
        "wanjiku": Enrollment.objects.create(officer=wanjiku, cohort=run, state=State.ENROLLED),
        "otieno": Enrollment.objects.create(officer=otieno, cohort=later, state=State.ENROLLED),
    }


def test_the_ministrys_training_officer_sees_the_state_departments_officers(
    client, hr_ict, enrolments
):
    client.force_login(hr_ict)
    page = client.get(URL).content.decode()
    assert "Wanjiku Kamau" in page
    assert enrolments["otieno"].officer.full_name not in page
    assert "1 enrolment" in page


def test_another_ministrys_training_officer_sees_only_theirs(client, hr_treasury, enrolments):
    client.force_login(hr_treasury)
    page = client.get(URL).content.decode()
    assert "Wanjiku Kamau" not in page
    assert enrolments["otieno"].officer.full_name in page


def test_filtering_by_state_and_ignoring_unknown_states(client, hr_ict, enrolments):
    client.force_login(hr_ict)
    assert "Wanjiku Kamau" not in client.get(URL, {"state": "withdrawn"}).content.decode()
    assert "Wanjiku Kamau" in client.get(URL, {"state": "no-such-state"}).content.decode()


@pytest.mark.parametrize("persona", ["wanjiku", "ksg_staff", "trainer", "huawei_reviewer"])
def test_others_are_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_the_anonymous_are_sent_to_sign_in(client, db):
    assert client.get(URL).url.startswith(reverse("account_login"))


def test_queries_stay_constant_as_enrolments_grow(client, hr_ict, run, state_department_ict):
    client.force_login(hr_ict)

    def add(n):
        for _ in range(n):
            officer = UserFactory()
            OfficerProfileFactory(user=officer, organisation=state_department_ict)
            EnrollmentFactory(officer=officer, cohort=run)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries.captured_queries)

    add(2)
    few = count()
    add(20)
    assert count() == few
