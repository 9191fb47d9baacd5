"""National-scale load data for the completion-report benchmarks (``manage.py generate_load_data``).

Fills an empty PostgreSQL database with what the academy would hold after two and a half years
of serving Kenya's public service: the real organisation tree (ministries, state departments and
the directorates under them, the 47 county governments, agencies, KSG and its partners), the
counties and KSG's campuses, the three UNESCO skill areas, a few hundred courses with cohorts over
the last 30 months and the next three, 200,000 officers and 1,000,000 enrolments, half of them
completed, each completion with its certificate (no PDF: ``pdf`` stays empty, as for a
certificate not yet printed).

Rows are generated in Python from one ``random.Random(seed)`` and streamed to PostgreSQL with
``COPY ... FROM STDIN`` into the tables the migrations made, with every index and constraint in
place, so the database itself checks every rule. Everything but verification codes and badge
salts (which are secrets, drawn from ``secrets``) follows from the seed and the day it runs;
every moment in it lies before that day.
"""

import datetime
import hashlib
import json
import math
import random
import secrets
import time
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from academy.demo.catalogue import catalogue_data
from academy.demo.certificates import SIGNATORIES
from academy.demo.people import (
    COUNTY_DESIGNATIONS,
    DESIGNATIONS,
    FIELD_STATIONS,
    JOB_GROUP_MIX,
    LOCAL_COMMUNITIES,
    NAME_POOLS,
)
from academy.models import County, OfficerProfile, Organisation, User
from academy.reference_data import bulk_upsert, load_public_service
from certificates.models import Certificate, SerialCounter, Signatory
from courses.models import Campus, Cohort, Competency, Course, DeliveryMode, Level, SkillArea
from enrollments.models import Enrollment

Kind = Organisation.Kind
State = Enrollment.State

# The national set at scale 1.
ORGANISATIONS = 300
COURSES = 360
COHORTS = 12_000
OFFICERS = 200_000
ENROLLMENTS = 1_000_000
# A smaller catalogue would crowd the few officers of a small scale into each course.
MIN_COURSES = 45
SCALE_RANGE = (0.001, 10.0)
PASSWORD = "load-data-password-2026"  # noqa: S105 - a scratch benchmark database's accounts

# Enrolments by state, as shares of all enrolments; completed is exactly half, enrolled takes
# what rounding leaves.
STATE_SHARES = {
    State.NOT_COMPLETED: 0.11,
    State.WITHDRAWN: 0.13,
    State.WAITLISTED: 0.03,
    State.REQUESTED: 0.05,
    State.APPROVED: 0.05,
}
NO_ENROLMENT_SHARE = 0.10
GENDER_BLANK_SHARE = 0.15
MONTHS_BACK_DAYS = 913  # about 30 months
MONTHS_AHEAD_DAYS = 92


@dataclass(frozen=True)
class NationalCounts:
    """How many rows of each kind the national set has at one scale."""

    organisations: int
    courses: int
    cohorts: int
    officers: int
    enrollments: int
    completed: int

    @classmethod
    def at_scale(cls, scale: float) -> "NationalCounts":
        """The counts at ``scale`` (1.0 is the national set); the organisation tree is the real
        one at every scale, the catalogue has at least MIN_COURSES courses and every course at
        least two cohorts."""
        courses = max(MIN_COURSES, round(COURSES * scale))
        enrollments = round(ENROLLMENTS * scale)
        return cls(
            organisations=ORGANISATIONS,
            courses=courses,
            cohorts=max(3 * courses, round(COHORTS * scale)),
            officers=round(OFFICERS * scale),
            enrollments=enrollments,
            completed=enrollments // 2,
        )


class LoadDataRefused(Exception):
    """The database can't take the national set; the message says why."""


def check_database() -> None:
    """Nothing, when the default database is PostgreSQL without officers; else LoadDataRefused."""
    if connection.vendor != "postgresql":
        raise LoadDataRefused(
            f"generate_load_data needs PostgreSQL (it loads with COPY), but the database is "
            f"{connection.vendor}. Point DATABASE_URL at an empty PostgreSQL database, e.g. "
            f"postgres://postgres@127.0.0.1:5432/academy_load, and run migrate first."
        )
    profiles = OfficerProfile.objects.count()
    if profiles:
        raise LoadDataRefused(
            f"generate_load_data only fills an empty database, and "
            f"{connection.settings_dict['NAME']} already has {profiles} officer profile(s). "
            f"Create a new database (createdb), run migrate, and point DATABASE_URL at it."
        )


def generate_national(
    *, scale: float = 1.0, seed: int = 2026, log: Callable[[str], None] | None = None
) -> dict[str, int]:
    """The empty PostgreSQL database holds the national set at ``scale`` (one transaction, then
    VACUUM ANALYZE); returns the rows created per kind."""
    if not SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]:
        raise LoadDataRefused(
            f"--scale must be between {SCALE_RANGE[0]} and {SCALE_RANGE[1]}, not {scale}."
        )
    check_database()
    counts = NationalCounts.at_scale(scale)
    step = _Steps(log)
    rng = random.Random(seed)
    with transaction.atomic():
        created = _Generator(rng, counts, step).run()
    step("commit (deferred foreign key checks)")
    # VACUUM as well when it can (not inside a caller's transaction, as in tests): what
    # autovacuum would have done to a live database, so that counts can use index-only scans.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(command)
    step(command)
    return created


def describe(counts: dict[str, int]) -> list[str]:
    """Lines that list ``counts`` for a report."""
    return [f"{label:32} {n:>10,}" for label, n in counts.items()]


# --- The generator ------------------------------------------------------------------------------

STATES = (
    State.COMPLETED,
    State.NOT_COMPLETED,
    State.WITHDRAWN,
    State.ENROLLED,
    State.WAITLISTED,
    State.REQUESTED,
    State.APPROVED,
)
COMPLETED, NOT_COMPLETED, WITHDRAWN, ENROLLED, WAITLISTED, REQUESTED, APPROVED = range(7)
SEAT_STATES = (COMPLETED, NOT_COMPLETED, ENROLLED)
PAST, RECENT, RUNNING, FUTURE = "past", "recent", "running", "future"

EPOCH = datetime.date(1970, 1, 1).toordinal()
DAY = 86_400
# Office hours in Nairobi (08:00 to 17:00, UTC+3), as seconds of the UTC day.
OFFICE_OPENS, OFFICE_CLOSES = 5 * 3600, 14 * 3600
NAIROBI_OFFSET = 3 * 3600


class _Steps:
    """Reports each step with the seconds it took."""

    def __init__(self, log):
        self.log = log
        self.last = time.perf_counter()

    def __call__(self, what: str) -> None:
        now = time.perf_counter()
        if self.log:
            self.log(f"  {what}: {now - self.last:.1f} s")
        self.last = now


@dataclass(eq=False)
class _CohortPlan:
    course: int  # index into the courses
    phase: str
    starts: int  # date ordinals
    ends: int
    opens: int
    closes: int
    weight: float  # how many officers it tends to draw
    slots: Counter  # state index -> enrolments
    capacity: int = 0
    pk: int = 0
    code: str = ""
    campus: str = ""
    full: bool = False


class _Enrolments:
    """The enrolments, column by column in compact arrays (a million objects would not fit)."""

    def __init__(self):
        self.officer = array("i")
        self.cohort = array("i")
        self.state = array("b")
        self.created = array("q")
        self.changed = array("q")
        self.score = array("b")  # -1: none
        self.position = array("i")  # 0: not waiting

    def __len__(self):
        return len(self.state)

    def add(self, officer, cohort, state, created, changed, score=-1):
        self.officer.append(officer)
        self.cohort.append(cohort)
        self.state.append(state)
        self.created.append(created)
        self.changed.append(changed)
        self.score.append(score)
        self.position.append(0)
        return len(self.state) - 1


class _Generator:
    def __init__(self, rng: random.Random, counts: NationalCounts, step: _Steps):
        self.rng = rng
        self.counts = counts
        self.step = step
        self.today = timezone.localdate().toordinal()
        # Everything happened before today began (in Nairobi): a seed gives the same rows all day.
        self.now = (self.today - EPOCH) * DAY - NAIROBI_OFFSET
        self.created: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        self._reference_data()
        self._directorates()
        self.step("counties, organisation tree, campuses")
        self._catalogue()
        self.step(f"{self.counts.courses} courses")
        self._plan_cohorts()
        self._allocate_states()
        self._create_cohorts()
        self.step(f"{self.counts.cohorts} cohorts")
        self._plan_officers()
        self._enrol()
        self.step(f"{len(self.enrolments)} enrolments planned")
        self._copy_officers()
        self.step(f"{self.counts.officers} officers copied")
        self._copy_enrolments()
        self.step(f"{len(self.enrolments)} enrolments copied")
        self._copy_certificates()
        self.step(f"{self.created['certificates']} certificates copied")
        self._finish()
        return self.created

    # --- Reference data and the organisation tree ----------------------------------------------

    def _reference_data(self):
        load_public_service()
        self.counties = {c.code: c for c in County.objects.all()}
        self.county_by_name = {c.name: c for c in self.counties.values()}
        self.campuses = list(Campus.objects.order_by("name"))
        self.created["counties"] = len(self.counties)
        self.created["campuses"] = len(self.campuses)

    def _directorates(self):
        """Directorates under the state departments, up to ORGANISATIONS nodes in all, with
        the materialised paths treebeard would give them (siblings in name order)."""
        missing = ORGANISATIONS - Organisation.objects.count()
        departments = list(
            Organisation.objects.filter(kind=Kind.STATE_DEPARTMENT, numchild=0).order_by("path")
        )
        if missing > 0 and departments:
            shares = [missing // len(departments)] * len(departments)
            for i in self.rng.sample(range(len(departments)), missing % len(departments)):
                shares[i] += 1
            nodes, slugs = [], set(Organisation.objects.values_list("slug", flat=True))
            for department, share in zip(departments, shares, strict=True):
                names = sorted(f"Directorate of {d}" for d in self.rng.sample(DIRECTORATES, share))
                for position, name in enumerate(names, start=1):
                    slug = _unique_slug(f"{slugify(name[15:])}-{department.slug}", slugs)
                    nodes.append(
                        Organisation(
                            name=name,
                            slug=slug,
                            kind=Kind.DIRECTORATE,
                            path=Organisation._get_path(
                                department.path, department.depth + 1, position
                            ),
                            depth=department.depth + 1,
                            numchild=0,
                        )
                    )
                department.numchild = share
            Organisation.objects.bulk_create(nodes)
            Organisation.objects.bulk_update(departments, ["numchild"])
        problems = Organisation.objects.find_problems()
        if any(problems):
            raise RuntimeError(f"The organisation tree has problems: {problems}")
        self.organisations = list(Organisation.objects.order_by("path"))
        self.created["organisations"] = len(self.organisations)

    # --- Catalogue ---------------------------------------------------------------------------

    def _catalogue(self):
        rng = self.rng
        data = catalogue_data()
        bulk_upsert(
            SkillArea,
            key="slug",
            rows=[
                {
                    k: area[k]
                    for k in ("slug", "name", "name_sw", "aliases", "summary", "summary_sw")
                }
                | {"position": area["position"]}
                for area in data["skill_areas"]
            ],
        )
        areas = {a.slug: a for a in SkillArea.objects.all()}
        bulk_upsert(
            Competency,
            key="slug",
            rows=[
                {
                    "slug": c["slug"],
                    "name": c["name"],
                    "description": c["description"],
                    "skill_area_id": areas[area["slug"]].pk,
                }
                for area in data["skill_areas"]
                for c in area["competencies"]
            ],
        )
        competencies: dict[int, list[Competency]] = {}
        for competency in Competency.objects.order_by("slug"):
            competencies.setdefault(competency.skill_area_id, []).append(competency)
        if not Signatory.objects.exists():
            Signatory.objects.bulk_create(
                Signatory(name=name, title=title, order=order)
                for order, (name, title) in enumerate(SIGNATORIES)
            )
        signatories = [
            {"name": s.name, "title": s.title, "signature": s.signature.name or ""}
            for s in Signatory.objects.filter(active=True)
        ]
        self.created["skill areas"] = len(areas)

        ksg = next(o for o in self.organisations if o.kind == Kind.ACADEMY)
        partners = [o for o in self.organisations if o.kind == Kind.PARTNER]
        ordered_areas = sorted(areas.values(), key=lambda a: a.position)
        levels = list(Level)
        numbers: Counter = Counter()
        courses, links = [], []
        for i in range(self.counts.courses):
            area = ordered_areas[i % len(ordered_areas)]
            level = levels[(i // len(ordered_areas)) % len(levels)]
            topic = rng.choice(TOPICS[area.slug])
            title = rng.choice(TITLES[level]).format(topic=topic)
            if rng.random() < 0.15:
                title += rng.choice(AUDIENCES)
            mode = rng.choices(DELIVERY_MODES, DELIVERY_WEIGHTS)[0]
            days = {
                DeliveryMode.IN_PERSON: rng.randint(2, 10),
                DeliveryMode.BLENDED: rng.randint(5, 15),
                DeliveryMode.ONLINE: rng.randint(10, 42),
            }[mode]
            hours = min(90, days * 6) if mode != DeliveryMode.ONLINE else rng.randint(8, 40)
            numbers[area.slug, level] += 1
            code = (
                f"{CODE_PREFIX[area.slug]}-{levels.index(level) + 1}{numbers[area.slug, level]:04d}"
            )
            provider = rng.choice(partners) if partners and rng.random() < 0.15 else ksg
            courses.append(
                Course(
                    code=code,
                    title=title[:200],
                    summary=(
                        f"{level.label} course in {area.name.lower()}: {topic.lower()} for "
                        f"officers of the public service ({hours} CPD hours)."
                    )[:300],
                    description=(
                        f"{title} equips officers of national and county governments with the "
                        f"{level.label.lower()} competencies of {area.name.lower()} that the "
                        f"UNESCO framework describes, through case studies from Kenya's public "
                        f"service and a practical assignment."
                    ),
                    skill_area=area,
                    level=level,
                    delivery_mode=mode,
                    duration_days=days,
                    cpd_hours=hours,
                    provider=provider,
                    language="sw" if rng.random() < 0.05 else "en",
                    min_attendance_percent=rng.choice((70, 75, 80, 80)),
                    pass_mark=rng.choice((50, 50, 60, 70)),
                    requires_approval=rng.random() < 0.35,
                )
            )
            links.append(
                rng.sample(
                    competencies[area.pk], min(len(competencies[area.pk]), rng.randint(1, 3))
                )
            )
        Course.objects.bulk_create(courses)
        Course.competencies.through.objects.bulk_create(
            Course.competencies.through(course_id=course.pk, competency_id=c.pk)
            for course, chosen in zip(courses, links, strict=True)
            for c in chosen
        )
        self.courses = courses
        self.course_weight = [rng.lognormvariate(0, 0.6) for _ in courses]
        # What a certificate of each course copies, as COPY text (all but the cohort's part).
        self.course_printed = []
        self.course_badge = []
        for course, chosen in zip(courses, links, strict=True):
            names = sorted(c.name for c in chosen)
            self.course_printed.append(
                "\t".join(
                    [
                        _copy_text(course.code),
                        _copy_text(course.title),
                        _copy_text(course.skill_area.name),
                        _copy_text(json.dumps(names, ensure_ascii=False)),
                        course.level,
                        str(course.cpd_hours),
                        _copy_text(course.provider.name),
                    ]
                )
            )
            facts = {
                "course_summary": course.summary,
                "min_attendance_percent": course.min_attendance_percent,
                "pass_mark": course.pass_mark,
                "skill_area_slug": course.skill_area.slug,
                "competencies": [
                    {"slug": c.slug, "name": c.name} for c in sorted(chosen, key=lambda c: c.name)
                ],
            }
            self.course_badge.append(_copy_text(json.dumps(facts, ensure_ascii=False)[:-1]))
        self.signatories = _copy_text(json.dumps(signatories, ensure_ascii=False))
        self.created["courses"] = len(courses)

    # --- Cohorts -----------------------------------------------------------------------------

    def _plan_cohorts(self):
        """Dates, place and pull of each cohort: most ran in the last 30 months (more of them
        lately), a few are running today, about a tenth start in the next three months."""
        rng, today, n = self.rng, self.today, self.counts.cohorts
        per_course = [2] * len(self.courses)
        for i in rng.choices(
            range(len(self.courses)), self.course_weight, k=n - 2 * len(self.courses)
        ):
            per_course[i] += 1
        future = max(1, round(n * 0.10))
        running = max(1, round(n * 0.03))
        phases = [FUTURE] * future + [RUNNING] * running + [PAST] * (n - future - running)
        rng.shuffle(phases)
        owners = [c for c, k in enumerate(per_course) for _ in range(k)]
        self.cohorts: list[_CohortPlan] = []
        in_person = [c for c in self.campuses if "e-learning" not in c.slug] or self.campuses
        for at, (c, phase) in enumerate(zip(owners, phases, strict=True)):
            course = self.courses[c]
            days = course.duration_days
            if phase == FUTURE:
                starts = today + rng.randint(1, MONTHS_AHEAD_DAYS)
                if course.delivery_mode != DeliveryMode.ONLINE:
                    starts += (1 - starts) % 7  # a Monday (ordinal 1 was a Monday)
            elif phase == RUNNING:
                starts = today - rng.randint(0, days - 1)
            else:
                # A past cohort ended at least a week ago (results recorded), but one in a
                # hundred ended in the last week and waits for its results.
                earliest = days + (0 if at % 100 == 99 else 8)
                latest = earliest + 7 if at % 100 == 99 else MONTHS_BACK_DAYS
                u = rng.random()
                # Half spread evenly, half weighted towards the recent past: the academy grew.
                back = u if rng.random() < 0.5 else 1 - math.sqrt(1 - u)
                starts = today - earliest - round((latest - earliest) * back)
                if course.delivery_mode != DeliveryMode.ONLINE:
                    starts -= (starts - 1) % 7
            ends = starts + days - 1
            if phase == PAST and ends >= today - 7:
                phase = RECENT
            weight = {
                DeliveryMode.IN_PERSON: rng.uniform(20, 35),
                DeliveryMode.BLENDED: rng.uniform(25, 50),
                DeliveryMode.ONLINE: rng.uniform(60, 250),
            }[course.delivery_mode]
            closes = starts - rng.randint(2, 7)
            self.cohorts.append(
                _CohortPlan(
                    course=c,
                    phase=phase,
                    starts=starts,
                    ends=ends,
                    opens=min(closes, starts - rng.randint(105, 130)),
                    closes=closes,
                    weight=weight,
                    slots=Counter(),
                    campus=""
                    if course.delivery_mode == DeliveryMode.ONLINE
                    else rng.choices(in_person, [4] + [1] * (len(in_person) - 1))[0].name,
                )
            )

    def _allocate_states(self):
        """How many enrolments of each state each cohort gets: results only in cohorts that
        ended, requests and waiting lists only in those to come, seats within capacity."""
        rng, counts = self.rng, self.counts
        totals = {COMPLETED: counts.completed}
        for state, share in STATE_SHARES.items():
            totals[STATES.index(state)] = round(counts.enrollments * share)
        totals[ENROLLED] = counts.enrollments - sum(totals.values())
        if totals[ENROLLED] < 1:
            raise LoadDataRefused("The scale is too small for a realistic set: raise --scale.")

        def pool(*phases, approval=None):
            return [
                c
                for c in self.cohorts
                if c.phase in phases
                and (approval is None or self.courses[c.course].requires_approval == approval)
            ]

        def allocate(state, n, cohorts):
            if n <= 0:
                return
            for cohort, k in Counter(
                rng.choices(cohorts, [c.weight for c in cohorts], k=n)
            ).items():
                cohort.slots[state] += k

        done, running, future = pool(PAST), pool(RUNNING), pool(FUTURE)
        recent = pool(RECENT)
        if not (done and future):
            raise LoadDataRefused("The scale is too small for a realistic set: raise --scale.")
        allocate(COMPLETED, totals[COMPLETED], done)
        allocate(NOT_COMPLETED, totals[NOT_COMPLETED], done)
        withdrawn_later = round(totals[WITHDRAWN] * 0.25)
        allocate(WITHDRAWN, totals[WITHDRAWN] - withdrawn_later, done)
        allocate(WITHDRAWN, withdrawn_later, running + future)
        enrolled_recent = round(totals[ENROLLED] * 0.04) if recent else 0
        enrolled_running = round(totals[ENROLLED] * 0.20)
        allocate(ENROLLED, enrolled_recent, recent)
        allocate(ENROLLED, enrolled_running, running)
        allocate(ENROLLED, totals[ENROLLED] - enrolled_recent - enrolled_running, future)
        approval = pool(FUTURE, approval=True) or future
        allocate(REQUESTED, totals[REQUESTED], approval)
        allocate(APPROVED, totals[APPROVED], approval)
        # Waiting lists form in cohorts that are full: a quarter of those to come.
        with_seats = [c for c in future if c.slots[ENROLLED]]
        if not with_seats:
            donor = max(self.cohorts, key=lambda c: c.slots[ENROLLED])
            donor.slots[ENROLLED] -= 1
            future[0].slots[ENROLLED] += 1
            with_seats = [future[0]]
        full = rng.sample(with_seats, max(1, len(with_seats) // 4))
        for cohort in full:
            cohort.full = True
        allocate(WAITLISTED, totals[WAITLISTED], full)
        for cohort in self.cohorts:
            seats = sum(cohort.slots[s] for s in SEAT_STATES)
            if cohort.full:
                cohort.capacity = seats
            else:
                spare = {PAST: 0.15, RECENT: 0.15, RUNNING: 0.2, FUTURE: 0.6}[cohort.phase]
                cohort.capacity = max(
                    1,
                    seats
                    + round(seats * rng.uniform(0, spare))
                    + (rng.randint(1, 10) if cohort.phase == FUTURE else 0),
                )
        self.state_totals = totals

    def _create_cohorts(self):
        status = {
            PAST: Cohort.Status.CLOSED,
            RECENT: Cohort.Status.CLOSED,
            RUNNING: Cohort.Status.RUNNING,
            FUTURE: Cohort.Status.SCHEDULED,
        }
        campus = {c.name: c for c in self.campuses}
        numbers: Counter = Counter()
        rows = []
        for plan in self.cohorts:
            course = self.courses[plan.course]
            numbers[plan.course] += 1
            starts = datetime.date.fromordinal(plan.starts)
            plan.code = f"{course.code}-{starts:%y%m}-{numbers[plan.course]:02d}"
            rows.append(
                Cohort(
                    course=course,
                    code=plan.code,
                    starts_on=starts,
                    ends_on=datetime.date.fromordinal(plan.ends),
                    campus=campus.get(plan.campus),
                    capacity=plan.capacity,
                    enrolment_opens_on=datetime.date.fromordinal(plan.opens),
                    enrolment_closes_on=datetime.date.fromordinal(plan.closes),
                    status=status[plan.phase],
                )
            )
        Cohort.objects.bulk_create(rows, batch_size=2000)
        for plan, row in zip(self.cohorts, rows, strict=True):
            plan.pk = row.pk
        self.created["cohorts"] = len(rows)

    # --- Officers and their enrolments -------------------------------------------------------

    def _plan_officers(self):
        """Where each officer works (unevenly over the tree: big state departments and county
        governments, small directorates), and their name, grade and station."""
        rng, n = self.rng, self.counts.officers
        self.created["officers"] = n
        employers = [o for o in self.organisations if o.kind != Kind.PARTNER]
        weights = [KIND_WEIGHT[o.kind] * rng.lognormvariate(0, 1.0) for o in employers]
        self.officer_org = rng.choices(employers, weights, k=n)
        grades = [g for g, _ in JOB_GROUP_MIX]
        self.officer_grade = rng.choices(grades, [w for _, w in JOB_GROUP_MIX], k=n)
        communities = sorted(NAME_POOLS)
        nairobi = self.county_by_name.get("Nairobi City") or next(iter(self.counties.values()))
        stations = [self.county_by_name[s] for s in FIELD_STATIONS if s in self.county_by_name]
        all_counties = list(self.counties.values())
        county_by_pk = {c.pk: c for c in all_counties}
        domains = _email_domains(self.organisations, county_by_pk)
        self.officer_name, self.officer_email = [], []
        self.officer_gender, self.officer_station = [], []
        for i, org in enumerate(self.officer_org):
            county = county_by_pk.get(org.county_id)
            local = LOCAL_COMMUNITIES.get(county.name) if county else None
            community = (
                rng.choice(local) if local and rng.random() < 0.75 else rng.choice(communities)
            )
            women, men, families = NAME_POOLS[community]
            woman = rng.random() < 0.48
            first = rng.choice(women if woman else men)
            family = rng.choice(families)
            if family == first:
                family = families[0] if families[0] != first else families[1]
            self.officer_name.append(f"{first} {family}")
            local_part = f"{slugify(first)}.{slugify(family)}".replace("-", "")
            self.officer_email.append(f"{local_part}{i + 1}@{domains[org.pk]}")
            if rng.random() < GENDER_BLANK_SHARE:
                gender = ""
            elif rng.random() < 0.0005:
                gender = OfficerProfile.Gender.INTERSEX.value
            else:
                gender = "female" if woman else "male"
            self.officer_gender.append(gender)
            if county:
                station = county
            else:
                u = rng.random()
                station = (
                    nairobi
                    if u < 0.6 or not stations
                    else rng.choice(stations)
                    if u < 0.85
                    else rng.choice(all_counties)
                )
            self.officer_station.append(station.pk)

    def _enrol(self):
        """Officers into the cohorts' slots, course by course in the order the cohorts start:
        one enrolment per officer and cohort, at most one active per officer and course; some
        who withdrew or did not complete come back for a later cohort of the same course."""
        rng, n = self.rng, self.counts.officers
        enrolling = rng.sample(range(n), n - round(n * NO_ENROLMENT_SHARE))
        draws = _OfficerDraws(rng, enrolling, self.counts.enrollments)
        self.enrolments = e = _Enrolments()
        self.first_seen = array("q", [0]) * n
        self.last_seen = array("q", [0]) * n
        by_course: dict[int, list[_CohortPlan]] = {}
        for plan in self.cohorts:
            by_course.setdefault(plan.course, []).append(plan)
        order = list(by_course)
        rng.shuffle(order)
        for c in order:
            course = self.courses[c]
            used: set[int] = set()
            # (officer, when they left): withdrew or did not complete, may come back.
            returning: list[tuple[int, int]] = []
            for plan in sorted(by_course[c], key=lambda p: (p.starts, p.pk)):
                slots = [s for s, k in plan.slots.items() for _ in range(k)]
                rng.shuffle(slots)
                starts_at = (plan.starts - EPOCH) * DAY
                leaving, waiting = [], []
                for state in slots:
                    officer, after = -1, 0
                    if returning and rng.random() < 0.5:
                        at = rng.randrange(len(returning))
                        if returning[at][1] < starts_at:
                            officer, after = returning[at]
                            returning[at] = returning[-1]
                            returning.pop()
                    if officer < 0:
                        officer = draws.fresh(used)
                        used.add(officer)
                    j = self._enrolment(plan, course, officer, state, after)
                    if state == WAITLISTED:
                        waiting.append(j)
                    elif (state == WITHDRAWN and rng.random() < 0.35) or (
                        state == NOT_COMPLETED and rng.random() < 0.4
                    ):
                        leaving.append((officer, e.changed[j]))
                    elif state == COMPLETED and rng.random() < 0.01:
                        leaving.append((officer, e.changed[j]))  # a refresher, later on
                waiting.sort(key=e.created.__getitem__)
                for position, j in enumerate(waiting, start=1):
                    e.position[j] = position
                returning.extend(leaving)
        self.created["officers without enrolments"] = sum(1 for t in self.first_seen if not t)

    def _enrolment(self, plan, course, officer, state, after) -> int:
        rng, e = self.rng, self.enrolments
        last_day = min(plan.closes, self.today - 1)
        created = _at(rng.randint(plan.opens, max(plan.opens, last_day)), rng)
        if after:
            created = max(created, after + rng.randint(3600, 3 * DAY))
        created = self._past(created, after)
        score = -1
        if state in (COMPLETED, NOT_COMPLETED):
            day = rng.randint(
                plan.ends + 1, max(plan.ends + 1, min(plan.ends + 21, self.today - 1))
            )
            changed = self._past(max(_at(day, rng), created + 1800), created)
            if state == COMPLETED:
                score = rng.randint(course.pass_mark, 100)
            elif rng.random() < 0.6:
                score = rng.randint(max(0, course.pass_mark - 35), course.pass_mark - 1)
        elif state == WITHDRAWN:
            cohort_over = (plan.ends - EPOCH + 1) * DAY - NAIROBI_OFFSET
            changed = max(created, min(created + rng.randint(3600, 20 * DAY), cohort_over))
            changed = self._past(changed, created)
        elif state in (APPROVED, ENROLLED) and course.requires_approval:
            changed = self._past(created + rng.randint(3600, 5 * DAY), created)
        else:
            changed = created
        j = e.add(officer, plan.pk, state, created, changed, score)
        if not self.first_seen[officer] or created < self.first_seen[officer]:
            self.first_seen[officer] = created
        if changed > self.last_seen[officer]:
            self.last_seen[officer] = changed
        return j

    def _past(self, moment: int, earliest: int) -> int:
        """``moment``, or, when it would be today or later, some hours before today (but not
        before ``earliest``): what was to happen today has not happened yet."""
        if moment < self.now:
            return moment
        return max(earliest, self.now - self.rng.randint(60, 8 * 3600))

    # --- COPY ----------------------------------------------------------------------------------

    def _copy_officers(self):
        rng, n, now = self.rng, self.counts.officers, self.now
        password = _copy_text(make_password(PASSWORD))
        self.user_base = _next_id(User)
        profile_base = _next_id(OfficerProfile)
        # Senior officers joined the service earlier; the year leads the personal number.
        seniority = {g: i for i, (g, _) in enumerate(JOB_GROUP_MIX)}
        joined = []
        for i in range(n):
            first = self.first_seen[i]
            if first:
                joined.append(first - rng.randint(DAY, 60 * DAY))
            else:
                joined.append(now - rng.randint(30 * DAY, (MONTHS_BACK_DAYS + 60) * DAY))
        users = (
            f"{self.user_base + i}\t{password}\t"
            f"{_stamp(self.last_seen[i]) if self.last_seen[i] else NULL}\tf\t"
            f"{_copy_text(self.officer_email[i])}\t{_copy_text(self.officer_name[i])}\t"
            f"{'sw' if rng.random() < 0.1 else 'en'}\tf\tt\t{_stamp(joined[i])}\n"
            for i in range(n)
        )
        _copy(
            User,
            "id, password, last_login, is_superuser, email, full_name, preferred_language, "
            "is_staff, is_active, date_joined",
            users,
        )

        def profile(i):
            grade = self.officer_grade[i]
            org = self.officer_org[i]
            titles = DESIGNATIONS[grade]
            if org.kind == Kind.COUNTY:
                titles = titles + COUNTY_DESIGNATIONS.get(grade, [])
            year = 2024 - rng.randint(1, 6) - seniority[grade]
            national_id = str(rng.randint(10_000_000, 39_999_999)) if rng.random() < 0.7 else ""
            stamp = _stamp(joined[i] + rng.randint(60, 3600))
            return (
                f"{profile_base + i}\t{self.user_base + i}\t{year}{i + 1:06d}\t{org.pk}\t"
                f"{grade}\t{_copy_text(rng.choice(titles))}\t{self.officer_station[i]}\t"
                f"{national_id}\t{self.officer_gender[i]}\t{stamp}\t{stamp}\n"
            )

        _copy(
            OfficerProfile,
            "id, user_id, personal_number, organisation_id, job_group, designation, "
            "duty_station_id, national_id, gender, created_at, updated_at",
            (profile(i) for i in range(n)),
        )

    def _copy_enrolments(self):
        rng, e = self.rng, self.enrolments
        self.enrolment_base = _next_id(Enrollment)
        course_of = {p.pk: self.courses[p.course].pk for p in self.cohorts}
        names = [State(s).value for s in STATES]
        user_base = self.user_base

        def row(j):
            state = e.state[j]
            officer = user_base + e.officer[j]
            changed = _stamp(e.changed[j])
            decided = state in (COMPLETED, NOT_COMPLETED)
            withdrawn = state == WITHDRAWN
            reason = rng.choice(WITHDRAWAL_REASONS) if withdrawn else ""
            return (
                f"{self.enrolment_base + j}\t{officer}\t{e.cohort[j]}\t{course_of[e.cohort[j]]}\t"
                f"{names[state]}\t{e.position[j] or NULL}\t{reason}\t"
                f"{officer if rng.random() < 0.85 else NULL}\t"
                f"{officer if withdrawn and rng.random() < 0.9 else NULL}\t{changed}\t"
                f"{e.score[j] if e.score[j] >= 0 else NULL}\t{changed if decided else NULL}\t"
                f"f\t{_stamp(e.created[j])}\t{changed}\n"
            )

        _copy(
            Enrollment,
            "id, officer_id, cohort_id, course_id, state, waitlist_position, reason, "
            "created_by_id, withdrawn_by_id, state_changed_at, score, result_recorded_at, "
            "result_overridden, created_at, updated_at",
            (row(j) for j in range(len(e))),
        )
        self.created["enrollments"] = len(e)
        for state, k in sorted(Counter(e.state).items()):
            self.created[f"enrollments {STATES[state].value}"] = k

    def _copy_certificates(self):
        """A certificate for each completion, issued minutes after its result; serials run
        1, 2, 3… per year in the order they were issued, after any already issued."""
        rng, e, now = self.rng, self.enrolments, self.now
        completed = [j for j in range(len(e)) if e.state[j] == COMPLETED]
        issued = {j: min(e.changed[j] + rng.randint(60, 900), now) for j in completed}
        completed.sort(key=issued.__getitem__)
        counters = dict(SerialCounter.objects.values_list("year", "last"))
        years: dict[int, int] = {}
        plan_of = {p.pk: p for p in self.cohorts}
        cohort_printed = {
            p.pk: "\t".join(
                [
                    self.course_printed[p.course],
                    _copy_text(p.code),
                    datetime.date.fromordinal(p.starts).isoformat(),
                    datetime.date.fromordinal(p.ends).isoformat(),
                    _copy_text(p.campus),
                    self.signatories,
                ]
            )
            for p in self.cohorts
        }
        base = _next_id(Certificate)

        def row(k, j):
            at = issued[j]
            year = _year(at)
            number = years[year] = years.get(year, counters.get(year, 0)) + 1
            cohort = e.cohort[j]
            officer = e.officer[j]
            salt = secrets.token_hex(16)
            digest = hashlib.sha256((self.officer_email[officer] + salt).encode()).hexdigest()
            badge = (
                f'{self.course_badge[plan_of[cohort].course]}, "recipient": '
                f'{{"salt": "{salt}", "hash": "sha256${digest}"}}}}'
            )
            if rng.random() < 0.002:
                status, revoked = "revoked", _stamp(min(at + rng.randint(DAY, 200 * DAY), now))
                reason = "Result withdrawn after a review of the assessment."
            else:
                status, revoked, reason = "valid", NULL, ""
            return (
                f"{base + k}\t{self.enrolment_base + j}\tKSG-{year}-{number:06d}\t"
                f"{secrets.token_urlsafe(22)}\t{status}\t{_stamp(at)}\t{revoked}\t{reason}\t"
                f"\t\t{cohort_printed[cohort]}\t{badge}\t"
                f"\t{_copy_text(self.officer_name[officer])}\n"
            )

        _copy(
            Certificate,
            "id, enrollment_id, serial, verification_code, status, issued_at, revoked_at, "
            "revoked_reason, pdf, pdf_sha256, course_code, course_title, skill_area, "
            "competencies, level, cpd_hours, provider, cohort_code, cohort_starts_on, "
            "cohort_ends_on, campus, signatories, badge_facts, badge_jwt, officer_name",
            (row(k, j) for k, j in enumerate(completed)),
        )
        for year, last in years.items():
            SerialCounter.objects.update_or_create(year=year, defaults={"last": last})
        self.created["certificates"] = len(completed)

    def _finish(self):
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [User, OfficerProfile, Enrollment, Certificate]
            ):
                cursor.execute(sql)


# --- Helpers ------------------------------------------------------------------------------------

NULL = "\\N"


class _OfficerDraws:
    """Officers for new enrolments: every enrolling officer once, in random order and mixed in
    with the rest, and beyond that some officers far more often than others."""

    BATCH = 65_536

    def __init__(self, rng: random.Random, enrolling: list[int], enrollments: int):
        self.rng = rng
        self.enrolling = enrolling
        self.unseen = deque(rng.sample(enrolling, len(enrolling)))
        # Draw from the unseen often enough that they are all used before the end.
        self.unseen_share = min(1.0, 1.3 * len(enrolling) / max(1, enrollments))
        # Some learn far more than others, within reason: at most four times the median.
        weights = [min(4.0, rng.lognormvariate(0, 0.6)) for _ in enrolling]
        self.cum_weights = list(_accumulate(weights))
        self.batch: list[int] = []

    def fresh(self, used: set[int]) -> int:
        """An enrolling officer not in ``used``."""
        rng = self.rng
        for _ in range(50):
            if self.unseen and rng.random() < self.unseen_share:
                officer = self.unseen.pop()
                if officer in used:
                    self.unseen.appendleft(officer)
                    continue
                return officer
            if not self.batch:
                self.batch = rng.choices(self.enrolling, cum_weights=self.cum_weights, k=self.BATCH)
            officer = self.batch.pop()
            if officer not in used:
                return officer
        for officer in self.enrolling:
            if officer not in used:
                return officer
        raise LoadDataRefused("Too few officers for the enrolments of one course: raise --scale.")


def _accumulate(values: Iterable[float]):
    total = 0.0
    for value in values:
        total += value
        yield total


def _copy(model, columns: str, rows: Iterable[str], chunk: int = 4000) -> None:
    """``rows`` (COPY text lines) streamed into ``model``'s table."""
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        buffer = []
        for line in rows:
            buffer.append(line)
            if len(buffer) >= chunk:
                copy.write("".join(buffer))
                buffer.clear()
        if buffer:
            copy.write("".join(buffer))


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        # Only the model's own table name goes in.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608  # nosec B608
        return cursor.fetchone()[0]


def _copy_text(value: str) -> str:
    """``value`` escaped for COPY's text format."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _at(day: int, rng: random.Random) -> int:
    """A moment in office hours (Nairobi) of the day with this ordinal, in epoch seconds."""
    return (day - EPOCH) * DAY + rng.randint(OFFICE_OPENS, OFFICE_CLOSES)


_DAYS: dict[int, str] = {}


def _stamp(seconds: int) -> str:
    """Epoch seconds as a UTC timestamp for COPY."""
    day, rest = divmod(seconds, DAY)
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = datetime.date.fromordinal(day + EPOCH).isoformat()
    return f"{text} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}+00"


def _year(seconds: int) -> int:
    """The year (in Nairobi) of a moment in epoch seconds."""
    return datetime.date.fromordinal((seconds + NAIROBI_OFFSET) // DAY + EPOCH).year


def _unique_slug(text: str, taken: set[str]) -> str:
    slug = text[:80].rstrip("-")
    n = 2
    while slug in taken:
        suffix = f"-{n}"
        slug = text[: 80 - len(suffix)].rstrip("-") + suffix
        n += 1
    taken.add(slug)
    return slug


def _email_domains(
    organisations: list[Organisation], counties: dict[int, County]
) -> dict[int, str]:
    """A mail domain per organisation: its county's or short name's, else its parent's."""
    by_path = {o.path: o for o in organisations}
    domains: dict[int, str] = {}
    for org in organisations:  # parents before children: ordered by path
        parent = by_path.get(org.path[: -Organisation.steplen])
        if parent and not org.short_name:
            domains[org.pk] = domains[parent.pk]
            continue
        county = counties.get(org.county_id)
        if county:
            base = county.name
        elif org.short_name:
            base = org.short_name
        else:  # an acronym: "Ministry of Roads and Transport" -> "mrt"
            base = "".join(w[0] for w in org.slug.split("-") if w not in MINOR_WORDS)
        name = slugify(base).replace("-", "")[:24] or f"org{org.pk}"
        domains[org.pk] = f"{name}.ac.ke" if org.kind == Kind.ACADEMY else f"{name}.go.ke"
    return domains


# --- Vocabulary ---------------------------------------------------------------------------------

DIRECTORATES = [
    "Administration",
    "Human Resource Management and Development",
    "Finance and Accounts",
    "Information and Communication Technology",
    "Planning",
    "Supply Chain Management",
    "Legal Services",
    "Public Communications",
    "Internal Audit",
    "Policy and Research",
    "Monitoring and Evaluation",
    "Records Management",
    "Digital Services",
    "Performance Management",
]
MINOR_WORDS = {"of", "and", "the", "for", "in", "on"}
KIND_WEIGHT = {
    Kind.MINISTRY: 0.6,
    Kind.STATE_DEPARTMENT: 3.0,
    Kind.DIRECTORATE: 1.0,
    Kind.COUNTY: 2.5,
    Kind.AGENCY: 1.5,
    Kind.ACADEMY: 0.5,
}
CODE_PREFIX = {
    "digital-planning-and-design": "DPD",
    "data-use-and-governance": "DUG",
    "digital-management-and-execution": "DME",
}
TOPICS = {
    "digital-planning-and-design": [
        "Digital Transformation Strategy",
        "Digital Service Design",
        "User Research for Public Services",
        "Inclusive and Accessible Digital Services",
        "Enterprise Architecture",
        "Government Interoperability",
        "AI for Public Policy",
        "Emerging Technologies in Government",
        "e-Government Planning",
        "Human-Centred Design",
        "Smart County Planning",
        "GIS for Development Planning",
    ],
    "data-use-and-governance": [
        "Data-Driven Policy Making",
        "Data Governance",
        "Data Protection and Privacy",
        "Data Analysis with Spreadsheets",
        "Data Visualisation and Dashboards",
        "Statistics for Decision Makers",
        "Open Data",
        "Records and Information Management",
        "Evidence-Based Budgeting",
        "Monitoring and Evaluation with Data",
        "Data Quality Management",
        "Python for Data Analysis",
    ],
    "digital-management-and-execution": [
        "Agile Project Management",
        "e-Procurement",
        "Cybersecurity Awareness",
        "Change Management for Digital Transformation",
        "Digital Leadership",
        "Cloud and Shared Services",
        "IT Service Management",
        "Managing ICT Contracts",
        "Business Continuity and Disaster Recovery",
        "Digital Payments and Revenue Collection",
        "Managing Digital Teams",
        "Risk Management for ICT Projects",
    ],
}
TITLES = {
    Level.FOUNDATION: ["Introduction to {topic}", "{topic}: Foundations", "{topic} Essentials"],
    Level.INTERMEDIATE: ["{topic} in Practice", "Applied {topic}", "{topic} for Practitioners"],
    Level.ADVANCED: ["Advanced {topic}", "Leading {topic}", "{topic} Masterclass"],
}
AUDIENCES = [" for County Governments", " for Senior Managers", " for Technical Officers"]
DELIVERY_MODES = [DeliveryMode.IN_PERSON, DeliveryMode.BLENDED, DeliveryMode.ONLINE]
DELIVERY_WEIGHTS = [35, 25, 40]
WITHDRAWAL_REASONS = [
    "",
    "",
    "Official duty at the time of the course.",
    "Transferred to another station.",
    "On leave.",
    "Moved to a later cohort.",
]
