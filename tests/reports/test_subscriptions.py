"""Scheduled reports: subscribing (only to one's own organisations), the period each report
covers, one build and one e-mail per period (also with a real worker), and the pages."""

import datetime
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from academy.models import AuditEvent, Membership
from reports import subscriptions
from reports.models import Format, Kind, ReportEmail, ReportRun, ReportSubscription
from reports.services import ReportRefused
from tests.enrollments.conftest import celery_worker_thread, wait_for
from tests.reauthentication import prompt_for, sign_in_stale
from tests.reports.support_runs import url_names

pytestmark = pytest.mark.django_db
__all__ = ["celery_worker_thread"]  # the real worker's fixture, used below
Frequency = ReportSubscription.Frequency
LIST = reverse("report_subscriptions:list")


def subscribe(user, organisation, frequency=Frequency.MONTHLY, **extra):
    return subscriptions.subscription_create(
        by=user,
        organisation=organisation,
        kind=extra.pop("kind", Kind.COMPLETIONS),
        format=extra.pop("format", Format.CSV),
        frequency=frequency,
        **extra,
    )


@pytest.mark.parametrize(
    ("frequency", "today", "period"),
    [
        # The month before, whatever the day of this one.
        ("monthly", "2026-04-01", ("2026-03-01", "2026-03-31")),
        ("monthly", "2026-04-30", ("2026-03-01", "2026-03-31")),
        ("monthly", "2026-01-15", ("2025-12-01", "2025-12-31")),
        ("monthly", "2028-03-01", ("2028-02-01", "2028-02-29")),
        # The week before, Monday to Sunday: 6 April 2026 is a Monday.
        ("weekly", "2026-04-06", ("2026-03-30", "2026-04-05")),
        ("weekly", "2026-04-12", ("2026-03-30", "2026-04-05")),
        ("weekly", "2026-01-01", ("2025-12-22", "2025-12-28")),
    ],
)
def test_each_report_covers_the_last_whole_period(frequency, today, period):
    date = datetime.date.fromisoformat
    assert subscriptions.last_whole_period(frequency, date(today)) == tuple(map(date, period))


def test_a_training_officer_subscribes_their_organisation_and_it_is_audited(world, hr_ict):
    subscription = subscribe(hr_ict, world.state_department, skill_area=world.data)
    assert subscription.owner == hr_ict and subscription.is_active
    event = AuditEvent.objects.get(action="reports.subscription.created")
    assert event.actor == hr_ict
    assert event.data["organisation"] == world.state_department.pk
    assert event.data["skill_area"] == world.data.pk


def test_nobody_subscribes_to_another_organisation_or_the_nation_without_the_right(
    world, hr_ict, hr_treasury, ksg_staff
):
    with pytest.raises(ReportRefused) as refusal:
        subscribe(hr_treasury, world.ministry)
    assert refusal.value.code == "not_your_organisation"
    with pytest.raises(ReportRefused) as refusal:
        subscribe(hr_ict, None)
    assert refusal.value.code == "national_staff_only"
    assert not ReportSubscription.objects.exists()
    assert subscribe(ksg_staff, None).organisation is None


def test_beat_builds_each_period_once_and_emails_the_subscriber(
    world, hr_ict, mailoutbox, django_capture_on_commit_callbacks
):
    subscription = subscribe(hr_ict, world.ministry)
    april_first = datetime.date(2026, 4, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.build_due_reports(april_first) == 1
    run = ReportRun.objects.get()
    assert (run.subscription, run.requested_by) == (subscription, hr_ict)
    assert (run.date_from, run.date_to) == (datetime.date(2026, 3, 1), world.date_to)
    assert run.status == ReportRun.Status.READY
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [hr_ict.email]
    # Later mornings of April: the March report exists, nothing is built or sent again.
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.build_due_reports(datetime.date(2026, 4, 2)) == 0
        assert subscriptions.build_due_reports(datetime.date(2026, 4, 30)) == 0
    assert ReportRun.objects.count() == 1 and len(mailoutbox) == 1
    # May: the April report.
    with django_capture_on_commit_callbacks(execute=True):
        assert subscriptions.build_due_reports(datetime.date(2026, 5, 1)) == 1
    assert sorted(ReportRun.objects.values_list("date_from", flat=True)) == [
        datetime.date(2026, 3, 1),
        datetime.date(2026, 4, 1),
    ]


def test_an_ended_subscription_builds_nothing(world, hr_ict):
    subscription = subscribe(hr_ict, world.ministry, Frequency.WEEKLY)
    subscriptions.subscription_cancel(subscription=subscription, by=hr_ict)
    assert subscriptions.build_due_reports(datetime.date(2026, 4, 6)) == 0
    assert AuditEvent.objects.filter(action="reports.subscription.cancelled").count() == 1


def test_a_subscriber_who_lost_the_role_gets_no_more_reports(world, hr_ict):
    subscription = subscribe(hr_ict, world.ministry)
    Membership.objects.filter(user=hr_ict).delete()
    assert subscriptions.build_due_reports(datetime.date(2026, 4, 1)) == 0
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert not ReportRun.objects.exists()
    assert AuditEvent.objects.filter(action="reports.subscription.ended").exists()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_scheduled_report_once_per_period(
    world, hr_ict, celery_worker_thread
):
    subscribe(hr_ict, world.ministry, Frequency.MONTHLY, format=Format.XLSX)
    from reports.tasks import build_subscribed_reports

    def ready_emails():
        return [m for m in mail.outbox if m.subject.startswith("Your report is ready")]

    # Beat's morning task, three times over (a repeated beat, a retry), through the worker and
    # in this process at once: one build, one e-mail.
    for _ in range(3):
        build_subscribed_reports.delay()
        subscriptions.build_due_reports()
    assert wait_for(lambda: ReportRun.objects.filter(status=ReportRun.Status.READY).count() == 1), (
        list(ReportRun.objects.values_list("status", "error"))
    )
    period = subscriptions.last_whole_period(Frequency.MONTHLY, timezone.localdate())
    assert ReportRun.objects.get().date_from == period[0]
    assert wait_for(lambda: len(ready_emails()) == 1)
    time.sleep(1.5)
    assert ReportRun.objects.count() == 1
    assert len(ready_emails()) == 1
    assert ReportEmail.objects.get().status == "sent"


# --- Pages -------------------------------------------------------------------------------------


def test_the_page_lists_my_subscriptions_and_subscribes(client, world, hr_ict):
    client.force_login(hr_ict)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "You have no report subscriptions yet." in response.content.decode()
    assert "---------" not in response.content.decode()  # every choice is a real one
    response = client.post(
        LIST,
        {
            "organisation": world.state_department.pk,
            "kind": Kind.NO_TRAINING,
            "format": Format.PDF,
            "frequency": Frequency.WEEKLY,
        },
    )
    assert response.status_code == 302
    subscription = ReportSubscription.objects.get()
    assert (subscription.organisation, subscription.kind) == (world.state_department, "no_training")
    page = client.get(LIST).content.decode()
    assert "Officers with no training" in page and world.state_department.name in page


def test_another_organisation_cant_be_chosen_and_nothing_is_saved(client, world, hr_treasury):
    client.force_login(hr_treasury)
    response = client.post(
        LIST,
        {
            "organisation": world.ministry.pk,
            "kind": Kind.COMPLETIONS,
            "format": Format.CSV,
            "frequency": Frequency.MONTHLY,
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ReportSubscription.objects.exists()


def test_only_the_subscriber_ends_a_subscription(client, world, hr_ict, hr_treasury):
    subscription = subscribe(hr_ict, world.ministry)
    end = reverse("report_subscriptions:cancel", args=[subscription.pk])
    client.force_login(hr_treasury)
    assert client.post(end).status_code == 404
    subscription.refresh_from_db()
    assert subscription.is_active
    client.force_login(hr_ict)
    assert client.post(end).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active


def test_who_may_not_report_may_not_subscribe(client, world, trainer, huawei_reviewer):
    for user in (world.officers.wanjiku, trainer, huawei_reviewer):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
    client.logout()
    assert client.get(LIST).status_code == 302


# Every URL of report_subscriptions: its method and whether it names a subscription.
URLS = {"list": ("get", False), "cancel": ("post", True)}


def test_every_report_subscriptions_url_is_classified():
    assert url_names("report_subscriptions") == set(URLS)


@pytest.mark.parametrize("name", sorted(URLS))
def test_every_url_sends_anonymous_visitors_to_sign_in_and_refuses_officers(
    client, world, hr_ict, name
):
    subscription = subscribe(hr_ict, world.ministry)
    method, names_one = URLS[name]
    address = reverse(f"report_subscriptions:{name}", args=[subscription.pk] if names_one else [])
    response = getattr(client, method)(address)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(world.officers.wanjiku)
    assert getattr(client, method)(address).status_code == 403
    subscription.refresh_from_db()
    assert subscription.is_active


def test_subscribing_asks_a_stale_sign_in_to_reauthenticate(client, world, hr_ict):
    """Each run of a subscription sends a file of officers' data: like asking for one file."""
    sign_in_stale(client, hr_ict)
    assert client.get(LIST).status_code == 200

    response = client.post(
        LIST,
        {
            "organisation": world.state_department.pk,
            "kind": Kind.NO_TRAINING,
            "format": Format.PDF,
            "frequency": Frequency.WEEKLY,
        },
    )

    assert response["Location"] == prompt_for(LIST)
    assert not ReportSubscription.objects.exists()
