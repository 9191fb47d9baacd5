from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from academy.demo import DEMO_PASSWORD, demo_account_roles, seed_demo
from academy.demo.people import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Create the demo catalogue, cohorts, organisations and accounts (demo mode only). "
        "Safe to run again: existing rows are kept and nothing is duplicated."
    )
    # `make run` migrates (which runs the checks) just before seeding; skipping them here keeps
    # a repeated seed fast.
    requires_system_checks = []

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo refuses to run: demo mode is off. The demo accounts share a published "
                "password, so they may only exist on a demo or development machine. Set "
                "DEMO_MODE=1 to seed."
            )
        report = seed_demo()

        created = ", ".join(f"{n} {label}" for label, n in report.created.items() if n)
        totals = ", ".join(f"{n} {label}" for label, n in report.totals.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {report.seconds:.1f} s."))
        self.stdout.write(f"  Created now: {created or 'nothing (already seeded)'}.")
        self.stdout.write(f"  In the database: {totals}.")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for email, roles in demo_account_roles():
            self.stdout.write(f"  {email:<28} {roles}")
        self.stdout.write(
            "Accounts with a role also ask for an authenticator code: add the secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or run "
            "`python manage.py demo_mfa_code EMAIL` for the current code."
        )
