"""Officers enrolling at the same moment, on real PostgreSQL: the row lock on the cohort keeps
the seats and the waiting list right, and its twin without the lock shows the test can fail.

Each request runs in a thread of its own with its own database connection; a barrier releases
them together. The tests commit for real (``transaction=True``): a test transaction would hide
the other threads' rows.
"""

import time

import pytest
from django.db import connection

from academy.models import AuditEvent
from courses.models import Cohort
from enrollments import services
from enrollments.models import Enrollment
from tests.courses.conftest import cohort
from tests.enrollments.conftest import at_once, enrolled, no_errors, waiting_list

State = Enrollment.State

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def enrol_call(officer, cohort_):
    return lambda: services.enrollment_create(officer=officer, cohort=cohort_)


def withdraw_call(enrollment, officer):
    return lambda: services.enrollment_withdraw(
        enrollment=enrollment, by=officer, reason="Called away"
    )


def positions(cohort_) -> list[int]:
    return [position for _, position in waiting_list(cohort_)]


@pytest.fixture
def ten_seats(course):
    return cohort(course, capacity=10, code="DUG-201-C10")


@pytest.mark.parametrize("attempt", range(3))
def test_fifty_officers_at_once_take_ten_seats_and_queue_for_the_rest(ten_seats, officers, attempt):
    people = officers(50)

    results = at_once([enrol_call(officer, ten_seats) for officer in people])

    no_errors(results)
    assert all(result.created for result in results)
    states = [result.enrollment.state for result in results]
    assert states.count(State.ENROLLED) == 10
    assert states.count(State.WAITLISTED) == 40
    assert len(enrolled(ten_seats)) == 10
    assert positions(ten_seats) == list(range(1, 41))
    # The line is in the order the requests got the lock, which is the order of their events.
    queued = AuditEvent.objects.filter(action="enrollments.enrollment.waitlisted").order_by("pk")
    by_position = Enrollment.objects.filter(cohort=ten_seats, state=State.WAITLISTED).order_by(
        "waitlist_position"
    )
    assert [int(e.target_id) for e in queued] == [e.pk for e in by_position]


def test_without_the_lock_fifty_officers_overbook(ten_seats, officers, monkeypatch):
    """The twin of the test above with the row lock switched off: it must overbook, or the test
    above proves nothing."""

    def unlocked(cohort_):
        # The enrolment's own read of the cohort, without FOR UPDATE.
        return Cohort.objects.select_related("course").get(pk=cohort_.pk)

    monkeypatch.setattr(services, "_lock_cohort_to_enrol", unlocked)
    slow_down_standing(monkeypatch)
    people = officers(50)

    results = at_once([enrol_call(officer, ten_seats) for officer in people])

    no_errors(results)
    assert len(enrolled(ten_seats)) > 10


def slow_down_standing(monkeypatch):
    """Pause each enrolment between counting the seats and saving, where the locks matter."""
    read = services._standing

    def slow(cohort_, officer_id):
        standing = read(cohort_, officer_id)
        time.sleep(0.05)
        return standing

    monkeypatch.setattr(services, "_standing", slow)


def test_twenty_identical_requests_make_one_enrolment(ten_seats, officers):
    (officer,) = officers(1)

    results = at_once([enrol_call(officer, ten_seats) for _ in range(20)])

    no_errors(results)
    assert [result.created for result in results].count(True) == 1
    assert {result.enrollment.pk for result in results} == {Enrollment.objects.get().pk}
    assert Enrollment.objects.get().state == State.ENROLLED
    assert AuditEvent.objects.filter(action__startswith="enrollments.").count() == 1


@pytest.mark.parametrize("attempt", range(2))
def test_withdrawals_and_enrolments_at_once_keep_the_seats_and_the_line(
    ten_seats, officers, attempt
):
    first = officers(20)
    for officer in first:
        services.enrollment_create(officer=officer, cohort=ten_seats)
    seated, waiting = first[:10], first[10:]
    newcomers = officers(15, start=100)
    leaving = seated[:5] + waiting[2:5]
    calls = [
        withdraw_call(Enrollment.objects.get(officer=officer), officer) for officer in leaving
    ] + [enrol_call(officer, ten_seats) for officer in newcomers]

    results = at_once(calls)

    no_errors(results)
    assert len(enrolled(ten_seats)) == 10
    assert Enrollment.objects.filter(state=State.WITHDRAWN).count() == 8
    line = waiting_list(ten_seats)
    assert [position for _, position in line] == list(range(1, 18))
    # Those who were already waiting stay ahead of every newcomer, in their order.
    still_waiting = [o.pk for o in waiting if o not in leaving]
    promoted = [pk for pk in still_waiting if pk in enrolled(ten_seats)]
    assert still_waiting[: len(promoted)] == promoted
    order = [officer_id for officer_id, _ in line]
    assert order[: len(still_waiting) - len(promoted)] == still_waiting[len(promoted) :]
    assert set(order[len(still_waiting) - len(promoted) :]) <= {o.pk for o in newcomers}


@pytest.mark.parametrize("attempt", range(3))
def test_one_officer_at_once_into_two_cohorts_of_a_course_gets_one(course, officers, attempt):
    """The rule "not already in another cohort of this course" holds under concurrency."""
    (officer,) = officers(1)
    first = cohort(course, capacity=10, starts_in=30, code=f"DUG-201-A{attempt}")
    second = cohort(course, capacity=10, starts_in=60, code=f"DUG-201-B{attempt}")

    results = at_once([enrol_call(officer, first), enrol_call(officer, second)])

    refused = [r for r in results if isinstance(r, services.EnrolmentRefused)]
    assert [r.code for r in refused] == ["other_cohort"]
    assert Enrollment.objects.filter(officer=officer).count() == 1


def test_when_both_pass_the_rules_the_index_refuses_the_second(course, officers, monkeypatch):
    """The race forced: each request reads the officer's enrolments before the other saves, so
    both pass the rule. The two cohorts' locks don't meet; the unique index on officer and
    course makes the second insert wait for the first and fail, and the service, asking the
    rules again, refuses it with the rule's own message instead of an error."""
    (officer,) = officers(1)
    first = cohort(course, capacity=10, starts_in=30, code="DUG-201-A")
    second = cohort(course, capacity=10, starts_in=60, code="DUG-201-B")
    slow_down_standing(monkeypatch)

    results = at_once([enrol_call(officer, first), enrol_call(officer, second)])

    refused = [r for r in results if isinstance(r, services.EnrolmentRefused)]
    assert [r.code for r in refused] == ["other_cohort"]
    (kept,) = Enrollment.objects.filter(officer=officer)
    assert refused[0].message == (
        f"You are already in cohort {kept.cohort.code} of this course; withdraw from it first."
    )
    assert AuditEvent.objects.filter(action__startswith="enrollments.").count() == 1


def test_without_the_index_the_forced_race_enrols_twice(course, officers, monkeypatch):
    """The twin of the test above with the unique index dropped: the officer ends up in both
    cohorts, so the index is what holds the rule."""
    (officer,) = officers(1)
    first = cohort(course, capacity=10, starts_in=30, code="DUG-201-A")
    second = cohort(course, capacity=10, starts_in=60, code="DUG-201-B")
    slow_down_standing(monkeypatch)
    (index,) = [
        c
        for c in Enrollment._meta.constraints
        if c.name == "enrollment_one_active_per_officer_and_course"
    ]
    with connection.schema_editor() as editor:
        editor.remove_constraint(Enrollment, index)
    try:
        results = at_once([enrol_call(officer, first), enrol_call(officer, second)])

        no_errors(results)
        assert Enrollment.objects.filter(officer=officer, state=State.ENROLLED).count() == 2
    finally:
        Enrollment.objects.all().delete()
        with connection.schema_editor() as editor:
            editor.add_constraint(Enrollment, index)
