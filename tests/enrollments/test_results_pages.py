"""The pages of attendance and results: who may open them, the register, the scores, closing a
cohort and overriding a result, all as plain HTML forms (no JavaScript); bad input is a 400 with
its message and changes nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academy.models import AuditEvent
from courses.models import Cohort
from enrollments import results
from enrollments.models import Attendance, Enrollment
from tests.courses.conftest import cohort
from tests.enrollments.conftest import attend, make_officer, seat, snapshot, week_cohort
from tests.factories import MembershipFactory, UserFactory

State = Enrollment.State


@pytest.fixture
def ended(course, trainer):
    """A cohort that met Monday to Friday two weeks ago, facilitated by ``trainer``."""
    run = week_cohort(course)
    run.facilitators.add(trainer)
    return run


@pytest.fixture
def other(course):
    """A cohort of someone else: ``trainer`` does not facilitate it."""
    return week_cohort(course, weeks_from_now=-4, code="DUG-201-OTHER")


@pytest.fixture
def running(course, trainer):
    run = cohort(
        course,
        starts_in=-7,
        ends_on=timezone.localdate() + datetime.timedelta(days=7),
        code="DUG-201-R",
        capacity=10,
    )
    run.facilitators.add(trainer)
    return run


def attendance_url(cohort_, day=None):
    url = reverse("enrollments:staff_attendance", args=[cohort_.pk])
    return f"{url}?day={day.isoformat()}" if day else url


def results_url(cohort_):
    return reverse("enrollments:staff_results", args=[cohort_.pk])


def close_url(cohort_):
    return reverse("enrollments:staff_close", args=[cohort_.pk])


def result_url(enrollment):
    return reverse("enrollments:staff_result", args=[enrollment.pk])


def register(cohort_, day, present, listed):
    return {
        "day": day.isoformat(),
        "present": [e.pk for e in present],
        "listed": [e.pk for e in listed],
    }


# --- Access --------------------------------------------------------------------------------


def test_the_anonymous_are_sent_to_sign_in(client, ended):
    enrollment = seat(ended, 1)
    for url in (
        attendance_url(ended),
        results_url(ended),
        close_url(ended),
        result_url(enrollment),
    ):
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302
            assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("persona", "own", "others"),
    [
        ("ksg_staff", 200, 200),
        ("trainer", 200, 404),
        ("wanjiku", 403, 403),
        ("otieno", 403, 403),
        ("hr_ict", 403, 403),
        ("hr_treasury", 403, 403),
        ("huawei_reviewer", 403, 403),
    ],
)
def test_who_opens_the_register_and_the_results(
    client, request, ended, other, persona, own, others
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(attendance_url(ended)).status_code == own
    assert client.get(results_url(ended)).status_code == own
    assert client.get(attendance_url(other)).status_code == others
    assert client.get(results_url(other)).status_code == others


@pytest.mark.parametrize(
    ("persona", "own", "others"),
    [
        ("ksg_staff", 200, 200),
        ("trainer", 403, 404),
        ("wanjiku", 403, 403),
        ("hr_ict", 403, 403),
        ("hr_treasury", 403, 403),
        ("huawei_reviewer", 403, 403),
    ],
)
def test_only_staff_close_cohorts_and_override_results(
    client, request, ended, other, persona, own, others
):
    mine, theirs = seat(ended, 1), seat(other, 2)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(close_url(ended)).status_code == own
    assert client.get(result_url(mine)).status_code == own
    assert client.get(close_url(other)).status_code == others
    assert client.get(result_url(theirs)).status_code == others
    before = snapshot()
    if own != 200:
        assert client.post(close_url(ended), {"confirm": "on"}).status_code == own
        data = {"result-decision": "completed", "result-reason": "Because"}
        assert client.post(result_url(mine), data).status_code == own
        assert snapshot() == before


def test_a_facilitator_of_another_cohort_is_denied(client, ended, other):
    outsider = UserFactory(email="other.trainer@ksg.demo.ac.ke")
    MembershipFactory(user=outsider, role="facilitator")
    other.facilitators.add(outsider)
    enrollment = seat(ended, 1)
    client.force_login(outsider)
    assert client.get(attendance_url(ended)).status_code == 404
    assert client.get(results_url(ended)).status_code == 404
    data = register(ended, ended.starts_on, [enrollment], [enrollment])
    assert client.post(attendance_url(ended), data).status_code == 404
    assert client.post(results_url(ended), {f"score_{enrollment.pk}": 90}).status_code == 404
    assert not Attendance.objects.exists()
    assert client.get(attendance_url(other)).status_code == 200


def test_draft_cohorts_have_no_register(client, ksg_staff, course):
    draft = week_cohort(course, code="DUG-201-D", status=Cohort.Status.DRAFT)
    client.force_login(ksg_staff)
    assert client.get(attendance_url(draft)).status_code == 404
    assert client.get(results_url(draft)).status_code == 404


# --- The register --------------------------------------------------------------------------


def test_the_register_works_as_a_plain_form(client, trainer, ended):
    present, absent = seat(ended, 1), seat(ended, 2)
    waiting = seat(ended, 3, state=State.WAITLISTED)
    day = ended.starts_on + datetime.timedelta(days=1)
    client.force_login(trainer)

    page = client.get(attendance_url(ended, day)).content.decode()

    assert "<fieldset>" in page and "<legend>" in page
    assert f'<label for="present-{present.pk}">' in page
    assert f'id="present-{present.pk}"' in page and f'id="present-{absent.pk}"' in page
    assert f'id="present-{waiting.pk}"' not in page
    assert "<caption" in page and 'scope="col"' in page and 'scope="row"' in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]

    response = client.post(
        attendance_url(ended), register(ended, day, [present], [present, absent])
    )

    assert response.status_code == 302
    assert response["Location"] == attendance_url(ended, day)
    marks = dict(Attendance.objects.values_list("enrollment_id", "present"))
    assert marks == {present.pk: True, absent.pk: False}
    page = client.get(response["Location"]).content.decode()
    assert "2 present" not in page  # the message counts this save
    assert "1 present, 1 absent" in page
    assert f'id="present-{present.pk}" checked' in page
    assert "1 of 5 days (20%)" in page
    assert "0 of 5 days (0%)" in page


def test_the_register_offers_every_session_day(client, ksg_staff, ended):
    seat(ended, 1)
    client.force_login(ksg_staff)
    page = client.get(attendance_url(ended)).content.decode()
    for day in ended.session_days():
        assert f'value="{day.isoformat()}"' in page
    saturday = ended.starts_on + datetime.timedelta(days=5)
    assert f'value="{saturday.isoformat()}"' not in page


def test_a_day_that_is_not_a_session_day_is_explained(client, ksg_staff, ended):
    seat(ended, 1)
    client.force_login(ksg_staff)
    response = client.get(attendance_url(ended) + "?day=2001-01-01")
    assert response.status_code == 200
    assert "2001-01-01 is not a session day of this cohort" in response.content.decode()
    response = client.get(attendance_url(ended) + "?day=rubbish")
    assert "rubbish is not a session day" in response.content.decode()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2001-01-01", "2001-01-01 is not a session day of this cohort."),
        ("", "Choose the session day to record."),
    ],
)
def test_a_bad_day_is_a_400_and_saves_nothing(client, ksg_staff, ended, day, message):
    enrollment = seat(ended, 1)
    client.force_login(ksg_staff)
    before = snapshot()
    data = {"day": day, "present": [enrollment.pk], "listed": [enrollment.pk]}
    response = client.post(attendance_url(ended), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


def test_a_day_still_to_come_is_a_400_and_saves_nothing(client, trainer, running):
    enrollment = seat(running, 1)
    future = next(d for d in running.session_days() if d > timezone.localdate())
    client.force_login(trainer)
    page = client.get(attendance_url(running, future)).content.decode()
    assert "This day is still to come" in page
    assert 'name="present"' not in page
    before = snapshot()
    response = client.post(
        attendance_url(running), register(running, future, [enrollment], [enrollment])
    )
    assert response.status_code == 400
    assert f"{future.isoformat()} is still to come" in response.content.decode()
    assert snapshot() == before


def test_another_cohorts_officers_are_a_400_and_save_nothing(client, ksg_staff, ended, other):
    mine, theirs = seat(ended, 1), seat(other, 2)
    client.force_login(ksg_staff)
    before = snapshot()
    response = client.post(
        attendance_url(ended), register(ended, ended.starts_on, [mine, theirs], [mine])
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Only officers holding a seat in this cohort can be marked present." in page
    assert snapshot() == before


def test_a_register_opened_before_the_roster_changed_is_shown_again(client, ksg_staff, ended):
    first = seat(ended, 1)
    latecomer = seat(ended, 2)
    client.force_login(ksg_staff)
    before = snapshot()
    response = client.post(
        attendance_url(ended), register(ended, ended.starts_on, [first], [first])
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "changed since you opened the register" in page
    assert f'id="present-{latecomer.pk}"' in page
    assert f'id="present-{first.pk}" checked' in page  # what was ticked is kept
    assert snapshot() == before


def test_a_closed_cohort_shows_its_register_read_only(client, ksg_staff, ended):
    enrollment = seat(ended, 1)
    Attendance.objects.create(enrollment=enrollment, day=ended.starts_on, present=True)
    ended.status = Cohort.Status.CLOSED
    ended.save()
    client.force_login(ksg_staff)
    page = client.get(attendance_url(ended, ended.starts_on)).content.decode()
    assert "its attendance no longer changes" in page
    assert 'name="present"' not in page
    assert "Present" in page
    response = client.post(
        attendance_url(ended), register(ended, ended.starts_on, [], [enrollment])
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Cohort {ended.code} is closed: its attendance and results no longer change." in page
    assert Attendance.objects.get().present


def test_the_register_takes_the_same_queries_for_many_officers(client, ksg_staff, ended):
    client.force_login(ksg_staff)

    def count(n_officers):
        for n in range(Enrollment.objects.count(), n_officers):
            attend(seat(ended, n), n % 5)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(attendance_url(ended, ended.starts_on)).status_code == 200
        return len(queries)

    assert count(3) == count(30)


# --- Results and scores --------------------------------------------------------------------


def set_rule(cohort_, *, minimum=80, pass_mark=None):
    course = cohort_.course
    course.min_attendance_percent = minimum
    course.pass_mark = pass_mark
    course.save()


def test_the_results_page_shows_attendance_scores_and_the_rule(client, trainer, ended):
    set_rule(ended, pass_mark=50)
    good = seat(ended, 1, score=70)
    attend(good, 4)
    absent = seat(ended, 2, score=90)
    attend(absent, 1)
    unscored = seat(ended, 3)
    attend(unscored, 5)
    done = seat(ended, 4, state=State.COMPLETED, score=88, result_overridden=True)
    client.force_login(trainer)

    page = client.get(results_url(ended)).content.decode()

    assert "4 of 5 days (80%)" in page
    assert "Present on at least 80% of the 5 session days, and a score of at least 50." in page
    assert "Not completed: attendance 20%, below the minimum of 80%" in page
    assert "No decision yet: the score is missing (pass mark 50)." in page
    assert f'name="score_{good.pk}"' in page and 'value="70"' in page
    assert f'name="score_{done.pk}"' not in page  # decided: changes by override only
    assert "overridden" in page
    assert f'<label for="id_score_{unscored.pk}" class="visually-hidden">' in page
    assert 'type="number"' in page and 'min="0"' in page and 'max="100"' in page
    assert "Close the cohort" not in page  # a facilitator does not close
    assert "KSG staff close the cohort once it has ended." in page


def test_scores_are_saved_from_the_results_page(client, trainer, ended):
    first, second = seat(ended, 1), seat(ended, 2, score=10)
    client.force_login(trainer)
    response = client.post(
        results_url(ended), {f"score_{first.pk}": "65", f"score_{second.pk}": ""}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.score, second.score) == (65, None)
    assert "2 scores saved." in client.get(results_url(ended)).content.decode()
    history = client.get(enrollment_url(first)).content.decode()
    assert "<strong>Assessment score recorded</strong> (65)" in history


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("101", "The score of Officer 2 can&#x27;t be above 100."),
        ("-3", "The score of Officer 2 can&#x27;t be below 0."),
        ("abc", "Enter the score of Officer 2 as a whole number from 0 to 100."),
        ("7.5", "Enter the score of Officer 2 as a whole number from 0 to 100."),
    ],
)
def test_a_bad_score_is_a_400_tied_to_its_field(client, ksg_staff, ended, value, message):
    first, second = seat(ended, 1), seat(ended, 2)
    client.force_login(ksg_staff)
    before = snapshot()
    response = client.post(
        results_url(ended), {f"score_{first.pk}": "80", f"score_{second.pk}": value}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'id="id_score_{second.pk}_error"' in page
    assert 'aria-invalid="true"' in page
    assert f'href="#id_score_{second.pk}"' in page
    assert snapshot() == before


def test_the_results_and_close_pages_take_the_same_queries_for_many_officers(
    client, ksg_staff, ended
):
    client.force_login(ksg_staff)

    def count(n_officers):
        for n in range(Enrollment.objects.count(), n_officers):
            attend(seat(ended, n, score=n if n % 3 else None), n % 5)
        sizes = []
        for url in (results_url(ended), close_url(ended)):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            sizes.append(len(queries))
        return sizes

    assert count(3) == count(30)


# --- Closing -------------------------------------------------------------------------------


def test_staff_close_an_ended_cohort_after_confirming(client, ksg_staff, ended):
    passed, failed = seat(ended, 1), seat(ended, 2)
    attend(passed, 5)
    seat(ended, 3, state=State.WAITLISTED)
    client.force_login(ksg_staff)
    results_page = client.get(results_url(ended)).content.decode()
    assert f'href="{close_url(ended)}"' in results_page

    page = client.get(close_url(ended)).content.decode()
    assert "1 officer still enrolled meets the course" in page
    assert "1 officer still enrolled will be marked not completed." in page
    assert "1 officer still waiting for a seat or an approval will be withdrawn" in page

    before = snapshot()
    response = client.post(close_url(ended), {})
    assert response.status_code == 400
    assert "Tick the box to confirm that you close the cohort." in response.content.decode()
    assert snapshot() == before

    response = client.post(close_url(ended), {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == results_url(ended)
    ended.refresh_from_db()
    assert ended.status == Cohort.Status.CLOSED
    passed.refresh_from_db()
    failed.refresh_from_db()
    assert (passed.state, failed.state) == (State.COMPLETED, State.NOT_COMPLETED)
    page = client.get(response["Location"]).content.decode()
    assert "1 completed, 1 not completed, 1 withdrawn" in page
    assert "a result changes only by an override" in page


def test_a_cohort_still_running_cannot_be_closed(client, ksg_staff, running):
    seat(running, 1)
    client.force_login(ksg_staff)
    assert "can be closed from its last day" in client.get(results_url(running)).content.decode()
    page = client.get(close_url(running)).content.decode()
    assert "can be closed from its last day" in page
    assert 'name="confirm"' not in page
    before = snapshot()
    response = client.post(close_url(running), {"confirm": "on"})
    assert response.status_code == 400
    assert "close it on that day or after" in response.content.decode()
    assert snapshot() == before


def test_closing_twice_is_a_400(client, ksg_staff, ended):
    seat(ended, 1)
    client.force_login(ksg_staff)
    client.post(close_url(ended), {"confirm": "on"})
    before = snapshot()
    response = client.post(close_url(ended), {"confirm": "on"})
    assert response.status_code == 400
    assert "is closed already" in response.content.decode()
    assert snapshot() == before


# --- One officer's result ------------------------------------------------------------------


def enrollment_url(enrollment):
    return reverse("enrollments:staff_enrollment", args=[enrollment.pk])


def test_the_enrolment_page_shows_attendance_and_result(client, trainer, ksg_staff, ended):
    set_rule(ended, pass_mark=50)
    enrollment = seat(ended, 1, score=72)
    attend(enrollment, 4)
    client.force_login(trainer)
    page = client.get(enrollment_url(enrollment)).content.decode()
    assert "4 of 5 days (80%)" in page
    assert "72" in page and "Not decided yet" in page
    assert result_url(enrollment) not in page  # only staff decide
    client.force_login(ksg_staff)
    page = client.get(enrollment_url(enrollment)).content.decode()
    assert f'action="{result_url(enrollment)}"' in page
    assert 'name="result-decision"' in page and 'for="id_result-reason"' in page


def test_staff_override_a_result_with_a_reason(client, ksg_staff, ended):
    enrollment = seat(ended, 1)
    attend(enrollment, 1)
    client.force_login(ksg_staff)
    response = client.post(
        result_url(enrollment),
        {"result-decision": "completed", "result-reason": "Medical leave; assessed separately"},
    )
    assert response.status_code == 302
    assert response["Location"] == enrollment_url(enrollment)
    enrollment.refresh_from_db()
    assert enrollment.state == State.COMPLETED and enrollment.result_overridden
    page = client.get(enrollment_url(enrollment)).content.decode()
    assert "set against the rule by KSG staff" in page
    assert "Medical leave; assessed separately" in page
    assert "Enrolled → Completed" in page  # in the history


def test_an_override_without_a_reason_is_a_400(client, ksg_staff, ended):
    enrollment = seat(ended, 1)
    client.force_login(ksg_staff)
    before = snapshot()
    response = client.post(result_url(enrollment), {})
    assert response.status_code == 400
    assert "Choose how the result is decided." in response.content.decode()
    response = client.post(result_url(enrollment), {"result-decision": "not_completed"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why you set this result against the course&#x27;s rule." in page
    assert 'id="id_result-reason_error"' in page
    assert snapshot() == before


def test_a_rule_decision_refused_by_the_service_is_a_400(client, ksg_staff, ended):
    set_rule(ended, pass_mark=50)
    enrollment = seat(ended, 1)
    client.force_login(ksg_staff)
    before = snapshot()
    response = client.post(result_url(enrollment), {"result-decision": "rule"})
    assert response.status_code == 400
    assert "Record the assessment score first" in response.content.decode()
    assert snapshot() == before
    response = client.post(result_url(enrollment), {"result-decision": "maybe"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_a_decision_by_the_rule_from_the_enrolment_page(client, ksg_staff, ended):
    enrollment = seat(ended, 1)
    attend(enrollment, 5)
    client.force_login(ksg_staff)
    response = client.post(result_url(enrollment), {"result-decision": "rule"})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.state == State.COMPLETED and not enrollment.result_overridden


# --- The roster and "My learning" ----------------------------------------------------------


def test_the_roster_links_to_the_register_and_the_results(client, trainer, ended):
    client.force_login(trainer)
    page = client.get(reverse("enrollments:staff_roster", args=[ended.pk])).content.decode()
    assert attendance_url(ended) in page
    assert results_url(ended) in page


def test_my_learning_shows_attendance_and_score_of_finished_courses(
    client, ended, ksg_staff, django_assert_max_num_queries
):
    officer = make_officer(7)
    done = seat(ended, 1, score=81)
    done.officer = officer
    done.save()
    attend(done, 4)
    results.enrollment_complete(enrollment=done, by=ksg_staff)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("enrollments:my_learning")).content.decode()
    assert "Attendance: 4 of 5 days (80%)" in page
    assert "Score: 81 of 100" in page
    assert AuditEvent.objects.filter(action="enrollments.enrollment.completed").exists()
