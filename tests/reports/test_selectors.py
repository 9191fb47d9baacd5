"""What each report figure counts, on the hand-made public service of conftest.py."""

import pytest
from django.http import Http404

from reports import selectors
from reports.filters import ReportFilters

pytestmark = pytest.mark.django_db


def q1(world, organisation="ministry", **extra):
    return ReportFilters(
        organisation=getattr(world, organisation) if organisation else None,
        date_from=world.date_from,
        date_to=world.date_to,
        **extra,
    )


def officers(queryset, field="officer"):
    names = queryset.values_list(f"{field}__full_name", flat=True)
    return sorted(set(names))


def test_registered_officers_are_those_of_the_tree_who_joined_before_the_period_ended(world):
    registered = selectors.registered_officers(q1(world)).values_list("user__full_name", flat=True)
    assert sorted(registered) == ["Achieng", "Kamau", "Mutiso", "Njeri", "Owino", "Wanjiku"]


def test_enrolled_counts_seats_in_cohorts_running_in_the_period_and_each_officer_once(world):
    enrolments = selectors.enrolments(q1(world))
    assert enrolments.count() == 5
    # Kamau withdrew from A1 and completed A2: one officer, one seat.
    assert officers(enrolments) == ["Kamau", "Mutiso", "Owino", "Wanjiku"]


def test_waiting_are_requests_and_waiting_lists_of_cohorts_in_the_period(world):
    assert officers(selectors.waiting(q1(world))) == ["Njeri"]


def test_completions_are_dated_by_the_day_in_nairobi(world):
    completions = selectors.completions(q1(world))
    # Achieng's at 00:30 on 1 January in Nairobi is in (31 December in UTC); Kamau's at 23:30
    # on 31 March is in; Owino's at 00:10 on 1 April is out (31 March in UTC).
    assert officers(completions) == ["Achieng", "Kamau", "Wanjiku"]
    assert selectors.results(q1(world)).count() == 4


def test_a_sub_unit_rolls_up_its_own_sub_units(world):
    assert officers(selectors.completions(q1(world, "state_department"))) == [
        "Achieng",
        "Wanjiku",
    ]
    assert officers(selectors.completions(q1(world, "directorate"))) == ["Achieng"]


def test_skill_area_and_level_narrow_the_enrolments(world):
    data = q1(world, skill_area=world.data)
    assert officers(selectors.completions(data)) == ["Achieng"]
    assert officers(selectors.enrolments(data)) == ["Wanjiku"]
    assert officers(selectors.completions(q1(world, level="intermediate"))) == ["Achieng"]


def test_officers_without_training_are_registered_but_neither_enrolled_nor_completed(world):
    untrained = selectors.officers_without_training(q1(world))
    assert list(untrained.values_list("user__full_name", flat=True)) == ["Njeri"]


def test_status_report_rows_are_seats_to_take_up_and_places_in_line(world):
    rows = selectors.status_enrolments(q1(world))
    assert sorted((e.officer.full_name, e.state) for e in rows) == [
        ("Njeri", "waitlisted"),
        ("Wanjiku", "enrolled"),
    ]


def test_the_national_view_covers_every_organisation(world):
    assert officers(selectors.completions(q1(world, None))) == [
        "Achieng",
        "Kamau",
        "Otieno",
        "Wanjiku",
    ]


def test_a_training_officer_reports_on_their_tree_only(world, hr_ict, hr_treasury, ksg_staff):
    mine = list(selectors.reportable_organisations(hr_ict))
    assert mine == [world.ministry, world.state_department, world.directorate]
    assert selectors.reportable_organisation(hr_ict, world.directorate.pk) == world.directorate
    with pytest.raises(Http404):
        selectors.reportable_organisation(hr_treasury, world.ministry.pk)
    with pytest.raises(Http404):
        selectors.reportable_organisation(hr_ict, "not-a-number")
    assert selectors.home_organisation(hr_ict) == world.ministry
    assert selectors.home_organisation(ksg_staff) is None
    # KSG and partners have no officers to report on.
    assert world.ministry in selectors.reportable_organisations(ksg_staff)
    assert not selectors.reportable_organisations(ksg_staff).filter(kind="academy").exists()


def test_officers_and_partners_may_not_report(world, huawei_reviewer, hr_ict, ksg_staff):
    assert not selectors.may_report(world.officers.wanjiku)
    assert not selectors.may_report(huawei_reviewer)
    assert selectors.may_report(hr_ict)
    assert selectors.may_report(ksg_staff)
