"""Certificate pages: the authorised downloads of a certificate's PDF and of its Open Badges
credential, and the issuer's public documents that let anyone verify a credential; the public
verification page (by code, or by checking a PDF file); and the KSG staff pages that revoke,
re-issue and issue a cohort's certificates."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from academy.paging import page_links
from academy.reauthentication import require_reauthentication
from academy.roles import is_ksg_staff, role_required
from certificates import badges, ratelimit, runs, selectors, services, signing
from certificates.forms import CodeForm, ReasonForm, RunForm, SearchForm, UploadForm
from certificates.models import Certificate
from certificates.verification import MAX_UPLOAD_BYTES, HashingUploadHandler

# Public keys and the issuer's profile change only with a new key: let verifiers cache them.
PUBLIC_MAX_AGE = 60 * 60
CERTIFICATES_PER_PAGE = 50

# Room for the multipart envelope around a file of the largest size accepted.
_ENVELOPE = 64 * 1024


@login_required
@require_safe
def certificate_pdf(request, serial):
    """The stored PDF, byte for byte as issued (its SHA-256 is on record), as a download named
    after its serial. The officer, their training officers and KSG staff; anyone else a 404."""
    certificate = _for_download(request, serial)
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
    certificate = _for_download(request, serial)
    token = selectors.credential_jwt_of(certificate)
    body = badges.credential_json(signing.credential_of(token))
    return _download(body, f"{certificate.serial}.json", "application/json")


@login_required
@require_safe
def certificate_badge_jwt(request, serial):
    """The signed credential (VC-JWT), the same bytes as ``credential.jwt`` inside its PDF."""
    certificate = _for_download(request, serial)
    token = selectors.credential_jwt_of(certificate)
    return _download(token.encode(), f"{certificate.serial}.jwt", "application/jwt")


@require_safe
def issuer_profile(request):
    """KSG's issuer ``Profile``: the document at the ``issuer.id`` of every credential."""
    return _public_document(JsonResponse(badges.issuer_profile(with_context=True)))


@require_safe
def issuer_jwks(request):
    """The issuer's public keys as a JSON Web Key Set, to verify the credentials' JWTs."""
    return _public_document(JsonResponse(signing.jwks()))


@require_safe
def issuer_key(request, thumbprint):
    """The public key a credential's ``kid`` names, as a JWK (only the current key for now)."""
    if thumbprint != signing.thumbprint():
        raise Http404(gettext("There is no such key."))
    return _public_document(JsonResponse(signing.public_jwk()))


def _for_download(request, serial) -> Certificate:
    """The certificate to hand out; someone else's (a training officer's or KSG staff's
    download) needs a recent re-authentication, the officer's own does not."""
    certificate = selectors.certificate_for_download(request.user, serial)
    if certificate.enrollment.officer_id != request.user.pk:
        require_reauthentication(request)
    return certificate


def _download(body: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


def _private(response):
    # Personal data: no shared cache keeps it, and the browser never guesses another type.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _public_document(response):
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch keys from their own pages
    return response


# --- Public verification -------------------------------------------------------------------


def _verification(view):
    """A public verification page: rate-limited per client address before anything else, and
    an upload to it is hashed as it arrives and never stored.

    The upload handlers must be set before anything reads the body, and the CSRF check reads
    it: so the check is made here, after them. A body larger than any certificate is not read
    at all (nor CSRF-checked: nothing changes, the page only says it is too large)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not ratelimit.allow(request):
            return _too_many(request)
        if request.method == "POST":
            length = int(request.META.get("CONTENT_LENGTH") or 0)
            if length > MAX_UPLOAD_BYTES + _ENVELOPE:
                request.upload_handlers = [_LeaveUnread(request)]
                request.upload_too_large = True
                return view(request, *args, **kwargs)
            request.upload_handlers = [HashingUploadHandler(request)]
        return csrf_protect(view)(request, *args, **kwargs)

    return wrapper


def _too_many(request) -> HttpResponse:
    response = render(
        request,
        "certificates/verify_limited.html",
        {"retry_after": ratelimit.retry_after()},
        status=429,
    )
    response["Retry-After"] = str(ratelimit.retry_after())
    return _public(response)


def _public(response: HttpResponse) -> HttpResponse:
    # A status can change (revoked) at any time: no cache keeps an answer. The code in the
    # address is as good as the certificate: no link to another site passes it on, and no
    # search engine lists it. (Not "no-referrer": browsers then send "Origin: null" with the
    # upload form, which the CSRF check rightly refuses.)
    patch_cache_control(response, no_cache=True, max_age=0)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _upload_form(request) -> UploadForm | None:
    if request.method != "POST":
        return None
    form = UploadForm(request.POST, request.FILES)
    upload = getattr(request, "verify_upload", None)
    if getattr(request, "upload_too_large", False) or getattr(upload, "too_large", False):
        form.is_valid()
        form.errors.clear()
        form.add_error(
            "pdf",
            _("This file is larger than %(mb)d MB: a certificate PDF is far smaller.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    return form


class _LeaveUnread(FileUploadHandler):
    """Answers the body's parsing with nothing, without reading it."""

    def handle_raw_input(self, *args, **kwargs):
        return QueryDict(), MultiValueDict()

    def receive_data_chunk(self, raw_data, start):  # pragma: no cover - never called
        return None

    def file_complete(self, file_size):  # pragma: no cover - never called
        return None


@_verification
@require_http_methods(["GET", "HEAD", "POST"])
def verify_start(request):
    """Look a certificate up by its code, or find it by checking its PDF file."""
    code_form = CodeForm(request.GET or None)
    if code_form.is_valid():
        return redirect("certificates:verify", code=code_form.cleaned_data["code"])
    upload_form = _upload_form(request) or UploadForm()
    context = {"code_form": code_form, "upload_form": upload_form}
    status = 200
    if request.method == "POST":
        if upload_form.is_valid():
            certificate = selectors.certificate_with_hash(upload_form.cleaned_data["pdf"].sha256)
            if certificate is not None:
                return _public(_verify_page(request, certificate, match=True))
            context["upload_result"] = "unknown"
        else:
            status = 400
    return _public(render(request, "certificates/verify_start.html", context, status=status))


@_verification
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, code):
    """Anyone checks a certificate by its code: what it certifies and whether it still stands;
    and whether a PDF file is byte for byte the one issued."""
    certificate = selectors.certificate_for_verification(code)
    if certificate is None:
        return _public(
            render(
                request, "certificates/verify_not_found.html", {"code_form": CodeForm()}, status=404
            )
        )
    upload_form = _upload_form(request)
    match = None
    if upload_form is not None and upload_form.is_valid():
        match = upload_form.cleaned_data["pdf"].sha256 == certificate.pdf_sha256
    status = 400 if upload_form is not None and upload_form.errors else 200
    return _public(
        _verify_page(request, certificate, match=match, upload_form=upload_form, status=status)
    )


def _verify_page(request, certificate, *, match, upload_form=None, status=200):
    return render(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "match": match,
            "upload_form": upload_form or UploadForm(),
        },
        status=status,
    )


# --- KSG staff -----------------------------------------------------------------------------


@login_required
@role_required(is_ksg_staff)
@require_safe
def staff_list(request):
    form = SearchForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    search, status = filters.get("q", ""), filters.get("status", "")
    certificates = selectors.certificates_for_staff(request.user, search=search, status=status)
    page = Paginator(certificates, CERTIFICATES_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in {"q": search, "status": status}.items() if v})
    return render(
        request,
        "certificates/staff/list.html",
        {"form": form, "page": page, "page_links": page_links(page, query), "search": search},
    )


@login_required
@role_required(is_ksg_staff)
@require_safe
def staff_detail(request, serial):
    certificate = selectors.certificate_for_staff(request.user, serial)
    return _detail_page(request, certificate)


def _detail_page(request, certificate, *, revoke_form=None, reissue_form=None, status=200):
    current = certificate.status != Certificate.Status.SUPERSEDED
    return render(
        request,
        "certificates/staff/detail.html",
        {
            "certificate": certificate,
            "chain": selectors.certificate_chain(certificate),
            "history": selectors.certificate_history(certificate),
            "can_revoke": certificate.status == Certificate.Status.VALID,
            "can_reissue": current,
            "revoke_form": revoke_form or ReasonForm(prefix="revoke"),
            "reissue_form": reissue_form or ReasonForm(prefix="reissue"),
        },
        status=status,
    )


@login_required
@role_required(is_ksg_staff)
@require_POST
def staff_revoke(request, serial):
    certificate = selectors.certificate_for_staff(request.user, serial)
    form = ReasonForm(request.POST, prefix="revoke")
    if form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.CertificateRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Certificate %(serial)s is revoked; the officer is told by e-mail.")
                % {"serial": certificate.serial},
            )
            return redirect("certificates:staff_detail", serial=certificate.serial)
    return _detail_page(request, certificate, revoke_form=form, status=400)


@login_required
@role_required(is_ksg_staff)
@require_POST
def staff_reissue(request, serial):
    certificate = selectors.certificate_for_staff(request.user, serial)
    form = ReasonForm(request.POST, prefix="reissue")
    if form.is_valid():
        try:
            new = services.certificate_reissue(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.CertificateRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Certificate %(old)s is re-issued as %(new)s; the officer is told by e-mail.")
                % {"old": certificate.serial, "new": new.serial},
            )
            return redirect("certificates:staff_detail", serial=new.serial)
    return _detail_page(request, certificate, reissue_form=form, status=400)


@login_required
@role_required(is_ksg_staff)
@require_http_methods(["GET", "HEAD", "POST"])
def staff_cohort(request, pk):
    """Issue or re-issue a cohort's certificates at once; its runs so far."""
    cohort = selectors.cohort_for_staff(request.user, pk)
    form = RunForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                run, created = runs.run_start(
                    cohort=cohort,
                    by=request.user,
                    mode=form.cleaned_data["mode"],
                    reason=form.cleaned_data["reason"],
                )
            except services.CertificateRefused as refused:
                form.add_error(None, refused.message)
            else:
                if not created:
                    messages.info(
                        request, _("A run for this cohort is under way already: here it is.")
                    )
                return redirect("certificates:staff_run", pk=run.pk)
        status = 400
    return render(
        request,
        "certificates/staff/cohort.html",
        {
            "cohort": cohort,
            "form": form,
            "runs": selectors.runs_of(request.user, cohort)[:10],
            "completed": cohort.enrollments.filter(state="completed").count(),
        },
        status=status,
    )


@login_required
@role_required(is_ksg_staff)
@require_safe
def staff_run(request, pk):
    """The progress of a run; the page reloads itself every few seconds until it is done."""
    run = selectors.run_for_staff(request.user, pk)
    response = render(request, "certificates/staff/run.html", {"run": run})
    patch_cache_control(response, no_store=True)
    return response
