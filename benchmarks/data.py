"""Generates a large, realistic-looking catalogue in a scratch database for benchmarks."""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from academy.models import County, JobGroup, OfficerProfile, Organisation, User
from courses.models import Campus, Cohort, Competency, Course, DeliveryMode, Level, SkillArea
from enrollments.models import Enrollment

TOPICS = [
    "Digital Strategy",
    "Data Governance",
    "Cybersecurity",
    "Cloud Computing",
    "e-Procurement",
    "Records Management",
    "Open Data",
    "Artificial Intelligence",
    "Service Design",
    "GIS",
    "Data Analytics",
    "Agile Delivery",
    "Change Management",
    "IT Service Management",
    "Digital Inclusion",
    "Data Protection",
    "Enterprise Architecture",
    "Web Accessibility",
]
QUALIFIERS = [
    "for Public Officers",
    "in County Government",
    "for Senior Managers",
    "Essentials",
    "in Practice",
    "for Policy Makers",
    "Fundamentals",
    "Masterclass",
    "for Project Teams",
]
WORDS = [
    "policy",
    "service",
    "citizens",
    "county",
    "ministry",
    "data",
    "records",
    "budget",
    "planning",
    "delivery",
    "security",
    "platform",
    "procurement",
    "evaluation",
    "governance",
    "strategy",
    "innovation",
    "training",
    "officers",
    "public",
]


def _text(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


@transaction.atomic
def generate(*, courses=2000, cohorts=10000, officers=3000, enrollments=30000, seed=2026):
    """Fill an empty database; returns the counts created."""
    rng = random.Random(seed)
    today = timezone.localdate()
    nairobi = County.objects.create(code=47, name="Nairobi City")
    ksg = Organisation.objects.add_root(
        create_kwargs={"name": "Kenya School of Government", "slug": "ksg", "kind": "academy"}
    )
    partner = Organisation.objects.add_root(
        create_kwargs={"name": "Huawei Technologies (Kenya)", "slug": "huawei", "kind": "partner"}
    )
    Organisation.objects.add_root(
        create_kwargs={"name": "Ministry of ICT", "slug": "ministry-ict", "kind": "ministry"}
    )
    areas = [
        SkillArea.objects.create(slug=slug, name=name, summary=name, position=i)
        for i, (slug, name) in enumerate(
            [
                ("digital-planning-and-design", "Digital Planning and Design"),
                ("data-use-and-governance", "Data Use and Governance"),
                ("digital-management-and-execution", "Digital Management and Execution"),
            ]
        )
    ]
    competencies = [
        Competency.objects.create(
            skill_area=areas[i % 3], slug=f"competency-{i}", name=f"{TOPICS[i]} competency"
        )
        for i in range(15)
    ]
    campuses = [
        Campus.objects.create(slug=f"campus-{i}", name=name, county=nairobi)
        for i, name in enumerate(["Lower Kabete", "Mombasa", "Matuga", "Embu", "Baringo"])
    ]

    course_rows = Course.objects.bulk_create(
        Course(
            code=f"BEN-{i:05d}",
            title=f"{rng.choice(TOPICS)} {rng.choice(QUALIFIERS)} {i}",
            summary=_text(rng, 18),
            description="\n\n".join(_text(rng, 60) for _ in range(3)),
            skill_area=rng.choice(areas),
            level=rng.choice(Level.values),
            delivery_mode=rng.choice(DeliveryMode.values),
            duration_days=rng.randint(1, 15),
            cpd_hours=rng.randint(6, 90),
            provider=partner if i % 10 == 0 else ksg,
        )
        for i in range(courses)
    )
    Course.competencies.through.objects.bulk_create(
        Course.competencies.through(course_id=course.pk, competency_id=competency.pk)
        for course in course_rows
        for competency in rng.sample(competencies, 3)
    )

    cohort_rows = []
    for i in range(cohorts):
        course = course_rows[i % courses]
        starts = today + datetime.timedelta(days=rng.randint(-60, 180))
        online = course.delivery_mode == DeliveryMode.ONLINE
        cohort_rows.append(
            Cohort(
                course=course,
                code=f"{course.code}-{i:05d}",
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=course.duration_days),
                campus=None if online else rng.choice(campuses),
                capacity=rng.randint(20, 40),
                enrolment_opens_on=starts - datetime.timedelta(days=60),
                enrolment_closes_on=starts - datetime.timedelta(days=3),
                status=Cohort.Status.SCHEDULED if starts >= today else Cohort.Status.CLOSED,
            )
        )
    cohort_rows = Cohort.objects.bulk_create(cohort_rows)

    password = make_password("benchmark-password-2026")
    users = User.objects.bulk_create(
        User(email=f"officer{i}@bench.go.ke", full_name=f"Officer {i}", password=password)
        for i in range(officers)
    )
    # One enrolment per officer and course, as the portal allows.
    pairs = {}
    while len(pairs) < enrollments:
        c = rng.randrange(cohorts)
        pairs.setdefault((rng.randrange(officers), cohort_rows[c].course_id), c)
    Enrollment.objects.bulk_create(
        (
            Enrollment(
                officer=users[u],
                cohort=cohort_rows[c],
                course_id=course_id,
                state=Enrollment.State.ENROLLED,
            )
            for (u, course_id), c in pairs.items()
        ),
        batch_size=5000,
    )

    return {
        "courses": courses,
        "cohorts": cohorts,
        "officers": officers,
        "enrollments": enrollments,
    }


def bench_officers(
    count: int, *, organisation: Organisation, county: County, name: str = "Officer {i}"
) -> list[User]:
    """``count`` officers of ``organisation``, each with a profile (job groups in turn), all
    with one password: the people the enrolment and certificate benchmarks work with."""
    password = make_password("benchmark-password-2026")
    users = User.objects.bulk_create(
        User(email=f"officer{i}@bench.go.ke", full_name=name.format(i=i), password=password)
        for i in range(count)
    )
    groups = JobGroup.values
    OfficerProfile.objects.bulk_create(
        OfficerProfile(
            user=user,
            personal_number=f"{20260000 + i}",
            organisation=organisation,
            job_group=groups[i % len(groups)],
            designation="ICT Officer",
            duty_station=county,
        )
        for i, user in enumerate(users)
    )
    return users
