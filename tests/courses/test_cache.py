"""The shared cache of catalogue result lists: served from it when nothing changed, never stale
after a change to a course, a cohort or an enrolment."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from courses.cache import catalogue_changed, catalogue_version
from courses.models import Course
from enrollments.models import Enrollment
from tests.courses.conftest import cohort, fill
from tests.factories import EnrollmentFactory


@pytest.fixture
def api():
    return APIClient()


def get_json(api, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, params)
    assert response.status_code == 200, response.content
    return response.json(), len(queries.captured_queries)


def next_cohort_seats(data, code):
    (course,) = [row for row in data["results"] if row["code"] == code]
    return course["next_cohort"]["seats_left"]


def test_an_unchanged_list_is_served_without_queries(api, facets):
    first, built_with = get_json(api, reverse("api_courses"), {"level": "advanced"})
    again, served_with = get_json(api, reverse("api_courses"), {"level": "advanced"})
    assert built_with > 0
    assert served_with == 0
    assert again == first


def test_each_query_string_is_a_list_of_its_own(api, facets):
    advanced, _ = get_json(api, reverse("api_courses"), {"level": "advanced"})
    foundation, queries = get_json(api, reverse("api_courses"), {"level": "foundation"})
    assert queries > 0
    assert {row["code"] for row in advanced["results"]} == {"C-1", "E-1"}
    assert {row["code"] for row in foundation["results"]} == {"B-1", "D-1"}


def test_a_new_enrolment_shows_in_seats_left_once_it_commits(
    api, facets, kabete, django_capture_on_commit_callbacks
):
    course = facets["C"]
    before, _ = get_json(api, reverse("api_courses"))
    seats = next_cohort_seats(before, "C-1")
    with django_capture_on_commit_callbacks(execute=False) as at_commit:
        EnrollmentFactory(cohort=course.cohorts.get(), state=Enrollment.State.ENROLLED)
    version = catalogue_version()
    for callback in at_commit:
        callback()
    assert catalogue_version() != version
    after, queries = get_json(api, reverse("api_courses"))
    assert queries > 0
    assert next_cohort_seats(after, "C-1") == seats - 1


def test_joining_a_waiting_list_or_asking_leaves_the_lists_cached(api, facets):
    """Lists show seats left, not waiting lists: an enrolment that takes no seat changes none."""
    run = facets["C"].cohorts.get()
    get_json(api, reverse("api_courses"))
    version = catalogue_version()

    EnrollmentFactory(cohort=run, state=Enrollment.State.WAITLISTED, waitlist_position=1)
    EnrollmentFactory(cohort=run, state=Enrollment.State.REQUESTED)

    assert catalogue_version() == version
    assert get_json(api, reverse("api_courses"))[1] == 0


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Enrollment.State.WAITLISTED, Enrollment.State.ENROLLED),  # promoted: one seat fewer
        (Enrollment.State.ENROLLED, Enrollment.State.WITHDRAWN),  # one seat more
    ],
)
def test_an_enrolment_that_takes_or_frees_a_seat_shows_once_it_commits(
    api, facets, before, after, django_capture_on_commit_callbacks
):
    run = facets["C"].cohorts.get()
    position = 1 if before == Enrollment.State.WAITLISTED else None
    enrolment = EnrollmentFactory(cohort=run, state=before, waitlist_position=position)
    seats = next_cohort_seats(get_json(api, reverse("api_courses"))[0], "C-1")

    with django_capture_on_commit_callbacks(execute=True):
        enrolment.state, enrolment.waitlist_position = after, None
        enrolment.save()

    change = 1 if after == Enrollment.State.WITHDRAWN else -1
    assert next_cohort_seats(get_json(api, reverse("api_courses"))[0], "C-1") == seats + change


def test_a_renamed_course_and_a_new_cohort_show_at_once(api, facets, mombasa):
    get_json(api, reverse("api_cohorts"))
    course = facets["B"]
    course.title = "Building digital public services"
    course.save()
    new = cohort(course, starts_in=5, campus=mombasa)
    courses, _ = get_json(api, reverse("api_courses"), {"q": "public services"})
    cohorts, _ = get_json(api, reverse("api_cohorts"))
    assert [row["title"] for row in courses["results"]] == ["Building digital public services"]
    assert new.code in {row["code"] for row in cohorts["results"]}


def test_a_removed_competency_link_shows_at_once(api, facets):
    before, _ = get_json(api, reverse("api_courses"), {"competency": "records"})
    assert {row["code"] for row in before["results"]} == {"D-1", "E-1"}
    facets["D"].competencies.clear()
    after, _ = get_json(api, reverse("api_courses"), {"competency": "records"})
    assert {row["code"] for row in after["results"]} == {"E-1"}


def test_writes_without_signals_must_say_so(api, facets):
    """QuerySet.update() sends no signal: the writer calls catalogue_changed() itself."""
    get_json(api, reverse("api_courses"))
    Course.objects.filter(code="C-1").update(is_published=False)
    stale, _ = get_json(api, reverse("api_courses"))
    assert "C-1" in {row["code"] for row in stale["results"]}
    catalogue_changed()
    fresh, _ = get_json(api, reverse("api_courses"))
    assert "C-1" not in {row["code"] for row in fresh["results"]}


def test_bad_parameters_are_never_cached(api, facets):
    for _ in range(2):
        response = api.get(reverse("api_courses"), {"level": "expert"})
        assert response.status_code == 400
    assert api.get(reverse("api_courses")).status_code == 200


def test_the_cache_can_be_turned_off(api, facets, settings):
    settings.CATALOGUE_CACHE_SECONDS = 0
    get_json(api, reverse("api_courses"))
    _, queries = get_json(api, reverse("api_courses"))
    assert queries > 0


@pytest.mark.django_db(transaction=True)
def test_the_version_changes_again_when_the_write_commits(facets):
    """A list built from the old rows while a write was uncommitted must not outlive it."""
    from django.db import transaction

    with transaction.atomic():
        fill(facets["C"].cohorts.get(), 1)
        during = catalogue_version()
    assert catalogue_version() != during


# --- The catalogue page ---------------------------------------------------------------------------


def get_page(client, params=None, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("courses:catalogue"), params, **headers)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


def test_an_unchanged_page_is_served_without_queries(client, facets):
    first, built_with = get_page(client, {"q": "data", "level": "advanced"})
    again, served_with = get_page(client, {"level": "advanced", "q": "data"})
    assert built_with > 0
    assert served_with == 0, "the same filters in another order are the same list"
    assert again.split("<main")[1] == first.split("<main")[1]


def test_a_new_cohort_shows_on_the_page_at_once(client, facets, mombasa):
    page, _ = get_page(client, {"q": "Executive"})
    assert "No cohort is scheduled yet." in page
    cohort(facets["E"], starts_in=7, campus=mombasa)
    page, _ = get_page(client, {"q": "Executive"})
    assert "No cohort is scheduled yet." not in page
    assert "Mombasa" in page


def test_each_language_has_its_own_page(client, facets):
    english, _ = get_page(client)
    client.cookies["django_language"] = "sw"
    swahili, queries = get_page(client)
    assert queries > 0
    assert english != swahili


def test_the_signed_in_visitor_sees_their_own_header_on_a_cached_page(client, facets, wanjiku):
    anonymous, _ = get_page(client)
    client.force_login(wanjiku)
    signed_in, _ = get_page(client)
    assert wanjiku.email not in anonymous
    assert "Sign out" in signed_in or "Toka" in signed_in
    assert anonymous.split("<main")[1] == signed_in.split("<main")[1]


def test_search_words_stay_escaped_when_served_from_the_cache(client, facets):
    for _ in range(2):
        page, _ = get_page(client, {"q": "<script>alert(1)</script>"})
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
