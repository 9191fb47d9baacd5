"""Fixtures of the enrolment tests: a published course open to job groups J to M, a cohort of it
taking enrolments, and a way to make officers in (or out of) the course's audience."""

import pytest

from academy.models import AuditEvent
from enrollments.models import Enrollment
from tests.courses.conftest import cohort
from tests.factories import CourseFactory, OfficerProfileFactory, SkillAreaFactory, UserFactory

State = Enrollment.State


@pytest.fixture
def course(ksg):
    area = SkillAreaFactory(slug="data", name="Data Use and Governance")
    return CourseFactory(
        code="DUG-201",
        title="Data Governance",
        skill_area=area,
        provider=ksg,
        cpd_hours=30,
        audience_min_job_group="J",
        audience_max_job_group="M",
    )


@pytest.fixture
def run(course):
    """A cohort of ``course`` starting in 30 days, enrolment open, three seats."""
    return cohort(course, starts_in=30, capacity=3, code="DUG-201-C1")


def make_officer(n: int, *, job_group: str = "K", organisation=None):
    """Officer number ``n`` (a user with a profile); ``organisation`` defaults to a new one."""
    user = UserFactory(email=f"officer{n}@enrol.demo.go.ke", full_name=f"Officer {n}")
    extra = {"organisation": organisation} if organisation is not None else {}
    OfficerProfileFactory(user=user, personal_number=f"EN{n:06d}", job_group=job_group, **extra)
    return user


@pytest.fixture
def officers(ksg):
    """Make ``n`` officers of one organisation, all in the audience of ``course``."""

    def make(n: int, *, start: int = 0):
        if n == 0:
            return []
        first = make_officer(start)
        organisation = first.officer_profile.organisation
        return [first] + [make_officer(start + i, organisation=organisation) for i in range(1, n)]

    return make


def waiting_list(cohort_) -> list[tuple[int, int]]:
    """(officer id, position) of the cohort's waiting list, in order."""
    return list(
        Enrollment.objects.filter(cohort=cohort_, state=State.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("officer_id", "waitlist_position")
    )


def enrolled(cohort_) -> set[int]:
    return set(
        Enrollment.objects.filter(cohort=cohort_, state=State.ENROLLED).values_list(
            "officer_id", flat=True
        )
    )


def snapshot() -> tuple:
    """Everything an enrolment service may change: compare before and after a refusal."""
    from courses.models import Cohort

    return (
        sorted(
            Enrollment.objects.values_list(
                "pk",
                "officer_id",
                "cohort_id",
                "state",
                "waitlist_position",
                "reason",
                "withdrawn_by_id",
            )
        ),
        sorted(Cohort.objects.values_list("pk", "capacity")),
        AuditEvent.objects.count(),
    )
