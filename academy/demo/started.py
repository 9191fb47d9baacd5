"""Two demo cohorts that have already started, so that every step of running a cohort can be
tried at once: one in session now (take the attendance of the days so far), and one that ended a
few days ago with its attendance and most scores recorded (decide the results, close it).

Both meet at Lower Kabete, where the demo trainer facilitates. Their officers are synthetic ones
in the course's audience who have no other enrolment in the course and no campus cohort at the
same time; the demo's named officers are left out, so that their "My learning" stays as the
design describes it. Codes end in ``-NOW`` and ``-DONE``; a later run on another date adds the
cohorts of its own dates.
"""

import datetime
import random

from django.db.models import Q

from academy.demo.people import DEMO_ACCOUNTS, SEED
from academy.models import JobGroup, User
from courses.models import Campus, Cohort, Course
from enrollments.models import Attendance, Enrollment

# (course code, days since it started, days it lasts, code suffix, officers)
STARTED = (
    ("DPD-101", 7, 12, "NOW", 14),
    ("DUG-101", 19, 15, "DONE", 12),
)
# Share of officers present on a session day, and of scores recorded in the ended cohort.
PRESENT_SHARE = 0.85
SCORED_SHARE = 0.8


def seed_started_cohorts(*, today: datetime.date, trainer_id: int) -> dict[str, int]:
    rng = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret
    campus = Campus.objects.get(slug="lower-kabete")
    named = {person.email for person in DEMO_ACCOUNTS}
    created = {"started_cohorts": 0, "started_enrolments": 0, "attendance": 0}
    for course_code, days_ago, length, suffix, officers in STARTED:
        starts_on = today - datetime.timedelta(days=days_ago)
        ends_on = starts_on + datetime.timedelta(days=length - 1)
        code = f"{course_code}-{starts_on:%Y-%m}-LK-{suffix}"
        if Cohort.objects.filter(code=code).exists():
            continue
        course = Course.objects.get(code=course_code)
        cohort = Cohort.objects.create(
            course=course,
            code=code,
            starts_on=starts_on,
            ends_on=ends_on,
            campus=campus,
            capacity=officers + 6,
            enrolment_opens_on=starts_on - datetime.timedelta(days=60),
            enrolment_closes_on=starts_on - datetime.timedelta(days=7),
            status=Cohort.Status.RUNNING,
        )
        cohort.facilitators.add(trainer_id)
        chosen = _free_officers(course, starts_on, ends_on, exclude=named)
        rng.shuffle(chosen)
        enrolments = Enrollment.objects.bulk_create(
            Enrollment(
                officer_id=pk,
                cohort=cohort,
                course=course,
                state=Enrollment.State.ENROLLED,
                created_by_id=pk,
                state_changed_at=datetime.datetime.combine(
                    cohort.enrolment_opens_on, datetime.time(9), tzinfo=datetime.UTC
                ),
            )
            for pk in sorted(chosen[:officers])
        )
        days = [day for day in cohort.session_days() if day < today]
        attendance = [
            Attendance(
                enrollment=enrollment,
                day=day,
                present=rng.random() < PRESENT_SHARE,
                recorded_by_id=trainer_id,
            )
            for enrollment in enrolments
            for day in days
        ]
        Attendance.objects.bulk_create(attendance)
        if ends_on < today:
            for enrollment in enrolments:
                if rng.random() < SCORED_SHARE:
                    enrollment.score = rng.randint(45, 95)
            Enrollment.objects.bulk_update(enrolments, ["score"])
        created["started_cohorts"] += 1
        created["started_enrolments"] += len(enrolments)
        created["attendance"] += len(attendance)
    return created


def _free_officers(course, starts_on, ends_on, *, exclude) -> list[int]:
    """Officers in the course's audience with no enrolment in it and no campus cohort then."""
    low, high = (
        JobGroup.rank(course.audience_min_job_group),
        JobGroup.rank(course.audience_max_job_group),
    )
    groups = [group for group in JobGroup.values if low <= JobGroup.rank(group) <= high]
    busy = Enrollment.objects.filter(
        Q(course=course)
        | Q(
            cohort__campus__isnull=False,
            cohort__starts_on__lte=ends_on,
            cohort__ends_on__gte=starts_on,
        )
    ).values("officer_id")
    return list(
        User.objects.filter(officer_profile__job_group__in=groups)
        .exclude(pk__in=busy)
        .exclude(email__in=exclude)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
