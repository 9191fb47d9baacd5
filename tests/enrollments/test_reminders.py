"""Reminders: written as rows with a unique key on the right day for the right people, sent once
however often the schedule and the sender run, retried after a failure, never lost when a worker
stops part-way, and sent by a real Celery worker through Redis."""

import datetime
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from academy.models import Membership
from enrollments import reminders
from enrollments.models import Enrollment, Reminder
from enrollments.reminders import schedule_due_reminders, send_pending_reminders
from tests.courses.conftest import cohort
from tests.enrollments.conftest import wait_for
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    MembershipFactory,
    OfficerProfileFactory,
    SkillAreaFactory,
    UserFactory,
)

Kind = Reminder.Kind
State = Enrollment.State
Status = Reminder.Status


def today() -> datetime.date:
    return timezone.localdate()


def day(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def sent_keys() -> list[str]:
    return sorted(Reminder.objects.filter(status=Status.SENT).values_list("key", flat=True))


def recipients(kind: str) -> set[str]:
    return set(Reminder.objects.filter(kind=kind).values_list("recipient__email", flat=True))


@pytest.fixture
def course(ksg):
    area = SkillAreaFactory(slug="data", name="Data Use and Governance")
    return CourseFactory(code="DUG-201", title="Data Governance", skill_area=area, provider=ksg)


@pytest.fixture
def starts_in_7(course, wanjiku, otieno):
    run = cohort(course, starts_in=7, code="DUG-201-W")
    EnrollmentFactory(cohort=run, officer=wanjiku, state=State.ENROLLED)
    EnrollmentFactory(cohort=run, officer=otieno, state=State.ENROLLED)
    # On the waiting list: no seat, no reminder.
    EnrollmentFactory(cohort=run, state=State.WAITLISTED)
    return run


def request_made_days_ago(days_ago: int, *, officer, run) -> Enrollment:
    enrollment = EnrollmentFactory(cohort=run, officer=officer, state=State.REQUESTED)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return enrollment


@pytest.fixture
def due(course, wanjiku, otieno, hr_ict, hr_treasury, ksg_staff):
    """One reminder of each kind due today (five rows: two officers start in a week)."""
    week = cohort(course, starts_in=7, code="DUG-201-W")
    EnrollmentFactory(cohort=week, officer=wanjiku, state=State.ENROLLED)
    EnrollmentFactory(cohort=week, officer=otieno, state=State.ENROLLED)
    tomorrow = cohort(course, starts_in=1, code="DUG-201-T")
    EnrollmentFactory(cohort=tomorrow, state=State.ENROLLED)
    # Another course: one active enrolment per officer and course.
    other = CourseFactory(
        code="DUG-202", title="Data Sharing", skill_area=course.skill_area, provider=course.provider
    )
    later = cohort(other, starts_in=30, code="DUG-202-L")
    request_made_days_ago(4, officer=wanjiku, run=later)
    ended = cohort(course, starts_in=-10, code="DUG-201-E")
    EnrollmentFactory(cohort=ended, state=State.ENROLLED)
    return {"week": week, "tomorrow": tomorrow, "later": later, "ended": ended}


# --- Scheduling: who, and on which day ----------------------------------------------------------


def test_officers_enrolled_are_reminded_7_days_before(starts_in_7, wanjiku, otieno):
    assert schedule_due_reminders() == 2
    rows = Reminder.objects.order_by("recipient__email")
    assert [(r.kind, r.recipient, r.cohort) for r in rows] == [
        (Kind.COHORT_STARTS_7_DAYS, otieno, starts_in_7),
        (Kind.COHORT_STARTS_7_DAYS, wanjiku, starts_in_7),
    ]
    enrollment = Enrollment.objects.get(officer=wanjiku)
    assert Reminder.objects.get(recipient=wanjiku).key == (
        f"cohort_starts_7_days:enrollment:{enrollment.pk}"
    )
    assert all(r.status == Status.PENDING and r.attempts == 0 for r in rows)


@pytest.mark.parametrize("days_before", [8, 6, 5, 2, 0])
def test_no_start_reminder_on_other_days(starts_in_7, days_before):
    assert schedule_due_reminders(today=day(7 - days_before)) == 0
    assert not Reminder.objects.exists()


def test_officers_are_reminded_the_day_before(starts_in_7, wanjiku, otieno):
    assert schedule_due_reminders(today=day(6)) == 2
    assert recipients(Kind.COHORT_STARTS_1_DAY) == {wanjiku.email, otieno.email}
    assert not Reminder.objects.exclude(kind=Kind.COHORT_STARTS_1_DAY).exists()


def test_no_start_reminder_for_withdrawn_officers_or_cancelled_cohorts(course, wanjiku, otieno):
    run = cohort(course, starts_in=7, code="DUG-201-W")
    EnrollmentFactory(cohort=run, officer=wanjiku, state=State.WITHDRAWN)
    cancelled = cohort(course, starts_in=7, code="DUG-201-X", status="cancelled")
    EnrollmentFactory(cohort=cancelled, officer=otieno, state=State.ENROLLED)
    assert schedule_due_reminders() == 0


def test_request_waiting_more_than_3_days_reminds_the_training_officers(
    course, wanjiku, otieno, hr_ict, hr_treasury, ministry_ict
):
    # Wanjiku is in the State Department for ICT: hr_ict is training officer of the ministry
    # above it; a second training officer of the department itself is reminded too.
    dept_hr = UserFactory(email="hr@sd-ict.demo.go.ke")
    MembershipFactory(
        user=dept_hr,
        role=Membership.Role.TRAINING_OFFICER,
        organisation=wanjiku.officer_profile.organisation,
    )
    run = cohort(course, starts_in=30)
    request = request_made_days_ago(4, officer=wanjiku, run=run)
    request_made_days_ago(2, officer=otieno, run=run)  # not yet due

    assert schedule_due_reminders() == 2
    assert recipients(Kind.APPROVAL_PENDING) == {hr_ict.email, dept_hr.email}
    assert set(Reminder.objects.values_list("enrollment_id", flat=True)) == {request.pk}
    assert Reminder.objects.get(recipient=hr_ict).key == (
        f"approval_pending:enrollment:{request.pk}:user:{hr_ict.pk}"
    )


def test_request_reminder_not_before_3_days(course, wanjiku, hr_ict):
    run = cohort(course, starts_in=30)
    request = request_made_days_ago(0, officer=wanjiku, run=run)
    for n in range(3):
        assert schedule_due_reminders(today=day(n)) == 0
    assert schedule_due_reminders(today=day(4)) == 1
    assert Reminder.objects.get().enrollment == request


def test_answered_request_is_not_reminded(course, wanjiku, hr_ict):
    run = cohort(course, starts_in=30)
    request = request_made_days_ago(5, officer=wanjiku, run=run)
    Enrollment.objects.filter(pk=request.pk).update(state=State.ENROLLED)
    assert schedule_due_reminders() == 0


def test_ended_cohort_without_results_reminds_ksg_staff(course, ksg_staff, trainer):
    ended = cohort(course, starts_in=-10, code="DUG-201-E")
    EnrollmentFactory(cohort=ended, state=State.ENROLLED)
    EnrollmentFactory(cohort=ended, state=State.COMPLETED)
    done = cohort(course, starts_in=-10, code="DUG-201-D")
    EnrollmentFactory(cohort=done, state=State.COMPLETED)
    running = cohort(course, starts_in=-2, code="DUG-201-R")  # ends in two days
    EnrollmentFactory(cohort=running, state=State.ENROLLED)

    assert schedule_due_reminders() == 1
    (row,) = Reminder.objects.all()
    assert (row.kind, row.recipient, row.cohort, row.enrollment) == (
        Kind.RESULTS_MISSING,
        ksg_staff,
        ended,
        None,
    )
    assert row.key == f"results_missing:cohort:{ended.pk}:user:{ksg_staff.pk}"
    # The day it ends is not yet "ended"; the day after is.
    assert schedule_due_reminders(today=running.ends_on) == 0
    assert schedule_due_reminders(today=running.ends_on + datetime.timedelta(days=1)) == 1


def test_scheduling_twice_creates_nothing_new(due):
    assert schedule_due_reminders() == 5
    keys = sorted(Reminder.objects.values_list("key", flat=True))
    assert schedule_due_reminders() == 0
    assert schedule_due_reminders() == 0
    assert sorted(Reminder.objects.values_list("key", flat=True)) == keys
    assert {k.split(":")[0] for k in keys} == set(Kind.values)


# --- Sending ------------------------------------------------------------------------------------


def test_each_reminder_is_sent_once(due, wanjiku, hr_ict, ksg_staff):
    schedule_due_reminders()
    assert send_pending_reminders() == 5
    assert send_pending_reminders() == 0
    schedule_due_reminders()
    assert send_pending_reminders() == 0
    assert len(mail.outbox) == 5
    assert Reminder.objects.filter(status=Status.SENT, sent_at__isnull=False).count() == 5

    by_address = {}
    for message in mail.outbox:
        (address,) = message.to
        by_address.setdefault(address, []).append(message)
    (week,) = by_address[wanjiku.email]
    assert week.subject == "Reminder: Data Governance starts in one week"
    assert "Cohort DUG-201-W of Data Governance starts in one week." in week.body
    assert "http://127.0.0.1:8000/my-learning/" in week.body
    assert week.alternatives[0][1] == "text/html"
    assert "starts in one week" in week.alternatives[0][0]

    (pending,) = by_address[hr_ict.email]
    assert pending.subject == "Waiting for your answer: Wanjiku Kamau's request for Data Sharing"
    request = Enrollment.objects.get(state=State.REQUESTED)
    assert f"http://127.0.0.1:8000/requests/{request.pk}/" in pending.body
    assert "&#x27;" not in pending.subject + pending.body
    assert "Wanjiku Kamau&#x27;s" not in pending.alternatives[0][0]

    (results,) = by_address[ksg_staff.email]
    assert results.subject == "Results not recorded: cohort DUG-201-E has ended"
    assert "1 officer is still enrolled without a result" in results.body


def test_failed_send_stays_pending_and_goes_out_next_run(starts_in_7):
    schedule_due_reminders()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("SMTP server down"),
    ):
        assert send_pending_reminders() == 0
    assert mail.outbox == []
    rows = list(Reminder.objects.all())
    assert [(r.status, r.attempts) for r in rows] == [(Status.PENDING, 1)] * 2
    assert all("SMTP server down" in r.last_error for r in rows)

    assert send_pending_reminders() == 2
    assert len(mail.outbox) == 2
    assert set(Reminder.objects.values_list("status", "attempts")) == {(Status.SENT, 2)}


def test_gives_up_after_5_failed_attempts(starts_in_7):
    schedule_due_reminders()
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=OSError("mailbox unavailable"),
    ):
        for _ in range(6):
            send_pending_reminders()
    assert set(Reminder.objects.values_list("status", "attempts")) == {(Status.FAILED, 5)}
    assert send_pending_reminders() == 0
    assert mail.outbox == []


def test_reminder_no_longer_true_is_skipped(starts_in_7, wanjiku):
    schedule_due_reminders()
    Enrollment.objects.filter(officer=wanjiku).update(state=State.WITHDRAWN)
    assert send_pending_reminders() == 1
    assert Reminder.objects.get(recipient=wanjiku).status == Status.SKIPPED
    assert [m.to for m in mail.outbox] == [["otieno@treasury.demo.go.ke"]]


class WorkerKilled(BaseException):
    """Stands for the worker stopping (SIGKILL, lost power): not an error the sender handles."""


def test_worker_stopped_mid_batch_loses_nothing_and_resends_nothing(course):
    run = cohort(course, starts_in=7, code="DUG-201-W")
    for n in range(6):
        officer = UserFactory(email=f"officer{n}@rem.demo.go.ke")
        OfficerProfileFactory(user=officer, personal_number=f"REM{n:05d}")
        EnrollmentFactory(cohort=run, officer=officer, state=State.ENROLLED)
    assert schedule_due_reminders() == 6

    real_send = mail.EmailMultiAlternatives.send
    calls = []

    def send_then_die_on_the_third(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == 3:
            raise WorkerKilled
        return real_send(message, *args, **kwargs)

    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", send_then_die_on_the_third),
        pytest.raises(WorkerKilled),
    ):
        send_pending_reminders()
    first_two = [m.to for m in mail.outbox]
    assert len(first_two) == 2
    assert Reminder.objects.filter(status=Status.SENT).count() == 2
    # The third was being sent when the worker stopped: its transaction rolled back, so it is
    # still pending, with no attempt counted, like the three after it.
    assert (
        list(Reminder.objects.exclude(status=Status.SENT).values_list("status", "attempts"))
        == [(Status.PENDING, 0)] * 4
    )

    assert send_pending_reminders() == 4
    addresses = [m.to[0] for m in mail.outbox]
    assert len(addresses) == 6
    assert sorted(addresses) == sorted({f"officer{n}@rem.demo.go.ke" for n in range(6)})
    assert Reminder.objects.filter(status=Status.SENT).count() == 6


def test_reminder_is_written_in_the_recipients_language(starts_in_7, wanjiku, otieno):
    wanjiku.preferred_language = "sw"
    wanjiku.save(update_fields=["preferred_language"])
    schedule_due_reminders()

    languages = []
    real_override = translation.override

    def spy(language, *args, **kwargs):
        languages.append(language)
        return real_override(language, *args, **kwargs)

    with mock.patch.object(reminders.translation, "override", spy):
        send_pending_reminders()
    assert sorted(languages) == ["en", "sw"]

    by_address = {m.to[0]: m for m in mail.outbox}
    english = by_address[otieno.email].subject
    assert english == "Reminder: Data Governance starts in one week"
    with translation.override("sw"):
        translated = translation.gettext("Dear %(name)s,") != "Dear %(name)s,"
    if translated:
        # The greeting of the enrolment e-mails has a Kiswahili translation already.
        assert not by_address[wanjiku.email].body.startswith("Dear ")
    assert '<html lang="sw">' in by_address[wanjiku.email].alternatives[0][0]


def test_management_command_schedules_and_sends_once(due, capsys):
    call_command("send_reminders")
    out = capsys.readouterr().out
    assert "Scheduled 5 new reminder(s)." in out
    assert "Sent 5 reminder(s); 0 still pending, 0 given up." in out
    call_command("send_reminders")
    out = capsys.readouterr().out
    assert "Scheduled 0 new reminder(s)." in out
    assert "Sent 0 reminder(s)" in out
    assert len(mail.outbox) == 5


def test_beat_schedules_the_reminders_every_hour(settings):
    from academy.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["schedule-reminders"]
    assert entry["task"] == "enrollments.tasks.schedule_reminders"
    assert entry["task"] in app.tasks
    assert entry["schedule"].minute == {5}


def test_schedule_task_sends_too_when_eager(due, django_capture_on_commit_callbacks):
    from enrollments.tasks import schedule_reminders

    # The sending task is enqueued once the scheduled rows are committed.
    with django_capture_on_commit_callbacks(execute=True):
        schedule_reminders.delay()
    assert len(mail.outbox) == 5
    with django_capture_on_commit_callbacks(execute=True):
        schedule_reminders.delay()
    assert len(mail.outbox) == 5


def test_a_run_that_sends_a_batch_hands_on_to_the_next(due, monkeypatch):
    from enrollments import tasks

    schedule_due_reminders()
    monkeypatch.setattr(tasks, "REMINDER_BATCH", 2)
    runs = mock.Mock(wraps=reminders.send_pending_reminders)
    monkeypatch.setattr(reminders, "send_pending_reminders", runs)
    tasks.send_reminders.delay()
    # Five due, two a run: three runs, chained, and nothing left for the next hour.
    assert runs.call_count == 3
    assert len(sent_keys()) == 5
    assert len(mail.outbox) == 5


def test_a_run_that_sends_nothing_ends_the_chain(due, monkeypatch):
    from enrollments import tasks

    schedule_due_reminders()
    monkeypatch.setattr(tasks, "REMINDER_BATCH", 2)
    runs = mock.Mock(wraps=reminders.send_pending_reminders)
    monkeypatch.setattr(reminders, "send_pending_reminders", runs)
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("SMTP server down"),
    ):
        tasks.send_reminders.delay()
    # The mail server is down: one run, no spinning; the hourly schedule tries again.
    assert runs.call_count == 1
    assert sent_keys() == []


def test_every_attempt_at_a_reminder_has_the_same_message_id(starts_in_7, wanjiku):
    from enrollments import outbox

    schedule_due_reminders()
    ids = []
    real_send = mail.EmailMultiAlternatives.send

    def fail_first(message, *args, **kwargs):
        ids.append(message.extra_headers["Message-ID"])
        if len(ids) == 1:
            raise ConnectionRefusedError("SMTP server down")
        return real_send(message, *args, **kwargs)

    row = Reminder.objects.get(recipient=wanjiku)
    with mock.patch.object(mail.EmailMultiAlternatives, "send", fail_first):
        reminders.send_reminder(row.pk)
        reminders.send_reminder(row.pk)
    assert ids[0] == ids[1] == outbox.message_id(row)
    assert ids[0].startswith(f"<enrollments.reminder.{row.pk}.") and ids[0].endswith("@127.0.0.1>")
    (message,) = mail.outbox
    assert message.message()["Message-ID"] == ids[0]
    # Another reminder, another id.
    other = Reminder.objects.exclude(pk=row.pk).get()
    assert outbox.message_id(other) != ids[0]


# --- A real Celery worker through Redis -----------------------------------------------------------


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_sends_each_reminder_once(due, celery_worker_thread):
    from enrollments.tasks import schedule_reminders, send_reminders

    schedule_reminders.delay()
    assert wait_for(lambda: len(sent_keys()) == 5), "the worker sent the reminders"
    # Run twice more, scheduling and sending at once: still one e-mail per reminder.
    schedule_reminders.delay()
    send_reminders.delay()
    send_reminders.delay()
    from academy.celery import app

    # The queue drains (the solo worker runs one task at a time, in order).
    assert wait_for(lambda: _queue_length(app) == 0)
    time.sleep(1.0)
    assert Reminder.objects.count() == 5
    assert len(sent_keys()) == 5
    assert len(mail.outbox) == 5
    assert len({m.to[0] + m.subject for m in mail.outbox}) == 5


def _queue_length(app) -> int:
    with app.connection_for_write() as connection:
        return connection.default_channel.client.llen("celery")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_reminder_once(due):
    """SKIP LOCKED: a second sender passes over the rows the first holds, and the other way."""
    import threading

    from django.db import connection

    schedule_due_reminders()
    real_send = mail.EmailMultiAlternatives.send

    def slow_send(message, *args, **kwargs):
        time.sleep(0.1)  # both senders are mid-batch at the same time
        return real_send(message, *args, **kwargs)

    counts = []

    def sender():
        try:
            counts.append(send_pending_reminders())
        finally:
            connection.close()

    with mock.patch.object(mail.EmailMultiAlternatives, "send", slow_send):
        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sum(counts) == 5
    assert len(mail.outbox) == 5
    assert len(sent_keys()) == 5
