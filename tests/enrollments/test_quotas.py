"""Seat quotas of a cohort: officers of an organisation (and its sub-units) take seats from its
quota only, everyone else from the open seats; each pool promotes its own first in line; staff
set and remove quotas on the roster, and every refusal says why and changes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import AuditEvent
from enrollments import services
from enrollments.models import CohortQuota, Enrollment
from enrollments.services import EnrolmentRefused
from tests.courses.conftest import cohort
from tests.enrollments.conftest import (
    at_once,
    enrolled,
    make_officer,
    no_errors,
    snapshot,
    waiting_list,
)
from tests.factories import OrganisationFactory

State = Enrollment.State


@pytest.fixture
def four_seats(course):
    return cohort(course, capacity=4, code="DUG-201-Q4")


@pytest.fixture
def ict_quota(four_seats, ministry_ict, ksg_staff):
    """Two of the four seats set aside for the Ministry of ICT (and its state department)."""
    services.cohort_set_quota(cohort=four_seats, organisation=ministry_ict, seats=2, by=ksg_staff)
    return CohortQuota.objects.get(cohort=four_seats)


@pytest.fixture
def outsiders():
    """Officers of an organisation with no quota, numbered from 500."""
    organisation = OrganisationFactory(name="State Department for Roads", slug="roads")
    return [make_officer(500 + i, organisation=organisation) for i in range(6)]


@pytest.fixture
def ict_officers(ministry_ict, state_department_ict):
    """Officers of the ministry (even numbers) and of its state department (odd), from 600."""
    return [
        make_officer(600 + i, organisation=state_department_ict if i % 2 else ministry_ict)
        for i in range(6)
    ]


def enrol(officer, cohort_):
    return services.enrollment_create(officer=officer, cohort=cohort_).enrollment


def quotas_snapshot():
    return sorted(CohortQuota.objects.values_list("pk", "cohort_id", "organisation_id", "seats"))


def pools(cohort_) -> dict:
    """{organisation slug or "open": (size, taken, waiting)}."""
    return {
        (pool.quota.organisation.slug if pool.quota else "open"): (
            pool.size,
            pool.taken,
            pool.waiting,
        )
        for pool in services.seat_pools(cohort_).values()
    }


# --- Pools ---------------------------------------------------------------------------------


def test_a_third_ict_officer_waits_while_an_outsider_still_gets_an_open_seat(
    four_seats, ict_quota, ict_officers, outsiders
):
    first, second, third = (enrol(officer, four_seats) for officer in ict_officers[:3])
    outsider = enrol(outsiders[0], four_seats)

    assert (first.state, second.state) == (State.ENROLLED, State.ENROLLED)
    assert (first.quota, second.quota) == (ict_quota, ict_quota)
    assert (third.state, third.waitlist_position, third.quota) == (State.WAITLISTED, 1, ict_quota)
    assert (outsider.state, outsider.quota) == (State.ENROLLED, None)
    assert pools(four_seats) == {"ministry-ict": (2, 2, 1), "open": (2, 1, 0)}


def test_officers_of_a_sub_unit_count_against_the_parents_quota(
    four_seats, ict_quota, wanjiku, ict_officers
):
    # Wanjiku works in the State Department for ICT, under the ministry.
    mine = enrol(wanjiku, four_seats)
    enrol(ict_officers[0], four_seats)
    third = enrol(ict_officers[1], four_seats)  # also of the state department

    assert mine.quota == ict_quota
    assert third.state == State.WAITLISTED
    assert third.quota == ict_quota


def test_the_deepest_quota_is_the_officers(
    four_seats, ministry_ict, state_department_ict, ksg_staff, wanjiku, ict_officers
):
    services.cohort_set_quota(cohort=four_seats, organisation=ministry_ict, seats=2, by=ksg_staff)
    services.cohort_set_quota(
        cohort=four_seats, organisation=state_department_ict, seats=1, by=ksg_staff
    )

    of_department = enrol(wanjiku, four_seats)
    of_ministry = enrol(ict_officers[0], four_seats)
    also_of_department = enrol(ict_officers[1], four_seats)

    assert of_department.quota.organisation == state_department_ict
    assert of_ministry.quota.organisation == ministry_ict
    assert also_of_department.state == State.WAITLISTED
    assert pools(four_seats) == {
        "ministry-ict": (2, 1, 0),
        "sd-ict": (1, 1, 1),
        "open": (1, 0, 0),
    }


def test_a_freed_ict_seat_promotes_the_first_ict_officer_skipping_an_earlier_outsider(
    four_seats, ict_quota, ict_officers, outsiders, mailoutbox, django_capture_on_commit_callbacks
):
    seated = [enrol(o, four_seats) for o in (*ict_officers[:2], *outsiders[:2])]
    line = [outsiders[2], ict_officers[2], outsiders[3], ict_officers[3]]
    for officer in line:
        enrol(officer, four_seats)

    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_withdraw(enrollment=seated[0], by=ict_officers[0], reason="Posted")

    assert ict_officers[2].pk in enrolled(four_seats)
    # The outsider who was first stays first; everyone behind the promoted moves up.
    assert waiting_list(four_seats) == [
        (outsiders[2].pk, 1),
        (outsiders[3].pk, 2),
        (ict_officers[3].pk, 3),
    ]
    assert [m.to[0] for m in mailoutbox if m.subject.startswith("A seat is yours")] == [
        ict_officers[2].email
    ]


def test_promoting_several_from_the_middle_of_the_line_leaves_no_gaps(
    four_seats, ict_quota, ict_officers, outsiders, ksg_staff
):
    for officer in (*ict_officers[:2], *outsiders[:2]):
        enrol(officer, four_seats)
    line = [outsiders[2], ict_officers[2], outsiders[3], ict_officers[3], outsiders[4]]
    for officer in line:
        enrol(officer, four_seats)

    # Two more open seats: the first two outsiders in line, at positions 1 and 3.
    promoted = services.cohort_change_capacity(cohort=four_seats, capacity=6, by=ksg_staff)
    four_seats.refresh_from_db()

    assert [e.officer for e in promoted] == [outsiders[2], outsiders[3]]
    assert waiting_list(four_seats) == [
        (ict_officers[2].pk, 1),
        (ict_officers[3].pk, 2),
        (outsiders[4].pk, 3),
    ]


def test_raising_a_quota_promotes_its_first_in_line(
    four_seats, ict_quota, ict_officers, outsiders, ministry_ict, ksg_staff
):
    for officer in (*ict_officers[:2], outsiders[0]):
        enrol(officer, four_seats)
    waiting = [enrol(o, four_seats) for o in (ict_officers[2], ict_officers[3])]

    promoted = services.cohort_set_quota(
        cohort=four_seats, organisation=ministry_ict, seats=3, by=ksg_staff
    )

    assert [e.pk for e in promoted] == [waiting[0].pk]
    assert waiting_list(four_seats) == [(ict_officers[3].pk, 1)]
    assert pools(four_seats) == {"ministry-ict": (3, 3, 1), "open": (1, 1, 0)}
    event = AuditEvent.objects.filter(action="enrollments.cohort.quota_set").latest("pk")
    assert event.data["from"] == 2
    assert event.data["to"] == 3
    assert event.data["organisation"] == ministry_ict.name


def test_a_new_quota_takes_in_the_officers_of_it_already_waiting(
    course, ministry_ict, state_department_ict, ksg_staff, wanjiku, ict_officers, outsiders
):
    run = cohort(course, capacity=5, code="DUG-201-Q5")
    services.cohort_set_quota(cohort=run, organisation=ministry_ict, seats=2, by=ksg_staff)
    enrol(ict_officers[0], run)
    enrol(ict_officers[2], run)
    enrol(outsiders[0], run)
    waiting = enrol(wanjiku, run)  # the ministry's quota is full
    assert waiting.state == State.WAITLISTED

    promoted = services.cohort_set_quota(
        cohort=run, organisation=state_department_ict, seats=1, by=ksg_staff
    )

    waiting.refresh_from_db()
    assert [e.pk for e in promoted] == [waiting.pk]
    assert waiting.state == State.ENROLLED
    assert waiting.quota.organisation == state_department_ict
    event = AuditEvent.objects.filter(action="enrollments.cohort.quota_set").latest("pk")
    assert event.data == {
        "organisation": state_department_ict.name,
        "from": None,
        "to": 1,
        "cohort": "DUG-201-Q5",
        "waiting_moved_to_quota": 1,
    }


def test_an_approved_request_takes_the_pool_of_the_officer_then(
    four_seats, ict_quota, ict_officers, hr_ict, wanjiku
):
    four_seats.course.requires_approval = True
    four_seats.course.save()
    request_ = enrol(wanjiku, four_seats)
    assert (request_.state, request_.quota) == (State.REQUESTED, None)

    services.enrollment_decide(enrollment=request_, by=hr_ict, approve=True)

    request_.refresh_from_db()
    assert (request_.state, request_.quota) == (State.ENROLLED, ict_quota)


def test_the_pool_is_kept_when_the_officer_changes_organisation(
    four_seats, ict_quota, wanjiku, treasury
):
    mine = enrol(wanjiku, four_seats)
    wanjiku.officer_profile.organisation = treasury
    wanjiku.officer_profile.save()

    mine.refresh_from_db()
    assert mine.quota == ict_quota
    assert pools(four_seats)["ministry-ict"] == (2, 1, 0)


def test_a_cohort_without_quotas_reads_none_on_enrolment(four_seats, outsiders):
    """The benchmarked path: only the statement that counts the seats asks whether quotas
    exist, and nothing reads them."""
    for officer in outsiders[:5]:
        with CaptureQueriesContext(connection) as queries:
            enrol(officer, four_seats)
        sqls = [q["sql"] for q in queries.captured_queries]
        assert len(sqls) <= 10
        quota_queries = [sql for sql in sqls if "enrollments_cohortquota" in sql]
        assert len(quota_queries) == 1
        assert "SELECT COUNT(*)" in quota_queries[0]


# --- Refusals ------------------------------------------------------------------------------


@pytest.fixture
def busy(four_seats, ict_quota, ict_officers, outsiders):
    """Both ICT seats and one open seat taken; one ICT officer waiting."""
    for officer in (*ict_officers[:3], outsiders[0]):
        enrol(officer, four_seats)
    return four_seats


@pytest.mark.parametrize(
    ("organisation", "seats", "code", "message"),
    [
        (
            "treasury",
            3,
            "quotas_over_capacity",
            "The quotas would set aside 5 seats, more than the 4 of the cohort.",
        ),
        (
            "ministry_ict",
            1,
            "quota_below_taken",
            "hold 2 seats of this quota: it can't be lower than that.",
        ),
        (
            "treasury",
            2,
            "open_seats_below_taken",
            "Officers hold 1 open seat, and this quota would leave only 0: raise the capacity",
        ),
        ("treasury", 0, "quota_too_small", "A quota needs at least one seat"),
    ],
)
def test_a_quota_that_does_not_fit_is_refused(
    request, busy, ksg_staff, organisation, seats, code, message
):
    before, quotas = snapshot(), quotas_snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        services.cohort_set_quota(
            cohort=busy,
            organisation=request.getfixturevalue(organisation),
            seats=seats,
            by=ksg_staff,
        )

    assert caught.value.code == code
    assert message in caught.value.message
    assert (snapshot(), quotas_snapshot()) == (before, quotas)


def test_the_capacity_cannot_fall_below_the_quotas_and_the_open_seats_taken(
    four_seats, ict_quota, ict_officers, outsiders, ksg_staff
):
    enrol(ict_officers[0], four_seats)
    enrol(outsiders[0], four_seats)
    before = snapshot()

    # Two seats are taken, but the quota keeps two and an open seat is taken: three at least.
    with pytest.raises(EnrolmentRefused) as caught:
        services.cohort_change_capacity(cohort=four_seats, capacity=2, by=ksg_staff)

    assert caught.value.code == "capacity_below_quotas"
    assert caught.value.message == (
        "The quotas set aside 2 seats and officers hold 1 open seat: the capacity can't be "
        "lower than 3."
    )
    assert snapshot() == before
    services.cohort_change_capacity(cohort=four_seats, capacity=3, by=ksg_staff)
    four_seats.refresh_from_db()
    assert pools(four_seats) == {"ministry-ict": (2, 1, 0), "open": (1, 1, 0)}


def test_a_quota_with_officers_in_it_cannot_be_removed(busy, ict_quota, ksg_staff):
    before, quotas = snapshot(), quotas_snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        services.cohort_remove_quota(quota=ict_quota, by=ksg_staff)

    assert caught.value.code == "quota_in_use"
    assert caught.value.message.startswith("3 officers hold or wait for seats of the quota of")
    assert (snapshot(), quotas_snapshot()) == (before, quotas)


def test_removing_a_quota_opens_its_seats_to_the_line(
    four_seats, ict_quota, ict_officers, outsiders, ksg_staff
):
    past = enrol(ict_officers[0], four_seats)
    services.enrollment_withdraw(enrollment=past, by=ict_officers[0], reason="Ill")
    for officer in outsiders[:3]:
        enrol(officer, four_seats)  # two open seats, then the line

    promoted = services.cohort_remove_quota(quota=ict_quota, by=ksg_staff)

    assert [e.officer for e in promoted] == [outsiders[2]]
    assert not CohortQuota.objects.exists()
    past.refresh_from_db()
    assert past.quota is None
    assert pools(four_seats) == {"open": (4, 3, 0)}
    event = AuditEvent.objects.get(action="enrollments.cohort.quota_removed")
    assert (event.actor, event.data["from"], event.data["to"]) == (ksg_staff, 2, None)


# --- Pages ---------------------------------------------------------------------------------


def quotas_url(cohort_):
    return reverse("enrollments:staff_quotas", args=[cohort_.pk])


def roster_url(cohort_):
    return reverse("enrollments:staff_roster", args=[cohort_.pk])


def test_staff_see_the_pools_on_the_roster(client, ksg_staff, busy):
    client.force_login(ksg_staff)

    page = client.get(roster_url(busy)).content.decode()

    assert "Seat quotas" in page
    assert "Seats of cohort DUG-201-Q4 by pool (4 in all)" in page
    assert "Open seats (everyone else)" in page
    assert 'name="remove"' in page
    assert 'name="quota-organisation"' in page


def test_a_facilitator_sees_no_quota_forms(client, trainer, busy):
    busy.facilitators.add(trainer)
    client.force_login(trainer)

    page = client.get(roster_url(busy)).content.decode()

    assert "Seat quotas" not in page


def test_the_roster_takes_the_same_queries_with_one_quota_or_four(
    client, ksg_staff, four_seats, ministry_ict, treasury
):
    client.force_login(ksg_staff)
    services.cohort_set_quota(cohort=four_seats, organisation=ministry_ict, seats=1, by=ksg_staff)
    client.get(roster_url(four_seats))  # warm the caches
    with CaptureQueriesContext(connection) as one:
        client.get(roster_url(four_seats))
    for organisation in (treasury, OrganisationFactory(), OrganisationFactory()):
        services.cohort_set_quota(
            cohort=four_seats, organisation=organisation, seats=1, by=ksg_staff
        )
    with CaptureQueriesContext(connection) as four:
        response = client.get(roster_url(four_seats))
    assert response.content.decode().count('name="remove"') == 4
    assert len(four) == len(one)


def test_staff_set_a_quota_on_the_page(client, ksg_staff, four_seats, ministry_ict):
    client.force_login(ksg_staff)

    response = client.post(
        quotas_url(four_seats),
        {"quota-organisation": ministry_ict.pk, "quota-seats": 2},
        follow=True,
    )

    assert response.redirect_chain == [(roster_url(four_seats), 302)]
    assert "2 seats of cohort DUG-201-Q4 are set aside for" in response.content.decode()
    assert quotas_snapshot()[0][2:] == (ministry_ict.pk, 2)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"quota-seats": 2}, "Choose the organisation the seats are for."),
        ({"quota-organisation": "ORG", "quota-seats": 2}, "Choose an organisation from the list."),
        ({"quota-organisation": "ORG", "quota-seats": ""}, "Enter the number of seats."),
        ({"quota-organisation": "ORG", "quota-seats": "two"}, "as a whole number."),
        ({"quota-organisation": "ORG", "quota-seats": 0}, "A quota needs at least one seat"),
        ({"quota-organisation": "ORG", "quota-seats": 9}, "The quotas would set aside 9 seats"),
    ],
)
def test_a_bad_quota_is_refused_on_the_page(
    client, ksg_staff, busy, ministry_ict, huawei, data, error
):
    client.force_login(ksg_staff)
    if data.get("quota-organisation") == "ORG":
        data = {**data, "quota-organisation": ministry_ict.pk}
    if error == "Choose an organisation from the list.":
        data = {**data, "quota-organisation": huawei.pk}  # a partner: not offered
    before, quotas = snapshot(), quotas_snapshot()

    response = client.post(quotas_url(busy), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert error.replace("'", "&#x27;") in page
    assert 'aria-invalid="true"' in page
    assert (snapshot(), quotas_snapshot()) == (before, quotas)


def test_staff_remove_a_quota_on_the_page(client, ksg_staff, four_seats, ict_quota):
    client.force_login(ksg_staff)

    response = client.post(quotas_url(four_seats), {"remove": ict_quota.pk}, follow=True)

    assert response.redirect_chain == [(roster_url(four_seats), 302)]
    assert "is removed: its seats are open." in response.content.decode()
    assert not CohortQuota.objects.exists()


def test_a_quota_in_use_is_kept_with_the_reason_on_the_page(client, ksg_staff, busy, ict_quota):
    client.force_login(ksg_staff)
    before, quotas = snapshot(), quotas_snapshot()

    response = client.post(quotas_url(busy), {"remove": ict_quota.pk})

    assert response.status_code == 400
    assert "hold or wait for seats of the quota of" in response.content.decode()
    assert (snapshot(), quotas_snapshot()) == (before, quotas)


def test_removing_a_quota_of_another_cohort_is_refused(client, ksg_staff, course, ict_quota):
    other = cohort(course, starts_in=60, code="DUG-201-Q9")
    client.force_login(ksg_staff)

    response = client.post(quotas_url(other), {"remove": ict_quota.pk})

    assert response.status_code == 400
    assert "This quota has already been removed." in response.content.decode()
    assert CohortQuota.objects.filter(pk=ict_quota.pk).exists()


def test_the_quota_page_shows_the_pools(client, ksg_staff, busy):
    client.force_login(ksg_staff)

    response = client.get(quotas_url(busy))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Seat quotas of cohort DUG-201-Q4" in page
    assert "Open seats (everyone else)" in page


@pytest.mark.parametrize("persona", ["trainer", "hr_ict", "wanjiku", "huawei_reviewer"])
def test_only_ksg_staff_manage_quotas(client, request, four_seats, trainer, ministry_ict, persona):
    four_seats.facilitators.add(trainer)  # even the cohort's own facilitator
    client.force_login(request.getfixturevalue(persona))

    assert client.get(quotas_url(four_seats)).status_code == 403
    response = client.post(
        quotas_url(four_seats), {"quota-organisation": ministry_ict.pk, "quota-seats": 1}
    )
    assert response.status_code == 403
    assert not CohortQuota.objects.exists()


def test_the_anonymous_are_sent_to_sign_in(client, four_seats):
    for response in (client.get(quotas_url(four_seats)), client.post(quotas_url(four_seats))):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_a_draft_cohort_is_not_found(client, ksg_staff, course):
    from courses.models import Cohort

    draft = cohort(course, code="DUG-201-D", status=Cohort.Status.DRAFT)
    client.force_login(ksg_staff)
    assert client.get(quotas_url(draft)).status_code == 404


# --- Concurrency ---------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_officers_enrolling_at_once_never_overfill_a_pool(
    course, ministry_ict, state_department_ict, ksg_staff, attempt
):
    run = cohort(course, capacity=10, code=f"DUG-201-R{attempt}")
    services.cohort_set_quota(cohort=run, organisation=ministry_ict, seats=4, by=ksg_staff)
    roads = OrganisationFactory(name="Roads", slug=f"roads-{attempt}")
    ict = [
        make_officer(700 + i, organisation=state_department_ict if i % 2 else ministry_ict)
        for i in range(15)
    ]
    others = [make_officer(800 + i, organisation=roads) for i in range(15)]
    people = [officer for pair in zip(ict, others, strict=True) for officer in pair]

    results = at_once(
        [
            (lambda officer=officer: services.enrollment_create(officer=officer, cohort=run))
            for officer in people
        ]
    )

    no_errors(results)
    assert pools(run) == {"ministry-ict": (4, 4, 11), "open": (6, 6, 9)}
    positions = [position for _, position in waiting_list(run)]
    assert positions == list(range(1, 21))
    ict_ids = {officer.pk for officer in ict}
    for enrollment in Enrollment.objects.filter(cohort=run):
        assert (enrollment.quota_id is not None) == (enrollment.officer_id in ict_ids)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_withdrawals_and_quota_changes_at_once_keep_every_pool_within_its_seats(
    course, ministry_ict, ksg_staff
):
    run = cohort(course, capacity=8, code="DUG-201-R9")
    services.cohort_set_quota(cohort=run, organisation=ministry_ict, seats=3, by=ksg_staff)
    roads = OrganisationFactory(name="Roads", slug="roads-9")
    ict = [make_officer(900 + i, organisation=ministry_ict) for i in range(8)]
    others = [make_officer(950 + i, organisation=roads) for i in range(10)]
    for officer in ict + others:
        services.enrollment_create(officer=officer, cohort=run)
    leaving = [Enrollment.objects.get(officer=o) for o in (ict[0], others[0], others[6])]

    calls = [
        (lambda e=e: services.enrollment_withdraw(enrollment=e, by=e.officer, reason="Called away"))
        for e in leaving
    ] + [
        lambda: services.cohort_set_quota(
            cohort=run, organisation=ministry_ict, seats=4, by=ksg_staff
        ),
        lambda: services.cohort_change_capacity(cohort=run, capacity=9, by=ksg_staff),
    ]
    results = at_once(calls)

    # Raising the quota may be refused when it runs before the capacity change: then it must
    # have changed nothing.
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, EnrolmentRefused) for e in errors)
    run.refresh_from_db()
    for pool in services.seat_pools(run).values():
        assert pool.taken <= pool.size
        if pool.waiting:
            assert pool.taken == pool.size, "nobody waits while their pool has a free seat"
    assert sum(p.taken for p in services.seat_pools(run).values()) <= 9
    positions = [position for _, position in waiting_list(run)]
    assert positions == list(range(1, len(positions) + 1))
