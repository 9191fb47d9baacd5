"""Certificate pages: the authorised download of a certificate's PDF."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from certificates import selectors


@login_required
@require_safe
def certificate_pdf(request, serial):
    """The stored PDF, byte for byte as issued (its SHA-256 is on record), as a download named
    after its serial. The officer, their training officers and KSG staff; anyone else a 404."""
    certificate = selectors.certificate_for_download(request.user, serial)
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )
    # Personal data: no shared cache keeps it, and the browser never guesses another type.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response
