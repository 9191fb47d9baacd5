"""Certificate pages: the authorised downloads of a certificate's PDF and of its Open Badges
credential, and the issuer's public documents that let anyone verify a credential."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from certificates import badges, selectors, signing

# Public keys and the issuer's profile change only with a new key: let verifiers cache them.
PUBLIC_MAX_AGE = 60 * 60


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
    return _private(response)


@login_required
@require_safe
def certificate_badge_json(request, serial):
    """The certificate's Open Badges credential as JSON, the same bytes as ``credential.json``
    inside its PDF. Same people as the PDF; anyone else a 404."""
    certificate = selectors.certificate_for_download(request.user, serial)
    token = selectors.credential_jwt_of(certificate)
    body = badges.credential_json(signing.credential_of(token))
    return _download(body, f"{certificate.serial}.json", "application/json")


@login_required
@require_safe
def certificate_badge_jwt(request, serial):
    """The signed credential (VC-JWT), the same bytes as ``credential.jwt`` inside its PDF."""
    certificate = selectors.certificate_for_download(request.user, serial)
    token = selectors.credential_jwt_of(certificate)
    return _download(token.encode(), f"{certificate.serial}.jwt", "application/jwt")


@require_safe
def issuer_profile(request):
    """KSG's issuer ``Profile``: the document at the ``issuer.id`` of every credential."""
    return _public(JsonResponse(badges.issuer_profile(with_context=True)))


@require_safe
def issuer_jwks(request):
    """The issuer's public keys as a JSON Web Key Set, to verify the credentials' JWTs."""
    return _public(JsonResponse(signing.jwks()))


@require_safe
def issuer_key(request, thumbprint):
    """The public key a credential's ``kid`` names, as a JWK (only the current key for now)."""
    if thumbprint != signing.thumbprint():
        raise Http404(gettext("There is no such key."))
    return _public(JsonResponse(signing.public_jwk()))


def _download(body: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


def _private(response):
    # Personal data: no shared cache keeps it, and the browser never guesses another type.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _public(response):
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch keys from their own pages
    return response
