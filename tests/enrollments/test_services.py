"""The enrolment services, rule by rule: each refusal with its code and message and nothing
changed; seats, the waiting list (first in, first out, no gaps), withdrawal, capacity changes
and the audit trail. And the selectors: an officer reads only their own enrolments."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from academy.models import AuditEvent
from courses.models import Cohort
from enrollments import selectors, services
from enrollments.models import Enrollment
from enrollments.services import EnrolmentRefused
from tests.courses.conftest import cohort, days, fill
from tests.enrollments.conftest import enrolled, make_officer, snapshot, waiting_list
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory

State = Enrollment.State


def enrol(officer, cohort_, **kwargs):
    return services.enrollment_create(officer=officer, cohort=cohort_, **kwargs)


def refusal(officer, cohort_) -> EnrolmentRefused:
    """The refusal of enrolling ``officer``; asserts that nothing changed."""
    before = snapshot()
    with pytest.raises(EnrolmentRefused) as caught:
        enrol(officer, cohort_)
    assert snapshot() == before
    return caught.value


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- Taking a seat -------------------------------------------------------------------------


def test_an_officer_in_the_audience_gets_a_seat(run, wanjiku):
    result = enrol(wanjiku, run)

    assert result.created is True
    enrollment = Enrollment.objects.get()
    assert result.enrollment == enrollment
    assert enrollment.officer == wanjiku
    assert enrollment.state == State.ENROLLED
    assert enrollment.waitlist_position is None
    assert enrollment.created_by == wanjiku
    assert enrollment.state_changed_at is not None


def test_enrolment_by_someone_else_records_who(run, wanjiku, ksg_staff):
    enrollment = enrol(wanjiku, run, by=ksg_staff).enrollment

    assert enrollment.created_by == ksg_staff
    (event,) = events("enrollments.enrollment.enrolled")
    assert event.actor == ksg_staff


def test_asking_twice_returns_the_same_enrolment_and_writes_one_event(run, wanjiku):
    first = enrol(wanjiku, run)
    again = enrol(wanjiku, run)

    assert again.created is False
    assert again.enrollment.pk == first.enrollment.pk
    assert again.enrollment.state == State.ENROLLED
    assert Enrollment.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="enrollments.").count() == 1


def test_asking_again_on_the_waiting_list_keeps_the_place(run, officers):
    fill(run, 3)
    first, second = officers(2)
    enrol(first, run)
    enrol(second, run)

    again = enrol(first, run)

    assert again.created is False
    assert again.enrollment.state == State.WAITLISTED
    assert again.enrollment.waitlist_position == 1
    assert waiting_list(run) == [(first.pk, 1), (second.pk, 2)]


def test_a_course_that_needs_approval_makes_a_request(course, wanjiku):
    course.requires_approval = True
    course.save()
    run = cohort(course, capacity=1)

    result = enrol(wanjiku, run)

    assert result.created is True
    assert result.enrollment.state == State.REQUESTED
    assert result.enrollment.waitlist_position is None
    assert services.seats_taken(run) == 0
    (event,) = events("enrollments.enrollment.requested")
    assert event.data["to"] == "requested"


# --- Refusals ------------------------------------------------------------------------------


def test_refused_before_the_window_opens(course, wanjiku):
    opens = days(5)
    run = cohort(course, starts_in=30, enrolment_opens_on=opens)

    refused = refusal(wanjiku, run)

    assert refused.code == "window_not_open"
    assert refused.message == f"Enrolment for this cohort opens on {opens.isoformat()}."
    assert str(refused) == refused.message


def test_refused_after_the_window_closes(course, wanjiku):
    closed = days(-1)
    run = cohort(course, starts_in=2, enrolment_closes_on=closed)

    refused = refusal(wanjiku, run)

    assert refused.code == "window_closed"
    assert refused.message == f"Enrolment for this cohort closed on {closed.isoformat()}."


def test_the_window_includes_its_first_and_last_day(course, wanjiku, otieno):
    opens_today = cohort(course, starts_in=30, enrolment_opens_on=days(0))
    closes_today = cohort(course, starts_in=3, enrolment_closes_on=days(0))

    assert enrol(wanjiku, opens_today).enrollment.state == State.ENROLLED
    assert enrol(otieno, closes_today).enrollment.state == State.ENROLLED


@pytest.mark.parametrize(
    "status", [Cohort.Status.DRAFT, Cohort.Status.CANCELLED, Cohort.Status.RUNNING]
)
def test_refused_when_the_cohort_is_not_scheduled(course, wanjiku, status):
    run = cohort(course, status=status)

    refused = refusal(wanjiku, run)

    assert refused.code == "not_open"
    assert refused.message == "This cohort is not taking enrolments."


def test_refused_when_the_course_is_not_published(course, run, wanjiku):
    course.is_published = False
    course.save()

    refused = refusal(wanjiku, run)

    assert refused.code == "not_open"
    assert refused.message == "This cohort is not taking enrolments."


def test_refused_without_an_officer_profile(run):
    user = UserFactory(email="no-profile@example.go.ke")

    refused = refusal(user, run)

    assert refused.code == "no_profile"
    assert refused.message == "Complete your officer profile before you enrol in a course."


@pytest.mark.parametrize("group", ["H", "N", "T", "A"])
def test_refused_outside_the_audience(run, group):
    officer = make_officer(1, job_group=group)

    refused = refusal(officer, run)

    assert refused.code == "audience"
    assert refused.message == f"This course is for job groups J to M; yours is {group}."


@pytest.mark.parametrize("group", ["J", "K", "M"])
def test_the_audience_includes_its_lowest_and_highest_job_groups(run, group):
    officer = make_officer(1, job_group=group)

    assert enrol(officer, run).enrollment.state == State.ENROLLED


@pytest.fixture
def basics(ksg):
    return CourseFactory(code="DUG-101", title="Data basics", provider=ksg)


@pytest.fixture
def with_prerequisite(course, basics, run):
    course.prerequisites.add(basics)
    return run


def test_refused_until_the_prerequisite_is_completed(with_prerequisite, wanjiku):
    refused = refusal(wanjiku, with_prerequisite)

    assert refused.code == "prerequisites"
    assert refused.message == "Complete these courses first: DUG-101 Data basics."


def test_every_missing_prerequisite_is_named_in_code_order(
    course, basics, with_prerequisite, wanjiku, ksg
):
    course.prerequisites.add(CourseFactory(code="DUG-100", title="Spreadsheets", provider=ksg))
    EnrollmentFactory(officer=wanjiku, cohort=cohort(basics, starts_in=-60), state=State.COMPLETED)

    refused = refusal(wanjiku, with_prerequisite)

    assert refused.message == "Complete these courses first: DUG-100 Spreadsheets."


def test_a_prerequisite_completed_in_any_cohort_is_enough(basics, with_prerequisite, wanjiku):
    cohort(basics, starts_in=-30)
    earlier = cohort(basics, starts_in=-90)
    EnrollmentFactory(officer=wanjiku, cohort=earlier, state=State.COMPLETED)

    assert enrol(wanjiku, with_prerequisite).enrollment.state == State.ENROLLED


@pytest.mark.parametrize(
    "state", [State.ENROLLED, State.WITHDRAWN, State.NOT_COMPLETED, State.WAITLISTED]
)
def test_a_prerequisite_not_completed_does_not_count(basics, with_prerequisite, wanjiku, state):
    EnrollmentFactory(officer=wanjiku, cohort=cohort(basics, starts_in=-60), state=state)

    assert refusal(wanjiku, with_prerequisite).code == "prerequisites"


def test_someone_elses_completion_does_not_count(basics, with_prerequisite, wanjiku, otieno):
    earlier = cohort(basics, starts_in=-60)
    EnrollmentFactory(officer=otieno, cohort=earlier, state=State.COMPLETED)
    # The officer was in the same cohort but did not complete it: still missing.
    EnrollmentFactory(officer=wanjiku, cohort=earlier, state=State.NOT_COMPLETED)

    assert refusal(wanjiku, with_prerequisite).code == "prerequisites"


def test_refused_while_in_another_cohort_of_the_course(course, run, wanjiku):
    other = cohort(course, starts_in=60, code="DUG-201-C2")
    enrol(wanjiku, run)

    refused = refusal(wanjiku, other)

    assert refused.code == "other_cohort"
    assert refused.message == (
        "You are already in cohort DUG-201-C1 of this course; withdraw from it first."
    )


@pytest.mark.parametrize("state", [State.WAITLISTED, State.REQUESTED, State.APPROVED])
def test_waiting_or_asking_in_another_cohort_also_counts(course, run, wanjiku, state):
    EnrollmentFactory(officer=wanjiku, cohort=run, state=state)
    other = cohort(course, starts_in=60)

    assert refusal(wanjiku, other).code == "other_cohort"


@pytest.mark.parametrize("state", [State.ENROLLED, State.WAITLISTED, State.REQUESTED])
def test_the_database_holds_one_active_enrolment_per_officer_and_course(
    course, run, wanjiku, state
):
    """Whatever writes it: the rule does not rest on the service alone."""
    enrol(wanjiku, run)
    other = cohort(course, starts_in=60)

    with pytest.raises(IntegrityError), transaction.atomic():
        EnrollmentFactory(officer=wanjiku, cohort=other, state=state)


def test_a_finished_or_withdrawn_enrolment_leaves_room_for_another_in_the_course(
    course, run, wanjiku
):
    EnrollmentFactory(officer=wanjiku, cohort=run, state=State.COMPLETED)
    EnrollmentFactory(officer=wanjiku, cohort=cohort(course, starts_in=60), state=State.WITHDRAWN)

    taken = enrol(wanjiku, cohort(course, starts_in=90)).enrollment

    assert (taken.state, taken.course) == (State.ENROLLED, course)


def test_an_enrolment_is_saved_with_its_cohorts_course(course, run, wanjiku):
    assert enrol(wanjiku, run).enrollment.course == course
    assert Enrollment.objects.get().course_id == course.pk


def test_after_withdrawing_from_one_cohort_the_officer_may_join_another(course, run, wanjiku):
    other = cohort(course, starts_in=60)
    first = enrol(wanjiku, run).enrollment
    services.enrollment_withdraw(enrollment=first, by=wanjiku, reason="Dates clash")

    assert enrol(wanjiku, other).enrollment.state == State.ENROLLED


def test_refused_after_being_withdrawn_by_staff(run, wanjiku, ksg_staff):
    enrollment = enrol(wanjiku, run).enrollment
    services.enrollment_withdraw(enrollment=enrollment, by=ksg_staff, reason="Duplicate record")

    refused = refusal(wanjiku, run)

    assert refused.code == "withdrawn_by_staff"
    assert refused.message == (
        "KSG staff withdrew you from this cohort; ask them to enrol you again."
    )


def test_only_staff_enrol_again_whom_staff_withdrew(run, wanjiku, ksg_staff, hr_ict):
    enrollment = enrol(wanjiku, run).enrollment
    services.enrollment_withdraw(enrollment=enrollment, by=ksg_staff, reason="Duplicate record")

    with pytest.raises(services.EnrolmentRefused) as caught:
        services.enrollment_create(officer=wanjiku, cohort=run, by=hr_ict, preapproved=True)
    assert caught.value.code == "withdrawn_by_staff"
    assert caught.value.message == (
        "KSG staff withdrew the officer from this cohort; only they can enrol them again."
    )

    again = services.enrollment_create(officer=wanjiku, cohort=run, by=ksg_staff)
    assert again.enrollment.pk == enrollment.pk
    assert again.enrollment.state == State.ENROLLED
    assert again.enrollment.withdrawn_by is None


def test_refusals_speak_of_the_officer_to_whoever_enrols_them(run, hr_ict, state_department_ict):
    senior = make_officer(90, job_group="P", organisation=state_department_ict)

    with pytest.raises(services.EnrolmentRefused) as for_other:
        services.enrollment_create(officer=senior, cohort=run, by=hr_ict)
    with pytest.raises(services.EnrolmentRefused) as own:
        services.enrollment_create(officer=senior, cohort=run)

    assert for_other.value.message == ("This course is for job groups J to M; the officer's is P.")
    assert own.value.message == "This course is for job groups J to M; yours is P."


def test_re_enrolling_after_withdrawing_oneself_is_allowed(run, wanjiku):
    enrollment = enrol(wanjiku, run).enrollment
    services.enrollment_withdraw(enrollment=enrollment, by=wanjiku, reason="Changed my mind")

    again = enrol(wanjiku, run)

    assert again.created is True
    assert again.enrollment.pk == enrollment.pk  # one row per officer and cohort
    assert again.enrollment.state == State.ENROLLED
    assert again.enrollment.reason == ""
    (event,) = [e for e in events("enrollments.enrollment.enrolled") if e.data["from"]]
    assert event.data["from"] == "withdrawn"


def test_re_enrolling_into_a_full_cohort_goes_to_the_end_of_the_line(run, officers):
    first, *others = officers(6)
    enrol(first, run)
    for officer in others:
        enrol(officer, run)
    # first, o0, o1 seated; o2, o3, o4 waiting.
    enrollment = Enrollment.objects.get(officer=first)
    services.enrollment_withdraw(enrollment=enrollment, by=first, reason="Sick leave")
    assert waiting_list(run) == [(others[3].pk, 1), (others[4].pk, 2)]

    again = enrol(first, run).enrollment

    assert again.state == State.WAITLISTED
    assert again.waitlist_position == 3
    assert waiting_list(run) == [(others[3].pk, 1), (others[4].pk, 2), (first.pk, 3)]


# --- The waiting list ----------------------------------------------------------------------


def test_a_full_cohort_puts_officers_on_the_waiting_list_in_order(run, officers):
    fill(run, 3)
    people = officers(3)

    results = [enrol(officer, run) for officer in people]

    assert [r.enrollment.state for r in results] == [State.WAITLISTED] * 3
    assert [r.enrollment.waitlist_position for r in results] == [1, 2, 3]
    assert waiting_list(run) == [(o.pk, i) for i, o in enumerate(people, 1)]
    waitlisted = events("enrollments.enrollment.waitlisted")
    assert [e.data["to"] for e in waitlisted] == ["waitlisted"] * 3


def test_completed_and_not_completed_enrolments_hold_their_seats(run, wanjiku):
    fill(run, 2, state=State.COMPLETED)
    fill(run, 1, state=State.NOT_COMPLETED)

    assert enrol(wanjiku, run).enrollment.state == State.WAITLISTED


def test_requests_and_withdrawals_hold_no_seat(run, wanjiku):
    fill(run, 2, state=State.REQUESTED)
    fill(run, 2, state=State.WITHDRAWN)
    fill(run, 2)

    assert enrol(wanjiku, run).enrollment.state == State.ENROLLED


@pytest.fixture
def full(run, officers):
    """``run`` with its 3 seats taken by officers 0 to 2 and officers 3 to 6 waiting, in order."""
    people = officers(7)
    for officer in people:
        enrol(officer, run)
    return people


def test_withdrawing_a_seat_promotes_the_first_in_line(run, full, ksg_staff):
    seated = Enrollment.objects.get(officer=full[1])

    withdrawn = services.enrollment_withdraw(enrollment=seated, by=full[1], reason="Transferred")

    assert withdrawn.state == State.WITHDRAWN
    assert withdrawn.waitlist_position is None
    assert withdrawn.reason == "Transferred"
    assert withdrawn.withdrawn_by == full[1]
    assert enrolled(run) == {full[0].pk, full[2].pk, full[3].pk}
    assert waiting_list(run) == [(full[4].pk, 1), (full[5].pk, 2), (full[6].pk, 3)]


def test_withdrawing_from_the_waiting_list_closes_the_gap(run, full):
    waiting = Enrollment.objects.get(officer=full[4])  # second in line

    services.enrollment_withdraw(enrollment=waiting, by=full[4], reason="Found another course")

    assert enrolled(run) == {full[0].pk, full[1].pk, full[2].pk}
    assert waiting_list(run) == [(full[3].pk, 1), (full[5].pk, 2), (full[6].pk, 3)]
    waiting.refresh_from_db()
    assert waiting.state == State.WITHDRAWN
    assert waiting.waitlist_position is None


def test_withdrawing_the_last_in_line_leaves_the_others_alone(run, full):
    services.enrollment_withdraw(
        enrollment=Enrollment.objects.get(officer=full[6]), by=full[6], reason="No budget"
    )

    assert waiting_list(run) == [(full[3].pk, 1), (full[4].pk, 2), (full[5].pk, 3)]


def test_withdrawing_a_request_is_allowed(course, wanjiku):
    course.requires_approval = True
    course.save()
    request = enrol(wanjiku, cohort(course)).enrollment

    assert (
        services.enrollment_withdraw(enrollment=request, by=wanjiku, reason="No").state
        == State.WITHDRAWN
    )


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_withdrawal_needs_a_reason(run, full, reason):
    seated = Enrollment.objects.get(officer=full[0])
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        services.enrollment_withdraw(enrollment=seated, by=full[0], reason=reason)

    assert caught.value.code == "reason_required"
    assert caught.value.message == "Say why you are withdrawing."
    assert snapshot() == before


@pytest.mark.parametrize("starts_in", [0, -1])
def test_withdrawal_after_the_start_is_refused(course, wanjiku, starts_in):
    started = cohort(course, starts_in=starts_in)
    enrollment = EnrollmentFactory(officer=wanjiku, cohort=started)
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        services.enrollment_withdraw(enrollment=enrollment, by=wanjiku, reason="Too late")

    assert caught.value.code == "started"
    assert caught.value.message == "The cohort has started: ask KSG staff to withdraw you."
    assert snapshot() == before


@pytest.mark.parametrize("state", [State.WITHDRAWN, State.COMPLETED, State.NOT_COMPLETED])
def test_there_is_nothing_to_withdraw_from_a_finished_enrolment(run, wanjiku, state):
    enrollment = EnrollmentFactory(officer=wanjiku, cohort=run, state=state)
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        services.enrollment_withdraw(enrollment=enrollment, by=wanjiku, reason="Again")

    assert caught.value.code == "not_active"
    label = str(state.label).lower()
    assert caught.value.message == (
        f"This enrolment is {label}: there is nothing to withdraw from."
    )
    assert snapshot() == before


def test_withdrawal_reads_the_enrolment_afresh(run, full):
    """A stale copy (promoted since it was read) still frees the seat it now holds."""
    stale = Enrollment.objects.get(officer=full[3])  # first in line, read now
    services.enrollment_withdraw(
        enrollment=Enrollment.objects.get(officer=full[0]), by=full[0], reason="Ill"
    )

    services.enrollment_withdraw(enrollment=stale, by=full[3], reason="Changed plans")

    assert enrolled(run) == {full[1].pk, full[2].pk, full[4].pk}
    assert waiting_list(run) == [(full[5].pk, 1), (full[6].pk, 2)]


# --- Capacity ------------------------------------------------------------------------------


def test_raising_the_capacity_promotes_in_order(run, full, ksg_staff):
    promoted = services.cohort_change_capacity(cohort=run, capacity=5, by=ksg_staff)

    assert [e.officer_id for e in promoted] == [full[3].pk, full[4].pk]
    assert all(e.state == State.ENROLLED and e.waitlist_position is None for e in promoted)
    run.refresh_from_db()
    assert run.capacity == 5
    assert len(enrolled(run)) == 5
    assert waiting_list(run) == [(full[5].pk, 1), (full[6].pk, 2)]
    (event,) = events("courses.cohort.capacity_changed")
    assert event.actor == ksg_staff
    assert event.data == {"from": 3, "to": 5}


def test_raising_the_capacity_beyond_the_line_seats_everyone(run, full, ksg_staff):
    promoted = services.cohort_change_capacity(cohort=run, capacity=50, by=ksg_staff)

    assert [e.officer_id for e in promoted] == [o.pk for o in full[3:]]
    assert waiting_list(run) == []


def test_lowering_the_capacity_to_the_seats_taken_is_allowed(run, wanjiku, ksg_staff):
    enrol(wanjiku, run)

    assert services.cohort_change_capacity(cohort=run, capacity=1, by=ksg_staff) == []
    run.refresh_from_db()
    assert run.capacity == 1


@pytest.mark.parametrize("capacity, asking, taken", [(2, 3, 3), (1, 2, 2), (2, 7, 3)])
def test_capacity_below_the_seats_taken_is_refused(
    run, officers, ksg_staff, capacity, asking, taken
):
    # Those on the waiting list hold no seat: 7 asking for 3 seats is 3 taken.
    for officer in officers(asking):
        enrol(officer, run)
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        services.cohort_change_capacity(cohort=run, capacity=capacity, by=ksg_staff)

    assert caught.value.code == "capacity_below_taken"
    assert caught.value.message == (
        f"{taken} seats are taken: the capacity can't be lower than that."
    )
    assert snapshot() == before


@pytest.mark.parametrize("taken", [0, 2])
def test_a_cohort_needs_at_least_one_seat(run, officers, ksg_staff, taken):
    for officer in officers(taken):
        enrol(officer, run)
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        services.cohort_change_capacity(cohort=run, capacity=0, by=ksg_staff)

    assert caught.value.code == "capacity_too_small"
    assert caught.value.message == "A cohort needs at least one seat."
    assert snapshot() == before


def test_promoting_with_no_free_seat_does_nothing(run, full):
    before = snapshot()

    assert services.cohort_promote_waiting(cohort=run) == []
    assert snapshot() == before


def test_promoting_fills_seats_freed_behind_the_services_back(run, full):
    # A seat freed without the service (e.g. by an admin edit) is given out by the next call.
    Enrollment.objects.filter(officer=full[0]).update(state=State.WITHDRAWN)

    promoted = services.cohort_promote_waiting(cohort=run)

    assert [e.officer_id for e in promoted] == [full[3].pk]
    assert waiting_list(run) == [(full[4].pk, 1), (full[5].pk, 2), (full[6].pk, 3)]
    assert services.cohort_promote_waiting(cohort=run) == []


# --- The audit trail -----------------------------------------------------------------------


def test_every_change_of_state_is_audited(run, officers, ksg_staff):
    seated, waiting = officers(2)
    fill(run, 2)
    first = enrol(seated, run).enrollment
    second = enrol(waiting, run).enrollment
    services.enrollment_withdraw(enrollment=first, by=seated, reason="Posted to Kisumu")

    trail = [
        (e.action, e.actor_id, e.target_id, e.data)
        for e in AuditEvent.objects.filter(action__startswith="enrollments.").order_by("pk")
    ]
    assert trail == [
        (
            "enrollments.enrollment.enrolled",
            seated.pk,
            str(first.pk),
            {"from": "", "to": "enrolled", "cohort": "DUG-201-C1"},
        ),
        (
            "enrollments.enrollment.waitlisted",
            waiting.pk,
            str(second.pk),
            {"from": "", "to": "waitlisted", "cohort": "DUG-201-C1"},
        ),
        (
            "enrollments.enrollment.withdrawn",
            seated.pk,
            str(first.pk),
            {
                "from": "enrolled",
                "to": "withdrawn",
                "cohort": "DUG-201-C1",
                "reason": "Posted to Kisumu",
            },
        ),
        (
            "enrollments.enrollment.enrolled",
            seated.pk,
            str(second.pk),
            {"from": "waitlisted", "to": "enrolled", "cohort": "DUG-201-C1", "reason": ""},
        ),
    ]
    event = AuditEvent.objects.filter(action="enrollments.enrollment.withdrawn").get()
    assert event.target == first


def test_a_refusal_writes_no_audit_event(run, wanjiku):
    run.status = Cohort.Status.DRAFT
    run.save()

    with pytest.raises(EnrolmentRefused):
        enrol(wanjiku, run)

    assert not AuditEvent.objects.exists()


# --- Selectors -----------------------------------------------------------------------------


def test_enrollments_of_returns_only_the_officers_own(course, run, wanjiku, otieno):
    later = cohort(course, starts_in=90, code="DUG-201-C9")
    mine = EnrollmentFactory(officer=wanjiku, cohort=later, state=State.WITHDRAWN)
    first = enrol(wanjiku, cohort(course, starts_in=10, code="DUG-201-C0")).enrollment
    enrol(otieno, run)

    assert list(selectors.enrollments_of(wanjiku)) == [first, mine]  # soonest first
    assert [e.officer for e in selectors.enrollments_of(otieno)] == [otieno]


def test_enrollment_of_finds_ones_own(run, wanjiku):
    enrollment = enrol(wanjiku, run).enrollment

    assert selectors.enrollment_of(wanjiku, enrollment.pk) == enrollment


def test_enrollment_of_someone_else_is_not_found(run, wanjiku, otieno):
    enrollment = enrol(wanjiku, run).enrollment

    with pytest.raises(Http404):
        selectors.enrollment_of(otieno, enrollment.pk)
    with pytest.raises(Http404):
        selectors.enrollment_of(otieno, enrollment.pk + 1000)


def test_enrollment_in_cohort(run, wanjiku, otieno):
    enrollment = enrol(wanjiku, run).enrollment

    assert selectors.enrollment_in_cohort(wanjiku, run.pk) == enrollment
    assert selectors.enrollment_in_cohort(otieno, run.pk) is None


def test_my_learning_groups_the_enrolments_and_totals_cpd_hours(ksg, wanjiku, otieno):
    def course_of(code, hours):
        return CourseFactory(code=code, cpd_hours=hours, provider=ksg)

    def one(code, hours, state, starts_in, officer=wanjiku):
        return EnrollmentFactory(
            officer=officer, cohort=cohort(course_of(code, hours), starts_in=starts_in), state=state
        )

    current = one("CUR-1", 10, State.ENROLLED, -1)
    upcoming = one("UPC-1", 10, State.ENROLLED, 20)
    waiting = [
        one("WAI-1", 10, State.WAITLISTED, 20),
        one("WAI-2", 10, State.REQUESTED, 25),
        one("WAI-3", 10, State.APPROVED, 30),
    ]
    older = one("DON-1", 12, State.COMPLETED, -200)
    newer = one("DON-2", 18, State.COMPLETED, -100)
    ended = [one("END-1", 40, State.WITHDRAWN, 5), one("END-2", 40, State.NOT_COMPLETED, -50)]
    one("OTH-1", 99, State.COMPLETED, -30, officer=otieno)

    learning = selectors.my_learning(wanjiku)

    assert learning.current == [current]
    assert learning.upcoming == [upcoming]
    assert learning.waiting == waiting
    assert learning.completed == [newer, older]  # most recent first
    assert learning.ended == ended
    assert learning.cpd_hours == 30


def test_my_learning_of_a_new_officer_is_empty(wanjiku):
    learning = selectors.my_learning(wanjiku)

    assert (learning.current, learning.upcoming, learning.waiting, learning.completed) == (
        [],
        [],
        [],
        [],
    )
    assert learning.cpd_hours == 0


def test_a_cohort_starting_today_is_current(course, wanjiku):
    today = EnrollmentFactory(officer=wanjiku, cohort=cohort(course, starts_in=0))

    assert selectors.my_learning(wanjiku).current == [today]
    assert today.cohort.starts_on == timezone.localdate()
    assert isinstance(today.cohort.starts_on, datetime.date)
