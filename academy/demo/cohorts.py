"""
Demo cohorts over the next six months, and the synthetic officers who fill them.

Dates are planned relative to the day of seeding so that the demo looks alive whenever it is run.
A cohort's code carries the course, the month it starts and where it meets
(``DPD-101-2027-03-LK``): a later run adds the cohorts of new months and never duplicates one.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from academy.demo.catalogue import catalogue_data
from academy.demo.people import SEED, Person
from academy.models import JobGroup
from courses.models import Campus, Cohort, Course, DeliveryMode, Level
from enrollments.models import Enrollment

# Short campus codes for cohort codes.
CAMPUS_CODES = {
    "lower-kabete": "LK",
    "mombasa": "MSA",
    "matuga": "MTG",
    "embu": "EMB",
    "baringo": "BAR",
    "e-learning-and-development-institute-eldi": "ELDI",
}
ONLINE_CODE = "ONL"
# The demo trainer is based at headquarters and facilitates the cohorts that meet there.
TRAINER_CAMPUSES = {"lower-kabete"}

# (course code, cohort number): cohorts shown full, nearly full, or not yet open for enrolment.
FULL = {
    ("DPD-101", 0),
    ("DPD-102", 0),
    ("DUG-101", 0),
    ("DUG-102", 0),
    ("DME-101", 0),
    ("DME-104", 0),
}
NEARLY_FULL = {
    ("DPD-103", 0),
    ("DPD-201", 0),
    ("DUG-103", 0),
    ("DUG-201", 0),
    ("DME-102", 1),
    ("DME-202", 0),
}
NOT_YET_OPEN = {("DPD-301", 1), ("DME-301", 1)}

# Share of seats taken in the other cohorts, by cohort number: early cohorts fill first.
FILL_SHARES = ((0.4, 0.3, 0.2), (0.3, 0.2, 0.1), (0.2, 0.1, 0.05))

BASE_CAPACITY = {Level.FOUNDATION: 30, Level.INTERMEDIATE: 25, Level.ADVANCED: 20}


@dataclass(frozen=True)
class PlannedCohort:
    course_code: str
    number: int
    code: str
    starts_on: datetime.date
    ends_on: datetime.date
    campus_slug: str | None
    capacity: int
    enrolment_opens_on: datetime.date
    enrolment_closes_on: datetime.date
    seats_taken: int
    audience: tuple[str, str]


def plan_cohorts(today: datetime.date) -> list[PlannedCohort]:
    """Two or three cohorts per demo course, starting 10 to 167 days after ``today``."""
    planned = []
    for i, course in enumerate(catalogue_data()["courses"]):
        runs = 3 if course["level"] == Level.FOUNDATION else 2
        # Courses start in different weeks so that officers are free to fill them. Cohorts of one
        # course start at least 49 days apart, hence in different months: the month in the code
        # keeps codes unique.
        phase = (i * 17) % 42
        spacing = 55 if runs == 3 else 90
        for number in range(runs):
            offset = 10 + phase + spacing * number
            starts_on = _next_monday(today + datetime.timedelta(days=offset))
            if course["delivery_mode"] == DeliveryMode.ONLINE:
                # Online cohorts study part-time over two weeks, Monday to Friday.
                ends_on = starts_on + datetime.timedelta(days=11)
                campus_slug = None
                capacity = 35 + 5 * ((i + number) % 2)
            else:
                ends_on = starts_on + datetime.timedelta(days=course["duration_days"] - 1)
                campus_slug = course["runs_at"][(i + number) % len(course["runs_at"])]
                capacity = BASE_CAPACITY[course["level"]] + 5 * ((i + number) % 2)
            key = (course["code"], number)
            if key in NOT_YET_OPEN:
                opens_on = starts_on - datetime.timedelta(days=42)
            else:
                opens_on = today - datetime.timedelta(days=5 + (i * 3 + number) % 20)
            if key in FULL:
                seats = capacity
            elif key in NEARLY_FULL:
                seats = capacity - 1 - i % 2
            elif key in NOT_YET_OPEN:
                seats = 0
            else:
                seats = round(capacity * FILL_SHARES[number][i % 3])
            place = CAMPUS_CODES[campus_slug] if campus_slug else ONLINE_CODE
            planned.append(
                PlannedCohort(
                    course_code=course["code"],
                    number=number,
                    code=f"{course['code']}-{starts_on:%Y-%m}-{place}",
                    starts_on=starts_on,
                    ends_on=ends_on,
                    campus_slug=campus_slug,
                    capacity=capacity,
                    enrolment_opens_on=opens_on,
                    enrolment_closes_on=starts_on - datetime.timedelta(days=7),
                    seats_taken=seats,
                    audience=(course["audience_min_job_group"], course["audience_max_job_group"]),
                )
            )
    return planned


def seed_cohorts(
    *, today: datetime.date, trainer_id: int, officers: list[Person], user_ids: dict[str, int]
) -> dict[str, int]:
    """The planned cohorts exist; each one created now gets its facilitator and enrolments."""
    planned = plan_cohorts(today)
    existing = set(
        Cohort.objects.filter(code__in=[p.code for p in planned]).values_list("code", flat=True)
    )
    new = [p for p in planned if p.code not in existing]
    if not new:
        return {"cohorts": 0, "enrolments": 0}

    course_ids = dict(
        Course.objects.filter(code__in={p.course_code for p in new}).values_list("code", "pk")
    )
    campus_ids = dict(Campus.objects.values_list("slug", "pk"))
    Cohort.objects.bulk_create(
        [
            Cohort(
                course_id=course_ids[p.course_code],
                code=p.code,
                starts_on=p.starts_on,
                ends_on=p.ends_on,
                campus_id=campus_ids[p.campus_slug] if p.campus_slug else None,
                capacity=p.capacity,
                enrolment_opens_on=p.enrolment_opens_on,
                enrolment_closes_on=p.enrolment_closes_on,
                status=Cohort.Status.SCHEDULED,
            )
            for p in new
        ]
    )
    cohort_ids = dict(
        Cohort.objects.filter(code__in=[p.code for p in new]).values_list("code", "pk")
    )
    Cohort.facilitators.through.objects.bulk_create(
        [
            Cohort.facilitators.through(cohort_id=cohort_ids[p.code], user_id=trainer_id)
            for p in new
            if p.campus_slug in TRAINER_CAMPUSES
        ]
    )
    enrolments = _enrolments(new, cohort_ids, course_ids, officers, user_ids)
    Enrollment.objects.bulk_create(enrolments)
    return {"cohorts": len(new), "enrolments": len(enrolments)}


def _enrolments(new, cohort_ids, course_ids, officers, user_ids) -> list[Enrollment]:
    """Enrolments of officers in the course's audience: never twice on one course, never on two
    campus cohorts at the same time."""
    rng = random.Random(SEED)  # noqa: S311 - a repeatable demo, not a secret
    officer_ids = [user_ids[o.email] for o in officers]
    rank = {user_ids[o.email]: JobGroup.rank(o.profile.job_group) for o in officers}
    busy = defaultdict(list)
    courses_taken = defaultdict(set)
    for user_id, course, starts_on, ends_on, online in Enrollment.objects.filter(
        officer_id__in=officer_ids, state__in=(*Enrollment.ACTIVE_STATES, *Enrollment.SEAT_STATES)
    ).values_list(
        "officer_id",
        "cohort__course__code",
        "cohort__starts_on",
        "cohort__ends_on",
        Q(cohort__campus__isnull=True),
    ):
        if not online:
            busy[user_id].append((starts_on, ends_on))
        courses_taken[user_id].add(course)

    enrolments = []
    # Full cohorts choose first so that they can always be filled, then nearly full ones.
    for p in sorted(new, key=lambda p: (p.capacity - p.seats_taken, p.starts_on, p.code)):
        low, high = (JobGroup.rank(g) for g in p.audience)
        pool = [pk for pk in officer_ids if low <= rank[pk] <= high]
        rng.shuffle(pool)
        taken = 0
        for user_id in pool:
            if taken == p.seats_taken:
                break
            if p.course_code in courses_taken[user_id]:
                continue
            # Online cohorts study part-time; only cohorts that meet on campus can clash.
            if p.campus_slug:
                if any(s <= p.ends_on and p.starts_on <= e for s, e in busy[user_id]):
                    continue
                busy[user_id].append((p.starts_on, p.ends_on))
            courses_taken[user_id].add(p.course_code)
            enrolments.append(
                Enrollment(
                    officer_id=user_id,
                    cohort_id=cohort_ids[p.code],
                    course_id=course_ids[p.course_code],
                    state=Enrollment.State.ENROLLED,
                )
            )
            taken += 1
    return enrolments


def _next_monday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=-day.weekday() % 7)
