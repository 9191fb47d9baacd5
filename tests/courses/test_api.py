"""The public catalogue API under /api/v1/: lists, detail, filters, errors, the schema and a
constant number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from courses.models import Cohort, Level
from enrollments.models import Enrollment
from tests.courses.conftest import cohort, days, fill
from tests.factories import CompetencyFactory, CourseFactory


@pytest.fixture
def api():
    return APIClient()


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def codes(response) -> list[str]:
    return [row["code"] for row in results(response)]


# --- Skill areas and competencies -----------------------------------------------------------------


def test_skill_areas_with_their_course_counts(api, areas):
    CourseFactory.create_batch(2, skill_area=areas[1])
    CourseFactory(skill_area=areas[1], is_published=False)
    rows = results(api.get(reverse("api_skill_areas")))
    assert [row["slug"] for row in rows] == [area.slug for area in areas]
    assert [row["course_count"] for row in rows] == [0, 2, 0]
    assert rows[2]["aliases"] == ["Digital Management and Delivery"]
    assert rows[2]["name_sw"] == "Usimamizi na Utekelezaji wa Kidijitali"


def test_competencies_filtered_by_skill_area(api, areas):
    CompetencyFactory(skill_area=areas[0], name="User research", slug="user-research")
    CompetencyFactory(skill_area=areas[1], name="Open data", slug="open-data")
    everything = results(api.get(reverse("api_competencies")))
    assert [row["slug"] for row in everything] == ["user-research", "open-data"]
    only = results(api.get(reverse("api_competencies"), {"skill_area": areas[1].slug}))
    assert only == [
        {
            "slug": "open-data",
            "name": "Open data",
            "description": "",
            "skill_area": "data-use-and-governance",
        }
    ]


def test_an_unknown_skill_area_is_a_400_naming_the_field(api, areas):
    response = api.get(reverse("api_competencies"), {"skill_area": "astrology"})
    assert response.status_code == 400
    assert list(response.json()) == ["skill_area"]


# --- Courses --------------------------------------------------------------------------------------


def test_the_course_list_shows_each_course_with_its_next_cohort(api, facets):
    rows = results(api.get(reverse("api_courses")))
    assert [row["code"] for row in rows] == ["A-1", "B-1", "C-1", "D-1", "E-1"]
    first = rows[0]
    assert first["skill_area"] == {
        "slug": "data-use-and-governance",
        "name": "Data Use and Governance",
    }
    assert first["provider"]["slug"] == "ksg"
    assert first["level"] == "intermediate"
    assert first["next_cohort"]["campus"] == {"slug": "lower-kabete", "name": "Lower Kabete"}
    assert first["next_cohort"]["seats_left"] == 0
    assert first["next_cohort"]["online"] is False
    assert rows[3]["next_cohort"]["online"] is True
    assert rows[3]["next_cohort"]["campus"] is None
    assert rows[4]["next_cohort"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"skill_area": "data-use-and-governance"},
        {"competency": ["records", "analytics"]},
        {"level": ["advanced", "foundation"]},
        {"delivery_mode": "online"},
        {"campus": "online"},
        {"campus": "lower-kabete", "has_seats": "true"},
        {"provider": "huawei"},
        {"starts_within": "90"},
        {"q": "data"},
        {"q": "data", "ordering": "title"},
        {"ordering": "start"},
        {"ordering": "level"},
        {"ordering": "-cpd_hours"},
    ],
)
def test_the_api_filters_and_sorts_exactly_as_the_page(api, client, facets, params):
    page = client.get(reverse("courses:catalogue"), params).content.decode()
    on_page = re.findall(r'<span class="course-code">([^<]+)</span>', page)
    assert codes(api.get(reverse("api_courses"), params)) == on_page


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "expert"}, "level"),
        ({"campus": "atlantis"}, "campus"),
        ({"competency": ["records", "juggling"]}, "competency"),
        ({"starts_within": "45"}, "starts_within"),
        ({"ordering": "price"}, "ordering"),
        ({"provider": "acme"}, "provider"),
        ({"q": "x" * 201}, "q"),
        # Read as "either" before, so nothing was filtered and nothing said (schemathesis).
        ({"has_seats": "yes"}, "has_seats"),
        ({"has_seats": "null"}, "has_seats"),
    ],
)
def test_an_unusable_filter_value_is_a_400_with_field_errors(api, facets, params, field):
    response = api.get(reverse("api_courses"), params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == [field]
    assert isinstance(body[field], list) and body[field]


def test_an_unknown_level_says_which_value(api, facets):
    response = api.get(reverse("api_courses"), {"level": "expert"})
    assert response.json() == {
        "level": ["Select a valid choice. expert is not one of the available choices."]
    }


def test_page_errors(api, facets):
    assert api.get(reverse("api_courses"), {"page": "abc"}).status_code == 400
    past_the_end = api.get(reverse("api_courses"), {"page": "9"})
    assert past_the_end.status_code == 404
    assert past_the_end.json() == {"detail": "Invalid page."}


def test_errors_are_json_even_for_a_browser(api, facets):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = api.get(reverse("api_courses"), {"level": "expert"}, HTTP_ACCEPT=browser)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_the_course_detail(api, areas, kabete):
    basics = CourseFactory(code="DUG-101")
    course = CourseFactory(
        code="DUG-201",
        skill_area=areas[1],
        competencies=[CompetencyFactory(skill_area=areas[1], name="Stewardship", slug="stew")],
        level=Level.ADVANCED,
        pass_mark=None,
        min_attendance_percent=75,
        audience_min_job_group="K",
        audience_max_job_group="K",
    )
    course.prerequisites.add(basics)
    run = cohort(course, starts_in=30, campus=kabete, capacity=10, code="DUG-201-1")
    fill(run, 4)
    fill(run, 3, Enrollment.State.WAITLISTED)
    cohort(course, starts_in=-30, campus=kabete, code="DUG-201-0")
    body = api.get(reverse("api_course_detail", kwargs={"code": "DUG-201"})).json()
    assert body["competencies"] == [{"slug": "stew", "name": "Stewardship"}]
    assert body["prerequisites"] == ["DUG-101"]
    assert body["completion_rule"] == {"min_attendance_percent": 75, "pass_mark": None}
    assert body["audience"] == {
        "min_job_group": "K",
        "max_job_group": "K",
        "label": "Job group K",
        "note": "",
    }
    assert body["requires_approval"] is False
    [upcoming] = body["upcoming_cohorts"]
    assert upcoming["code"] == "DUG-201-1"
    assert upcoming["seats_left"] == 6
    assert upcoming["starts_on"] == days(30).isoformat()


def test_an_unpublished_course_is_a_json_404(api, areas):
    CourseFactory(code="HID-1", is_published=False)
    response = api.get(reverse("api_course_detail", kwargs={"code": "HID-1"}))
    assert response.status_code == 404
    assert response.json() == {"detail": "No published course has this code."}


# --- Cohorts --------------------------------------------------------------------------------------


def test_cohorts_of_published_courses_except_drafts(api, facets):
    rows = results(api.get(reverse("api_cohorts")))
    assert [row["course"] for row in rows] == ["E-1", "D-1", "A-1", "C-1", "B-1", "D-1"]
    assert all(row["status"] != Cohort.Status.DRAFT for row in rows)
    assert rows[2]["seats_left"] == 0 and rows[2]["capacity"] == 2


@pytest.mark.parametrize(
    ("params", "courses"),
    [
        ({"course": "D-1"}, ["D-1", "D-1"]),
        ({"course": "NOPE"}, []),
        ({"campus": "online"}, ["D-1", "B-1"]),
        ({"campus": "lower-kabete"}, ["E-1", "A-1", "D-1"]),
        ({"starts_after": days(0).isoformat()}, ["D-1", "A-1", "C-1", "B-1", "D-1"]),
        ({"starts_before": days(30).isoformat()}, ["E-1", "D-1", "A-1"]),
        (
            {"starts_after": days(15).isoformat(), "starts_before": days(70).isoformat()},
            ["A-1", "C-1"],
        ),
        ({"has_seats": "true"}, ["D-1", "C-1", "B-1", "D-1"]),
        ({"has_seats": "false"}, ["A-1"]),
    ],
)
def test_cohort_filters(api, facets, params, courses):
    assert [row["course"] for row in results(api.get(reverse("api_cohorts"), params))] == courses


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"starts_after": "next tuesday"}, "starts_after"),
        ({"campus": "atlantis"}, "campus"),
        ({"has_seats": "maybe"}, "has_seats"),
    ],
)
def test_bad_cohort_filters_are_400s(api, facets, params, field):
    response = api.get(reverse("api_cohorts"), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_an_empty_filter_means_not_given_as_the_schema_says(api, facets):
    everything = codes(api.get(reverse("api_courses")))
    assert codes(api.get(reverse("api_courses"), {"has_seats": "", "q": ""})) == everything
    cohorts = api.get(reverse("api_cohorts"), {"starts_before": "", "has_seats": ""})
    assert cohorts.status_code == 200


# --- Queries and schema ---------------------------------------------------------------------------


def count_queries(api, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        assert api.get(url, params).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("name", "params", "most"),
    [
        ("api_skill_areas", {}, 2),
        ("api_competencies", {"skill_area": "data-use-and-governance"}, 3),
        ("api_courses", {}, 3),
        ("api_courses", {"q": "course", "level": "foundation", "campus": "online"}, 4),
        ("api_cohorts", {}, 2),
        ("api_cohorts", {"campus": "lower-kabete", "has_seats": "true"}, 3),
    ],
)
def test_each_list_runs_the_same_queries_for_3_or_30_rows(api, make_catalogue, name, params, most):
    url = reverse(name)
    make_catalogue(3, prefix="FEW")
    few = count_queries(api, url, {**params, "page_size": 100})
    make_catalogue(27, prefix="MORE")
    many = count_queries(api, url, {**params, "page_size": 100})
    assert few == many <= most


def test_the_course_detail_runs_the_same_queries_for_3_or_30_cohorts(api, make_catalogue, kabete):
    [course] = make_catalogue(1)
    url = reverse("api_course_detail", kwargs={"code": course.code})
    few = count_queries(api, url)
    for n in range(28):
        fill(cohort(course, starts_in=5 + n, campus=kabete), 1)
    assert count_queries(api, url) == few <= 4


def test_the_schema_documents_the_filters_of_each_list():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    def parameters(path):
        return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}

    courses = parameters("/api/v1/courses/")
    for name in [
        "q",
        "skill_area",
        "competency",
        "level",
        "delivery_mode",
        "campus",
        "provider",
        "starts_within",
        "has_seats",
        "ordering",
        "page",
    ]:
        assert name in courses, name
    assert courses["level"]["schema"]["type"] == "array"
    assert courses["has_seats"]["schema"]["type"] == "boolean"
    assert sorted(courses["starts_within"]["schema"]["enum"]) == [30, 90, 180]
    cohorts = parameters("/api/v1/cohorts/")
    assert {"course", "campus", "starts_after", "starts_before", "has_seats"} <= set(cohorts)
    assert cohorts["starts_after"]["schema"]["format"] == "date"
    assert "skill_area" in parameters("/api/v1/competencies/")
    detail = schema["paths"]["/api/v1/courses/{code}/"]["get"]
    assert "404" in detail["responses"]
