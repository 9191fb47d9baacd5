"""Print a new key for MFA_ENCRYPTION_KEY (a Fernet key on standard output)."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print a new Fernet key to set as MFA_ENCRYPTION_KEY. To change keys, put the new one "
        "first and keep the old ones after it, comma-separated: secrets stored earlier still "
        "decrypt."
    )
    # Runs where the key is still missing, which the deploy checks refuse.
    requires_system_checks = []

    def handle(self, *args, **options):
        self.stdout.write(Fernet.generate_key().decode())
