"""The pages of KSG staff and facilitators: their cohorts, a cohort's roster with its CSV
export, an enrolment with its history, and (KSG staff only) the capacity of a cohort."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from academy.audit import audit_record
from academy.paging import page_links
from academy.reauthentication import reauthentication_required
from academy.roles import is_facilitator, is_ksg_staff, role_required
from academy.spreadsheets import neutralise
from enrollments import results, services
from enrollments import roster as roster_selectors
from enrollments.forms_results import ResultForm
from enrollments.forms_staff import CapacityForm, RosterFilterForm
from enrollments.history import history_entries
from enrollments.models import Enrollment
from enrollments.views_seats import quota_panel, seat_actions

COHORTS_PER_PAGE = 25
ROSTER_PER_PAGE = 50


def _page(items, request, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@login_required
@role_required(is_ksg_staff, is_facilitator)
@require_safe
def cohort_list(request):
    page = _page(roster_selectors.cohorts_for_staff(request.user), request, COHORTS_PER_PAGE)
    return render(
        request,
        "enrollments/staff/cohort_list.html",
        {"page": page, "page_links": page_links(page, "")},
    )


def _filter_form(request, cohort) -> RosterFilterForm:
    return RosterFilterForm(
        request.GET or None, organisations=roster_selectors.roster_organisations(cohort)
    )


def _filter_query(filters: dict) -> str:
    """The filters as a query string (without the page), for links that keep them."""
    params = {
        "q": filters["search"],
        "state": filters["state"],
        "organisation": filters["organisation"].pk if filters["organisation"] else "",
    }
    return urlencode({key: value for key, value in params.items() if value})


def _roster_page(request, cohort, capacity_form: CapacityForm | None = None, status: int = 200):
    form = _filter_form(request, cohort)
    filters = form.filters()
    query = _filter_query(filters)
    page = _page(roster_selectors.roster(cohort, **filters), request, ROSTER_PER_PAGE)
    can_change_capacity = is_ksg_staff(request.user)
    if can_change_capacity and capacity_form is None:
        capacity_form = CapacityForm(initial={"capacity": cohort.capacity})
    return render(
        request,
        "enrollments/staff/roster.html",
        {
            "cohort": cohort,
            "form": form,
            "filtered": any(filters.values()),
            "query": query,
            "page": page,
            "page_links": page_links(page, query),
            "capacity_form": capacity_form if can_change_capacity else None,
            "quota_panel": quota_panel(cohort) if can_change_capacity else None,
        },
        status=status,
    )


@login_required
@role_required(is_ksg_staff, is_facilitator)
@require_safe
def cohort_roster(request, pk):
    cohort = roster_selectors.cohort_for_staff(request.user, pk)
    return _roster_page(request, cohort)


@login_required
@role_required(is_ksg_staff, is_facilitator)
@require_POST
def cohort_capacity(request, pk):
    cohort = roster_selectors.cohort_for_staff(request.user, pk)
    if not is_ksg_staff(request.user):
        raise PermissionDenied
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            promoted = services.cohort_change_capacity(
                cohort=cohort, capacity=form.cleaned_data["capacity"], by=request.user
            )
        except services.EnrolmentRefused as refusal:
            form.add_error("capacity", refusal.message)
        else:
            capacity = form.cleaned_data["capacity"]
            done = _("Cohort %(cohort)s now has %(capacity)d seats.") % {
                "cohort": cohort.code,
                "capacity": capacity,
            }
            if promoted:
                done += " " + ngettext(
                    "%(count)d officer was promoted from the waiting list.",
                    "%(count)d officers were promoted from the waiting list.",
                    len(promoted),
                ) % {"count": len(promoted)}
            messages.success(request, done)
            return redirect("enrollments:staff_roster", pk=cohort.pk)
    return _roster_page(request, cohort, capacity_form=form, status=400)


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer to stream through."""

    def write(self, value):
        return value


def _csv_rows(enrollments) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # So that spreadsheets read the names as UTF-8.
    yield writer.writerow(
        [
            _("Personal number"),
            _("Name"),
            _("E-mail"),
            _("Organisation"),
            _("Job group"),
            _("State"),
            _("Waiting list position"),
            _("Enrolled or changed"),
        ]
    )
    for enrollment in enrollments.iterator(chunk_size=500):
        officer = enrollment.officer
        profile = getattr(officer, "officer_profile", None)
        changed = enrollment.state_changed_at or enrollment.created_at
        yield writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    profile.personal_number if profile else "",
                    officer.full_name,
                    officer.email,
                    profile.organisation.name if profile else "",
                    profile.job_group if profile else "",
                    enrollment.get_state_display(),
                    enrollment.waitlist_position or "",
                    timezone.localtime(changed).strftime("%Y-%m-%d %H:%M") if changed else "",
                )
            ]
        )


@login_required
@role_required(is_ksg_staff, is_facilitator)
@reauthentication_required  # others' personal data leaves the portal
@require_safe
def cohort_roster_export(request, pk):
    cohort = roster_selectors.cohort_for_staff(request.user, pk)
    filters = _filter_form(request, cohort).filters()
    enrollments = roster_selectors.roster(cohort, **filters)
    audit_record(
        actor=request.user,
        action="enrollments.roster.exported",
        target=cohort,
        data={
            "cohort": cohort.code,
            "filters": {
                "search": filters["search"],
                "state": filters["state"],
                "organisation": filters["organisation"].pk if filters["organisation"] else None,
            },
            "rows": enrollments.count(),
        },
    )
    response = StreamingHttpResponse(_csv_rows(enrollments), content_type="text/csv; charset=utf-8")
    filename = f"roster-{cohort.code}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@role_required(is_ksg_staff, is_facilitator)
@require_safe
def enrollment_detail(request, pk):
    """One officer's enrolment as staff see it: where it stands, and everything that happened
    to it. The panels of results and seats add what may be done to it from here."""
    enrollment = roster_selectors.enrollment_for_staff(request.user, pk)
    cohort = enrollment.cohort
    is_staff = is_ksg_staff(request.user)
    holds_seat = enrollment.state in Enrollment.SEAT_STATES
    may_decide = is_staff and holds_seat and cohort.status in results.DECIDABLE_COHORTS
    return render(
        request,
        "enrollments/staff/enrollment.html",
        {
            "enrollment": enrollment,
            "cohort": cohort,
            "officer": enrollment.officer,
            "profile": getattr(enrollment.officer, "officer_profile", None),
            "history": history_entries(roster_selectors.enrollment_history(enrollment)),
            "emails": roster_selectors.enrollment_emails(enrollment),
            "is_staff": is_staff,
            "standing": results.standing_of(enrollment) if holds_seat else None,
            "result_form": ResultForm() if may_decide else None,
            "seat_actions": seat_actions(enrollment) if is_staff else None,
        },
    )
