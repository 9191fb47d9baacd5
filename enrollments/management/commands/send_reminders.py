"""Run the reminder schedule once by hand: write the reminders due today, then send the pending
ones. What beat does every hour; safe to run at the same time as it."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from enrollments.models import Reminder
from enrollments.reminders import schedule_due_reminders, send_pending_reminders


class Command(BaseCommand):
    help = "Write the reminders due today and send every pending reminder once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Schedule as if today were this date (YYYY-MM-DD); default: today in Nairobi.",
        )
        parser.add_argument("--no-send", action="store_true", help="Only write the due reminders.")
        parser.add_argument(
            "--batch", type=int, default=500, help="Send at most this many (default 500)."
        )

    def handle(self, *args, date=None, no_send=False, batch=500, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date: {date!r} is not a date like 2026-03-31.") from exc
        if batch < 1:
            raise CommandError("--batch: give a number of at least 1.")
        created = schedule_due_reminders(today)
        self.stdout.write(f"Scheduled {created} new reminder(s).")
        if no_send:
            return
        sent = send_pending_reminders(batch=batch)
        pending = Reminder.objects.filter(status=Reminder.Status.PENDING).count()
        failed = Reminder.objects.filter(status=Reminder.Status.FAILED).count()
        self.stdout.write(f"Sent {sent} reminder(s); {pending} still pending, {failed} given up.")
