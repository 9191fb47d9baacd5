"""The e-mails an officer gets when their enrolment changes: owed as a row in the change's
transaction, sent after commit, once, in the officer's own language, with nothing escaped for
HTML in the text part; never lost to a broker that is down or a worker that stops, and sent by a
real Celery worker through Redis."""

from unittest import mock

import pytest
from django.core import mail

from enrollments import notifications, services
from enrollments.models import Enrollment, Notification
from enrollments.notifications import send_pending_notifications
from tests.courses.conftest import cohort
from tests.enrollments.conftest import wait_for
from tests.factories import CourseFactory, SkillAreaFactory

State = Enrollment.State
Status = Notification.Status


@pytest.fixture
def run(ksg):
    area = SkillAreaFactory(slug="data", name="Data Use and Governance")
    course = CourseFactory(
        code="DUG-201", title="Officers' Data Governance", skill_area=area, provider=ksg
    )
    return cohort(course, starts_in=30, capacity=1, code="DUG-201-C1")


def test_enrolling_sends_one_email_after_commit(
    run, wanjiku, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.enrollment_create(officer=wanjiku, cohort=run)
    assert mailoutbox == [], "nothing is sent before the transaction commits"
    for callback in callbacks:
        callback()
    (message,) = mailoutbox
    assert message.to == ["wanjiku@ict.demo.go.ke"]
    assert message.subject == "You are enrolled: Officers' Data Governance"
    assert "You have a seat in cohort DUG-201-C1 of Officers' Data Governance." in message.body
    assert "&#x27;" not in message.body
    html = message.alternatives[0][0]
    assert "Officers&#x27; Data Governance" in html
    assert "http://127.0.0.1:8000/my-learning/" in message.body


def test_a_rolled_back_enrolment_tells_nobody(
    run, wanjiku, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.enrollment_create(officer=wanjiku, cohort=run)
        raise RuntimeError("something later in the same transaction failed")
    assert mailoutbox == []
    assert not Enrollment.objects.exists()
    assert not Notification.objects.exists()


def test_waiting_promotion_and_withdrawal_each_send_theirs(
    run, wanjiku, otieno, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.enrollment_create(officer=otieno, cohort=run).enrollment
        services.enrollment_create(officer=wanjiku, cohort=run)
        services.enrollment_withdraw(enrollment=first, by=otieno, reason="Transferred")
    subjects = [(m.to[0], m.subject) for m in mailoutbox]
    assert subjects == [
        ("otieno@treasury.demo.go.ke", "You are enrolled: Officers' Data Governance"),
        ("wanjiku@ict.demo.go.ke", "On the waiting list: Officers' Data Governance"),
        ("otieno@treasury.demo.go.ke", "Withdrawn: Officers' Data Governance"),
        ("wanjiku@ict.demo.go.ke", "A seat is yours: Officers' Data Governance"),
    ]
    assert "number 1 on its waiting list" in mailoutbox[1].body
    assert "Reason given: Transferred" in mailoutbox[2].body


def test_an_answer_to_a_request_is_sent(
    run, wanjiku, hr_ict, mailoutbox, django_capture_on_commit_callbacks
):
    run.course.requires_approval = True
    run.course.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_ = services.enrollment_create(officer=wanjiku, cohort=run).enrollment
        assert mailoutbox == [], "a request is answered, not acknowledged, by e-mail"
        services.enrollment_decide(
            enrollment=request_, by=hr_ict, approve=False, reason="Not in this year's plan"
        )
    (message,) = mailoutbox
    assert message.subject == "Request declined: Officers' Data Governance"
    assert "“Not in this year's plan”" in message.body


def test_the_email_is_in_the_officers_language(
    run, wanjiku, mailoutbox, django_capture_on_commit_callbacks
):
    wanjiku.preferred_language = "sw"
    wanjiku.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(officer=wanjiku, cohort=run)
    (message,) = mailoutbox
    assert message.subject.startswith("Umesajiliwa")
    assert "Mpendwa Wanjiku Kamau," in message.body


def test_a_reason_is_escaped_in_the_html_part(
    run, wanjiku, otieno, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.enrollment_create(officer=wanjiku, cohort=run).enrollment
        services.enrollment_withdraw(enrollment=mine, by=wanjiku, reason="<b>ill</b>")
    withdrawn = mailoutbox[-1]
    assert "Reason given: <b>ill</b>" in withdrawn.body
    assert "&lt;b&gt;ill&lt;/b&gt;" in withdrawn.alternatives[0][0]


# --- The outbox ------------------------------------------------------------------------------


def test_the_email_is_a_pending_row_until_it_is_sent(run, wanjiku, mailoutbox):
    enrollment = services.enrollment_create(officer=wanjiku, cohort=run).enrollment
    (owed,) = Notification.objects.all()
    assert (owed.enrollment, owed.kind, owed.status) == (enrollment, "enrolled", Status.PENDING)
    assert mailoutbox == []

    assert send_pending_notifications() == 1
    owed.refresh_from_db()
    assert (owed.status, owed.attempts) == (Status.SENT, 1)
    assert owed.sent_at is not None
    assert send_pending_notifications() == 0, "a row marked sent never goes again"
    assert len(mailoutbox) == 1


def test_the_place_in_line_is_the_one_when_the_officer_joined(run, wanjiku, otieno, mailoutbox):
    first = services.enrollment_create(officer=otieno, cohort=run).enrollment
    services.enrollment_create(officer=wanjiku, cohort=run)
    services.enrollment_withdraw(enrollment=first, by=otieno, reason="Transferred")
    # By the time the sender runs, Wanjiku holds the seat; her first e-mail still says where
    # she stood when she joined the waiting list.
    send_pending_notifications()
    waiting, promoted = [m for m in mailoutbox if m.to == ["wanjiku@ict.demo.go.ke"]]
    assert "number 1 on its waiting list" in waiting.body
    assert promoted.subject.startswith("A seat is yours")


def test_a_failed_email_stays_pending_and_goes_out_with_the_next_run(run, wanjiku, mailoutbox):
    services.enrollment_create(officer=wanjiku, cohort=run)
    with mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=OSError("SMTP down")):
        assert send_pending_notifications() == 0
    owed = Notification.objects.get()
    assert (owed.status, owed.attempts) == (Status.PENDING, 1)
    assert owed.last_error == "OSError: SMTP down"

    assert send_pending_notifications() == 1
    assert len(mailoutbox) == 1


@pytest.fixture
def broker_mode():
    """Tasks go to a broker, as in production (the autouse fixture runs them in-process)."""
    from academy.celery import app

    app.conf.task_always_eager = False
    notifications._last_nudge = float("-inf")
    yield
    app.conf.task_always_eager = True


def test_a_broker_down_at_commit_fails_no_request_and_loses_no_email(
    run, wanjiku, broker_mode, mailoutbox, django_capture_on_commit_callbacks
):
    from enrollments.tasks import send_notifications

    refused = ConnectionRefusedError("Redis is restarting")
    with (
        mock.patch.object(send_notifications, "apply_async", side_effect=refused),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.enrollment_create(officer=wanjiku, cohort=run)
    assert Enrollment.objects.get().state == State.ENROLLED
    assert Notification.objects.get().status == Status.PENDING
    # The beat's run of the sender, a minute later:
    send_notifications.apply()
    assert len(mailoutbox) == 1


def test_a_busy_process_nudges_the_worker_once_a_second(
    run, officers, broker_mode, django_capture_on_commit_callbacks
):
    from enrollments.tasks import send_notifications

    clock = mock.Mock(return_value=1000.0)
    with (
        mock.patch.object(notifications.time, "monotonic", clock),
        mock.patch.object(send_notifications, "apply_async") as nudge,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            for officer in officers(5):
                services.enrollment_create(officer=officer, cohort=run)
        # As late as the nudge's countdown: rows committed from now on need a new one.
        clock.return_value = 1000.0 + notifications.NUDGE_INTERVAL
        with django_capture_on_commit_callbacks(execute=True):
            services.enrollment_create(officer=officers(1, start=9)[0], cohort=run)
    assert nudge.call_args_list == [mock.call(countdown=notifications.NUDGE_INTERVAL)] * 2
    assert Notification.objects.filter(status=Status.PENDING).count() == 6


def test_beat_sends_lost_nudges_every_minute(settings):
    from academy.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["send-notifications"]
    assert entry["task"] == "enrollments.tasks.send_notifications"
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 60.0


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_email_once(ksg, wanjiku, otieno, celery_worker_thread):
    area = SkillAreaFactory(slug="data", name="Data Use and Governance")
    course = CourseFactory(code="DUG-202", title="Data Stewardship", skill_area=area, provider=ksg)
    run = cohort(course, starts_in=30, capacity=1, code="DUG-202-C1")
    notifications._last_nudge = float("-inf")

    first = services.enrollment_create(officer=otieno, cohort=run).enrollment
    services.enrollment_create(officer=wanjiku, cohort=run)
    services.enrollment_withdraw(enrollment=first, by=otieno, reason="Transferred")
    assert wait_for(lambda: len(mail.outbox) == 4), "the worker sent the four e-mails"
    from enrollments.tasks import send_notifications

    # More runs of the sender (a nudge and the beat at once) send nothing again.
    send_notifications.delay()
    send_notifications.delay()
    assert wait_for(lambda: not Notification.objects.filter(status=Status.PENDING).exists())
    import time

    time.sleep(1.5)
    assert len(mail.outbox) == 4
    assert Notification.objects.filter(status=Status.SENT).count() == 4
