"""``manage.py api_token EMAIL``: issue a fresh API token for an account (for HR systems)."""

from django.core.management.base import BaseCommand, CommandError

from academy import selectors, services


class Command(BaseCommand):
    help = (
        "Print a new API token for the account with this e-mail address. Any earlier token of "
        "that account stops working."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="E-mail address of the account.")

    def handle(self, *args, email, **options):
        user = selectors.user_get_by_email(email)
        if user is None:
            raise CommandError(f"No account has the e-mail address {email!r}.")
        if not user.is_active:
            raise CommandError(
                f"The account {user.email} is inactive: reactivate it in the admin first."
            )
        token = services.api_token_create(user=user, by=None)
        # Only the key on stdout, so that scripts can capture it: KEY=$(manage.py api_token …)
        self.stdout.write(token.key)
