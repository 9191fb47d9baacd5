"""Attendance, scores, results and closing a cohort (enrollments.results), rule by rule: the
course's completion rule at its boundaries, overrides, closing, who may do what, and each refusal
with its code, nothing changed."""

import datetime

import pytest
from django.utils import timezone

from academy.models import AuditEvent
from courses.cache import catalogue_version
from courses.models import Cohort
from enrollments import results
from enrollments.models import Attendance, Enrollment
from enrollments.services import EnrolmentRefused
from tests.courses.conftest import cohort
from tests.enrollments.conftest import attend, monday, seat, snapshot, week_cohort
from tests.factories import MembershipFactory, UserFactory

State = Enrollment.State


@pytest.fixture
def ended(course):
    """A cohort that met from Monday to Friday two weeks ago."""
    return week_cohort(course)


@pytest.fixture
def running(course):
    """A cohort that started a week ago and ends in a week."""
    return cohort(
        course,
        starts_in=-7,
        ends_on=timezone.localdate() + datetime.timedelta(days=7),
        capacity=10,
        code="DUG-201-R",
    )


def state_of(enrollment) -> Enrollment:
    enrollment.refresh_from_db()
    return enrollment


def refused(call, **kwargs) -> EnrolmentRefused:
    """The refusal of ``call(**kwargs)``; asserts that nothing changed."""
    before = snapshot()
    with pytest.raises(EnrolmentRefused) as caught:
        call(**kwargs)
    assert snapshot() == before
    return caught.value


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


@pytest.fixture
def other_trainer(db):
    user = UserFactory(email="other.trainer@ksg.demo.ac.ke", full_name="Other Trainer")
    MembershipFactory(user=user, role="facilitator")
    return user


# --- Attendance ----------------------------------------------------------------------------


def test_a_day_is_recorded_for_every_officer_holding_a_seat(ended, ksg_staff):
    present, absent = seat(ended, 1), seat(ended, 2)
    decided = seat(ended, 3, state=State.COMPLETED)
    waiting = seat(ended, 4, state=State.WAITLISTED)
    day = ended.starts_on

    saved = results.attendance_record(
        cohort=ended, by=ksg_staff, day=day, present_ids={present.pk, decided.pk}
    )

    assert (saved.present, saved.absent, saved.changed) == (2, 1, 3)
    marks = dict(Attendance.objects.filter(day=day).values_list("enrollment_id", "present"))
    assert marks == {present.pk: True, absent.pk: False, decided.pk: True}
    assert waiting.pk not in marks
    assert Attendance.objects.get(enrollment=present).recorded_by == ksg_staff
    (event,) = events("enrollments.attendance.recorded")
    assert event.actor == ksg_staff
    assert event.target == ended
    assert event.data == {
        "cohort": ended.code,
        "day": day.isoformat(),
        "present": 2,
        "absent": 1,
        "changed": 3,
    }


def test_saving_a_day_again_overwrites_it(ended, ksg_staff, trainer):
    ended.facilitators.add(trainer)
    first, second = seat(ended, 1), seat(ended, 2)
    day = ended.starts_on
    results.attendance_record(cohort=ended, by=ksg_staff, day=day, present_ids={first.pk})

    saved = results.attendance_record(cohort=ended, by=trainer, day=day, present_ids={second.pk})

    assert saved.changed == 2
    marks = dict(Attendance.objects.filter(day=day).values_list("enrollment_id", "present"))
    assert marks == {first.pk: False, second.pk: True}
    assert Attendance.objects.count() == 2
    assert Attendance.objects.get(enrollment=second).recorded_by == trainer


def test_saving_the_same_day_unchanged_writes_no_event(ended, ksg_staff):
    first = seat(ended, 1)
    day = ended.starts_on
    results.attendance_record(cohort=ended, by=ksg_staff, day=day, present_ids={first.pk})
    saved = results.attendance_record(cohort=ended, by=ksg_staff, day=day, present_ids={first.pk})
    assert saved.changed == 0
    assert len(events("enrollments.attendance.recorded")) == 1


def test_a_day_still_to_come_is_refused(running, ksg_staff):
    enrollment = seat(running, 1)
    tomorrow_or_later = next(d for d in running.session_days() if d > timezone.localdate())
    refusal = refused(
        results.attendance_record,
        cohort=running,
        by=ksg_staff,
        day=tomorrow_or_later,
        present_ids={enrollment.pk},
    )
    assert refusal.code == "future_day"
    assert tomorrow_or_later.isoformat() in refusal.message


@pytest.mark.parametrize("offset", [5, -1, 30])  # a Saturday, the day before, a month after
def test_a_day_that_is_not_a_session_day_is_refused(ended, ksg_staff, offset):
    enrollment = seat(ended, 1)
    day = ended.starts_on + datetime.timedelta(days=offset)
    refusal = refused(
        results.attendance_record, cohort=ended, by=ksg_staff, day=day, present_ids={enrollment.pk}
    )
    assert refusal.code == "not_a_session_day"


def test_another_cohorts_enrolment_ids_are_refused_and_nothing_is_saved(course, ended, ksg_staff):
    mine = seat(ended, 1)
    elsewhere = seat(week_cohort(course, weeks_from_now=-4, code="DUG-201-OTHER"), 2)
    refusal = refused(
        results.attendance_record,
        cohort=ended,
        by=ksg_staff,
        day=ended.starts_on,
        present_ids={mine.pk, elsewhere.pk},
    )
    assert refusal.code == "unknown_enrolment"
    assert str(elsewhere.pk) in refusal.message
    assert not Attendance.objects.exists()


def test_someone_waiting_for_a_seat_cannot_be_marked_present(ended, ksg_staff):
    seat(ended, 1)
    waiting = seat(ended, 2, state=State.WAITLISTED)
    refusal = refused(
        results.attendance_record,
        cohort=ended,
        by=ksg_staff,
        day=ended.starts_on,
        present_ids={waiting.pk},
    )
    assert refusal.code == "unknown_enrolment"


def test_a_cohort_nobody_holds_a_seat_in_has_no_attendance(ended, ksg_staff):
    refusal = refused(
        results.attendance_record, cohort=ended, by=ksg_staff, day=ended.starts_on, present_ids=()
    )
    assert refusal.code == "no_officers"


def test_a_facilitator_records_their_own_cohort_only(ended, course, trainer, other_trainer):
    ended.facilitators.add(trainer)
    week_cohort(course, weeks_from_now=-4, code="DUG-201-X").facilitators.add(other_trainer)
    enrollment = seat(ended, 1)
    refusal = refused(
        results.attendance_record,
        cohort=ended,
        by=other_trainer,
        day=ended.starts_on,
        present_ids={enrollment.pk},
    )
    assert refusal.code == "not_your_cohort"
    results.attendance_record(
        cohort=ended, by=trainer, day=ended.starts_on, present_ids={enrollment.pk}
    )
    assert Attendance.objects.get().present


@pytest.mark.parametrize("persona", ["wanjiku", "hr_ict", "huawei_reviewer"])
def test_nobody_else_records_attendance(request, ended, persona):
    enrollment = seat(ended, 1)
    refusal = refused(
        results.attendance_record,
        cohort=ended,
        by=request.getfixturevalue(persona),
        day=ended.starts_on,
        present_ids={enrollment.pk},
    )
    assert refusal.code == "not_your_cohort"


@pytest.mark.parametrize(
    ("status", "code"),
    [(Cohort.Status.CLOSED, "cohort_closed"), (Cohort.Status.CANCELLED, "cohort_not_running")],
)
def test_a_closed_or_cancelled_cohort_takes_no_attendance(ended, ksg_staff, status, code):
    enrollment = seat(ended, 1)
    ended.status = status
    ended.save()
    refusal = refused(
        results.attendance_record,
        cohort=ended,
        by=ksg_staff,
        day=ended.starts_on,
        present_ids={enrollment.pk},
    )
    assert refusal.code == code


def test_an_unrecorded_day_counts_as_absent(ended):
    enrollment = seat(ended, 1)
    day = ended.starts_on
    Attendance.objects.create(enrollment=enrollment, day=day, present=True)
    Attendance.objects.create(
        enrollment=enrollment, day=day + datetime.timedelta(days=1), present=True
    )
    assert results.attendance_percent(enrollment) == 40.0  # 2 of 5, three days not recorded


def test_the_percentage_has_one_decimal(course):
    start = monday(-3)
    three_days = cohort(
        course,
        starts_in=(start - timezone.localdate()).days,
        ends_on=start + datetime.timedelta(days=2),
        code="DUG-201-3",
    )
    enrollment = seat(three_days, 1)
    attend(enrollment, 2)
    assert results.attendance_percent(enrollment) == 66.7


# --- Scores --------------------------------------------------------------------------------


def test_scores_are_recorded_and_audited(ended, ksg_staff):
    first, second = seat(ended, 1), seat(ended, 2, score=40)
    changed = results.scores_record(
        cohort=ended, by=ksg_staff, scores={first.pk: 75, second.pk: 40}
    )
    assert changed == 1
    assert state_of(first).score == 75
    (event,) = events("enrollments.enrollment.score_recorded")
    assert event.target == first
    assert event.data == {"from": None, "to": 75, "cohort": ended.code}


@pytest.mark.parametrize("score", [-1, 101, "75", True])
def test_a_score_outside_0_to_100_is_refused(ended, ksg_staff, score):
    first, second = seat(ended, 1), seat(ended, 2)
    refusal = refused(
        results.scores_record, cohort=ended, by=ksg_staff, scores={first.pk: 60, second.pk: score}
    )
    assert refusal.code == "score_out_of_range"
    assert "0 to 100" in refusal.message


def test_a_decided_result_keeps_its_score(ended, ksg_staff):
    decided = seat(ended, 1, state=State.COMPLETED, score=70)
    refusal = refused(results.score_record, enrollment=decided, by=ksg_staff, score=20)
    assert refusal.code == "already_decided"


def test_scores_of_another_cohort_are_refused(course, ended, ksg_staff):
    elsewhere = seat(week_cohort(course, weeks_from_now=-4, code="DUG-201-OTHER"), 2)
    refusal = refused(results.scores_record, cohort=ended, by=ksg_staff, scores={elsewhere.pk: 50})
    assert refusal.code == "unknown_enrolment"


def test_a_facilitator_of_another_cohort_records_no_score(ended, other_trainer):
    enrollment = seat(ended, 1)
    refusal = refused(results.score_record, enrollment=enrollment, by=other_trainer, score=50)
    assert refusal.code == "not_your_cohort"


# --- The course's rule ---------------------------------------------------------------------


def set_rule(cohort_, *, minimum=80, pass_mark=None):
    course = cohort_.course
    course.min_attendance_percent = minimum
    course.pass_mark = pass_mark
    course.save()


def decide(enrollment, by, **kwargs):
    return results.enrollment_complete(enrollment=enrollment, by=by, **kwargs)


@pytest.mark.parametrize(
    ("present_days", "state"),
    [
        (5, State.COMPLETED),
        (4, State.COMPLETED),
        (3, State.NOT_COMPLETED),
        (0, State.NOT_COMPLETED),
    ],
)
def test_attendance_at_exactly_the_minimum_completes(ended, ksg_staff, present_days, state):
    set_rule(ended, minimum=80)
    enrollment = seat(ended, 1)
    attend(enrollment, present_days)

    decided = decide(enrollment, ksg_staff)

    assert decided.state == state
    decided = state_of(enrollment)
    assert decided.state == state
    assert decided.result_recorded_by == ksg_staff
    assert decided.result_recorded_at is not None
    assert not decided.result_overridden


def test_the_rule_compares_exactly_not_rounded(ended, ksg_staff):
    set_rule(ended, minimum=61)  # 3 of 5 days is 60 %: not enough, however it is rounded
    enrollment = seat(ended, 1)
    attend(enrollment, 3)
    assert decide(enrollment, ksg_staff).state == State.NOT_COMPLETED


@pytest.mark.parametrize(
    ("score", "state"), [(100, State.COMPLETED), (50, State.COMPLETED), (49, State.NOT_COMPLETED)]
)
def test_a_score_at_exactly_the_pass_mark_completes(ended, ksg_staff, score, state):
    set_rule(ended, minimum=80, pass_mark=50)
    enrollment = seat(ended, 1, score=score)
    attend(enrollment, 5)
    assert decide(enrollment, ksg_staff).state == state


def test_enough_score_does_not_make_up_for_attendance(ended, ksg_staff):
    set_rule(ended, minimum=80, pass_mark=50)
    enrollment = seat(ended, 1, score=95)
    attend(enrollment, 3)
    assert decide(enrollment, ksg_staff).state == State.NOT_COMPLETED


def test_without_a_pass_mark_attendance_alone_decides(ended, ksg_staff):
    set_rule(ended, minimum=80, pass_mark=None)
    enrollment = seat(ended, 1)
    attend(enrollment, 4)
    assert decide(enrollment, ksg_staff).state == State.COMPLETED


def test_a_missing_score_is_refused_when_the_course_has_a_pass_mark(ended, ksg_staff):
    set_rule(ended, pass_mark=50)
    enrollment = seat(ended, 1)
    attend(enrollment, 5)
    refusal = refused(decide, enrollment=enrollment, by=ksg_staff)
    assert refusal.code == "score_missing"
    assert "50" in refusal.message


def test_a_score_given_with_the_decision_is_recorded_first(ended, ksg_staff):
    set_rule(ended, pass_mark=50)
    enrollment = seat(ended, 1)
    attend(enrollment, 5)
    decided = decide(enrollment, ksg_staff, score=60)
    assert (decided.state, decided.score) == (State.COMPLETED, 60)
    assert [e.data["to"] for e in events("enrollments.enrollment.score_recorded")] == [60]


def test_a_refused_decision_keeps_the_score_given_with_it(running, ksg_staff):
    enrollment = seat(running, 1, score=30)
    refusal = refused(decide, enrollment=enrollment, by=ksg_staff, score=90)
    assert refusal.code == "cohort_not_ended"
    assert state_of(enrollment).score == 30


def test_the_decision_is_audited_with_attendance_and_score(ended, ksg_staff):
    set_rule(ended, pass_mark=50)
    enrollment = seat(ended, 1, score=70)
    attend(enrollment, 4)
    decide(enrollment, ksg_staff)
    (event,) = events("enrollments.enrollment.completed")
    assert event.actor == ksg_staff
    assert event.target == enrollment
    assert event.data == {
        "from": "enrolled",
        "to": "completed",
        "cohort": ended.code,
        "reason": "",
        "attendance_percent": 80.0,
        "score": 70,
    }


def test_results_are_decided_from_the_last_day_on(running, ksg_staff):
    enrollment = seat(running, 1)
    refusal = refused(decide, enrollment=enrollment, by=ksg_staff)
    assert refusal.code == "cohort_not_ended"
    running.ends_on = timezone.localdate()
    running.save()
    assert decide(enrollment, ksg_staff).state == State.NOT_COMPLETED


def test_only_staff_decide_results(ended, trainer):
    ended.facilitators.add(trainer)
    enrollment = seat(ended, 1)
    attend(enrollment, 5)
    assert refused(decide, enrollment=enrollment, by=trainer).code == "staff_only"


@pytest.mark.parametrize("state", [State.WAITLISTED, State.WITHDRAWN, State.REQUESTED])
def test_only_an_officer_with_a_seat_gets_a_result(ended, ksg_staff, state):
    enrollment = seat(ended, 1, state=state)
    assert refused(decide, enrollment=enrollment, by=ksg_staff).code == "not_enrolled"
    refusal = refused(decide, enrollment=enrollment, by=ksg_staff, completed=True, reason="x")
    assert refusal.code == "not_enrolled"


def test_a_decided_result_is_not_decided_again_by_the_rule(ended, ksg_staff):
    enrollment = seat(ended, 1, state=State.NOT_COMPLETED)
    attend(enrollment, 5)
    refusal = refused(decide, enrollment=enrollment, by=ksg_staff)
    assert refusal.code == "already_decided"
    assert "Override" in refusal.message


# --- Overrides -----------------------------------------------------------------------------


def test_staff_override_the_rule_with_a_reason(ended, ksg_staff):
    enrollment = seat(ended, 1)
    attend(enrollment, 2)

    decided = decide(
        enrollment, ksg_staff, completed=True, reason="  Hospitalised; made up online "
    )

    assert decided.state == State.COMPLETED
    decided = state_of(enrollment)
    assert decided.result_overridden
    assert decided.reason == "Hospitalised; made up online"
    (event,) = events("enrollments.enrollment.completed")
    assert event.data["overridden"] is True
    assert event.data["reason"] == "Hospitalised; made up online"
    assert event.data["attendance_percent"] == 40.0


def test_an_override_needs_a_reason(ended, ksg_staff):
    enrollment = seat(ended, 1)
    refusal = refused(decide, enrollment=enrollment, by=ksg_staff, completed=True, reason="  ")
    assert refusal.code == "reason_required"


def test_only_staff_override(ended, trainer):
    ended.facilitators.add(trainer)
    enrollment = seat(ended, 1)
    refusal = refused(decide, enrollment=enrollment, by=trainer, completed=True, reason="Good")
    assert refusal.code == "staff_only"


def test_an_override_changes_a_result_already_recorded(ended, ksg_staff):
    enrollment = seat(ended, 1)
    attend(enrollment, 5)
    decide(enrollment, ksg_staff)
    decided = decide(enrollment, ksg_staff, completed=False, reason="Plagiarised the project")
    assert decided.state == State.NOT_COMPLETED
    event = events("enrollments.enrollment.not_completed")[-1]
    assert (event.data["from"], event.data["to"]) == ("completed", "not_completed")


def test_an_override_may_come_before_the_end_but_not_before_the_start(course, running, ksg_staff):
    enrollment = seat(running, 1)
    assert decide(enrollment, ksg_staff, completed=True, reason="Exempted").state == (
        State.COMPLETED
    )
    future = week_cohort(course, weeks_from_now=3, code="DUG-201-F")
    later = seat(future, 2)
    refusal = refused(decide, enrollment=later, by=ksg_staff, completed=True, reason="Exempted")
    assert refusal.code == "cohort_not_started"


# --- Closing -------------------------------------------------------------------------------


def test_closing_decides_by_the_rule_and_marks_the_rest_not_completed(ended, ksg_staff):
    set_rule(ended, minimum=80, pass_mark=50)
    passed = seat(ended, 1, score=50)
    attend(passed, 4)
    low_attendance = seat(ended, 2, score=90)
    attend(low_attendance, 3)
    low_score = seat(ended, 3, score=49)
    attend(low_score, 5)
    no_score = seat(ended, 4)
    attend(no_score, 5)
    never_recorded = seat(ended, 5, score=80)
    overridden = seat(ended, 6, state=State.COMPLETED, result_overridden=True, reason="Exempted")

    closed = results.cohort_close(cohort=ended, by=ksg_staff)

    assert (closed.completed, closed.not_completed, closed.withdrawn) == (1, 4, 0)
    assert state_of(passed).state == State.COMPLETED
    for enrollment in (low_attendance, low_score, no_score, never_recorded):
        assert state_of(enrollment).state == State.NOT_COMPLETED
        assert enrollment.result_recorded_by == ksg_staff
    assert state_of(overridden).state == State.COMPLETED
    assert overridden.result_overridden and overridden.reason == "Exempted"
    ended.refresh_from_db()
    assert ended.status == Cohort.Status.CLOSED


def test_closing_writes_an_event_per_officer_and_one_for_the_cohort(ended, ksg_staff):
    first, second = seat(ended, 1), seat(ended, 2)
    attend(first, 5)
    waiting = seat(ended, 3, state=State.WAITLISTED)

    results.cohort_close(cohort=ended, by=ksg_staff)

    (completed,) = events("enrollments.enrollment.completed")
    assert completed.target == first and completed.actor == ksg_staff
    assert completed.data["from"] == "enrolled" and completed.data["attendance_percent"] == 100.0
    (not_completed,) = events("enrollments.enrollment.not_completed")
    assert not_completed.target == second
    assert not_completed.data["attendance_percent"] == 0.0
    (withdrawn,) = events("enrollments.enrollment.withdrawn")
    assert withdrawn.target == waiting
    assert withdrawn.data["from"] == "waitlisted"
    assert ended.code in withdrawn.data["reason"]
    (event,) = events("courses.cohort.closed")
    assert event.target == ended
    assert event.data == {
        "from": "scheduled",
        "to": "closed",
        "cohort": ended.code,
        "completed": 1,
        "not_completed": 1,
        "withdrawn": 1,
    }


def test_closing_withdraws_whoever_is_still_in_line_and_tells_them(
    ended, ksg_staff, mailoutbox, django_capture_on_commit_callbacks
):
    first = seat(ended, 1, state=State.WAITLISTED, waitlist_position=1)
    second = seat(ended, 2, state=State.WAITLISTED, waitlist_position=2)
    request = seat(ended, 3, state=State.REQUESTED)
    approved = seat(ended, 4, state=State.APPROVED)
    declined = seat(ended, 5, state=State.DECLINED)
    with django_capture_on_commit_callbacks(execute=True):
        closed = results.cohort_close(cohort=ended, by=ksg_staff)

    assert closed.withdrawn == 4
    for enrollment in (first, second, request, approved):
        state_of(enrollment)
        assert enrollment.state == State.WITHDRAWN
        assert enrollment.waitlist_position is None
        assert "closed" in enrollment.reason
    assert state_of(declined).state == State.DECLINED
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        e.officer.email for e in (first, second, request, approved)
    )


def test_closing_changes_the_catalogue_version(ended, ksg_staff):
    seat(ended, 1)
    before = catalogue_version()
    results.cohort_close(cohort=ended, by=ksg_staff)
    assert catalogue_version() != before


def test_closing_twice_is_refused(ended, ksg_staff):
    seat(ended, 1)
    results.cohort_close(cohort=ended, by=ksg_staff)
    refusal = refused(results.cohort_close, cohort=ended, by=ksg_staff)
    assert refusal.code == "already_closed"


def test_a_cohort_closes_on_its_last_day_not_before(running, ksg_staff):
    seat(running, 1)
    refusal = refused(results.cohort_close, cohort=running, by=ksg_staff)
    assert refusal.code == "cohort_not_ended"
    running.ends_on = timezone.localdate()
    running.save()
    assert results.cohort_close(cohort=running, by=ksg_staff).not_completed == 1


def test_facilitators_cannot_close(ended, trainer):
    ended.facilitators.add(trainer)
    seat(ended, 1)
    assert refused(results.cohort_close, cohort=ended, by=trainer).code == "staff_only"


def test_a_cancelled_cohort_is_not_closed(ended, ksg_staff):
    ended.status = Cohort.Status.CANCELLED
    ended.save()
    assert refused(results.cohort_close, cohort=ended, by=ksg_staff).code == "cohort_not_running"


def test_after_closing_only_an_override_changes_anything(ended, ksg_staff):
    enrollment = seat(ended, 1)
    results.cohort_close(cohort=ended, by=ksg_staff)
    assert (
        refused(
            results.attendance_record,
            cohort=ended,
            by=ksg_staff,
            day=ended.starts_on,
            present_ids={enrollment.pk},
        ).code
        == "cohort_closed"
    )
    assert (
        refused(results.score_record, enrollment=enrollment, by=ksg_staff, score=90).code
        == "cohort_closed"
    )
    decided = decide(enrollment, ksg_staff, completed=True, reason="Attendance sheet was lost")
    assert decided.state == State.COMPLETED
    assert state_of(enrollment).result_overridden


def test_closing_a_large_cohort_takes_a_constant_number_of_queries(
    ended, ksg_staff, django_assert_max_num_queries
):
    for n in range(40):
        enrollment = seat(ended, n)
        attend(enrollment, n % 6)
    with django_assert_max_num_queries(20):
        closed = results.cohort_close(cohort=ended, by=ksg_staff)
    assert closed.completed + closed.not_completed == 40
    assert AuditEvent.objects.filter(action__startswith="enrollments.enrollment.").count() == 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_closings_at_once_close_the_cohort_once(ended, ksg_staff):
    from tests.enrollments.conftest import at_once

    for n in range(5):
        attend(seat(ended, n), n)

    outcomes = at_once([lambda: results.cohort_close(cohort=ended, by=ksg_staff)] * 2)

    closed = [o for o in outcomes if isinstance(o, results.CohortClosed)]
    refusals = [o.code for o in outcomes if isinstance(o, EnrolmentRefused)]
    assert len(closed) == 1 and refusals == ["already_closed"]
    assert (closed[0].completed, closed[0].not_completed) == (1, 4)
    assert len(events("courses.cohort.closed")) == 1
    decided = AuditEvent.objects.filter(
        action__in=["enrollments.enrollment.completed", "enrollments.enrollment.not_completed"]
    )
    assert decided.count() == 5
