"""Reads of the public catalogue: skill areas, competencies, courses and their cohorts.

Everything here is public (published courses, non-draft cohorts), so no function takes the acting
user. Each function returns a queryset, or objects, whose cost is a fixed number of queries
however many rows there are: relations are joined or prefetched on purpose and seat counts are
annotated in SQL.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from academy.models import Organisation
from courses.models import Campus, Cohort, Competency, Course, Level, SkillArea
from enrollments.models import Enrollment

# The text-search configuration of course texts (they are written in English); the same as the
# one migration 0002 builds ``Course.search_document`` with.
SEARCH_CONFIG = "english"

# Columns that lists of courses don't show and that are long: left out of their queries.
COURSE_LONG_FIELDS = ("description", "search_document")
COURSE_LONG_FIELDS_VIA_COHORT = tuple(f"course__{name}" for name in COURSE_LONG_FIELDS)

# Fewest to most demanding: sorting by level follows this, not the alphabet.
LEVEL_RANK = {level: rank for rank, level in enumerate(Level.values)}


# --- Cohorts ------------------------------------------------------------------------------------


def upcoming_q() -> Q:
    """A condition true for cohorts that are scheduled and start today or later."""
    return Q(status=Cohort.Status.SCHEDULED, starts_on__gte=timezone.localdate())


def seats_taken_expression():
    """Seats held in a cohort (enrolments in Enrollment.SEAT_STATES), as a correlated subquery.

    A subquery rather than a JOIN + GROUP BY so that PostgreSQL counts only the rows a page
    shows (it postpones the expression past ORDER BY … LIMIT) and count queries skip it.
    """
    taken = (
        Enrollment.objects.filter(cohort=OuterRef("pk"), state__in=Enrollment.SEAT_STATES)
        .order_by()
        .values(n=Func(F("pk"), function="COUNT"))
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), 0)


def with_seats(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Cohorts annotated with ``seats_taken``, so that ``Cohort.seats_left`` works."""
    return cohorts.annotate(seats_taken=seats_taken_expression())


def upcoming_cohorts(*, limit: int) -> QuerySet[Cohort]:
    """The ``limit`` next cohorts of published courses, soonest first, with campus and seats."""
    return with_seats(
        Cohort.objects.filter(upcoming_q(), course__is_published=True)
        .select_related("campus", "course")
        .defer(*COURSE_LONG_FIELDS_VIA_COHORT)
        .order_by("starts_on", "code")
    )[:limit]


def public_cohort_get(pk: int) -> Cohort:
    """One cohort the public may see, with its course (no seat count: the enrolment service
    counts seats itself, under its lock); else Http404."""
    cohort = (
        Cohort.objects.filter(course__is_published=True)
        .exclude(status=Cohort.Status.DRAFT)
        .select_related("course")
        .filter(pk=pk)
        .first()
    )
    if cohort is None:
        raise Http404(gettext("No open cohort has this id."))
    return cohort


def public_cohorts() -> QuerySet[Cohort]:
    """Every cohort the public may see (not drafts, of published courses), soonest first."""
    return with_seats(
        Cohort.objects.filter(course__is_published=True)
        .exclude(status=Cohort.Status.DRAFT)
        .select_related("campus", "course")
        .defer(*COURSE_LONG_FIELDS_VIA_COHORT)
        .order_by("starts_on", "code")
    )


def cohorts_where(
    cohorts: QuerySet[Cohort],
    *,
    campus_id: int | None = None,
    online: bool = False,
    starts_after: datetime.date | None = None,
    starts_before: datetime.date | None = None,
    open_for_enrolment: bool = False,
    with_seats_left: bool = False,
    full: bool = False,
) -> QuerySet[Cohort]:
    """``cohorts`` narrowed to those meeting every given condition."""
    if campus_id is not None:
        cohorts = cohorts.filter(campus_id=campus_id)
    if online:
        cohorts = cohorts.filter(campus__isnull=True)
    if starts_after is not None:
        cohorts = cohorts.filter(starts_on__gte=starts_after)
    if starts_before is not None:
        cohorts = cohorts.filter(starts_on__lte=starts_before)
    if open_for_enrolment:
        cohorts = cohorts.filter(enrolment_closes_on__gte=timezone.localdate())
    if with_seats_left:
        cohorts = cohorts.alias(taken=seats_taken_expression()).filter(capacity__gt=F("taken"))
    if full:
        cohorts = cohorts.alias(taken=seats_taken_expression()).filter(capacity__lte=F("taken"))
    return cohorts


# --- Courses ------------------------------------------------------------------------------------


def catalogue_courses() -> QuerySet[Course]:
    """Published courses with skill area, provider and, in ``course.upcoming``, their upcoming
    cohorts (soonest first, with seats): one query for the cohorts of a whole page.

    All upcoming cohorts rather than the first few per course: a course has a handful, and a
    per-course LIMIT (a window function) costs more to build and run than the extra rows.
    """
    return (
        Course.objects.published()
        .select_related("skill_area", "provider")
        .defer(*COURSE_LONG_FIELDS)
        .prefetch_related(_upcoming_cohorts_prefetch())
    )


def _upcoming_cohorts_prefetch() -> Prefetch:
    return Prefetch(
        "cohorts",
        queryset=with_seats(
            Cohort.objects.filter(upcoming_q())
            .select_related("campus")
            .order_by("starts_on", "code")
        ),
        to_attr="upcoming",
    )


def course_get_published(code: str) -> Course:
    """The published course with this code, with everything its page shows; else Http404."""
    course = (
        Course.objects.published()
        .select_related("skill_area", "provider")
        .defer("search_document")
        .prefetch_related(
            Prefetch("competencies", queryset=Competency.objects.order_by("name")),
            Prefetch(
                "prerequisites",
                queryset=Course.objects.order_by("code").only(
                    "pk", "code", "title", "is_published"
                ),
            ),
            _upcoming_cohorts_prefetch(),
        )
        .filter(code=code)
        .first()
    )
    if course is None:
        raise Http404(gettext("No published course has this code."))
    return course


def courses_search(courses: QuerySet[Course], text: str) -> QuerySet[Course]:
    """``courses`` that match the search ``text``, annotated with ``search_rank`` (higher first).

    PostgreSQL: full-text search (websearch syntax, English stemming) of the stored, weighted
    ``search_document`` (title; code, summary and competencies; description; skill area and its
    aliases: see migration 0002). Other databases: every word appears in one of those texts,
    title matches first, then code or summary matches.
    """
    text = text.strip()
    if not any(character.isalnum() for character in text):
        # Nothing to look for (blank, or only punctuation): a search for nothing is no search.
        return courses
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return courses.filter(search_document=query).annotate(
            search_rank=SearchRank(F("search_document"), query)
        )
    return _portable_search(courses, text)


def _portable_search(courses: QuerySet[Course], text: str) -> QuerySet[Course]:
    """``courses_search`` for databases without full-text search: LIKE, word by word."""
    words = [w for w in (word.strip("\"'") for word in text.split()) if w]
    title_hits = Value(0)
    other_hits = Value(0)
    for word in words:
        competency_match = Course.competencies.through.objects.filter(
            competency__name__icontains=word
        ).values("course_id")
        courses = courses.filter(
            Q(title__icontains=word)
            | Q(code__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
            | Q(pk__in=competency_match)
            | Q(skill_area__name__icontains=word)
            | Q(skill_area__aliases__icontains=word)
        )
        title_hits = title_hits + Case(When(title__icontains=word, then=1), default=0)
        other_hits = other_hits + Case(
            When(Q(code__icontains=word) | Q(summary__icontains=word), then=1), default=0
        )
    # Title matches first, then code or summary matches: an integer rank that sorts the same way.
    return courses.annotate(
        search_rank=ExpressionWrapper(title_hits * 100 + other_hits, output_field=IntegerField())
    )


def courses_with_upcoming_cohort(courses: QuerySet[Course], **conditions) -> QuerySet[Course]:
    """``courses`` with at least one upcoming cohort meeting all ``conditions`` at once.

    ``conditions`` are those of ``cohorts_where``; all apply to the same cohort, so "at Kabete,
    with seats" means one cohort at Kabete that has seats.
    """
    cohorts = cohorts_where(
        Cohort.objects.filter(upcoming_q(), course=OuterRef("pk")), **conditions
    )
    return courses.filter(Exists(cohorts))


class Ordering:
    """The orders the catalogue can be sorted in (the ``ordering`` parameter)."""

    RELEVANCE = "relevance"
    TITLE = "title"
    START = "start"
    LEVEL = "level"
    CPD_HOURS_DESC = "-cpd_hours"
    CPD_HOURS = "cpd_hours"


def courses_order(courses: QuerySet[Course], ordering: str | None) -> QuerySet[Course]:
    """``courses`` in the requested order; by relevance when searched and nothing else asked.

    Relevance needs the ``search_rank`` of ``courses_search``; without a search it means title.
    """
    searched = "search_rank" in courses.query.annotations
    if not ordering or (ordering == Ordering.RELEVANCE and not searched):
        ordering = Ordering.RELEVANCE if searched else Ordering.TITLE
    if ordering == Ordering.RELEVANCE:
        return courses.order_by(F("search_rank").desc(), "title", "code")
    if ordering == Ordering.START:
        next_start = (
            Cohort.objects.filter(upcoming_q(), course=OuterRef("pk"))
            .order_by("starts_on")
            .values("starts_on")[:1]
        )
        return courses.alias(next_start=Subquery(next_start)).order_by(
            F("next_start").asc(nulls_last=True), "title", "code"
        )
    if ordering == Ordering.LEVEL:
        level_rank = Case(
            *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
            output_field=IntegerField(),
        )
        return courses.alias(level_rank=level_rank).order_by("level_rank", "title", "code")
    if ordering == Ordering.CPD_HOURS_DESC:
        return courses.order_by("-cpd_hours", "title", "code")
    if ordering == Ordering.CPD_HOURS:
        return courses.order_by("cpd_hours", "title", "code")
    return courses.order_by("title", "code")


# --- Skill areas and facet options -----------------------------------------------------------


def skill_areas_with_counts() -> QuerySet[SkillArea]:
    """Skill areas in their set order, each with ``course_count`` (published courses)."""
    return SkillArea.objects.annotate(
        course_count=Count("courses", filter=Q(courses__is_published=True))
    ).order_by("position", "name")


def competencies_public() -> QuerySet[Competency]:
    """Competencies with their skill area, grouped by skill area then by name."""
    return Competency.objects.select_related("skill_area").order_by(
        "skill_area__position", "skill_area__name", "name"
    )


def skill_area_get(slug: str) -> SkillArea:
    """The skill area with this slug (with ``course_count``); else Http404."""
    area = skill_areas_with_counts().filter(slug=slug).first()
    if area is None:
        raise Http404(gettext("No skill area has this slug."))
    return area


@dataclass
class LevelGroup:
    """Courses of one level in a skill area: how many, and the first few by title."""

    level: str
    label: str
    count: int
    courses: list[Course]


def skill_area_courses_by_level(area: SkillArea, *, per_level: int) -> list[LevelGroup]:
    """The area's published courses grouped by level: each group's count and first courses."""
    published = Course.objects.published().filter(skill_area=area)
    counts = dict(
        published.order_by().values_list("level").annotate(n=Count("pk")).values_list("level", "n")
    )
    # One query for all levels: number the courses within each level and keep the first few.
    first = (
        published.select_related("provider")
        .defer(*COURSE_LONG_FIELDS)
        .annotate(
            position=Window(RowNumber(), partition_by=[F("level")], order_by=[F("title").asc()])
        )
        .filter(position__lte=per_level)
        .order_by("title")
    )
    by_level: dict[str, list[Course]] = {}
    for course in first:
        by_level.setdefault(course.level, []).append(course)
    return [
        LevelGroup(level=level, label=label, count=counts[level], courses=by_level.get(level, []))
        for level, label in Level.choices
        if counts.get(level)
    ]


def recognised_skill_area(text: str, areas: list[SkillArea]) -> SkillArea | None:
    """The skill area whose name or alias is exactly ``text`` (any case or spacing), if any."""
    wanted = " ".join(text.split()).casefold()
    if not wanted:
        return None
    for area in areas:
        names = [area.name, area.name_sw, *(area.aliases or [])]
        if any(" ".join(str(name).split()).casefold() == wanted for name in names if name):
            return area
    return None


class CatalogueOptions:
    """The small tables the catalogue's facets choose from, each read once, on first use.

    The page shows them all; the API reads one only to check a value it was given.
    """

    @cached_property
    def skill_areas(self) -> list[SkillArea]:
        return list(SkillArea.objects.order_by("position", "name"))

    @cached_property
    def competencies(self) -> list[Competency]:
        return list(
            Competency.objects.order_by("skill_area__position", "skill_area__name", "name").only(
                "pk", "slug", "name", "skill_area_id"
            )
        )

    @cached_property
    def campuses(self) -> list[Campus]:
        return list(Campus.objects.order_by("name").only("pk", "slug", "name"))

    @cached_property
    def providers(self) -> list[Organisation]:
        """Organisations that provide at least one published course."""
        provides = Course.objects.published().filter(provider=OuterRef("pk"))
        return list(
            Organisation.objects.filter(Exists(provides))
            .order_by("name")
            .only("pk", "slug", "name", "short_name")
        )

    def skill_area_by_slug(self) -> dict[str, SkillArea]:
        return {area.slug: area for area in self.skill_areas}

    def competency_by_slug(self) -> dict[str, Competency]:
        return {competency.slug: competency for competency in self.competencies}

    def campus_by_slug(self) -> dict[str, Campus]:
        return {campus.slug: campus for campus in self.campuses}

    def provider_by_slug(self) -> dict[str, Organisation]:
        return {provider.slug: provider for provider in self.providers}

    def competencies_by_skill_area(self) -> list[tuple[SkillArea, list[Competency]]]:
        """Competencies grouped under their skill area, in the skill areas' order."""
        groups = {area.pk: (area, []) for area in self.skill_areas}
        for competency in self.competencies:
            groups[competency.skill_area_id][1].append(competency)
        return [group for group in groups.values() if group[1]]
