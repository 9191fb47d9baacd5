"""The pages of report files: ask for one, my reports, a report's progress, its download.

Training officers and KSG staff only (anyone else signed in: 403). A report is its requester's
alone: anyone else, KSG staff included, gets a 404 for its page and its file, as for a report
that does not exist (the files hold officers' personal data; staff ask for their own).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from academy.paging import page_links
from academy.reauthentication import reauthentication_required
from academy.roles import role_required
from reports import runs, selectors, services
from reports.filters import default_period
from reports.forms import ReportRequestForm, form_data
from reports.models import ReportRun

Status = ReportRun.Status

# My reports, a page at a time.
RUNS_PER_PAGE = 20

# The run page reloads itself this often while the file is being built (no JavaScript needed).
REFRESH_SECONDS = 2


@login_required
@role_required(selectors.may_report)
@require_safe
def run_list(request):
    """The reports the user asked for, newest first."""
    page = Paginator(selectors.runs_of(request.user), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reports/runs/list.html",
        {"page": page, "page_links": page_links(page, ""), "runs": page.object_list},
    )


@login_required
@role_required(selectors.may_report)
@reauthentication_required(allow_get=True)  # asking builds a file of others' personal data
@require_http_methods(["GET", "HEAD", "POST"])
def run_request(request):
    """Ask for a report file: the filters, which report, which format."""
    if request.method == "POST":
        form = ReportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                run, created = services.report_request(
                    by=request.user,
                    filters=form.filters(),
                    kind=form.cleaned_data["kind"],
                    format=form.cleaned_data["format"],
                )
            except services.ReportRefused as refused:
                form.add_error(None, refused.message)
            else:
                if not created:
                    messages.info(request, _("You asked for this very report already: here it is."))
                return redirect("report_runs:run", pk=run.pk)
        status = 400
    else:
        start, end = default_period(timezone.localdate())
        initial = {"date_from": start.isoformat(), "date_to": end.isoformat()}
        # The dashboard's filters, when it sent the reader here.
        initial |= form_data(request.GET)
        form = ReportRequestForm(user=request.user, initial=initial)
        status = 200
    return render(
        request,
        "reports/runs/request.html",
        {"form": form, "pdf_limit": services.PDF_MAX_ROWS},
        status=status,
    )


@login_required
@role_required(selectors.may_report)
@require_safe
def run_detail(request, pk):
    """A report's progress, reloading itself every few seconds until it is built; then the
    link to download it."""
    run = selectors.run_of(request.user, pk)
    context = {
        "run": run,
        "filters": runs.describe_filters(run),
        "refresh": REFRESH_SECONDS,
        "filename": runs.filename(run),
    }
    return render(request, "reports/runs/run.html", context)


@login_required
@role_required(selectors.may_report)
@require_safe
def run_status(request, pk):
    """The run's progress as JSON, for a script that updates the page without reloading."""
    run = selectors.run_of(request.user, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "rows_done": run.rows_done,
            "rows_total": run.rows_total,
            "percent": run.percent,
            "finished": run.finished,
        }
    )


@login_required
@role_required(selectors.may_report)
@reauthentication_required  # others' personal data leaves the portal
@require_safe
def run_download(request, pk):
    """The file, as an attachment with a telling name; a clear page when it has expired
    (410) or is not built (yet)."""
    run = selectors.run_of(request.user, pk)
    if run.status != Status.READY or not run.file:
        expired = run.status == Status.EXPIRED
        context = {
            "run": run,
            "expired": expired,
            "expire_days": settings.REPORT_FILES_EXPIRE_DAYS,
        }
        page = render(request, "reports/runs/gone.html", context, status=410 if expired else 409)
        return page
    return runs.file_download(run)
