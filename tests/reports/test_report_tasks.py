"""The background side of report files: the "ready" e-mail as an outbox row sent once, the beat's
sweeps (lost runs nudged again, expired files deleted), and a real Celery worker building a
report through Redis."""

from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from enrollments.models import OutgoingEmail
from reports import emails, runs
from reports.models import Format, Kind, ReportEmail, ReportRun
from reports.services import report_request
from tests.enrollments.conftest import celery_worker_thread, wait_for
from tests.reports.support_runs import q1, read_csv

pytestmark = pytest.mark.django_db
__all__ = ["celery_worker_thread"]  # the real worker's fixture, used below
Status = ReportRun.Status
Sent = OutgoingEmail.Status


def ask(user, filters, kind=Kind.COMPLETIONS, format=Format.CSV):
    return report_request(by=user, filters=filters, kind=kind, format=format)[0]


def built(user, filters, **extra):
    run = ask(user, filters, **extra)
    return runs.report_build(run_id=run.pk)


# --- The "ready" e-mail ------------------------------------------------------------------------


def test_a_ready_report_owes_its_requester_one_email_sent_after_commit(
    world, hr_ict, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_URL = "https://academy.example"
    with django_capture_on_commit_callbacks(execute=True):
        run = ask(hr_ict, q1(world))
    email = ReportEmail.objects.get()
    assert (email.run_id, email.recipient, email.kind) == (run.pk, hr_ict, "ready")
    assert email.status == Sent.SENT
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [hr_ict.email]
    assert message.subject == "Your report is ready: Completions"
    assert f"https://academy.example/reports/files/{run.pk}/" in message.body
    assert "/download/" not in message.body  # a link to the page, never to the file
    assert "3 rows" in message.body
    assert "7 days" in message.body
    html = message.alternatives[0][0]
    assert f'href="https://academy.example/reports/files/{run.pk}/"' in html


def test_the_email_is_a_pending_row_until_it_is_sent_and_goes_once(world, hr_ict, mailoutbox):
    built(hr_ict, q1(world))  # no commit callbacks: nothing nudged the sender
    assert ReportEmail.objects.get().status == Sent.PENDING
    assert mailoutbox == []
    assert emails.send_pending() == 1
    assert emails.send_pending() == 0
    assert len(mailoutbox) == 1


def test_the_email_is_in_the_requesters_language(world, hr_ict, mailoutbox):
    hr_ict.preferred_language = "sw"
    hr_ict.save()
    built(hr_ict, q1(world))
    emails.send_pending()
    message = mailoutbox[0]
    # Whatever the catalogue holds for these strings, the message is rendered in Kiswahili: the
    # kind's label is the Kiswahili one.
    from django.utils import translation

    with translation.override("sw"):
        label = str(Kind.COMPLETIONS.label)
    assert label in message.subject


def test_a_failing_email_is_tried_again_later(world, hr_ict, mailoutbox):
    built(hr_ict, q1(world))
    with mock.patch.object(emails, "build_message", side_effect=OSError("SMTP down")):
        assert emails.send_pending() == 0
    row = ReportEmail.objects.get()
    assert (row.status, row.attempts) == (Sent.PENDING, 1)
    assert emails.send_pending() == 1


# --- Beat ---------------------------------------------------------------------------------------


def test_the_beat_schedule_runs_the_sweeps(settings):
    from academy.celery import app

    app.loader.import_default_modules()  # a worker's autodiscovery, whatever ran before
    schedule = settings.CELERY_BEAT_SCHEDULE
    for name, task in [
        ("resume-reports", "reports.tasks.resume_reports"),
        ("send-report-emails", "reports.tasks.send_report_emails"),
        ("expire-report-files", "reports.tasks.expire_report_files"),
        ("build-subscribed-reports", "reports.tasks.build_subscribed_reports"),
    ]:
        assert schedule[name]["task"] == task
        assert task in app.tasks


def test_the_sweep_nudges_runs_whose_message_or_worker_was_lost(world, hr_ict, ksg_staff):
    from reports.tasks import build_report, resume_reports

    fresh = ask(hr_ict, q1(world))
    lost = ask(hr_ict, q1(world, "directorate"))
    dead = ask(ksg_staff, q1(world))
    alive = ask(ksg_staff, q1(world, None))
    long_ago = timezone.now() - runs.LOST_AFTER - timezone.timedelta(minutes=1)
    ReportRun.objects.filter(pk=lost.pk).update(created_at=long_ago)
    ReportRun.objects.filter(pk=dead.pk).update(status=Status.RUNNING, updated_at=long_ago)
    ReportRun.objects.filter(pk=alive.pk).update(
        status=Status.RUNNING, created_at=long_ago, updated_at=timezone.now()
    )
    with mock.patch.object(build_report, "delay") as delay:
        resume_reports()
    assert sorted(c.args[0] for c in delay.call_args_list) == sorted([lost.pk, dead.pk])
    assert fresh.pk not in [c.args[0] for c in delay.call_args_list]


def test_files_past_their_expiry_are_deleted(
    world, hr_ict, ksg_staff, django_capture_on_commit_callbacks
):
    from reports.tasks import expire_report_files

    old = built(hr_ict, q1(world))
    young = built(ksg_staff, q1(world))
    name, storage = old.file.name, old.file.storage
    ReportRun.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    # The file goes once the row says "expired" for good.
    with django_capture_on_commit_callbacks(execute=True):
        expire_report_files()

    old.refresh_from_db()
    young.refresh_from_db()
    assert old.status == Status.EXPIRED and not old.file
    assert not storage.exists(name)
    assert young.status == Status.READY and storage.exists(young.file.name)
    assert runs.expire_files() == 0  # nothing twice


# --- A real worker -------------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_report_and_sends_the_email_once(
    world, hr_ict, celery_worker_thread
):
    run, created = report_request(
        by=hr_ict, filters=q1(world), kind=Kind.COMPLETIONS, format=Format.CSV
    )
    assert created
    assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == Status.READY)

    # (The world's completions sent their own e-mails and issued certificates, through the same
    # worker: count only the report's.)
    def ready_emails():
        return [m for m in mail.outbox if m.subject.startswith("Your report is ready")]

    assert wait_for(lambda: len(ready_emails()) == 1)
    assert ready_emails()[0].to == [hr_ict.email]
    run.refresh_from_db()
    with run.file.open("rb") as f:
        assert [row[0] for row in read_csv(f.read())[1:]] == ["Achieng", "Wanjiku", "Kamau"]
    # The same message again (a redelivery) and the beat's sender: nothing more.
    from reports.tasks import build_report, send_report_emails

    build_report.delay(run.pk)
    send_report_emails.delay()
    import time

    time.sleep(1.5)
    assert len(ready_emails()) == 1
    assert ReportRun.objects.get(pk=run.pk).finished_at == run.finished_at
