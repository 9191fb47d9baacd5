"""The dashboard's figures on the hand-made public service of conftest.py: every number of its
docstring, the roll-up of sub-units, the breakdowns, the months in Nairobi time, the national
target, agreement with the selectors (what the report files count), and a constant number of
queries whatever the size of the data."""

import datetime

import pytest
from django.db import connection

from academy.models import OfficerProfile
from enrollments.models import Enrollment
from reports import selectors
from reports.dashboard import Figures, dashboard_for, months_of
from reports.filters import ReportFilters
from reports.models import TrainingTarget
from tests.factories import EnrollmentFactory, OfficerProfileFactory, UserFactory
from tests.reports.conftest import eat

pytestmark = pytest.mark.django_db
State = Enrollment.State


def q1(world, organisation="ministry", **extra):
    return ReportFilters(
        organisation=getattr(world, organisation) if organisation else None,
        date_from=extra.pop("date_from", world.date_from),
        date_to=extra.pop("date_to", world.date_to),
        **extra,
    )


def by_label(rows):
    return {row.label: row.figures for row in rows}


# --- The headline figures ----------------------------------------------------------------------


def test_the_ministrys_figures_are_those_of_the_docstring(world):
    totals = dashboard_for(q1(world)).totals

    assert totals == Figures(
        registered=6,
        no_training=1,
        enrolled=4,
        seats=5,
        waiting=1,
        results=4,
        completions=3,
        completed=3,
        cpd_hours=80,
    )
    assert totals.completion_rate == 75


def test_every_figure_agrees_with_the_selectors_the_report_files_use(world):
    for filters in (
        q1(world),
        q1(world, "state_department"),
        q1(world, "directorate"),
        q1(world, None),
        q1(world, skill_area=world.data),
        q1(world, level="foundation"),
        q1(world, date_from=datetime.date(2026, 2, 1), date_to=datetime.date(2026, 4, 30)),
    ):
        totals = dashboard_for(filters).totals
        enrolments = selectors.enrolments(filters)
        completions = selectors.completions(filters)
        assert totals == Figures(
            registered=selectors.registered_officers(filters).count(),
            no_training=selectors.officers_without_training(filters).count(),
            enrolled=enrolments.values("officer").distinct().count(),
            seats=enrolments.count(),
            waiting=selectors.waiting(filters).values("officer").distinct().count(),
            results=selectors.results(filters).count(),
            completions=completions.count(),
            completed=completions.values("officer").distinct().count(),
            cpd_hours=sum(e.course.cpd_hours for e in completions.select_related("course")),
        ), filters


def test_no_results_means_no_completion_rate(world):
    quiet = q1(world, date_from=datetime.date(2025, 7, 1), date_to=datetime.date(2025, 7, 31))
    totals = dashboard_for(quiet).totals
    assert totals.results == 0
    assert totals.completion_rate is None
    assert totals.no_training == totals.registered == 6


def test_the_treasurys_officer_is_never_in_the_ministrys_figures(world):
    names = [row.label for row in dashboard_for(q1(world)).by_unit]
    assert not any("Treasury" in name for name in names)
    assert dashboard_for(q1(world, "treasury")).totals.completions == 1


# --- Sub-units -----------------------------------------------------------------------------------


def test_each_sub_unit_rolls_up_its_own_sub_units(world):
    rows = dashboard_for(q1(world)).by_unit

    assert [row.label for row in rows] == [
        f"{world.ministry.name} itself",
        world.state_department.name,
    ]
    itself, state_department = (row.figures for row in rows)
    # Kamau is the ministry's own officer.
    assert itself == Figures(
        registered=1, enrolled=1, seats=1, results=1, completions=1, completed=1, cpd_hours=30
    )
    # Wanjiku, Owino and Njeri, and the directorate's Achieng and Mutiso.
    assert state_department == Figures(
        registered=5,
        no_training=1,
        enrolled=3,
        seats=4,
        waiting=1,
        results=3,
        completions=2,
        completed=2,
        cpd_hours=50,
    )


def test_a_sub_unit_shows_itself_and_its_own_sub_units(world):
    rows = by_label(dashboard_for(q1(world, "state_department")).by_unit)

    assert list(rows) == [f"{world.state_department.name} itself", world.directorate.name]
    assert rows[world.directorate.name].completions == 1  # Achieng
    assert rows[world.directorate.name].results == 2  # and Mutiso's "not completed"
    assert rows[f"{world.state_department.name} itself"].completions == 1  # Wanjiku


def test_a_sub_unit_with_no_officers_is_listed_with_zeros(world):
    from tests.factories import OrganisationFactory

    OrganisationFactory(parent=world.ministry, name="State Department for Nothing Yet")
    world.ministry.refresh_from_db()
    rows = by_label(dashboard_for(q1(world)).by_unit)
    assert rows["State Department for Nothing Yet"] == Figures()


def test_the_national_view_lists_the_top_level_organisations_with_officers(world):
    dashboard = dashboard_for(q1(world, None))

    rows = by_label(dashboard.by_unit)
    assert list(rows) == [world.ministry.name, world.treasury.name]  # not KSG
    assert rows[world.treasury.name].completions == 1  # Otieno
    assert dashboard.totals.completions == 4
    assert dashboard.totals.registered == 7
    assert dashboard.units_without_figures == 0


def test_officers_under_an_organisation_not_reported_on_are_still_counted(world, ksg):
    """An agency under KSG: KSG is no row of the national view, its agency's officers are."""
    from academy.models import Organisation
    from tests.factories import OrganisationFactory

    agency = OrganisationFactory(parent=ksg, name="An agency", kind=Organisation.Kind.AGENCY)
    agent = OfficerProfileFactory(organisation=agency, user=UserFactory(email="a@example.go.ke"))
    OfficerProfile.objects.filter(pk=agent.pk).update(created_at=eat(2025, 6, 1, 9, 0))

    dashboard = dashboard_for(q1(world, None))

    rows = by_label(dashboard.by_unit)
    assert "Kenya School of Government" not in rows
    assert rows["Other organisations"].registered == 1
    assert dashboard.totals.registered == 8
    assert sum_figures(dashboard.by_unit) == dashboard.totals


# --- The other breakdowns ------------------------------------------------------------------------


def test_by_skill_area_and_level_every_cell_in_the_catalogues_order(world):
    rows = dashboard_for(q1(world)).by_skill_area

    assert [(row.label, row.detail) for row in rows] == [
        (area, level)
        for area in ("Digital Planning and Design", "Data Use and Governance")
        for level in ("Foundation", "Intermediate", "Advanced")
    ]
    foundation, intermediate = rows[0].figures, rows[4].figures
    # A1 and A2: Wanjiku, Kamau, Mutiso, Owino enrolled; Wanjiku and Kamau completed.
    assert (foundation.enrolled, foundation.completions, foundation.cpd_hours) == (4, 2, 60)
    # B1: Wanjiku enrolled; B0 (December): Achieng completed on 1 January.
    assert (intermediate.enrolled, intermediate.completions, intermediate.cpd_hours) == (1, 1, 20)
    assert all(row.figures == Figures() for n, row in enumerate(rows) if n not in (0, 4))


def test_a_skill_area_narrows_the_enrolments_but_not_the_officers(world):
    dashboard = dashboard_for(q1(world, skill_area=world.data, level="intermediate"))

    assert [(row.label, row.detail) for row in dashboard.by_skill_area] == [
        ("Data Use and Governance", "Intermediate")
    ]
    assert dashboard.totals.registered == 6
    assert dashboard.totals.completions == 1  # Achieng
    assert dashboard.totals.enrolled == 1  # Wanjiku in B1


def test_by_job_group_in_the_gradings_order(world):
    rows = by_label(dashboard_for(q1(world)).by_job_group)

    assert list(rows) == ["Job group J", "Job group K", "Job group L", "Job group M"]
    assert {label: f.registered for label, f in rows.items()} == {
        "Job group J": 1,  # Achieng
        "Job group K": 3,  # Wanjiku, Mutiso, Owino (Late joined after the period)
        "Job group L": 1,  # Njeri
        "Job group M": 1,  # Kamau
    }
    assert {label: f.completions for label, f in rows.items()} == {
        "Job group J": 1,
        "Job group K": 1,
        "Job group L": 0,
        "Job group M": 1,
    }
    assert rows["Job group L"].no_training == 1


def test_by_gender_with_officers_who_gave_none_as_not_recorded(world):
    rows = by_label(dashboard_for(q1(world)).by_gender)

    assert list(rows) == ["Female", "Male", "Not recorded"]
    assert rows["Female"].registered == 2  # Wanjiku, Njeri
    assert rows["Male"].registered == 3  # Kamau, Mutiso, Owino
    assert rows["Not recorded"].registered == 1  # Achieng
    assert [f.completions for f in rows.values()] == [1, 1, 1]


def test_by_county_of_duty_station_the_most_completions_first(world):
    rows = by_label(dashboard_for(q1(world)).by_county)

    # One completion each: the most officers enrolled first, then by name.
    assert list(rows) == ["Nairobi City", "Mombasa", "Kisumu"]
    assert [f.registered for f in rows.values()] == [4, 1, 1]
    assert [f.enrolled for f in rows.values()] == [3, 1, 0]


def test_the_breakdowns_of_officers_add_up_to_the_totals(world):
    for filters in (q1(world), q1(world, None), q1(world, "state_department")):
        dashboard = dashboard_for(filters)
        for rows in (
            dashboard.by_unit,
            dashboard.by_job_group,
            dashboard.by_gender,
        ):
            assert sum_figures(rows) == dashboard.totals
        county = sum_figures(dashboard.by_county)
        assert (county.registered, county.enrolled, county.completions, county.cpd_hours) == (
            dashboard.totals.registered,
            dashboard.totals.enrolled,
            dashboard.totals.completions,
            dashboard.totals.cpd_hours,
        )


def sum_figures(rows):
    total = Figures()
    for row in rows:
        total = Figures(**{k: getattr(total, k) + getattr(row.figures, k) for k in vars(total)})
    return total


# --- Month by month ------------------------------------------------------------------------------


def test_every_month_of_the_period_with_completions_dated_in_nairobi(world):
    months = dashboard_for(q1(world)).months

    assert [(m.month, m.completions, m.seats) for m in months] == [
        # Achieng at 00:30 on 1 January in Nairobi (still 31 December in UTC), Wanjiku on
        # 17 January; Wanjiku's seat in A1.
        (datetime.date(2026, 1, 1), 2, 1),
        # Nobody completed in February: the month is there with a zero. A2's three seats.
        (datetime.date(2026, 2, 1), 0, 3),
        # Kamau at 23:30 on 31 March in Nairobi; Owino's at 00:10 on 1 April is not in it.
        (datetime.date(2026, 3, 1), 1, 1),
    ]


def test_the_months_add_up_to_the_totals(world):
    dashboard = dashboard_for(q1(world, None))
    assert sum(m.completions for m in dashboard.months) == dashboard.totals.completions
    assert sum(m.seats for m in dashboard.months) == dashboard.totals.seats


def test_a_completion_after_midnight_in_nairobi_is_in_the_next_month(world):
    spring = q1(world, date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 4, 30))
    months = {m.month: m.completions for m in dashboard_for(spring).months}
    # Owino at 00:10 on 1 April in Nairobi is 21:10 on 31 March in UTC.
    assert months == {datetime.date(2026, 3, 1): 1, datetime.date(2026, 4, 1): 1}


def test_a_cohort_that_began_before_the_period_counts_in_its_first_month(world):
    mid_january = q1(world, date_from=datetime.date(2026, 1, 15))
    months = dashboard_for(mid_january).months
    # A1 ran 12 to 16 January.
    assert months[0].month == datetime.date(2026, 1, 1)
    assert months[0].seats == 1


def test_months_of_a_period():
    assert list(months_of(datetime.date(2025, 11, 30), datetime.date(2026, 2, 1))) == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]


# --- The national target -------------------------------------------------------------------------


def test_the_national_view_measures_against_the_latest_target(world):
    progress = dashboard_for(q1(world, None)).target

    # The Digital Master Plan's, from the data migration.
    assert progress.target.officers == 300_000
    assert progress.target.deadline == datetime.date(2032, 12, 31)
    # Achieng, Wanjiku, Kamau and Otieno; Owino completed on 1 April, after the period.
    assert progress.trained == 4
    assert progress.remaining == 299_996
    assert progress.percent == pytest.approx(4 / 3000)

    TrainingTarget.objects.create(name="A smaller one", officers=10, deadline="2027-06-30")
    progress = dashboard_for(q1(world, None)).target
    assert progress.target.name == "A smaller one"
    assert progress.percent == 40


def test_the_target_counts_everyone_trained_up_to_the_end_of_the_period(world):
    # From February only, in one skill area: still everyone who completed by 31 March.
    later = q1(world, None, date_from=datetime.date(2026, 2, 1), skill_area=world.planning)
    assert dashboard_for(later).target.trained == 4
    april = q1(world, None, date_to=datetime.date(2026, 4, 30))
    assert dashboard_for(april).target.trained == 5  # and Owino


def test_an_organisations_dashboard_has_no_target(world):
    assert dashboard_for(q1(world)).target is None


def test_no_target_no_progress(world):
    TrainingTarget.objects.all().delete()
    assert dashboard_for(q1(world, None)).target is None


# --- Queries -------------------------------------------------------------------------------------


def more_of_the_same(world, copies):
    """``copies`` more officers like those of the world in each sub-unit, with enrolments."""
    for n in range(copies):
        for organisation in (world.ministry, world.state_department, world.directorate):
            for m, (cohort, state, recorded) in enumerate(
                (
                    (world.cohorts.a1, State.COMPLETED, eat(2026, 1, 17, 10, 0)),
                    (world.cohorts.a2, State.NOT_COMPLETED, eat(2026, 2, 14, 9, 0)),
                    (world.cohorts.b1, State.ENROLLED, None),
                )
            ):
                user = UserFactory(email=f"copy{n}-{organisation.slug}-{m}@example.go.ke")
                profile = OfficerProfileFactory(
                    user=user, organisation=organisation, gender=("", "female")[m % 2]
                )
                OfficerProfile.objects.filter(pk=profile.pk).update(
                    created_at=eat(2025, 6, 1, 9, 0)
                )
                EnrollmentFactory(
                    officer=user,
                    cohort=cohort,
                    state=state,
                    result_recorded_at=recorded,
                    state_changed_at=recorded,
                )


# One statement, the sub-units and the skill areas; the national view also reads the target
# and counts who reached it. PostgreSQL adds a SET LOCAL (no JIT) to the statement.
ORGANISATION_QUERIES = 3
NATIONAL_QUERIES = 5


def expected(queries):
    return queries + (connection.vendor == "postgresql")


@pytest.mark.parametrize("organisation", ["ministry", None])
def test_the_number_of_queries_does_not_grow_with_the_data(
    world, organisation, django_assert_num_queries
):
    queries = expected(NATIONAL_QUERIES if organisation is None else ORGANISATION_QUERIES)
    filters = q1(world, organisation)
    with django_assert_num_queries(queries):
        small = dashboard_for(filters)

    more_of_the_same(world, 2)
    with django_assert_num_queries(queries):
        large = dashboard_for(filters)

    assert large.totals.registered == small.totals.registered + 18
    assert large.totals.completions == small.totals.completions + 6
    assert large.totals.waiting == small.totals.waiting
