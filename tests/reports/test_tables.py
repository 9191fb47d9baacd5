"""The rows of each report, exactly, on the hand-made public service of conftest.py; and the
dashboard equals the export: row counts and totals are the selectors' figures."""

import datetime

import pytest
from django.utils import timezone, translation

from certificates.models import Certificate
from enrollments.models import Enrollment
from reports import selectors
from reports.dashboard import dashboard_for
from reports.models import Kind
from reports.tables import Type, headline_totals, table_for
from tests.reports.conftest import eat
from tests.reports.support_runs import certificate, q1

pytestmark = pytest.mark.django_db
D = datetime.date
MINISTRY = "Ministry of Information, Communications and the Digital Economy"
STATE_DEPARTMENT = "State Department for ICT and Digital Economy"
DIRECTORATE = "Directorate of E-Government"


def rows(kind, filters):
    return list(table_for(kind, filters).rows())


def numbers(world):
    """Personal numbers are made by the factory: read them back."""
    return {
        name: getattr(world.officers, name).officer_profile.personal_number
        for name in vars(world.officers)
    }


def test_completions_one_row_per_completed_enrolment_with_its_current_valid_certificate(world):
    e = world.enrolments
    old = certificate(e.wanjiku_a1, "KSG-2026-000001", Certificate.Status.SUPERSEDED)
    new = certificate(e.wanjiku_a1, "KSG-2026-000002")
    Certificate.objects.filter(pk=old.pk).update(superseded_by=new)
    # Kamau's certificate was revoked: no serial to show. Achieng's is still to be issued.
    certificate(
        e.kamau_a2, "KSG-2026-000003", Certificate.Status.REVOKED, revoked_at=timezone.now()
    )
    n = numbers(world)
    a, b = world.courses.a, world.courses.b

    assert rows(Kind.COMPLETIONS, q1(world)) == [
        # Achieng's at 00:30 on 1 January in Nairobi: the first day of the period.
        (
            "Achieng",
            n["achieng"],
            DIRECTORATE,
            "DUG-201",
            b.title,
            "Data Use and Governance",
            "Intermediate",
            "DUG-201-DEC",
            D(2025, 12, 1),
            D(2025, 12, 5),
            D(2026, 1, 1),
            90,
            20,
            "",
        ),
        (
            "Wanjiku",
            n["wanjiku"],
            STATE_DEPARTMENT,
            "DPD-101",
            a.title,
            "Digital Planning and Design",
            "Foundation",
            "DPD-101-JAN",
            D(2026, 1, 12),
            D(2026, 1, 16),
            D(2026, 1, 17),
            81,
            30,
            "KSG-2026-000002",
        ),
        # At 23:30 on 31 March in Nairobi (20:30 UTC): in, and dated the 31st.
        (
            "Kamau",
            n["kamau"],
            MINISTRY,
            "DPD-101",
            a.title,
            "Digital Planning and Design",
            "Foundation",
            "DPD-101-FEB",
            D(2026, 2, 9),
            D(2026, 2, 13),
            D(2026, 3, 31),
            74,
            30,
            "",
        ),
    ]


def test_enrolment_status_lists_seats_to_take_up_and_places_in_line(world):
    e = world.enrolments
    Enrollment.objects.filter(pk=e.njeri_b1.pk).update(
        waitlist_position=2, created_at=eat(2026, 2, 27, 23, 15), state_changed_at=None
    )
    Enrollment.objects.filter(pk=e.wanjiku_b1.pk).update(
        created_at=eat(2026, 2, 20, 8, 0), state_changed_at=eat(2026, 3, 2, 14, 5, 30)
    )
    n = numbers(world)
    b = world.courses.b

    assert rows(Kind.ENROLMENT_STATUS, q1(world)) == [
        (
            "Njeri",
            n["njeri"],
            STATE_DEPARTMENT,
            "DUG-201",
            b.title,
            "DUG-201-MAR",
            D(2026, 3, 30),
            D(2026, 4, 3),
            "Waiting list",
            2,
            D(2026, 2, 27),
            # Never changed since asked: the last change is the request, in Nairobi's time.
            datetime.datetime(2026, 2, 27, 23, 15),
        ),
        (
            "Wanjiku",
            n["wanjiku"],
            STATE_DEPARTMENT,
            "DUG-201",
            b.title,
            "DUG-201-MAR",
            D(2026, 3, 30),
            D(2026, 4, 3),
            "Enrolled",
            None,
            D(2026, 2, 20),
            datetime.datetime(2026, 3, 2, 14, 5, 30),
        ),
    ]


def test_the_summary_has_a_row_per_organisation_and_skill_area_then_the_dashboards_totals(
    world,
):
    assert rows(Kind.SUMMARY, q1(world)) == [
        (MINISTRY, "Digital Planning and Design", 1, 1, 1, 30),
        (STATE_DEPARTMENT, "Digital Planning and Design", 2, 1, 1, 30),
        (STATE_DEPARTMENT, "Data Use and Governance", 1, 0, 0, 0),
        (DIRECTORATE, "Digital Planning and Design", 1, 0, 0, 0),
        (DIRECTORATE, "Data Use and Governance", 0, 1, 1, 20),
        # Wanjiku is enrolled in both skill areas of the state department: once in the total.
        (f"Total: {MINISTRY}", "All skill areas", 4, 3, 3, 80),
    ]


def test_the_summarys_totals_count_each_officer_once_across_the_tree(world):
    table = rows(Kind.SUMMARY, q1(world))
    body, totals = table[:-1], table[-1]
    assert sum(row[2] for row in body) == 5  # Wanjiku in two rows
    assert totals[2] == 4
    assert sum(row[3] for row in body) == totals[3]
    assert sum(row[5] for row in body) == totals[5]


def test_officers_with_no_training(world):
    n = numbers(world)
    assert rows(Kind.NO_TRAINING, q1(world)) == [
        ("Njeri", n["njeri"], STATE_DEPARTMENT, "L", "ICT Officer", "Nairobi City", D(2025, 6, 1))
    ]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"organisation": "state_department"},
        {"organisation": "directorate"},
        {"organisation": None},
        {"organisation": "treasury"},
        {"skill_area": "data"},
        {"level": "foundation"},
    ],
    ids=["ministry", "state-department", "directorate", "national", "treasury", "data", "level"],
)
def test_the_dashboard_equals_the_export(world, filters):
    filters = dict(filters)
    if "skill_area" in filters:
        filters["skill_area"] = getattr(world, filters["skill_area"])
    f = q1(world, **filters)
    totals = dashboard_for(f).totals
    figures = {
        "completions": totals.completions,
        "officers_completed": totals.completed,
        "cpd_hours": totals.cpd_hours,
        "no_training": totals.no_training,
        "enrolled": totals.enrolled,
    }

    completions = table_for(Kind.COMPLETIONS, f)
    assert completions.count() == len(list(completions.rows())) == figures["completions"]
    assert len({row[1] for row in completions.rows()}) == figures["officers_completed"]
    assert sum(row[12] for row in completions.rows()) == figures["cpd_hours"]

    status = table_for(Kind.ENROLMENT_STATUS, f)
    assert status.count() == selectors.status_enrolments(f).count() == len(list(status.rows()))

    untrained = table_for(Kind.NO_TRAINING, f)
    assert untrained.count() == len(list(untrained.rows())) == figures["no_training"]

    summary = list(table_for(Kind.SUMMARY, f).rows())
    assert summary[-1][2:] == (
        figures["enrolled"],
        figures["completions"],
        figures["officers_completed"],
        figures["cpd_hours"],
    )
    assert summary[-1][2:] == headline_totals(f)


def test_the_treasurys_files_hold_nothing_of_the_ministry(world):
    names = {row[0] for kind in Kind.values for row in rows(kind, q1(world, "treasury"))}
    assert names & {"Wanjiku", "Kamau", "Achieng", "Mutiso", "Owino", "Njeri"} == set()
    assert "Otieno" in names


def test_headings_states_and_levels_are_in_the_readers_language(world):
    world.data.name_sw = "Matumizi na Usimamizi wa Data"
    world.data.save()
    with translation.override("sw"):
        completions = table_for(Kind.COMPLETIONS, q1(world))
        expected_state = str(Enrollment.State.WAITLISTED.label)
        first = next(iter(completions.rows()))
        status = rows(Kind.ENROLMENT_STATUS, q1(world))
        headings = [str(c.label) for c in completions.columns]
    assert first[5] == "Matumizi na Usimamizi wa Data"
    assert status[0][8] == expected_state
    assert len(headings) == 14


def test_column_types_match_the_values(world):
    for kind in Kind.values:
        table = table_for(kind, q1(world))
        for row in table.rows():
            assert len(row) == len(table.columns)
            for column, value in zip(table.columns, row, strict=True):
                if value is None:
                    continue
                expected = {
                    Type.TEXT: str,
                    Type.DATE: datetime.date,
                    Type.DATETIME: datetime.datetime,
                    Type.NUMBER: int,
                }[column.type]
                assert isinstance(value, expected), (kind, column.label, value)
