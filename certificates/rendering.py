"""The certificate as a PDF: HTML and CSS (``templates/certificates/pdf/``) printed by WeasyPrint.

A4 landscape, PDF/A-3b (archival, and able to carry attachments), with title and author in its
metadata, and the certificate's Open Badges credential attached inside: ``credential.jwt`` (the
signed VC-JWT) and ``credential.json`` (the same credential, readable), both with the PDF/A-3
relationship ``Data`` (the data the page presents). Everything the page shows comes from the
certificate's own copies of the facts, so a PDF rendered again later prints the same text. The
page is bilingual: each label in English and, beneath it, in Kiswahili, both from the
translation catalogue. The fonts (EB Garamond for the display lines, Noto Sans for the rest)
come from Debian's font packages (``make system-deps``), cover the accented letters of any name,
and are embedded in the PDF.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import threading

import segno
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

from certificates.badges import credential_json
from certificates.models import Certificate
from certificates.signing import credential_of
from certificates.verification import verification_url

ACADEMY = "Kenya School of Government"
PDF_VARIANT = "pdf/a-3b"
JWT_ATTACHMENT = "credential.jwt"
JSON_ATTACHMENT = "credential.json"


def certificate_html(certificate: Certificate) -> str:
    """The HTML WeasyPrint prints for ``certificate``."""
    url = verification_url(certificate)
    # English is the certificate's main language whatever the officer reads the portal in;
    # the template switches to Kiswahili for the second line of each label.
    with translation.override("en"):
        return render_to_string(
            "certificates/pdf/certificate.html",
            {
                "certificate": certificate,
                "verification_url": url,
                "qr_svg": qr_svg(url),
                "signatories": _signatories_with_images(certificate),
                "academy": ACADEMY,
            },
        )


def render_pdf(certificate: Certificate, *, credential_jwt: str = "") -> bytes:
    """The certificate's PDF/A-3b file, with its signed credential attached when given."""
    attachments = credential_attachments(credential_jwt) if credential_jwt else ()
    return html_to_pdf(certificate_html(certificate), attachments=attachments)


def html_to_pdf(html: str, *, attachments=()) -> bytes:
    """Print ``html`` as the portal prints certificates."""
    return HTML(string=html).write_pdf(
        pdf_variant=PDF_VARIANT, attachments=list(attachments), font_config=font_config()
    )


_per_thread = threading.local()


def font_config() -> FontConfiguration:
    """The thread's WeasyPrint font configuration, made once and kept for the process's life.

    WeasyPrint makes a new one (a fontconfig configuration and a Pango font map) for every
    document unless given one, and what it allocates for them is not all given back: a worker
    printing certificate after certificate grew by about 0.2 MiB each (300 MiB after 500,
    ``benchmarks/certificates.py``). Shared, memory stays flat and each render skips the
    set-up. The certificates use only installed fonts (no ``@font-face``), so nothing one
    document adds can change how another looks.
    """
    config = getattr(_per_thread, "font_config", None)
    if config is None:
        config = _per_thread.font_config = FontConfiguration()
    return config


def credential_attachments(credential_jwt: str) -> list[Attachment]:
    """The files embedded in the PDF: the VC-JWT and its credential as JSON, byte for byte
    what the officer downloads (``certificates.views``)."""
    return [
        Attachment(
            file_obj=io.BytesIO(credential_jwt.encode()),
            name=JWT_ATTACHMENT,
            description="Open Badges 3.0 credential, signed (VC-JWT)",
            relationship="Data",
        ),
        Attachment(
            file_obj=io.BytesIO(credential_json(credential_of(credential_jwt))),
            name=JSON_ATTACHMENT,
            description="Open Badges 3.0 credential (JSON)",
            relationship="Data",
        ),
    ]


def qr_svg(url: str) -> str:
    """A vector QR code of ``url`` as an inline SVG element, sized by its container.

    Error correction M (15 %) survives a crease or a stamp on a printed page; the quiet zone of
    four modules is what phone scanners expect.
    """
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=1, border=4, omitsize=True, dark="#111111", light="#ffffff")


def _signatories_with_images(certificate: Certificate) -> list[dict]:
    """The signatories the certificate copied, each with its signature as a data URI.

    Inlined rather than linked so that rendering works with any storage (a local folder or a
    bucket) and the image is embedded in the file.
    """
    signatories = []
    for signatory in certificate.signatories:
        image = ""
        path = signatory.get("signature") or ""
        if path and default_storage.exists(path):
            with default_storage.open(path, "rb") as file:
                data = file.read()
            mime = mimetypes.guess_type(path)[0] or "image/png"
            image = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        signatories.append({**signatory, "image": image})
    return signatories
