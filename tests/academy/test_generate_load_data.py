"""`manage.py generate_load_data`: the national load data set, generated at a tiny scale.

The set is generated once for the module (on PostgreSQL: it loads with COPY) and rolled back at
its end; every test reads it in its own savepoint.
"""

import re
import statistics
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from academy.models import County, OfficerProfile, Organisation, User
from benchmarks.national import NationalCounts
from certificates.models import Certificate, SerialCounter
from courses.models import Cohort, Course, SkillArea
from enrollments.models import Enrollment

State = Enrollment.State
Kind = Organisation.Kind
SCALE = 0.002


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """The set at SCALE, with the command's output; None on SQLite (the tests then skip)."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            yield None
            return
        with transaction.atomic():
            out = StringIO()
            call_command("generate_load_data", scale=SCALE, seed=7, stdout=out)
            yield SimpleNamespace(output=out.getvalue(), counts=NationalCounts.at_scale(SCALE))
            transaction.set_rollback(True)


@pytest.fixture
def national(generated, db):
    return generated


@pytest.mark.postgres
def test_counts_match_the_scale(national):
    counts = national.counts
    assert counts.officers == 400
    assert counts.enrollments == 2000
    assert Organisation.objects.count() == counts.organisations == 300
    assert County.objects.count() == 47
    assert SkillArea.objects.count() == 3
    assert Course.objects.count() == counts.courses
    assert Cohort.objects.count() == counts.cohorts
    assert OfficerProfile.objects.count() == User.objects.count() == counts.officers
    assert Enrollment.objects.count() == counts.enrollments
    assert Enrollment.objects.filter(state=State.COMPLETED).count() == counts.enrollments // 2
    assert Certificate.objects.count() == counts.enrollments // 2
    assert set(Enrollment.objects.values_list("state", flat=True)) == {
        State.COMPLETED,
        State.NOT_COMPLETED,
        State.WITHDRAWN,
        State.ENROLLED,
        State.WAITLISTED,
        State.REQUESTED,
        State.APPROVED,
    }
    assert re.search(r"enrollments completed\s+1,000\n", national.output)
    assert "Load data ready in" in national.output


@pytest.mark.postgres
def test_the_organisation_tree_is_sound(national):
    assert Organisation.objects.find_problems() == ([], [], [], [], [])
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds[Kind.COUNTY] == 47
    assert kinds[Kind.ACADEMY] == 1
    assert kinds[Kind.PARTNER] >= 1
    assert kinds[Kind.DIRECTORATE] > 100
    directorate = Organisation.objects.filter(kind=Kind.DIRECTORATE).first()
    department = Organisation.objects.get_parent(directorate)
    ministry = Organisation.objects.get_parent(department)
    assert (department.kind, ministry.kind) == (Kind.STATE_DEPARTMENT, Kind.MINISTRY)
    assert directorate.depth == 3
    assert directorate in Organisation.objects.get_descendants(ministry)
    # Siblings are in name order, as treebeard's sorted insertion keeps them.
    children = list(Organisation.objects.get_children(department))
    assert [c.name for c in children] == sorted(c.name for c in children)


@pytest.mark.postgres
def test_enrolments_keep_every_rule(national):
    assert not (
        Enrollment.objects.values("officer", "cohort").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not (
        Enrollment.objects.filter(state__in=Enrollment.ACTIVE_STATES)
        .values("officer", "course")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not Enrollment.objects.exclude(course=F("cohort__course"))
    # Waiting lists run 1..n without gaps, in cohorts that are full.
    waiting = (
        Enrollment.objects.filter(state=State.WAITLISTED)
        .values("cohort")
        .annotate(
            n=Count("id"),
            first=Min("waitlist_position"),
            last=Max("waitlist_position"),
            distinct=Count("waitlist_position", distinct=True),
        )
    )
    assert waiting
    for line in waiting:
        assert (line["first"], line["last"], line["distinct"]) == (1, line["n"], line["n"])
    seats = Cohort.objects.annotate(
        seats=Count("enrollments", filter=Q(enrollments__state__in=Enrollment.SEAT_STATES))
    )
    assert not seats.filter(seats__gt=F("capacity"))
    full = {line["cohort"] for line in waiting}
    assert all(c.seats == c.capacity for c in seats.filter(pk__in=full))


@pytest.mark.postgres
def test_results_come_after_the_cohort_ended(national):
    decided = Enrollment.objects.filter(result_recorded_at__isnull=False)
    assert set(decided.values_list("state", flat=True)) == {State.COMPLETED, State.NOT_COMPLETED}
    assert (
        decided.count()
        == Enrollment.objects.filter(state__in=[State.COMPLETED, State.NOT_COMPLETED]).count()
    )
    now = timezone.now()
    for recorded, ends_on, score, pass_mark, state in decided.values_list(
        "result_recorded_at", "cohort__ends_on", "score", "course__pass_mark", "state"
    ):
        assert timezone.is_aware(recorded)
        assert ends_on < timezone.localtime(recorded).date()
        assert recorded <= now
        if state == State.COMPLETED:
            assert pass_mark <= score <= 100
    assert not Enrollment.objects.exclude(state__in=[State.COMPLETED, State.NOT_COMPLETED]).filter(
        Q(score__isnull=False) | Q(result_recorded_at__isnull=False)
    )
    assert not Enrollment.objects.filter(state_changed_at__lt=F("created_at"))


@pytest.mark.postgres
def test_officers_are_spread_like_a_public_service(national):
    officers = national.counts.officers
    without = User.objects.filter(enrollments__isnull=True).count()
    assert 0.05 * officers <= without <= 0.15 * officers
    blank = OfficerProfile.objects.filter(gender="").count()
    assert 0.05 * officers <= blank <= 0.3 * officers
    per_organisation = list(
        OfficerProfile.objects.values("organisation")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    assert max(per_organisation) > 3 * statistics.median(per_organisation)
    assert not OfficerProfile.objects.filter(organisation__kind=Kind.PARTNER)
    assert len(set(OfficerProfile.objects.values_list("duty_station", flat=True))) > 10
    # Some withdrew from one cohort and enrolled in another of the same course.
    assert (
        Enrollment.objects.values("officer", "course")
        .annotate(n=Count("id"), withdrawn=Count("id", filter=Q(state=State.WITHDRAWN)))
        .filter(n__gt=1, withdrawn__gte=1)
        .exists()
    )


@pytest.mark.postgres
def test_each_completion_has_its_certificate(national):
    completed = Enrollment.objects.filter(state=State.COMPLETED)
    assert set(Certificate.objects.values_list("enrollment", flat=True)) == set(
        completed.values_list("pk", flat=True)
    )
    serials = list(Certificate.objects.values_list("serial", flat=True))
    assert all(re.fullmatch(r"KSG-\d{4}-\d{6}", s) for s in serials)
    codes = list(Certificate.objects.values_list("verification_code", flat=True))
    assert len(set(codes)) == len(codes) and min(len(c) for c in codes) >= 22
    assert not Certificate.objects.exclude(pdf="")
    for year, last in SerialCounter.objects.values_list("year", "last"):
        assert Certificate.objects.filter(serial__startswith=f"KSG-{year}-").count() == last
    certificate = Certificate.objects.select_related("enrollment__officer").first()
    assert certificate.officer_name == certificate.enrollment.officer.full_name
    assert certificate.issued_at > certificate.enrollment.result_recorded_at


@pytest.mark.postgres
def test_refuses_a_database_that_has_officers(national):
    with pytest.raises(CommandError, match=r"only fills an empty database.*400 officer profile"):
        call_command("generate_load_data", scale=SCALE, stdout=StringIO())


def test_refuses_sqlite(db, monkeypatch):
    # Whatever the tests run on: the command must refuse any database but PostgreSQL.
    monkeypatch.setattr(connection, "vendor", "sqlite")
    officers = OfficerProfile.objects.count()
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("generate_load_data", scale=SCALE, stdout=StringIO())
    assert OfficerProfile.objects.count() == officers  # nothing made


def test_refuses_a_scale_out_of_range(db):
    with pytest.raises(CommandError, match="--scale must be between"):
        call_command("generate_load_data", scale=0, stdout=StringIO())
