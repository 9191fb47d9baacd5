"""Staff move an officer to another cohort of the same course, and remove a no-show: the seat
left behind promotes the first in line, the officer gets one e-mail, every refusal says why and
changes nothing, and only KSG staff may do either."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.models import AuditEvent
from courses.models import Cohort
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
from tests.factories import CourseFactory

State = Enrollment.State


@pytest.fixture
def later(course):
    """A second cohort of the course, two seats, starting in 60 days."""
    return cohort(course, starts_in=60, capacity=2, code="DUG-201-C2")


@pytest.fixture
def full(run, officers):
    """``run`` (three seats) full, with two officers waiting."""
    people = officers(5)
    for officer in people:
        services.enrollment_create(officer=officer, cohort=run)
    return people


def enrollment_of(officer, cohort_) -> Enrollment:
    return Enrollment.objects.get(officer=officer, cohort=cohort_)


def move(officer, from_, to, by, reason="Clashes with a ministry retreat"):
    return services.enrollment_move(
        enrollment=enrollment_of(officer, from_), to_cohort=to, by=by, reason=reason
    )


# --- Moves ---------------------------------------------------------------------------------


def test_a_move_gives_a_free_seat_and_the_seat_left_promotes_the_first_in_line(
    run, later, full, ksg_staff
):
    mover = full[0]

    moved = move(mover, run, later, ksg_staff)

    assert (moved.cohort, moved.state, moved.created_by) == (later, State.ENROLLED, ksg_staff)
    old = enrollment_of(mover, run)
    assert (old.state, old.withdrawn_by, old.reason) == (
        State.WITHDRAWN,
        ksg_staff,
        "Clashes with a ministry retreat",
    )
    assert enrolled(run) == {full[1].pk, full[2].pk, full[3].pk}
    assert waiting_list(run) == [(full[4].pk, 1)]


def test_a_move_into_a_full_cohort_joins_the_end_of_its_line(run, later, full, officers, ksg_staff):
    for officer in officers(3, start=50):
        services.enrollment_create(officer=officer, cohort=later)

    moved = move(full[0], run, later, ksg_staff)

    assert (moved.state, moved.waitlist_position) == (State.WAITLISTED, 2)
    assert waiting_list(later)[-1] == (full[0].pk, 2)
    assert full[3].pk in enrolled(run)


def test_moving_a_waiting_officer_closes_the_gap_in_the_old_line(run, later, full, ksg_staff):
    moved = move(full[3], run, later, ksg_staff)

    assert moved.state == State.ENROLLED
    assert waiting_list(run) == [(full[4].pk, 1)]
    assert len(enrolled(run)) == 3


def test_a_move_back_reuses_the_enrolment_withdrawn_there(run, later, wanjiku, ksg_staff):
    services.enrollment_create(officer=wanjiku, cohort=run)
    move(wanjiku, run, later, ksg_staff)

    back = move(wanjiku, later, run, ksg_staff, reason="The retreat was cancelled")

    assert back.pk == Enrollment.objects.filter(officer=wanjiku).order_by("pk").first().pk
    assert (back.state, back.withdrawn_by, back.reason) == (State.ENROLLED, None, "")
    assert Enrollment.objects.filter(officer=wanjiku).count() == 2


def test_a_move_is_audited_on_both_enrolments(run, later, wanjiku, ksg_staff):
    services.enrollment_create(officer=wanjiku, cohort=run)

    moved = move(wanjiku, run, later, ksg_staff)

    old = enrollment_of(wanjiku, run)
    events = AuditEvent.objects.filter(action="enrollments.enrollment.moved").order_by("pk")
    assert [(e.target_id, e.actor, e.data) for e in events] == [
        (
            str(pk),
            ksg_staff,
            {"from": "DUG-201-C1", "to": "DUG-201-C2", "reason": "Clashes with a ministry retreat"},
        )
        for pk in (old.pk, moved.pk)
    ]
    withdrawn = AuditEvent.objects.get(action="enrollments.enrollment.withdrawn")
    assert withdrawn.data["from"] == "enrolled"
    seat = AuditEvent.objects.filter(
        action="enrollments.enrollment.enrolled", target_id=str(moved.pk)
    ).get()
    assert (seat.data["from"], seat.data["to"], seat.data["cohort"]) == (
        "",
        "enrolled",
        "DUG-201-C2",
    )


def test_a_move_takes_the_officers_pool_in_the_new_cohort(
    run, later, wanjiku, ministry_ict, ksg_staff, officers
):
    services.cohort_set_quota(cohort=later, organisation=ministry_ict, seats=1, by=ksg_staff)
    (outsider,) = officers(1, start=40)
    services.enrollment_create(officer=outsider, cohort=later)  # the one open seat
    services.enrollment_create(officer=wanjiku, cohort=run)

    moved = move(wanjiku, run, later, ksg_staff)

    assert (moved.state, moved.quota) == (State.ENROLLED, CohortQuota.objects.get(cohort=later))


@pytest.fixture
def other_course_run(ksg):
    other = CourseFactory(code="DPD-101", audience_min_job_group="J", audience_max_job_group="M")
    return cohort(other, starts_in=45, code="DPD-101-C1")


@pytest.mark.parametrize(
    ("target", "code", "message"),
    [
        (
            "other_course_run",
            "other_course",
            "Cohort DPD-101-C1 is of another course: an officer can only be moved between "
            "cohorts of the same course.",
        ),
        ("run", "same_cohort", "is already in cohort DUG-201-C1: choose another cohort."),
        ("closed", "target_closed", "Cohort DUG-201-C3 is not open"),
        ("cancelled", "target_closed", "Cohort DUG-201-C4 is not open"),
        ("ended", "target_closed", "Cohort DUG-201-C5 is not open"),
    ],
)
def test_a_move_to_a_cohort_that_cannot_take_the_officer_is_refused(
    request, course, run, full, ksg_staff, target, code, message
):
    targets = {
        "closed": lambda: cohort(course, code="DUG-201-C3", status=Cohort.Status.CLOSED),
        "cancelled": lambda: cohort(course, code="DUG-201-C4", status=Cohort.Status.CANCELLED),
        "ended": lambda: cohort(
            course, starts_in=-10, code="DUG-201-C5", status=Cohort.Status.RUNNING
        ),
    }
    to = targets[target]() if target in targets else request.getfixturevalue(target)
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        move(full[0], run, to, ksg_staff)

    assert caught.value.code == code
    assert message in caught.value.message
    assert snapshot() == before


def test_a_running_cohort_that_has_not_ended_takes_a_move(course, run, wanjiku, ksg_staff):
    running = cohort(course, starts_in=-1, code="DUG-201-C6", status=Cohort.Status.RUNNING)
    services.enrollment_create(officer=wanjiku, cohort=run)

    assert move(wanjiku, run, running, ksg_staff).state == State.ENROLLED


@pytest.mark.parametrize(
    "state", [State.WITHDRAWN, State.DECLINED, State.REQUESTED, State.COMPLETED]
)
def test_only_an_officer_holding_or_waiting_for_a_seat_is_moved(
    run, later, wanjiku, ksg_staff, state
):
    services.enrollment_create(officer=wanjiku, cohort=run)
    Enrollment.objects.filter(officer=wanjiku).update(state=state)
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        move(wanjiku, run, later, ksg_staff)

    assert caught.value.code == "not_active"
    assert snapshot() == before


def test_a_move_into_a_cohort_where_the_officer_already_is_is_refused(
    run, later, wanjiku, ksg_staff
):
    services.enrollment_create(officer=wanjiku, cohort=run)
    # Not an active enrolment (the database allows one per course): a result already recorded.
    Enrollment.objects.create(officer=wanjiku, cohort=later, state=State.COMPLETED)
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        move(wanjiku, run, later, ksg_staff)

    assert caught.value.code == "already_in_target"
    assert caught.value.message == (
        "Wanjiku Kamau is already in cohort DUG-201-C2: their enrolment there is completed."
    )
    assert snapshot() == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_move_needs_a_reason(run, later, full, ksg_staff, reason):
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        move(full[0], run, later, ksg_staff, reason=reason)

    assert caught.value.code == "reason_required"
    assert snapshot() == before


# --- The e-mail ----------------------------------------------------------------------------


def test_a_move_sends_one_cohort_changed_email_and_no_withdrawal(
    run, later, full, ksg_staff, mailoutbox, send_setup_emails, django_capture_on_commit_callbacks
):
    mover = full[0]
    send_setup_emails()
    with django_capture_on_commit_callbacks(execute=True):
        move(mover, run, later, ksg_staff)

    mine = [m for m in mailoutbox if m.to == [mover.email]]
    (message,) = mine
    assert message.subject == "Your cohort has changed: Data Governance"
    assert "KSG staff have moved you from cohort DUG-201-C1 to cohort DUG-201-C2" in message.body
    assert "Reason given: Clashes with a ministry retreat" in message.body
    assert "You have a seat in cohort DUG-201-C2." in message.body
    new_start = timezone.localdate() + datetime.timedelta(days=60)
    assert f"New dates: {new_start.day} " in message.body
    assert "Dates you no longer attend:" in message.body
    # The first in line of the old cohort is told of their seat.
    (promoted,) = [m for m in mailoutbox if m.to == [full[3].email]]
    assert promoted.subject.startswith("A seat is yours")


def test_the_email_of_a_move_into_a_full_cohort_gives_the_place_in_line(
    run,
    later,
    wanjiku,
    officers,
    ksg_staff,
    send_setup_emails,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    for officer in officers(3, start=50):
        services.enrollment_create(officer=officer, cohort=later)
    services.enrollment_create(officer=wanjiku, cohort=run)
    send_setup_emails()

    with django_capture_on_commit_callbacks(execute=True):
        move(wanjiku, run, later, ksg_staff)

    (message,) = mailoutbox
    assert "You are number 2 on its waiting list" in message.body


def test_the_email_of_a_move_is_in_the_officers_language(
    run,
    later,
    wanjiku,
    ksg_staff,
    mailoutbox,
    send_setup_emails,
    django_capture_on_commit_callbacks,
):
    wanjiku.preferred_language = "sw"
    wanjiku.save()
    services.enrollment_create(officer=wanjiku, cohort=run)
    send_setup_emails()

    with django_capture_on_commit_callbacks(execute=True):
        move(wanjiku, run, later, ksg_staff)

    (message,) = mailoutbox
    assert '<html lang="sw">' in message.alternatives[0][0]
    assert "Mpendwa Wanjiku Kamau," in message.body


def test_the_html_part_of_the_move_email_escapes_the_reason(
    run,
    later,
    wanjiku,
    ksg_staff,
    mailoutbox,
    send_setup_emails,
    django_capture_on_commit_callbacks,
):
    services.enrollment_create(officer=wanjiku, cohort=run)
    send_setup_emails()

    with django_capture_on_commit_callbacks(execute=True):
        move(wanjiku, run, later, ksg_staff, reason="<b>Retreat</b>")

    (message,) = mailoutbox
    assert "Reason given: <b>Retreat</b>" in message.body
    assert "&lt;b&gt;Retreat&lt;/b&gt;" in message.alternatives[0][0]


# --- No-shows ------------------------------------------------------------------------------


@pytest.fixture
def started(course, officers):
    """A cohort that started yesterday: two seats taken, one officer waiting."""
    run = cohort(course, starts_in=-1, capacity=2, code="DUG-201-S1", status=Cohort.Status.RUNNING)
    people = officers(3, start=70)
    for officer in people:
        Enrollment.objects.create(officer=officer, cohort=run, state=State.ENROLLED)
    last = Enrollment.objects.get(officer=people[2])
    last.state, last.waitlist_position = State.WAITLISTED, 1
    last.save()
    return run, people


def remove(officer, cohort_, by, reason="Did not attend the first two days"):
    return services.enrollment_remove_no_show(
        enrollment=enrollment_of(officer, cohort_), by=by, reason=reason
    )


def test_removing_a_no_show_promotes_the_first_in_line(
    started, ksg_staff, mailoutbox, django_capture_on_commit_callbacks
):
    run, people = started

    with django_capture_on_commit_callbacks(execute=True):
        removed = remove(people[0], run, ksg_staff)

    assert (removed.state, removed.withdrawn_by) == (State.WITHDRAWN, ksg_staff)
    assert removed.reason == "Did not attend the first two days"
    assert enrolled(run) == {people[1].pk, people[2].pk}
    assert waiting_list(run) == []
    event = AuditEvent.objects.get(action="enrollments.enrollment.no_show_removed")
    assert (event.actor, event.data["from"], event.data["to"]) == (
        ksg_staff,
        "enrolled",
        "withdrawn",
    )
    assert sorted((m.to[0], m.subject.split(":")[0]) for m in mailoutbox) == sorted(
        [(people[0].email, "Withdrawn"), (people[2].email, "A seat is yours")]
    )


def test_a_removed_no_show_cannot_enrol_again_themselves(started, ksg_staff):
    run, people = started
    remove(people[0], run, ksg_staff)

    with pytest.raises(EnrolmentRefused) as caught:
        services.enrollment_create(officer=people[0], cohort=run)
    assert caught.value.code == "withdrawn_by_staff"


def test_a_no_show_is_removed_only_once_the_cohort_has_started(run, wanjiku, ksg_staff):
    services.enrollment_create(officer=wanjiku, cohort=run)
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        remove(wanjiku, run, ksg_staff)

    assert caught.value.code == "not_started"
    assert "an officer can be removed as a no-show only once it has started" in (
        caught.value.message
    )
    assert snapshot() == before


def test_a_no_show_is_not_removed_after_the_cohort_ended(course, wanjiku, ksg_staff):
    ended = cohort(course, starts_in=-10, code="DUG-201-E1", status=Cohort.Status.RUNNING)
    Enrollment.objects.create(officer=wanjiku, cohort=ended, state=State.ENROLLED)
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        remove(wanjiku, ended, ksg_staff)

    assert caught.value.code == "ended"
    assert snapshot() == before


@pytest.mark.parametrize(("index", "reason"), [(2, "Absent"), (0, " ")])
def test_only_a_seat_holder_with_a_reason_is_removed(started, ksg_staff, index, reason):
    run, people = started
    before = snapshot()

    with pytest.raises(EnrolmentRefused) as caught:
        remove(people[index], run, ksg_staff, reason=reason)

    assert caught.value.code == ("not_enrolled" if index == 2 else "reason_required")
    assert snapshot() == before


def test_a_freed_seat_of_a_quota_goes_to_its_first_in_line(
    course, ministry_ict, state_department_ict, ksg_staff, wanjiku, officers
):
    run = cohort(course, starts_in=-1, capacity=2, code="DUG-201-S2", status=Cohort.Status.RUNNING)
    quota = CohortQuota.objects.create(cohort=run, organisation=ministry_ict, seats=1)
    seated = make_officer(90, organisation=ministry_ict)
    (outsider, other) = officers(2, start=91)
    Enrollment.objects.create(officer=seated, cohort=run, state=State.ENROLLED, quota=quota)
    Enrollment.objects.create(officer=outsider, cohort=run, state=State.ENROLLED)
    Enrollment.objects.create(
        officer=other, cohort=run, state=State.WAITLISTED, waitlist_position=1
    )
    Enrollment.objects.create(
        officer=wanjiku, cohort=run, state=State.WAITLISTED, waitlist_position=2, quota=quota
    )

    remove(seated, run, ksg_staff)

    assert enrolled(run) == {outsider.pk, wanjiku.pk}
    assert waiting_list(run) == [(other.pk, 1)]


# --- Pages ---------------------------------------------------------------------------------


def page_url(enrollment):
    return reverse("enrollments:staff_enrollment", args=[enrollment.pk])


def move_url(enrollment):
    return reverse("enrollments:staff_move", args=[enrollment.pk])


def no_show_url(enrollment):
    return reverse("enrollments:staff_no_show", args=[enrollment.pk])


def test_staff_see_the_move_form_with_the_other_cohorts(client, ksg_staff, run, later, full):
    client.force_login(ksg_staff)

    page = client.get(page_url(enrollment_of(full[0], run))).content.decode()

    assert "Move to another cohort" in page
    assert 'name="move-cohort"' in page
    assert "DUG-201-C2 · " in page
    assert "2 seats left" in page
    assert 'name="move-reason"' in page
    assert "once the cohort has started on" in page  # not yet a no-show
    assert 'name="no_show-reason"' not in page


def test_staff_see_the_no_show_form_once_the_cohort_has_started(client, ksg_staff, started):
    run, people = started
    client.force_login(ksg_staff)

    page = client.get(page_url(enrollment_of(people[0], run))).content.decode()

    assert 'name="no_show-reason"' in page
    assert "No other cohort of DUG-201 is scheduled or running" in page


def test_a_facilitator_sees_no_seat_forms(client, trainer, run, later, full):
    run.facilitators.add(trainer)
    client.force_login(trainer)

    response = client.get(page_url(enrollment_of(full[0], run)))

    assert response.status_code == 200
    assert "Move to another cohort" not in response.content.decode()


def test_staff_move_an_officer_on_the_page(client, ksg_staff, run, later, full):
    client.force_login(ksg_staff)
    mine = enrollment_of(full[0], run)

    response = client.post(
        move_url(mine), {"move-cohort": later.pk, "move-reason": "Ministry retreat"}, follow=True
    )

    moved = enrollment_of(full[0], later)
    assert response.redirect_chain == [(page_url(moved), 302)]
    page = response.content.decode()
    assert "moved from cohort DUG-201-C1 to cohort DUG-201-C2, with a seat." in page
    # The history of the new enrolment tells where it came from.
    assert "Moved to another cohort" in page
    assert "DUG-201-C1 → DUG-201-C2" in page


def test_a_move_into_a_full_cohort_says_so_on_the_page(
    client, ksg_staff, run, later, full, officers
):
    for officer in officers(2, start=50):
        services.enrollment_create(officer=officer, cohort=later)
    client.force_login(ksg_staff)

    response = client.post(
        move_url(enrollment_of(full[0], run)),
        {"move-cohort": later.pk, "move-reason": "Ministry retreat"},
        follow=True,
    )

    assert "which is full: they are number 1 on its waiting list." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"move-reason": "Retreat"}, "Choose the cohort to move the officer to."),
        ({"move-cohort": "LATER"}, "Say why the officer is moving."),
        ({"move-cohort": "OTHER", "move-reason": "Retreat"}, "choose one from the list."),
        ({"move-cohort": "RUN", "move-reason": "Retreat"}, "choose one from the list."),
        ({"move-cohort": "x", "move-reason": "Retreat"}, "choose one from the list."),
    ],
)
def test_a_bad_move_is_refused_on_the_page(
    client, ksg_staff, run, later, full, other_course_run, data, error
):
    ids = {"LATER": later.pk, "OTHER": other_course_run.pk, "RUN": run.pk}
    data = {key: ids.get(value, value) for key, value in data.items()}
    client.force_login(ksg_staff)
    before = snapshot()

    response = client.post(move_url(enrollment_of(full[0], run)), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert error.replace("'", "&#x27;") in page
    assert 'aria-invalid="true"' in page
    assert snapshot() == before


def test_a_refused_move_shows_the_reason_on_the_page(client, ksg_staff, run, later, wanjiku):
    services.enrollment_create(officer=wanjiku, cohort=run)
    Enrollment.objects.create(officer=wanjiku, cohort=later, state=State.COMPLETED)
    client.force_login(ksg_staff)
    before = snapshot()

    response = client.post(
        move_url(enrollment_of(wanjiku, run)), {"move-cohort": later.pk, "move-reason": "Retreat"}
    )

    assert response.status_code == 400
    assert "is already in cohort DUG-201-C2" in response.content.decode()
    assert snapshot() == before


def test_a_withdrawn_enrolment_is_not_moved(client, ksg_staff, run, later, wanjiku):
    mine = services.enrollment_create(officer=wanjiku, cohort=run).enrollment
    services.enrollment_withdraw(enrollment=mine, by=wanjiku, reason="Ill")
    client.force_login(ksg_staff)

    response = client.post(move_url(mine), {"move-cohort": later.pk, "move-reason": "Retreat"})

    assert response.status_code == 302
    assert not Enrollment.objects.filter(cohort=later).exists()


def test_staff_remove_a_no_show_on_the_page(client, ksg_staff, started):
    run, people = started
    mine = enrollment_of(people[0], run)
    client.force_login(ksg_staff)

    response = client.post(no_show_url(mine), {"no_show-reason": "Absent"}, follow=True)

    assert response.redirect_chain == [(page_url(mine), 302)]
    page = response.content.decode()
    assert "was removed from cohort DUG-201-S1 as a no-show" in page
    assert "Removed as a no-show" in page  # in the history


@pytest.mark.parametrize(
    ("fixture", "data", "error"),
    [
        ("started", {"no_show-reason": ""}, "Say why the officer is removed"),
        ("not_started", {"no_show-reason": "Absent"}, "only once it has started."),
    ],
)
def test_a_bad_no_show_removal_is_refused_on_the_page(
    client, ksg_staff, request, run, wanjiku, fixture, data, error
):
    if fixture == "started":
        started_run, people = request.getfixturevalue("started")
        mine = enrollment_of(people[0], started_run)
    else:
        mine = services.enrollment_create(officer=wanjiku, cohort=run).enrollment
    client.force_login(ksg_staff)
    before = snapshot()

    response = client.post(no_show_url(mine), data)

    assert response.status_code == 400
    assert error in response.content.decode().replace("&#x27;", "'")
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["trainer", "hr_ict", "wanjiku", "huawei_reviewer"])
def test_only_ksg_staff_move_or_remove(client, request, started, later, trainer, persona):
    run, people = started
    run.facilitators.add(trainer)  # even the cohort's own facilitator
    mine = enrollment_of(people[0], run)
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()

    for url in (move_url(mine), no_show_url(mine)):
        assert client.get(url).status_code == 403
    assert (
        client.post(move_url(mine), {"move-cohort": later.pk, "move-reason": "x"}).status_code
        == 403
    )
    assert client.post(no_show_url(mine), {"no_show-reason": "x"}).status_code == 403
    assert snapshot() == before


def test_the_anonymous_are_sent_to_sign_in(client, started):
    run, people = started
    mine = enrollment_of(people[0], run)
    for url in (move_url(mine), no_show_url(mine)):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302
            assert reverse("account_login") in response["Location"]


def test_the_move_page_shows_the_form(client, ksg_staff, run, later, full):
    client.force_login(ksg_staff)

    response = client.get(move_url(enrollment_of(full[0], run)))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Move Officer 0 to another cohort" in page
    assert '<label for="id_move-cohort">' in page


def test_a_draft_cohorts_enrolment_is_not_found(client, ksg_staff, course, wanjiku):
    draft = cohort(course, code="DUG-201-D", status=Cohort.Status.DRAFT)
    mine = Enrollment.objects.create(officer=wanjiku, cohort=draft, state=State.ENROLLED)
    client.force_login(ksg_staff)

    assert client.get(move_url(mine)).status_code == 404
    assert client.post(no_show_url(mine), {"no_show-reason": "x"}).status_code == 404


# --- Concurrency ---------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_moves_in_both_directions_at_once_do_not_deadlock(course, officers, ksg_staff, attempt):
    one = cohort(course, capacity=6, code=f"DUG-201-M{attempt}")
    two = cohort(course, capacity=6, starts_in=60, code=f"DUG-201-N{attempt}")
    people = officers(12)
    for officer in people[:6]:
        services.enrollment_create(officer=officer, cohort=one)
    for officer in people[6:]:
        services.enrollment_create(officer=officer, cohort=two)
    calls = [
        (lambda officer=officer, a=a, b=b: move(officer, a, b, ksg_staff))
        for officer, a, b in [(o, one, two) for o in people[:5]]
        + [(o, two, one) for o in people[6:11]]
    ]

    results = at_once(calls)

    no_errors(results)
    for run in (one, two):
        assert len(enrolled(run)) == 6
        positions = [position for _, position in waiting_list(run)]
        assert positions == list(range(1, len(positions) + 1))
    assert (
        len(enrolled(one)) + len(waiting_list(one)) + len(enrolled(two)) + len(waiting_list(two))
        == 12
    )
