"""
Demo data for the portal: ``seed_demo()`` builds a catalogue, cohorts and accounts that let anyone
try every role. Only in demo mode: the accounts share a published password.

The data lives apart from the code: the catalogue in ``courses/data/demo_catalogue.json``, the
people in ``academy.demo.people``. Every step is keyed by natural keys (slugs, course and cohort
codes, e-mail addresses) and works in bulk, so running it again creates nothing and takes a few
queries.
"""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from academy.demo.accounts import seed_people
from academy.demo.catalogue import seed_catalogue
from academy.demo.certificates import seed_completed_courses
from academy.demo.cohorts import seed_cohorts
from academy.demo.partners import seed_partners
from academy.demo.people import DEMO_ACCOUNTS, DEMO_PASSWORD, TRAINER_EMAIL
from academy.demo.started import seed_started_cohorts
from academy.models import County, Organisation, User
from academy.reference_data import load_public_service
from certificates.models import Certificate
from courses.cache import catalogue_changed
from courses.models import Campus, Cohort, Competency, Course, SkillArea
from enrollments.models import Enrollment
from partners.models import Agreement

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "SeedReport", "demo_account_roles", "seed_demo"]


@dataclass
class SeedReport:
    created: dict[str, int]
    totals: dict[str, int]
    seconds: float


def seed_demo(*, today: datetime.date | None = None) -> SeedReport:
    """Reference data, demo catalogue, cohorts of the next six months, two cohorts that have
    started (one in session, one ended and waiting for its results), demo accounts, two
    courses the demo officers completed with their certificates, and the demo partner
    agreements (Huawei's) exist."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured(
            "Demo data is only seeded in demo mode (DEMO_MODE=1): its accounts share a "
            "published password."
        )
    started = time.monotonic()
    today = today or timezone.localdate()
    with transaction.atomic():
        reference = load_public_service()
        created = {
            "counties": reference.created["counties"],
            "organisations": reference.created["organisations"],
            "campuses": reference.created["campuses"],
        }
        created |= seed_catalogue()
        people = seed_people()
        created |= people.created
        created |= seed_cohorts(
            today=today,
            trainer_id=people.users[TRAINER_EMAIL].pk,
            officers=people.officers,
            user_ids={email: user.pk for email, user in people.users.items()},
        )
        created |= seed_started_cohorts(today=today, trainer_id=people.users[TRAINER_EMAIL].pk)
        created |= seed_completed_courses(
            today=today, user_ids={email: user.pk for email, user in people.users.items()}
        )
        created |= seed_partners(today=today)
    # Cohorts and enrolments are bulk-created, which sends no signals: say so to the cache.
    catalogue_changed()
    return SeedReport(created=created, totals=_totals(), seconds=time.monotonic() - started)


def demo_account_roles() -> list[tuple[str, str]]:
    """(e-mail, roles in words) of each demo account, for the command's summary."""
    slugs = {slug for p in DEMO_ACCOUNTS for _, slug in p.memberships if slug}
    slugs |= {p.profile.organisation for p in DEMO_ACCOUNTS if p.profile}
    names = dict(Organisation.objects.filter(slug__in=slugs).values_list("slug", "name"))
    rows = []
    for person in DEMO_ACCOUNTS:
        roles = [f"Officer, {names[person.profile.organisation]}"] if person.profile else []
        for role, slug in person.memberships:
            roles.append(f"{role.label}, {names[slug]}" if slug else str(role.label))
        rows.append((person.email, "; ".join(roles)))
    return rows


def _totals() -> dict[str, int]:
    seats = Count("enrollments", filter=Q(enrollments__state__in=Enrollment.SEAT_STATES))
    return {
        "counties": County.objects.count(),
        "organisations": Organisation.objects.count(),
        "campuses": Campus.objects.count(),
        "skill areas": SkillArea.objects.count(),
        "competencies": Competency.objects.count(),
        "courses": Course.objects.count(),
        "cohorts": Cohort.objects.count(),
        "full cohorts": Cohort.objects.alias(seats=seats).filter(seats__gte=F("capacity")).count(),
        "accounts": User.objects.count(),
        "enrolments": Enrollment.objects.count(),
        "certificates": Certificate.objects.count(),
        "agreements": Agreement.objects.count(),
    }
