"""Where a certificate is verified.

The public verification page comes with the next step of the certificates; until then this one
function is the only place that knows its address, so that the QR code printed today and the
page built tomorrow agree. It is an absolute URL (``PORTAL_URL``) because it is printed on paper
and scanned by phones, far from any request.
"""

from django.conf import settings


def verification_url(certificate) -> str:
    """The public address that verifies ``certificate``: ``PORTAL_URL/verify/<code>/``."""
    return f"{settings.PORTAL_URL}/verify/{certificate.verification_code}/"
