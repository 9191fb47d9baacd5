"""Searching the catalogue: matching and ranking on every database, and PostgreSQL's full-text
search (stemming, websearch syntax, the stored document and its triggers, the GIN index)."""

import pytest
from django.db import connection
from django.http import QueryDict

from courses import selectors
from courses.filters import CourseFilter
from courses.models import Course
from tests.factories import CompetencyFactory, CourseFactory


def search(text: str, **params) -> list[str]:
    """Codes of the published courses the catalogue finds for ``text``, best first."""
    data = QueryDict(mutable=True)
    data["q"] = text
    for key, value in params.items():
        data[key] = value
    filters = CourseFilter(data, queryset=selectors.catalogue_courses())
    assert filters.is_valid(), filters.errors
    return [course.code for course in filters.qs]


@pytest.fixture
def governance_courses(areas):
    planning, data_area, _ = areas
    in_title = CourseFactory(
        code="DUG-201",
        title="Data governance for accounting officers",
        summary="Own the data your department holds.",
        description="Roles, registers and approvals.",
        skill_area=data_area,
    )
    in_description = CourseFactory(
        code="DPD-110",
        title="Designing public services",
        summary="Start from the people who use a service.",
        description="Covers service maps, prototypes and the governance of service changes.",
        skill_area=planning,
    )
    unrelated = CourseFactory(
        code="DPD-120",
        title="Agile delivery",
        summary="Plan in short steps.",
        description="Sprints, backlogs and retrospectives.",
        skill_area=planning,
    )
    return in_title, in_description, unrelated


def test_a_title_match_ranks_above_a_description_match(governance_courses):
    assert search("governance") == ["DUG-201", "DPD-110"]


def test_relevance_is_the_order_when_searching_and_title_otherwise(governance_courses):
    assert search("governance", ordering="title") == ["DUG-201", "DPD-110"]
    assert search("services", ordering="title")[0] == "DPD-110"
    every = CourseFilter(QueryDict(""), queryset=selectors.catalogue_courses()).qs
    assert [c.title for c in every] == sorted(c.title for c in every)


def test_every_word_must_appear(governance_courses):
    assert search("data governance") == ["DUG-201"]
    assert search("governance sprints") == []


def test_search_is_case_insensitive_and_ignores_surrounding_space(governance_courses):
    assert search("  GOVERNANCE ") == ["DUG-201", "DPD-110"]


def test_a_course_code_finds_its_course(governance_courses):
    assert search("DPD-120") == ["DPD-120"]


def test_competency_names_are_searched(areas):
    hygiene = CompetencyFactory(skill_area=areas[2], name="Cyber hygiene", slug="cyber-hygiene")
    tagged = CourseFactory(code="DME-301", title="Running secure offices", competencies=[hygiene])
    CourseFactory(code="DME-302", title="Running meetings")
    assert search("hygiene") == [tagged.code]


def test_a_skill_area_alias_finds_the_courses_of_that_area(areas):
    planning, data_area, management = areas
    execution = CourseFactory(code="DME-101", title="Project portfolios", skill_area=management)
    CourseFactory(code="DPD-101", title="Service design", skill_area=planning)
    CourseFactory(code="DUG-101", title="Open data", skill_area=data_area)
    assert search("Digital Management and Delivery") == [execution.code]
    assert search("digital management and execution") == [execution.code]


def test_unpublished_courses_are_never_found(areas):
    CourseFactory(code="DUG-900", title="Secret governance", is_published=False)
    assert search("governance") == []


def test_a_search_without_words_is_no_search(governance_courses):
    assert search('"" - ?') == [c.code for c in Course.objects.order_by("title", "code")]


@pytest.mark.postgres
def test_postgres_stems_english_words(areas):
    CourseFactory(code="DUG-310", title="Writing a data policy", description="One policy.")
    CourseFactory(code="DUG-311", title="Records retention", description="Keeping records.")
    assert search("policies") == ["DUG-310"]
    assert search("keeps record") == ["DUG-311"]


@pytest.mark.postgres
def test_postgres_understands_websearch_syntax(governance_courses):
    assert search('"data governance"') == ["DUG-201"]
    assert search('"governance data"') == []
    assert search("governance -prototypes") == ["DUG-201"]
    assert set(search("sprints or roles")) == {"DPD-120", "DUG-201"}


@pytest.mark.postgres
def test_postgres_weights_title_then_summary_then_description(areas):
    CourseFactory(code="W-C", title="Alpha", summary="Beta.", description="Cloud hosting.")
    CourseFactory(code="W-A", title="Cloud basics", summary="Beta.", description="Gamma.")
    CourseFactory(code="W-B", title="Delta", summary="Cloud for officers.", description="Gamma.")
    assert search("cloud") == ["W-A", "W-B", "W-C"]


@pytest.mark.postgres
def test_postgres_keeps_the_search_document_current(areas):
    planning, _, management = areas
    course = CourseFactory(code="DPD-401", title="Service standards", skill_area=planning)
    assert search("interoperability") == []

    course.summary = "Interoperability across ministries."
    course.save()
    assert search("interoperability") == ["DPD-401"]

    competency = CompetencyFactory(skill_area=planning, name="Open standards")
    course.competencies.add(competency)
    assert search("open standards") == ["DPD-401"]

    competency.name = "Accessible design"
    competency.save()
    assert search("accessible") == ["DPD-401"]
    assert search("open standards") == []

    course.competencies.remove(competency)
    assert search("accessible") == []

    course.skill_area = management
    course.save()
    assert search("delivery") == ["DPD-401"]
    management.aliases = ["Digital Operations"]
    management.save()
    assert search("delivery") == []
    assert search("operations") == ["DPD-401"]


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(governance_courses):
    queryset = selectors.courses_search(Course.objects.all(), "governance")
    with connection.cursor() as cursor:
        # Three rows would be read sequentially; forbid that to see whether the index fits.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "course_search_document" in plan
