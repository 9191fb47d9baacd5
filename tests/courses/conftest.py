"""Fixtures of the catalogue tests: the three skill areas, two campuses, five courses that
differ in one facet each (``facets``) and a way to fill the catalogue with many courses."""

import datetime

import pytest
from django.utils import timezone

from courses.models import Cohort, DeliveryMode, Level
from enrollments.models import Enrollment
from tests.factories import (
    CampusFactory,
    CohortFactory,
    CompetencyFactory,
    CourseFactory,
    EnrollmentFactory,
    SkillAreaFactory,
)


def days(n: int) -> datetime.date:
    """The date ``n`` days from today (negative: in the past)."""
    return timezone.localdate() + datetime.timedelta(days=n)


def cohort(course, *, starts_in=30, campus=None, online=False, capacity=25, **kwargs):
    """A scheduled cohort of ``course`` starting ``starts_in`` days from today."""
    starts_on = days(starts_in)
    defaults = {
        "course": course,
        "starts_on": starts_on,
        "ends_on": starts_on + datetime.timedelta(days=4),
        "enrolment_opens_on": min(days(-10), starts_on - datetime.timedelta(days=10)),
        "enrolment_closes_on": starts_on - datetime.timedelta(days=3),
        "capacity": capacity,
        "status": Cohort.Status.SCHEDULED,
    }
    if online:
        defaults["campus"] = None
    elif campus is not None:
        defaults["campus"] = campus
    defaults.update(kwargs)
    return CohortFactory(**defaults)


def fill(cohort_, n: int, state=Enrollment.State.ENROLLED):
    """``n`` enrolments in ``state`` in the cohort."""
    return EnrollmentFactory.create_batch(n, cohort=cohort_, state=state)


@pytest.fixture
def planning(db):
    return SkillAreaFactory(
        slug="digital-planning-and-design",
        name="Digital Planning and Design",
        name_sw="Upangaji na Usanifu wa Kidijitali",
        summary="Plan digital services around the people who use them.",
        summary_sw="Panga huduma za kidijitali kwa ajili ya watu wanaozitumia.",
        position=1,
    )


@pytest.fixture
def data_area(db):
    return SkillAreaFactory(
        slug="data-use-and-governance",
        name="Data Use and Governance",
        name_sw="Matumizi na Utawala wa Data",
        summary="Use data well, and look after it.",
        summary_sw="Tumia data vizuri, na uitunze.",
        position=2,
    )


@pytest.fixture
def management(db):
    return SkillAreaFactory(
        slug="digital-management-and-execution",
        name="Digital Management and Execution",
        name_sw="Usimamizi na Utekelezaji wa Kidijitali",
        aliases=["Digital Management and Delivery"],
        summary="Run digital projects and services to the end.",
        summary_sw="Endesha miradi na huduma za kidijitali hadi mwisho.",
        position=3,
    )


@pytest.fixture
def areas(planning, data_area, management):
    return [planning, data_area, management]


@pytest.fixture
def kabete(nairobi):
    return CampusFactory(slug="lower-kabete", name="Lower Kabete", county=nairobi)


@pytest.fixture
def mombasa(db):
    return CampusFactory(slug="mombasa", name="Mombasa")


@pytest.fixture
def make_catalogue(areas, kabete, mombasa, ksg):
    """Make ``n`` published courses, each with competencies, prerequisites and two cohorts."""

    def make(n: int, *, prefix: str = "BULK"):
        levels = Level.values
        modes = DeliveryMode.values
        competencies = [
            CompetencyFactory(
                skill_area=area, name=f"{prefix} competency {i}", slug=f"{prefix.lower()}-c{i}"
            )
            for i, area in enumerate(areas)
        ]
        courses = []
        for i in range(n):
            course = CourseFactory(
                code=f"{prefix}-{i:03d}",
                title=f"{prefix} course {i:03d}",
                skill_area=areas[i % 3],
                level=levels[i % 3],
                delivery_mode=modes[i % 3],
                provider=ksg,
                competencies=[competencies[i % 3]],
            )
            if courses:
                course.prerequisites.add(courses[-1])
            first = cohort(course, starts_in=10 + i, campus=kabete)
            cohort(course, starts_in=40 + i, online=True)
            fill(first, 2)
            courses.append(course)
        return courses

    return make


@pytest.fixture
def facets(areas, kabete, mombasa, ksg, huawei):
    """Five courses, each different in one respect, with cohorts here and there."""
    planning, data_area, management = areas
    records = CompetencyFactory(skill_area=data_area, name="Records management", slug="records")
    analytics = CompetencyFactory(skill_area=data_area, name="Data analytics", slug="analytics")
    courses = {
        "A": CourseFactory(
            code="A-1",
            title="Analytics for managers",
            skill_area=data_area,
            competencies=[analytics],
            level=Level.INTERMEDIATE,
            delivery_mode=DeliveryMode.IN_PERSON,
            cpd_hours=20,
            provider=ksg,
        ),
        "B": CourseFactory(
            code="B-1",
            title="Building digital services",
            skill_area=planning,
            level=Level.FOUNDATION,
            delivery_mode=DeliveryMode.ONLINE,
            cpd_hours=40,
            provider=huawei,
        ),
        "C": CourseFactory(
            code="C-1",
            title="Cloud operations",
            skill_area=management,
            level=Level.ADVANCED,
            delivery_mode=DeliveryMode.BLENDED,
            cpd_hours=10,
            provider=ksg,
        ),
        "D": CourseFactory(
            code="D-1",
            title="Digital records",
            skill_area=data_area,
            competencies=[records, analytics],
            level=Level.FOUNDATION,
            delivery_mode=DeliveryMode.IN_PERSON,
            cpd_hours=30,
            provider=ksg,
        ),
        "E": CourseFactory(
            code="E-1",
            title="Executive data leadership",
            skill_area=data_area,
            competencies=[records],
            level=Level.ADVANCED,
            delivery_mode=DeliveryMode.IN_PERSON,
            cpd_hours=50,
            provider=ksg,
        ),
    }
    # A: Kabete in 20 days, full. B: online in 100 days. C: Mombasa in 60 days.
    # D: Kabete in 150 days and online in 10 days. E: only a past cohort and a draft one.
    full = cohort(courses["A"], starts_in=20, campus=kabete, capacity=2)
    fill(full, 2)
    cohort(courses["B"], starts_in=100, online=True)
    cohort(courses["C"], starts_in=60, campus=mombasa)
    cohort(courses["D"], starts_in=150, campus=kabete)
    cohort(courses["D"], starts_in=10, online=True)
    cohort(courses["E"], starts_in=-20, campus=kabete)
    cohort(courses["E"], starts_in=5, campus=kabete, status=Cohort.Status.DRAFT)
    return courses
