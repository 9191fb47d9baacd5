"""System checks of certificates: a production start needs a real key to sign credentials."""

from django.conf import settings
from django.core.checks import Error, register

from certificates import signing


@register()
def open_badges_signing_key(app_configs=None, **kwargs):
    """``OPEN_BADGES_SIGNING_KEY`` must be set when ``DEBUG`` is off, and usable when set: a
    portal that cannot sign would issue certificates whose credentials nobody can verify."""
    if settings.OPEN_BADGES_DEVELOPMENT_KEY and not settings.OPEN_BADGES_SIGNING_KEY.strip():
        return []  # development and tests sign with a key derived from SECRET_KEY
    try:
        signing.signing_key()
    except signing.SigningKeyError as error:
        return [
            Error(
                str(error),
                hint="Generate one with: openssl genpkey -algorithm RSA "
                "-pkeyopt rsa_keygen_bits:3072",
                obj="OPEN_BADGES_SIGNING_KEY",
                id="certificates.E001",
            )
        ]
    return []
