"""``manage.py demo_mfa_code EMAIL``: the current authenticator code of a demo account."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from academy import selectors
from academy.demo.people import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = (
        "Print the 6-digit code an authenticator app shows now for a demo account with a role "
        "(demo mode only), to sign in as KSG staff, a trainer, a training officer or a "
        "reviewer without setting up an app. A code works once, within 30 seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="E-mail address of a demo account.")

    def handle(self, *args, email, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "demo_mfa_code refuses to run: demo mode is off. Only the demo accounts, whose "
                "authenticator secret is published, have codes to print."
            )
        # Only the published demo accounts: a demo machine may hold someone's real account too.
        if email.strip().lower() not in {p.email for p in DEMO_ACCOUNTS}:
            raise CommandError(f"{email!r} is not one of the demo accounts.")
        user = selectors.user_get_by_email(email)
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            raise CommandError(
                f"{email} has no authenticator app: officers sign in with the password alone, "
                "and the others get one from seed_demo."
            )
        secret = decrypt(totp.data["secret"])
        counter = int(time.time()) // 30
        # Only the code on stdout, so that scripts can capture it.
        self.stdout.write(format_hotp_value(hotp_value(secret, counter)))
