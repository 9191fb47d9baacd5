"""The partner pages: agreements, deliverables with their thread and history, KPIs with their
progress, and documents.

KSG staff see every partner and manage; a partner reviewer sees only their own partner's
agreements (any other is a 404, as if it did not exist); anyone else is refused with a 403.
Each write is a POST that calls one service; a refusal shows its reason on the page, with a 400.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from academy.roles import is_ksg_staff, is_partner_reviewer, role_required
from partners import selectors, services, uploads
from partners.forms import (
    AmendForm,
    KpiResultForm,
    LogoForm,
    ObligationForm,
    RenewForm,
    ReviewForm,
    SignForm,
    StatusForm,
    UploadForm,
)
from partners.history import history_entries
from partners.kpis import SMALL_GROUP, kpi_progress
from partners.models import Agreement, Document, Kpi

partner_pages = role_required(is_ksg_staff, is_partner_reviewer)


def limits_uploads(view):
    """Let ``uploads.SizeLimitHandler`` read the request's files, so that an oversized file is
    skipped as it arrives rather than read whole. Handlers must be set before anything reads
    the body, and the CSRF check reads it: so the check is made here, after the handler is in
    place (the pattern of Django's documentation on upload handlers)."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.upload_handlers.insert(0, uploads.SizeLimitHandler(request))
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


@login_required
@partner_pages
@require_safe
def agreement_list(request):
    agreements = list(selectors.agreements_for(request.user))
    return render(
        request,
        "partners/agreement_list.html",
        {"agreements": agreements, "is_staff": is_ksg_staff(request.user)},
    )


def _partner_page(request, partner, *, logo_form=None):
    is_staff = is_ksg_staff(request.user)
    return render(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            "logo": selectors.logo_of(partner),
            "agreements": selectors.agreements_for(request.user).filter(partner=partner),
            "logo_form": (logo_form or LogoForm()) if is_staff else None,
        },
        status=400 if logo_form else 200,
    )


@login_required
@partner_pages
@require_safe
def partner_detail(request, pk):
    return _partner_page(request, selectors.partner_for(request.user, pk))


@login_required
@role_required(is_ksg_staff)
@require_POST
@limits_uploads
def partner_logo(request, pk):
    partner = selectors.partner_for(request.user, pk)
    form = LogoForm(request.POST, request.FILES)
    if _file_fits(request, form) and form.is_valid():
        try:
            services.document_upload(
                upload=form.cleaned_data["file"],
                kind=Document.Kind.LOGO,
                by=request.user,
                partner=partner,
            )
        except services.PartnerRefused as refusal:
            form.add_error("file", refusal.message)
        else:
            messages.success(request, _("Logo uploaded."))
            return redirect("partners:partner", pk=partner.pk)
    return _partner_page(request, partner, logo_form=form)


def _status_choices(agreement: Agreement) -> list[tuple[str, str]]:
    return [(s, Agreement.Status(s).label) for s in services.NEXT_STATUSES[agreement.status]]


def _agreement_page(
    request,
    agreement,
    *,
    status_form=None,
    sign_form=None,
    upload_form=None,
    obligation_form=None,
    renew_form=None,
):
    is_staff = is_ksg_staff(request.user)
    today = timezone.localdate()
    obligations = list(agreement.obligations.all())
    for obligation in obligations:
        for deliverable in obligation.deliverables.all():
            deliverable.overdue = deliverable.is_overdue(today)
    kpis = [
        kpi_progress(kpi, breakdown=False) for kpi in agreement.kpis.prefetch_related("courses")
    ]
    choices = _status_choices(agreement)
    unsigned = [party for party in agreement.parties.all() if not party.signed]
    signing = agreement.status in (
        Agreement.Status.LEGAL_REVIEW,
        Agreement.Status.AWAITING_SIGNATURE,
    )
    return render(
        request,
        "partners/agreement_detail.html",
        {
            "agreement": agreement,
            "parties": agreement.parties.all(),
            "obligations": obligations,
            "kpis": kpis,
            "documents": selectors.documents_of(agreement=agreement, deliverable=None, kpi=None),
            "history": history_entries(selectors.history_of(agreement)) if is_staff else None,
            "is_staff": is_staff,
            "status_form": (status_form or StatusForm(choices=choices))
            if is_staff and choices
            else None,
            "sign_form": (sign_form or SignForm(parties=unsigned))
            if is_staff and signing and unsigned
            else None,
            "upload_form": (upload_form or UploadForm()) if is_staff else None,
            "obligation_form": (obligation_form or ObligationForm(parties=agreement.parties.all()))
            if is_staff and agreement.status not in Agreement.FINAL_STATUSES
            else None,
            "renew_form": (renew_form or RenewForm())
            if is_staff and agreement.status in (Agreement.Status.ACTIVE, Agreement.Status.EXPIRED)
            else None,
        },
        status=400
        if (status_form or sign_form or upload_form or obligation_form or renew_form)
        else 200,
    )


@login_required
@partner_pages
@require_safe
def agreement_detail(request, pk):
    return _agreement_page(request, selectors.agreement_for(request.user, pk))


@login_required
@role_required(is_ksg_staff)
@require_POST
def agreement_status(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    form = StatusForm(request.POST, choices=_status_choices(agreement))
    if form.is_valid():
        try:
            agreement = services.agreement_transition(
                agreement=agreement,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.PartnerRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("The agreement is now %(status)s.")
                % {"status": agreement.get_status_display().lower()},
            )
            return redirect("partners:agreement", pk=agreement.pk)
    return _agreement_page(request, agreement, status_form=form)


@login_required
@role_required(is_ksg_staff)
@require_POST
def agreement_sign(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    form = SignForm(request.POST, parties=agreement.parties.all())
    if form.is_valid():
        party = form.cleaned_data["party"]
        try:
            services.agreement_sign(
                party=party,
                signatory_name=form.cleaned_data["signatory_name"],
                signatory_title=form.cleaned_data["signatory_title"],
                signed_on=form.cleaned_data["signed_on"],
                by=request.user,
            )
        except services.PartnerRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("Signature of %(party)s recorded.") % {"party": party.organisation}
            )
            return redirect("partners:agreement", pk=agreement.pk)
    return _agreement_page(request, agreement, sign_form=form)


@login_required
@role_required(is_ksg_staff)
@require_POST
@limits_uploads
def agreement_upload(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if _upload(request, form, agreement=agreement):
        return redirect("partners:agreement", pk=agreement.pk)
    return _agreement_page(request, agreement, upload_form=form)


def _file_fits(request, form) -> bool:
    """False, with the reason on the form, when ``uploads.SizeLimitHandler`` skipped the file."""
    name = getattr(request, "upload_too_large", None)
    if name is None:
        return True
    form.is_valid()
    form.errors.pop("file", None)
    form.add_error("file", uploads.too_large_message(name))
    return False


def _upload(request, form: UploadForm, **owner) -> bool:
    """Store the form's file for ``owner``; False with the reason on the form when refused."""
    if not _file_fits(request, form):
        return False
    if not form.is_valid():
        return False
    try:
        document = services.document_upload(
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            by=request.user,
            **owner,
        )
    except services.PartnerRefused as refusal:
        form.add_error("file", refusal.message)
        return False
    messages.success(request, _("%(name)s uploaded.") % {"name": document.original_name})
    return True


@login_required
@role_required(is_ksg_staff)
@require_POST
def agreement_renew(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    form = RenewForm(request.POST)
    if form.is_valid():
        try:
            renewal = services.agreement_renew(
                agreement=agreement,
                reference=form.cleaned_data["reference"],
                ends_on=form.cleaned_data["ends_on"],
                by=request.user,
            )
        except services.PartnerRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("Renewal %(reference)s drafted: record its signatures when it is signed.")
                % {"reference": renewal.reference},
            )
            return redirect("partners:agreement", pk=renewal.pk)
    return _agreement_page(request, agreement, renew_form=form)


# --- Obligations -------------------------------------------------------------------------------


@login_required
@role_required(is_ksg_staff)
@require_POST
def obligation_add(request, pk):
    agreement = selectors.agreement_for(request.user, pk)
    form = ObligationForm(request.POST, parties=agreement.parties.all())
    if form.is_valid():
        party = form.cleaned_data["party"]
        try:
            services.obligation_create(
                agreement=agreement,
                party=party,
                description=form.cleaned_data["description"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.PartnerRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Obligation added."))
            return redirect("partners:agreement", pk=agreement.pk)
    return _agreement_page(request, agreement, obligation_form=form)


def _obligation_page(request, obligation, form=None, *, status=200):
    agreement = obligation.agreement
    return render(
        request,
        "partners/obligation.html",
        {
            "obligation": obligation,
            "agreement": agreement,
            "form": form or AmendForm(initial={"description": obligation.description}),
            "may_delete": agreement.status in Agreement.OPEN_STATUSES,
        },
        status=status,
    )


@login_required
@role_required(is_ksg_staff)
def obligation_amend(request, pk):
    """GET: the obligation with the form to amend it; POST: amend it."""
    obligation = selectors.obligation_for(request.user, pk)
    if request.method != "POST":
        return _obligation_page(request, obligation)
    form = AmendForm(request.POST)
    if form.is_valid():
        try:
            services.obligation_amend(
                obligation=obligation,
                description=form.cleaned_data["description"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.PartnerRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Obligation amended."))
            return redirect("partners:agreement", pk=obligation.agreement_id)
    return _obligation_page(request, obligation, form, status=400)


@login_required
@role_required(is_ksg_staff)
@require_POST
def obligation_delete(request, pk):
    obligation = selectors.obligation_for(request.user, pk)
    try:
        services.obligation_delete(obligation=obligation, by=request.user)
    except services.PartnerRefused as refusal:
        messages.error(request, refusal.message)
        return _obligation_page(request, obligation, status=400)
    messages.success(request, _("Obligation deleted."))
    return redirect("partners:agreement", pk=obligation.agreement_id)


# --- Deliverables ------------------------------------------------------------------------------


@login_required
@partner_pages
@require_safe
def deliverable_list(request):
    today = timezone.localdate()
    deliverables = list(selectors.deliverables_for(request.user).order_by("due_on", "pk")[:500])
    for deliverable in deliverables:
        deliverable.overdue = deliverable.is_overdue(today)
    return render(request, "partners/deliverable_list.html", {"deliverables": deliverables})


def _deliverable_page(request, deliverable, *, review_form=None, upload_form=None):
    user = request.user
    may_submit = services.may_submit(user, deliverable)
    may_review = services.may_review(user, deliverable)
    state = deliverable.review_state
    actions = []
    if may_submit and state in services.SUBMITTABLE:
        actions.append(("submit", _("Submit for review")))
    if may_review and state == deliverable.ReviewState.SUBMITTED:
        actions.append(("start_review", _("Start review")))
    if may_review and state in services.DECIDABLE:
        actions += [("accept", _("Accept")), ("request_changes", _("Request changes"))]
    actions.append(("comment", _("Comment")))
    return render(
        request,
        "partners/deliverable_detail.html",
        {
            "deliverable": deliverable,
            "agreement": deliverable.obligation.agreement,
            "overdue": deliverable.is_overdue(timezone.localdate()),
            "thread": selectors.thread_of(deliverable),
            "history": history_entries(selectors.history_of(deliverable)),
            "documents": selectors.documents_of(deliverable=deliverable),
            "actions": actions,
            "review_form": review_form or ReviewForm(),
            "upload_form": (upload_form or UploadForm()) if may_submit or may_review else None,
            "partner_side": services.is_partner_side(deliverable),
        },
        status=400 if (review_form or upload_form) else 200,
    )


@login_required
@partner_pages
@require_safe
def deliverable_detail(request, pk):
    return _deliverable_page(request, selectors.deliverable_for(request.user, pk))


REVIEW_DONE = {
    "submit": _("Submitted for review."),
    "start_review": _("Review started."),
    "accept": _("Deliverable accepted."),
    "request_changes": _("Changes requested."),
    "comment": _("Comment added."),
}


@login_required
@partner_pages
@require_POST
def deliverable_review(request, pk):
    deliverable = selectors.deliverable_for(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
        try:
            _review(action, deliverable=deliverable, by=request.user, comment=comment)
        except services.PartnerRefused as refusal:
            form.add_error(
                "comment" if refusal.code.endswith("required") else None, refusal.message
            )
        else:
            messages.success(request, str(REVIEW_DONE[action]))
            return redirect("partners:deliverable", pk=deliverable.pk)
    return _deliverable_page(request, deliverable, review_form=form)


def _review(action: str, *, deliverable, by, comment: str):
    if action == "submit":
        return services.deliverable_submit(deliverable=deliverable, by=by, comment=comment)
    if action == "start_review":
        return services.deliverable_start_review(deliverable=deliverable, by=by)
    if action == "accept":
        return services.deliverable_accept(deliverable=deliverable, by=by, comment=comment)
    if action == "request_changes":
        return services.deliverable_request_changes(deliverable=deliverable, by=by, reason=comment)
    return services.deliverable_comment(deliverable=deliverable, by=by, comment=comment)


@login_required
@partner_pages
@require_POST
@limits_uploads
def deliverable_upload(request, pk):
    deliverable = selectors.deliverable_for(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if _upload(request, form, deliverable=deliverable):
        return redirect("partners:deliverable", pk=deliverable.pk)
    return _deliverable_page(request, deliverable, upload_form=form)


# --- KPIs --------------------------------------------------------------------------------------


def _kpi_page(request, kpi, *, result_form=None, upload_form=None):
    is_staff = is_ksg_staff(request.user)
    manual = kpi.kind == Kpi.Kind.MANUAL
    return render(
        request,
        "partners/kpi_detail.html",
        {
            "kpi": kpi,
            "agreement": kpi.agreement,
            "progress": kpi_progress(kpi),
            "small_group": SMALL_GROUP,
            "documents": selectors.documents_of(kpi=kpi),
            "history": history_entries(selectors.history_of(kpi)),
            "result_form": (result_form or KpiResultForm()) if is_staff and manual else None,
            "upload_form": (upload_form or UploadForm()) if is_staff else None,
        },
        status=400 if (result_form or upload_form) else 200,
    )


@login_required
@partner_pages
@require_safe
def kpi_detail(request, pk):
    return _kpi_page(request, selectors.kpi_for(request.user, pk))


@login_required
@role_required(is_ksg_staff)
@require_POST
def kpi_result(request, pk):
    kpi = selectors.kpi_for(request.user, pk)
    form = KpiResultForm(request.POST)
    if form.is_valid():
        try:
            services.kpi_record_result(
                kpi=kpi,
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except services.PartnerRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Result recorded."))
            return redirect("partners:kpi", pk=kpi.pk)
    return _kpi_page(request, kpi, result_form=form)


@login_required
@role_required(is_ksg_staff)
@require_POST
@limits_uploads
def kpi_upload(request, pk):
    kpi = selectors.kpi_for(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if _upload(request, form, kpi=kpi):
        return redirect("partners:kpi", pk=kpi.pk)
    return _kpi_page(request, kpi, upload_form=form)


# --- Documents ---------------------------------------------------------------------------------


@login_required
@partner_pages
@require_safe
def document_download(request, pk):
    """The document as a download, never shown in the browser, to whoever may see its
    partner."""
    document: Document = selectors.document_for(request.user, pk)
    try:
        stored = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file of this document is missing from the storage.")) from None
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # default-src does not cover frame-ancestors: no page may frame the file either.
    response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
