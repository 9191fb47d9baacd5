"""A hypothesis state machine of one cohort: officers enrol, withdraw and re-enrol, staff change
the capacity and promote from the waiting list, in any order. The machine keeps its own model
of the seats and the line and compares it with the database after every step.

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
from enrollments.models import Enrollment
from enrollments.services import EnrolmentRefused
from tests.courses.conftest import cohort
from tests.enrollments.conftest import enrolled, waiting_list

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
