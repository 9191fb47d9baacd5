"""A hypothesis state machine of one cohort: officers enrol, withdraw and re-enrol, staff change
the capacity and promote from the waiting list, in any order. The machine keeps its own model
of the seats and the line and compares it with the database after every step. Its twin does the
same in a cohort with a seat quota, and changes the quota too.

Each example runs inside a savepoint of the test's transaction that is rolled back in
``teardown``, so the examples don't see each other's enrolments; the pool of officers and the
course are made once per test.
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from academy.models import AuditEvent
from enrollments import services
from enrollments.models import CohortQuota, Enrollment
from enrollments.services import EnrolmentRefused
from tests.courses.conftest import cohort
from tests.enrollments.conftest import enrolled, make_officer, waiting_list
from tests.factories import OrganisationFactory

State = Enrollment.State
POOL = 12


class CohortMachine(RuleBasedStateMachine):
    # Set by the test: officers of the course's audience, the course, a member of KSG staff.
    pool: list = []
    course = None
    staff = None

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.capacity = 3
        self.cohort = cohort(self.course, capacity=self.capacity)
        # The model: who holds a seat, and the waiting list in order.
        self.seated: set[int] = set()
        self.queue: list[int] = []
        self.promotions = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _promote_expected(self) -> list[int]:
        """Officers the model promotes into the free seats, first in line first."""
        free = self.capacity - len(self.seated)
        promoted, self.queue = self.queue[:free], self.queue[free:]
        self.seated.update(promoted)
        self.promotions += len(promoted)
        return promoted

    # --- Rules -----------------------------------------------------------------------------

    @rule(i=st.integers(0, POOL - 1))
    def enrol(self, i):
        officer = self.pool[i]
        already = officer.pk in self.seated or officer.pk in self.queue

        result = services.enrollment_create(officer=officer, cohort=self.cohort)

        assert result.created is not already
        if already:
            expected = State.ENROLLED if officer.pk in self.seated else State.WAITLISTED
        elif len(self.seated) < self.capacity:
            self.seated.add(officer.pk)
            expected = State.ENROLLED
        else:
            self.queue.append(officer.pk)
            expected = State.WAITLISTED
        assert result.enrollment.state == expected
        if expected == State.WAITLISTED:
            assert result.enrollment.waitlist_position == self.queue.index(officer.pk) + 1

    @precondition(lambda self: self.seated or self.queue)
    @rule(data=st.data())
    def withdraw(self, data):
        officer_id = data.draw(st.sampled_from(sorted(self.seated) + self.queue))
        enrollment = Enrollment.objects.get(officer_id=officer_id, cohort=self.cohort)

        services.enrollment_withdraw(enrollment=enrollment, by=enrollment.officer, reason="Busy")

        if officer_id in self.seated:
            self.seated.remove(officer_id)
            assert len(self._promote_expected()) <= 1
        else:
            self.queue.remove(officer_id)
        enrollment.refresh_from_db()
        assert enrollment.state == State.WITHDRAWN

    @rule(capacity=st.integers(1, 8))
    def change_capacity(self, capacity):
        if capacity < len(self.seated):
            with pytest.raises(EnrolmentRefused) as caught:
                services.cohort_change_capacity(
                    cohort=self.cohort, capacity=capacity, by=self.staff
                )
            assert caught.value.code == "capacity_below_taken"
            return
        promoted = services.cohort_change_capacity(
            cohort=self.cohort, capacity=capacity, by=self.staff
        )
        self.capacity = capacity
        assert [e.officer_id for e in promoted] == self._promote_expected()

    @rule()
    def promote(self):
        # After every step the free seats are already given out: promoting again does nothing.
        promoted = services.cohort_promote_waiting(cohort=self.cohort, by=self.staff)
        assert [e.officer_id for e in promoted] == self._promote_expected() == []

    # --- Invariants ------------------------------------------------------------------------

    @invariant()
    def seats_never_exceed_the_capacity(self):
        self.cohort.refresh_from_db()
        assert self.cohort.capacity == self.capacity
        assert services.seats_taken(self.cohort) <= self.cohort.capacity

    @invariant()
    def the_line_runs_from_one_without_gaps(self):
        positions = [position for _, position in waiting_list(self.cohort)]
        assert positions == list(range(1, len(positions) + 1))

    @invariant()
    def nobody_waits_while_a_seat_is_free(self):
        if services.seats_taken(self.cohort) < self.cohort.capacity:
            assert not waiting_list(self.cohort)

    @invariant()
    def seats_and_line_are_as_modelled(self):
        # First in, first out: the database's line is the model's, in the same order.
        assert enrolled(self.cohort) == self.seated
        assert [officer_id for officer_id, _ in waiting_list(self.cohort)] == self.queue

    @invariant()
    def each_freed_seat_promotes_once(self):
        promotions = AuditEvent.objects.filter(
            action="enrollments.enrollment.enrolled", data__from="waitlisted"
        ).count()
        assert promotions == self.promotions


def test_the_cohort_state_machine(db, course, officers, ksg_staff):
    class Machine(CohortMachine):
        pool = officers(POOL)

    Machine.course = course
    Machine.staff = ksg_staff

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=50,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


class QuotaCohortMachine(RuleBasedStateMachine):
    """The same cohort with a quota for the Ministry of ICT (and its state department): officers
    enrol, withdraw and re-enrol, staff change the capacity and the quota. The model keeps the
    seats of each pool and the one waiting list, in which each pool promotes its own first."""

    # Set by the test: officers of the ministry, of its state department and of elsewhere;
    # the course; a member of KSG staff; the ministry.
    pool: list = []
    ict_ids: set = set()
    course = None
    staff = None
    ministry = None

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.capacity, self.quota_seats = 4, 2
        self.cohort = cohort(self.course, capacity=self.capacity)
        services.cohort_set_quota(
            cohort=self.cohort, organisation=self.ministry, seats=self.quota_seats, by=self.staff
        )
        self.quota = CohortQuota.objects.get(cohort=self.cohort)
        # The model: who holds a seat of each pool, and the one waiting list in order.
        self.seated: dict[str, set[int]] = {"ict": set(), "open": set()}
        self.queue: list[int] = []
        self.promotions = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _pool(self, officer_id: int) -> str:
        return "ict" if officer_id in self.ict_ids else "open"

    def _size(self, pool: str) -> int:
        return self.quota_seats if pool == "ict" else self.capacity - self.quota_seats

    def _has_room(self, pool: str) -> bool:
        return len(self.seated[pool]) < self._size(pool)

    def _all_seated(self) -> set[int]:
        return self.seated["ict"] | self.seated["open"]

    def _promote_expected(self) -> list[int]:
        """Officers the model promotes: in line order, each whose pool has a free seat."""
        promoted = []
        for officer_id in list(self.queue):
            pool = self._pool(officer_id)
            if self._has_room(pool):
                self.queue.remove(officer_id)
                self.seated[pool].add(officer_id)
                promoted.append(officer_id)
        self.promotions += len(promoted)
        return promoted

    # --- Rules -----------------------------------------------------------------------------

    @rule(i=st.integers(0, POOL - 1))
    def enrol(self, i):
        officer = self.pool[i]
        pool = self._pool(officer.pk)
        already = officer.pk in self._all_seated() or officer.pk in self.queue

        result = services.enrollment_create(officer=officer, cohort=self.cohort)

        assert result.created is not already
        if already:
            expected = State.ENROLLED if officer.pk in self._all_seated() else State.WAITLISTED
        elif self._has_room(pool):
            self.seated[pool].add(officer.pk)
            expected = State.ENROLLED
        else:
            self.queue.append(officer.pk)
            expected = State.WAITLISTED
        assert result.enrollment.state == expected
        assert result.enrollment.quota_id == (self.quota.pk if pool == "ict" else None)
        if expected == State.WAITLISTED:
            assert result.enrollment.waitlist_position == self.queue.index(officer.pk) + 1

    @precondition(lambda self: self._all_seated() or self.queue)
    @rule(data=st.data())
    def withdraw(self, data):
        officer_id = data.draw(st.sampled_from(sorted(self._all_seated()) + self.queue))
        enrollment = Enrollment.objects.get(officer_id=officer_id, cohort=self.cohort)

        services.enrollment_withdraw(enrollment=enrollment, by=enrollment.officer, reason="Busy")

        pool = self._pool(officer_id)
        if officer_id in self.seated[pool]:
            self.seated[pool].remove(officer_id)
            promoted = self._promote_expected()
            assert len(promoted) <= 1
            assert all(self._pool(pk) == pool for pk in promoted)
        else:
            self.queue.remove(officer_id)

    @rule(capacity=st.integers(1, 8))
    def change_capacity(self, capacity):
        least = self.quota_seats + len(self.seated["open"])
        if capacity < len(self._all_seated()) or capacity < least:
            with pytest.raises(EnrolmentRefused) as caught:
                services.cohort_change_capacity(
                    cohort=self.cohort, capacity=capacity, by=self.staff
                )
            assert caught.value.code in ("capacity_below_taken", "capacity_below_quotas")
            return
        promoted = services.cohort_change_capacity(
            cohort=self.cohort, capacity=capacity, by=self.staff
        )
        self.capacity = capacity
        assert [e.officer_id for e in promoted] == self._promote_expected()

    @rule(seats=st.integers(1, 6))
    def change_quota(self, seats):
        refused = (
            seats > self.capacity
            or seats < len(self.seated["ict"])
            or self.capacity - seats < len(self.seated["open"])
        )
        if seats != self.quota_seats and refused:
            with pytest.raises(EnrolmentRefused) as caught:
                services.cohort_set_quota(
                    cohort=self.cohort, organisation=self.ministry, seats=seats, by=self.staff
                )
            assert caught.value.code in (
                "quotas_over_capacity",
                "quota_below_taken",
                "open_seats_below_taken",
            )
            return
        promoted = services.cohort_set_quota(
            cohort=self.cohort, organisation=self.ministry, seats=seats, by=self.staff
        )
        self.quota_seats = seats
        assert [e.officer_id for e in promoted] == self._promote_expected()

    @rule()
    def promote(self):
        promoted = services.cohort_promote_waiting(cohort=self.cohort, by=self.staff)
        assert [e.officer_id for e in promoted] == self._promote_expected() == []

    # --- Invariants ------------------------------------------------------------------------

    @invariant()
    def each_pool_stays_within_its_seats(self):
        self.cohort.refresh_from_db()
        assert self.cohort.capacity == self.capacity
        pools = services.seat_pools(self.cohort)
        assert pools[self.quota.pk].size == self.quota_seats
        for pool in pools.values():
            assert pool.taken <= pool.size
            if pool.waiting:
                assert pool.taken == pool.size, "nobody waits while their pool has a free seat"
        assert services.seats_taken(self.cohort) <= self.cohort.capacity

    @invariant()
    def the_line_runs_from_one_without_gaps(self):
        positions = [position for _, position in waiting_list(self.cohort)]
        assert positions == list(range(1, len(positions) + 1))

    @invariant()
    def seats_and_line_are_as_modelled(self):
        # First in, first out within each pool: the database's line is the model's.
        assert enrolled(self.cohort) == self._all_seated()
        assert [officer_id for officer_id, _ in waiting_list(self.cohort)] == self.queue
        in_quota = set(
            Enrollment.objects.filter(
                cohort=self.cohort, state=State.ENROLLED, quota=self.quota
            ).values_list("officer_id", flat=True)
        )
        assert in_quota == self.seated["ict"]

    @invariant()
    def each_freed_seat_promotes_once(self):
        promotions = AuditEvent.objects.filter(
            action="enrollments.enrollment.enrolled",
            data__from="waitlisted",
            target_id__in=[
                str(pk)
                for pk in Enrollment.objects.filter(cohort=self.cohort).values_list("pk", flat=True)
            ],
        ).count()
        assert promotions == self.promotions


def test_the_cohort_state_machine_with_a_quota(
    db, course, ministry_ict, state_department_ict, ksg_staff
):
    elsewhere = OrganisationFactory(name="State Department for Roads", slug="roads")
    organisations = [ministry_ict, state_department_ict, elsewhere, elsewhere]
    people = [make_officer(200 + i, organisation=organisations[i % 4]) for i in range(POOL)]

    class Machine(QuotaCohortMachine):
        pool = people
        ict_ids = {o.pk for o in people if o.officer_profile.organisation != elsewhere}

    Machine.course = course
    Machine.staff = ksg_staff
    Machine.ministry = ministry_ict

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=50,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
