"""KPI actuals against hand-made completions: the term's boundaries, the job-group floor, the
breakdowns; manual results with their rules."""

import datetime
from decimal import Decimal

import pytest

from academy.models import AuditEvent
from enrollments.models import Enrollment
from partners import kpis, services
from partners.models import Agreement, Kpi
from tests.courses.conftest import cohort
from tests.factories import (
    CountyFactory,
    CourseFactory,
    EnrollmentFactory,
    OfficerProfileFactory,
    SkillAreaFactory,
    UserFactory,
)
from tests.partners.conftest import make_agreement

State = Enrollment.State
pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 12, 31)


@pytest.fixture
def term(huawei_partner, ksg):
    return make_agreement(
        huawei_partner,
        ksg,
        status=Agreement.Status.ACTIVE,
        signed=True,
        effective_on=START,
        ends_on=END,
    )


@pytest.fixture
def data_course(ksg):
    area = SkillAreaFactory(slug="data", name="Data Use and Governance")
    return CourseFactory(code="DUG-301", skill_area=area)


@pytest.fixture
def other_course(ksg):
    return CourseFactory(code="DPD-101")


def ending_on(course, day, code):
    return cohort(course, code=code, starts_on=day - datetime.timedelta(days=4), ends_on=day)


_n = iter(range(1, 10_000))


def officer(job_group="P", gender="", county="Nairobi City"):
    n = next(_n)
    user = UserFactory(email=f"kpi{n}@demo.go.ke")
    OfficerProfileFactory(
        user=user,
        job_group=job_group,
        gender=gender,
        duty_station=CountyFactory(name=county, code=200 + len(county)),
    )
    return user


def complete(user, run, state=State.COMPLETED):
    return EnrollmentFactory(officer=user, cohort=run, state=state)


def training_kpi(agreement, courses=(), **fields):
    kpi = Kpi.objects.create(
        agreement=agreement,
        name="Senior officers trained in data use and governance",
        kind=Kpi.Kind.TRAINING,
        target=10,
        **fields,
    )
    kpi.courses.set(courses)
    return kpi


def test_the_term_boundaries_are_included(term, data_course):
    kpi = training_kpi(term, [data_course])
    before = ending_on(data_course, START - datetime.timedelta(days=1), "B")
    first = ending_on(data_course, START, "F")
    last = ending_on(data_course, END, "L")
    after = ending_on(data_course, END + datetime.timedelta(days=1), "A")
    complete(officer(), before)
    complete(officer(), first)
    complete(officer(), last)
    complete(officer(), after)

    assert kpis.kpi_progress(kpi).actual == 2


def test_only_completions_of_linked_courses_count_each_officer_once(
    term, data_course, other_course
):
    kpi = training_kpi(term, [data_course])
    run = ending_on(data_course, datetime.date(2026, 6, 5), "R1")
    again = ending_on(data_course, datetime.date(2026, 9, 4), "R2")
    elsewhere = ending_on(other_course, datetime.date(2026, 6, 5), "O1")
    twice = officer()
    complete(twice, run)
    complete(twice, again, state=State.COMPLETED)
    complete(officer(), run, state=State.NOT_COMPLETED)
    complete(officer(), run, state=State.ENROLLED)
    complete(officer(), run, state=State.WITHDRAWN)
    complete(officer(), elsewhere)

    progress = kpis.kpi_progress(kpi)

    assert progress.actual == 1
    assert progress.percent == 10


def test_a_skill_area_counts_all_its_courses(term, data_course, other_course):
    kpi = training_kpi(term, skill_area=data_course.skill_area)
    complete(officer(), ending_on(data_course, datetime.date(2026, 3, 6), "S1"))
    complete(officer(), ending_on(other_course, datetime.date(2026, 3, 6), "S2"))
    assert kpis.kpi_progress(kpi).actual == 1


def test_job_group_p_and_above(term, data_course):
    kpi = training_kpi(term, [data_course], min_job_group="P")
    run = ending_on(data_course, datetime.date(2026, 5, 8), "J1")
    for group in ("N", "P", "Q", "T", "K"):
        complete(officer(job_group=group), run)
    assert kpis.kpi_progress(kpi).actual == 3
    assert kpis.job_groups_from("S") == ["S", "T"]


def test_breakdown_by_gender_and_county_has_no_personal_data(term, data_course):
    kpi = training_kpi(term, [data_course])
    run = ending_on(data_course, datetime.date(2026, 5, 8), "G1")
    complete(officer(gender="female", county="Kisumu"), run)
    complete(officer(gender="female", county="Nairobi City"), run)
    complete(officer(gender="male", county="Kisumu"), run)
    complete(officer(gender="", county="Kisumu"), run)

    progress = kpis.kpi_progress(kpi)

    assert progress.actual == 4
    assert progress.by_gender == [("Female", 2), ("Male", 1), ("Not stated", 1)]
    # Both counties are small: pooled, and the pool is too small to show a number.
    assert progress.by_county == [("Other counties (fewer than 5 officers each)", None)]


def test_counties_with_few_officers_are_counted_together(term, data_course):
    kpi = training_kpi(term, [data_course])
    run = ending_on(data_course, datetime.date(2026, 5, 8), "G2")
    for county, officers in (("Kisumu", 6), ("Nairobi City", 5), ("Lamu", 3), ("Marsabit", 2)):
        for _ in range(officers):
            complete(officer(county=county), run)

    progress = kpis.kpi_progress(kpi)

    assert progress.actual == 16
    assert progress.by_county == [
        ("Kisumu", 6),
        ("Nairobi City", 5),
        ("Other counties (fewer than 5 officers each)", 5),
    ]


def test_an_open_ended_term_counts_up_to_today(huawei_partner, ksg, data_course):
    agreement = make_agreement(
        huawei_partner, ksg, status=Agreement.Status.ACTIVE, effective_on=START, ends_on=None
    )
    kpi = training_kpi(agreement, [data_course])
    complete(officer(), ending_on(data_course, datetime.date(2026, 2, 6), "T1"))
    assert kpis.kpi_progress(kpi, today=datetime.date(2026, 2, 6)).actual == 1
    assert kpis.kpi_progress(kpi, today=datetime.date(2026, 2, 5)).actual == 0


def test_no_effective_date_counts_nothing(huawei_partner, ksg, data_course):
    agreement = make_agreement(huawei_partner, ksg, effective_on=None, ends_on=None)
    kpi = training_kpi(agreement, [data_course])
    complete(officer(), ending_on(data_course, datetime.date(2026, 2, 6), "N1"))
    assert kpis.kpi_progress(kpi).actual == 0


def test_the_bar_stops_at_100_but_the_percent_does_not(term, data_course):
    kpi = training_kpi(term, [data_course])
    kpi.target = 2
    kpi.save()
    run = ending_on(data_course, datetime.date(2026, 5, 8), "P1")
    for _ in range(3):
        complete(officer(), run)
    progress = kpis.kpi_progress(kpi)
    assert (progress.percent, progress.bar_percent) == (150, 100)


def test_a_manual_result_is_recorded_and_audited(manual_kpi, ksg_staff):
    kpi = services.kpi_record_result(
        kpi=manual_kpi, value=Decimal(20), note="Delivery note 14", by=ksg_staff
    )
    progress = kpis.kpi_progress(kpi)
    assert (progress.actual, progress.percent, progress.computed) == (20, 40, False)
    assert AuditEvent.objects.get(action="partners.kpi.result_recorded").data["to"] == "20"


def test_a_training_kpi_takes_no_manual_result(term, ksg_staff):
    kpi = training_kpi(term)
    with pytest.raises(services.PartnerRefused) as caught:
        services.kpi_record_result(kpi=kpi, value=Decimal(5), note="", by=ksg_staff)
    assert caught.value.code == "computed"


def test_a_reviewer_records_no_result(manual_kpi, huawei_reviewer):
    with pytest.raises(services.PartnerRefused):
        services.kpi_record_result(kpi=manual_kpi, value=Decimal(5), note="", by=huawei_reviewer)
