"""Nominations by training officers (one officer, or a CSV file of personal numbers) and KSG
staff's bulk enrolment of a cohort from a CSV file. The work is in ``enrollments.imports``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from academy.paging import page_links
from academy.roles import is_ksg_staff, is_training_officer, role_required
from courses.selectors import public_cohort_get
from enrollments import imports, selectors, services
from enrollments import roster as roster_selectors
from enrollments.forms_imports import CohortSearchForm, CsvUploadForm, NominateForm
from enrollments.models import Enrollment

COHORTS_PER_PAGE = 25
OFFICERS_PER_PAGE = 25

State = Enrollment.State


# --- Training officers: nominations -------------------------------------------------------


@login_required
@role_required(is_training_officer)
@require_safe
def nomination_cohorts(request):
    """The cohorts taking enrolments today, to choose one to nominate officers into."""
    form = CohortSearchForm(request.GET or None)
    search = form.search()
    query = urlencode({"q": search}) if search else ""
    page = Paginator(imports.cohorts_open_for_nomination(search), COHORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "enrollments/nominate_cohorts.html",
        {"form": form, "search": search, "page": page, "page_links": page_links(page, query)},
    )


@login_required
@role_required(is_training_officer)
@require_http_methods(["GET", "POST"])
def nominate(request, pk):
    """A cohort's nomination page; a POST nominates one officer."""
    cohort = public_cohort_get(pk)
    form = NominateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = imports.officer_nominate(
                cohort=cohort, by=request.user, officer=form.cleaned_data["officer"]
            )
        except services.EnrolmentRefused as refusal:
            form.add_error("officer", refusal.message)
        else:
            messages.success(request, _nomination_message(enrollment))
            return redirect("enrollments:nominate", pk=cohort.pk)
    status = 400 if request.method == "POST" else 200
    return _nominate_page(request, cohort, form=form, status=status)


@login_required
@role_required(is_training_officer)
@require_POST
def nominate_upload(request, pk):
    """Nominate the officers of an uploaded CSV file of personal numbers, all or none."""
    cohort = public_cohort_get(pk)
    upload_form = CsvUploadForm(request.POST, request.FILES)
    problems = []
    if upload_form.is_valid():
        try:
            upload = imports.read_csv(
                upload_form.cleaned_data["file"], columns=imports.NOMINATION_COLUMNS
            )
            outcome = imports.cohort_bulk_nominate(
                cohort=cohort,
                by=request.user,
                rows=upload.rows,
                file_name=upload.name,
                file_sha256=upload.sha256,
            )
        except imports.ImportRefused as refused:
            problems = refused.problems
        else:
            messages.success(
                request,
                _("%(file)s: %(enrolled)d enrolled, %(waitlisted)d on the waiting list.")
                % {"file": upload.name or _("The file"), **outcome.counts()},
            )
            return redirect("enrollments:nominate", pk=cohort.pk)
    return _nominate_page(request, cohort, upload_form=upload_form, problems=problems, status=400)


def _nominate_page(request, cohort, *, form=None, upload_form=None, problems=(), status=200):
    page = Paginator(
        selectors.officers_enrollments_for(request.user).filter(cohort=cohort),
        OFFICERS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "enrollments/nominate.html",
        {
            "cohort": cohort,
            "seats_taken": services.seats_taken(cohort),
            "form": form or NominateForm(),
            "upload_form": upload_form or CsvUploadForm(),
            "problems": problems,
            "page": page,
            "page_links": _links_to(reverse("enrollments:nominate", args=[cohort.pk]), page),
        },
        status=status,
    )


def _links_to(path: str, page) -> dict | None:
    """The page's links on ``path``: the page may be answering a POST to another address."""
    links = page_links(page, "")
    if links is None:
        return None
    for key in ("previous", "next"):
        if links[key]:
            links[key] = path + links[key]
    for link in links["pages"]:
        if link is not None:
            link["url"] = path + link["url"]
    return links


def _nomination_message(enrollment: Enrollment) -> str:
    values = {
        "name": enrollment.officer.full_name,
        "cohort": enrollment.cohort.code,
        "position": enrollment.waitlist_position,
    }
    if enrollment.state == State.WAITLISTED:
        return (
            _("Cohort %(cohort)s is full: %(name)s is number %(position)d on its waiting list.")
            % values
        )
    if enrollment.state == State.ENROLLED:
        return _("%(name)s is enrolled in cohort %(cohort)s.") % values
    return _("%(name)s's request for cohort %(cohort)s is waiting for approval.") % values


# --- KSG staff: bulk enrolment ------------------------------------------------------------


@login_required
@role_required(is_ksg_staff)
@require_http_methods(["GET", "POST"])
def staff_bulk_enrol(request, pk):
    """Enrol the officers of an uploaded CSV file in a cohort, all or none."""
    cohort = roster_selectors.cohort_for_staff(request.user, pk)
    form = CsvUploadForm(request.POST, request.FILES) if request.method == "POST" else None
    problems = []
    if form is not None and form.is_valid():
        try:
            upload = imports.read_csv(form.cleaned_data["file"], columns=imports.STAFF_COLUMNS)
            outcome = imports.cohort_bulk_enrol(
                cohort=cohort,
                by=request.user,
                rows=upload.rows,
                file_name=upload.name,
                file_sha256=upload.sha256,
            )
        except imports.ImportRefused as refused:
            problems = refused.problems
        else:
            messages.success(request, _bulk_summary(upload.name, outcome))
            return redirect("enrollments:staff_roster", pk=cohort.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "enrollments/staff/bulk_enrol.html",
        {
            "cohort": cohort,
            "form": form or CsvUploadForm(),
            "problems": problems,
            "max_rows": imports.MAX_ROWS,
            "max_megabytes": imports.MAX_FILE_BYTES // 1_000_000,
        },
        status=status,
    )


def _bulk_summary(file_name: str, outcome: imports.ImportOutcome) -> str:
    return _(
        "%(file)s: %(enrolled)d enrolled, %(waitlisted)d on the waiting list, %(requested)d "
        "sent to their training officers for approval."
    ) % {"file": file_name or _("The file"), **outcome.counts()}
