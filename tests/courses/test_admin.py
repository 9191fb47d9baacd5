"""The catalogue's admin pages load for KSG staff and run a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Cohort
from enrollments.models import Enrollment
from tests.courses.conftest import cohort, fill
from tests.factories import UserFactory

CHANGELISTS = [
    "admin:courses_skillarea_changelist",
    "admin:courses_competency_changelist",
    "admin:courses_course_changelist",
    "admin:courses_cohort_changelist",
    "admin:courses_campus_changelist",
]


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(email="root@ksg.ac.ke", is_staff=True, is_superuser=True))
    return client


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
        assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("name", CHANGELISTS)
def test_each_changelist_runs_the_same_queries_for_3_or_30_rows(admin_client, make_catalogue, name):
    url = reverse(name)
    make_catalogue(3, prefix="FEW")
    few = count_queries(admin_client, url)
    make_catalogue(27, prefix="MORE")
    assert count_queries(admin_client, url) == few


@pytest.mark.parametrize(
    "params",
    [
        {"q": "course"},
        {"status__exact": "scheduled"},
        {"venue": "online"},
        {"venue": "lower-kabete"},
        {"o": "7"},
    ],
)
def test_the_cohort_changelist_searches_filters_and_sorts(admin_client, make_catalogue, params):
    make_catalogue(4)
    assert count_queries(admin_client, reverse("admin:courses_cohort_changelist"), params)


def test_the_cohort_changelist_shows_seats_taken_and_venue(admin_client, areas, kabete):
    from tests.factories import CourseFactory

    run = cohort(CourseFactory(code="SEAT-1"), starts_in=10, campus=kabete, code="SEAT-1-A")
    fill(run, 3)
    fill(run, 2, Enrollment.State.WAITLISTED)
    cohort(run.course, starts_in=20, online=True, code="SEAT-1-B")
    page = admin_client.get(reverse("admin:courses_cohort_changelist")).content.decode()
    row_a = re.search(r"<tr>.*?SEAT-1-A.*?</tr>", page, flags=re.S).group(0)
    assert '<td class="field-seats_taken">3</td>' in row_a
    assert "Lower Kabete" in row_a
    row_b = re.search(r"<tr>.*?SEAT-1-B.*?</tr>", page, flags=re.S).group(0)
    assert '<td class="field-venue">Online</td>' in row_b


def test_the_course_form_with_its_cohorts_inline_loads(admin_client, make_catalogue, kabete):
    [course] = make_catalogue(1)
    for n in range(5):
        cohort(course, starts_in=50 + n, campus=kabete)
    url = reverse("admin:courses_course_change", args=[course.pk])
    admin_client.get(url)  # the first page of a session fills caches (content types, …)
    few = count_queries(admin_client, url)
    for n in range(10):
        cohort(course, starts_in=70 + n, campus=kabete)
    assert count_queries(admin_client, url) == few
    assert Cohort.objects.filter(course=course).count() == 17


@pytest.mark.parametrize(
    "name",
    [
        "admin:courses_skillarea_add",
        "admin:courses_competency_add",
        "admin:courses_course_add",
        "admin:courses_cohort_add",
        "admin:courses_campus_add",
    ],
)
def test_the_add_forms_load(admin_client, areas, name):
    assert admin_client.get(reverse(name)).status_code == 200


def test_a_cohorts_course_is_read_only_once_officers_enrolled(admin_client, areas, kabete):
    """Enrolments keep their cohort's course (the database holds one active enrolment per
    officer and course on it), so the course of a cohort with enrolments can't change."""
    from tests.factories import CourseFactory

    run = cohort(CourseFactory(code="SEAT-1"), starts_in=10, campus=kabete, code="SEAT-1-A")
    empty = cohort(run.course, starts_in=20, campus=kabete, code="SEAT-1-B")
    fill(run, 1)

    locked = admin_client.get(reverse("admin:courses_cohort_change", args=[run.pk]))
    open_ = admin_client.get(reverse("admin:courses_cohort_change", args=[empty.pk]))

    page = locked.content.decode()
    assert 'name="course"' not in page
    assert 'name="course"' in open_.content.decode()
    # Still shown first, read-only.
    assert page.index("field-course") < page.index("field-code") < page.index("field-status")
    assert "SEAT-1" in page[page.index("field-course") : page.index("field-code")]
