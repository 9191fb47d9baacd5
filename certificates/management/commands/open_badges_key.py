"""Print a new private key for OPEN_BADGES_SIGNING_KEY (PEM on standard output)."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print a new private key (PEM) to set as OPEN_BADGES_SIGNING_KEY: RSA 3072 (RS256, "
        "what every Open Badges verifier supports) or, with --ed25519, an Ed25519 key (EdDSA)."
    )
    # Runs where the key is still missing, which the system checks refuse.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--ed25519", action="store_true", help="an Ed25519 key instead")

    def handle(self, *args, ed25519: bool = False, **options):
        key = (
            ed25519_key()
            if ed25519
            else rsa.generate_private_key(public_exponent=65537, key_size=3072)
        )
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self.stdout.write(pem.decode(), ending="")


def ed25519_key():
    return ed25519.Ed25519PrivateKey.generate()
