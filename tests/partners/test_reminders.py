"""Partner reminders: rows with unique keys, to the right side, sent once only, skipped when no
longer true; the beat runs the schedule and the daily recompute."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from partners import reminders, services, tasks
from partners.models import Agreement, Deliverable, FocalPoint, PartnerReminder, Review
from tests.partners.conftest import days

Kind = PartnerReminder.Kind
pytestmark = pytest.mark.django_db


@pytest.fixture
def focal_point(huawei_partner):
    return FocalPoint.objects.create(
        partner=huawei_partner, name="Grace Wambui", email="grace@huawei.demo.co.ke"
    )


def due_in(deliverable, n):
    Deliverable.objects.filter(pk=deliverable.pk).update(due_on=days(n))


def rows():
    return sorted(PartnerReminder.objects.values_list("kind", "email"))


@pytest.mark.parametrize(
    ("n", "kind"),
    [
        (14, Kind.DELIVERABLE_DUE_14_DAYS),
        (7, Kind.DELIVERABLE_DUE_7_DAYS),
        (1, Kind.DELIVERABLE_DUE_1_DAY),
        (-1, Kind.DELIVERABLE_OVERDUE),
        (-30, Kind.DELIVERABLE_OVERDUE),
    ],
)
def test_ksgs_deliverable_reminds_staff(ksg_deliverable, ksg_staff, huawei_reviewer, n, kind):
    due_in(ksg_deliverable, n)
    assert reminders.schedule_due_reminders() == 1
    assert rows() == [(kind, "staff@ksg.demo.ac.ke")]


@pytest.mark.parametrize("n", [13, 8, 2, 0])
def test_no_reminder_on_other_days(ksg_deliverable, ksg_staff, n):
    due_in(ksg_deliverable, n)
    assert reminders.schedule_due_reminders() == 0


def test_huaweis_deliverable_reminds_huawei(
    huawei_deliverable, ksg_staff, huawei_reviewer, focal_point
):
    due_in(huawei_deliverable, 7)
    reminders.schedule_due_reminders()
    assert rows() == [
        (Kind.DELIVERABLE_DUE_7_DAYS, "grace@huawei.demo.co.ke"),
        (Kind.DELIVERABLE_DUE_7_DAYS, "reviewer@huawei.demo.co.ke"),
    ]


def test_handed_in_or_accepted_work_is_not_chased(ksg_deliverable, ksg_staff):
    for state in ("submitted", "in_review", "accepted"):
        Deliverable.objects.filter(pk=ksg_deliverable.pk).update(review_state=state)
        due_in(ksg_deliverable, -3)
        assert reminders.schedule_due_reminders() == 0


def test_an_agreement_not_in_force_reminds_nobody(ksg_deliverable, ksg_staff):
    Agreement.objects.update(status=Agreement.Status.NEGOTIATION)
    due_in(ksg_deliverable, 7)
    assert reminders.schedule_due_reminders() == 0


@pytest.mark.parametrize(
    ("n", "kind"), [(90, Kind.AGREEMENT_ENDS_90_DAYS), (30, Kind.AGREEMENT_ENDS_30_DAYS)]
)
def test_the_end_of_an_agreement_reminds_staff_and_focal_points(
    mou, ksg_staff, huawei_reviewer, focal_point, n, kind
):
    Agreement.objects.filter(pk=mou.pk).update(ends_on=days(n))
    reminders.schedule_due_reminders()
    assert rows() == [(kind, "grace@huawei.demo.co.ke"), (kind, "staff@ksg.demo.ac.ke")]


def test_a_review_pending_5_days_reminds_staff_once_per_submission(
    ksg_deliverable, ksg_staff, huawei_reviewer
):
    services.deliverable_submit(deliverable=ksg_deliverable, by=ksg_staff)
    assert reminders.schedule_due_reminders(today=days(4)) == 0
    assert reminders.schedule_due_reminders(today=days(5)) == 1
    assert reminders.schedule_due_reminders(today=days(6)) == 0
    assert rows() == [(Kind.REVIEW_PENDING, "staff@ksg.demo.ac.ke")]

    # Sent back and submitted again: a new round, reminded again after another 5 days.
    services.deliverable_request_changes(
        deliverable=ksg_deliverable, by=huawei_reviewer, reason="More."
    )
    services.deliverable_submit(deliverable=ksg_deliverable, by=ksg_staff)
    Review.objects.filter(decision="submitted").update(
        created_at=timezone.now() - datetime.timedelta(days=6)
    )
    assert reminders.schedule_due_reminders() == 1


def test_reminders_are_written_and_sent_once_only(ksg_deliverable, ksg_staff):
    due_in(ksg_deliverable, 7)
    assert reminders.schedule_due_reminders() == 1
    assert reminders.schedule_due_reminders() == 0

    assert reminders.send_pending_reminders() == 1
    assert reminders.send_pending_reminders() == 0
    tasks.schedule_reminders()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["staff@ksg.demo.ac.ke"]
    assert message.subject == "Reminder: First cohort of senior officers trained is due in 7 days"
    assert f"{settings.PORTAL_URL}/partners/deliverables/{ksg_deliverable.pk}/" in message.body
    assert PartnerReminder.objects.get().status == PartnerReminder.Status.SENT


def test_a_reminder_no_longer_true_is_skipped(ksg_deliverable, ksg_staff):
    due_in(ksg_deliverable, 1)
    reminders.schedule_due_reminders()
    Deliverable.objects.filter(pk=ksg_deliverable.pk).update(review_state="submitted")

    assert reminders.send_pending_reminders() == 0
    assert PartnerReminder.objects.get().status == PartnerReminder.Status.SKIPPED
    assert mail.outbox == []


def test_a_focal_point_gets_the_email_in_english(mou, ksg_staff, focal_point):
    ksg_staff.preferred_language = "sw"
    ksg_staff.save()
    Agreement.objects.filter(pk=mou.pk).update(ends_on=days(30))
    reminders.schedule_due_reminders()
    reminders.send_pending_reminders()

    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["grace@huawei.demo.co.ke"].body.startswith("Dear partner,")
    assert mou.reference in by_address["grace@huawei.demo.co.ke"].subject
    assert len(by_address) == 2


def test_the_beat_runs_the_schedule_and_the_recompute():
    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks_run = {entry["task"] for entry in schedule.values()}
    assert {"partners.tasks.schedule_reminders", "partners.tasks.recompute_statuses"} <= tasks_run


def test_the_recompute_task_expires_agreements(mou):
    Agreement.objects.filter(pk=mou.pk).update(ends_on=days(-1))
    tasks.recompute_statuses()
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.EXPIRED


def _three_staff_reminded(ksg_deliverable):
    from academy.models import Membership
    from tests.factories import MembershipFactory, UserFactory

    for n in range(2):
        MembershipFactory(
            user=UserFactory(email=f"staff{n}@ksg.demo.ac.ke"), role=Membership.Role.KSG_STAFF
        )
    due_in(ksg_deliverable, 7)
    assert reminders.schedule_due_reminders() == 3


def test_a_run_that_sends_a_batch_hands_on_to_the_next(ksg_deliverable, ksg_staff, monkeypatch):
    _three_staff_reminded(ksg_deliverable)
    monkeypatch.setattr(tasks, "REMINDER_BATCH", 1)
    runs = mock.Mock(wraps=reminders.send_pending_reminders)
    monkeypatch.setattr(reminders, "send_pending_reminders", runs)

    tasks.send_reminders.delay()

    # Three due, one a run: three runs, chained, and nothing left for the next hour.
    assert runs.call_count == 3
    assert len(mail.outbox) == 3
    assert not reminders.any_pending()


def test_a_run_that_sends_nothing_ends_the_chain(ksg_deliverable, ksg_staff, monkeypatch):
    _three_staff_reminded(ksg_deliverable)
    monkeypatch.setattr(tasks, "REMINDER_BATCH", 1)
    runs = mock.Mock(wraps=reminders.send_pending_reminders)
    monkeypatch.setattr(reminders, "send_pending_reminders", runs)

    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("SMTP server down"),
    ):
        tasks.send_reminders.delay()

    # The mail server is down: one run, no spinning; the hourly schedule tries again.
    assert runs.call_count == 1
    assert reminders.any_pending()
