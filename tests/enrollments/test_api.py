"""The enrolment API: enrol, withdraw, my enrolments; each refusal a 400 with its rule."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from courses.models import Cohort
from enrollments.models import Enrollment
from tests.courses.conftest import cohort, fill
from tests.factories import CourseFactory, SkillAreaFactory

State = Enrollment.State


@pytest.fixture
def run(ksg):
    area = SkillAreaFactory(slug="data", name="Data Use and Governance")
    course = CourseFactory(code="DUG-201", title="Data Governance", skill_area=area, provider=ksg)
    return cohort(course, starts_in=30, capacity=1, code="DUG-201-C1")


def api_as(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def enrol(client, cohort_id):
    return client.post(reverse("api_enrol", args=[cohort_id]))


def test_enrol_answers_201_with_the_state(run, wanjiku):
    response = enrol(api_as(wanjiku), run.pk)
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "enrolled"
    assert body["waitlist_position"] is None
    assert body["cohort"] == "DUG-201-C1"


def test_a_full_cohort_answers_with_the_waitlist_position(run, wanjiku, otieno):
    enrol(api_as(otieno), run.pk)
    body = enrol(api_as(wanjiku), run.pk).json()
    assert body["state"] == "waitlisted"
    assert body["waitlist_position"] == 1


def test_asking_again_answers_200_with_the_same_enrolment(run, wanjiku):
    first = enrol(api_as(wanjiku), run.pk).json()
    again = enrol(api_as(wanjiku), run.pk)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert Enrollment.objects.count() == 1


def test_a_refusal_is_a_400_naming_the_rule(run, otieno):
    run.course.audience_min_job_group = "P"
    run.course.save()
    response = enrol(api_as(otieno), run.pk)
    assert response.status_code == 400
    assert response.json()["code"] == "audience"
    assert "job groups P" in response.json()["detail"]
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("cohort_id", [999999, 2**63, 10**30])
def test_an_unknown_cohort_is_a_404(run, wanjiku, cohort_id):
    assert enrol(api_as(wanjiku), cohort_id).status_code == 404


def test_a_draft_cohort_is_a_404_and_nothing_is_saved(run, wanjiku):
    run.status = Cohort.Status.DRAFT
    run.save()
    response = enrol(api_as(wanjiku), run.pk)
    assert response.status_code == 404
    assert response.json() == {"detail": "No open cohort has this id."}
    assert not Enrollment.objects.exists()


def test_a_cohort_of_an_unpublished_course_is_a_404(run, wanjiku):
    run.course.is_published = False
    run.course.save()
    assert enrol(api_as(wanjiku), run.pk).status_code == 404
    assert not Enrollment.objects.exists()


def test_a_closed_cohort_is_a_400_naming_the_rule(run, wanjiku):
    run.status = Cohort.Status.CLOSED
    run.save()
    response = enrol(api_as(wanjiku), run.pk)
    assert response.status_code == 400
    assert response.json()["code"] == "not_open"


def test_an_enrolment_over_a_token_sends_six_statements_and_a_transaction(run, wanjiku):
    """The busiest write of the portal, kept lean (benchmarks/enrolment.py): the token with
    its officer, then under one transaction the cohort's lock, one statement for the officer's
    job group, the seats and their places, the enrolment, its audit event and the e-mail owed
    (nothing goes to the broker before the commit)."""
    token = Token.objects.create(user=wanjiku)
    client = APIClient()
    ContentType.objects.get_for_model(Enrollment)  # cached by a running portal
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("api_enrol", args=[run.pk]), HTTP_AUTHORIZATION=f"Token {token.key}"
        )
    assert response.status_code == 201
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) == 6, [s[:40] for s in statements]
    assert statements[0].startswith('SELECT "authtoken_token"')
    assert statements[1].startswith("SELECT c.id, c.course_id")
    if connection.vendor == "postgresql":
        assert statements[1].endswith("FOR UPDATE OF c")
    assert statements[2].lstrip().startswith("SELECT\n    (SELECT job_group FROM")
    assert statements[3].startswith('INSERT INTO "enrollments_enrollment"')
    assert statements[4].startswith('INSERT INTO "academy_auditevent"')
    assert statements[5].startswith('INSERT INTO "enrollments_notification"')


def test_the_anonymous_are_refused(run):
    assert enrol(api_as(None), run.pk).status_code in (401, 403)
    assert api_as(None).get(reverse("api_my_enrolments")).status_code in (401, 403)
    assert not Enrollment.objects.exists()


def test_withdraw_promotes_the_first_in_line(run, wanjiku, otieno):
    mine = enrol(api_as(wanjiku), run.pk).json()
    enrol(api_as(otieno), run.pk)
    url = reverse("api_withdraw", args=[mine["id"]])

    missing = api_as(wanjiku).post(url, {}, format="json")
    response = api_as(wanjiku).post(url, {"reason": "Transferred"}, format="json")

    assert missing.status_code == 400
    assert list(missing.json()) == ["reason"]
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    assert Enrollment.objects.get(officer=otieno).state == State.ENROLLED


def test_no_one_withdraws_someone_else(run, wanjiku, otieno):
    theirs = enrol(api_as(otieno), run.pk).json()
    url = reverse("api_withdraw", args=[theirs["id"]])
    response = api_as(wanjiku).post(url, {"reason": "mischief"}, format="json")
    assert response.status_code == 404
    assert Enrollment.objects.get(pk=theirs["id"]).state == State.ENROLLED


def test_my_enrolments_lists_only_my_own(run, wanjiku, otieno):
    other = cohort(run.course, starts_in=60, code="DUG-201-C2")
    fill(other, 1)
    enrol(api_as(wanjiku), run.pk)
    enrol(api_as(otieno), other.pk)
    response = api_as(wanjiku).get(reverse("api_my_enrolments"))
    assert response.status_code == 200
    assert [row["cohort"] for row in response.json()["results"]] == ["DUG-201-C1"]
