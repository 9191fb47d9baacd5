"""Fixtures of the enrolment tests: a published course open to job groups J to M, a cohort of it
taking enrolments, and a way to make officers in (or out of) the course's audience."""

import datetime
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from academy.models import AuditEvent
from enrollments.models import Enrollment
from enrollments.notifications import send_pending_notifications
from tests.courses.conftest import cohort
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    OfficerProfileFactory,
    SkillAreaFactory,
    UserFactory,
)

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
    from enrollments.models import Attendance, CohortQuota

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
                "quota_id",
                "score",
                "result_overridden",
                "result_recorded_at",
            )
        ),
        sorted(Attendance.objects.values_list("enrollment_id", "day", "present")),
        sorted(Cohort.objects.values_list("pk", "capacity", "status")),
        sorted(CohortQuota.objects.values_list("pk", "cohort_id", "organisation_id", "seats")),
        AuditEvent.objects.count(),
    )


def monday(weeks_from_now: int) -> datetime.date:
    today = timezone.localdate()
    return (
        today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks_from_now)
    )


def week_cohort(course, *, weeks_from_now=-2, code="DUG-201-W", **kwargs):
    """A cohort meeting Monday to Friday (five session days), ``weeks_from_now`` weeks away."""
    start = monday(weeks_from_now)
    return cohort(
        course,
        starts_in=(start - timezone.localdate()).days,
        ends_on=start + datetime.timedelta(days=4),
        capacity=10,
        code=code,
        **kwargs,
    )


def seat(cohort_, n, state=State.ENROLLED, **kwargs):
    return EnrollmentFactory(cohort=cohort_, officer=make_officer(n), state=state, **kwargs)


def attend(enrollment, present_days: int):
    """Record ``enrollment`` present on its cohort's first ``present_days`` session days and
    absent on the others."""
    from enrollments.models import Attendance

    for n, day in enumerate(enrollment.cohort.session_days()):
        Attendance.objects.create(enrollment=enrollment, day=day, present=n < present_days)


def at_once(calls):
    """Run the zero-argument ``calls`` in threads released together; their results in order
    (an exception a call raised is its result)."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=60)
            return call()
        except Exception as error:  # handed back to the test to look at
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def no_errors(results):
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []


@pytest.fixture
def send_setup_emails(mailoutbox):
    """Sends the e-mails the test's setup owed, and forgets them: the test then sees only those
    of its own action. (A running portal's worker sends each as its change commits; a test's
    setup commits nothing, so they wait in the outbox.)"""

    def send():
        send_pending_notifications()
        mailoutbox.clear()

    return send


# --- A real Celery worker through Redis -----------------------------------------------------


@pytest.fixture
def celery_worker_thread(settings):
    """A real worker in a thread of this process, consuming from Redis (the locmem outbox is
    shared with the test). Undoes the autouse eager fixture for this test only."""
    from celery.contrib.testing.worker import start_worker

    from academy.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.control.purge()
    with start_worker(
        app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"
    ) as worker:
        yield worker
    app.conf.task_always_eager = previous
    from django.db import connections

    connections.close_all()


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
