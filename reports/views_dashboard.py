"""The reports dashboard: the figures of an organisation with its sub-units, or of the whole
public service for KSG staff, over a period, for a skill area and level."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from courses.models import Level
from reports import selectors
from reports.charts import dashboard_charts
from reports.dashboard import dashboard_for
from reports.filters import default_period
from reports.forms import ReportFilterForm, form_data


@login_required
@require_safe
def dashboard(request):
    """The dashboard for the filters in the query string; without any, the user's own
    organisation (the national view for KSG staff) over the financial year so far."""
    user = request.user
    if not selectors.may_report(user):
        raise PermissionDenied
    # This page's form, or a link made by ReportFilters.as_params() ("from", "to").
    data = form_data(request.GET)
    # The period shows in the form: the financial year so far unless chosen.
    start, end = default_period(timezone.localdate())
    for field, default in (("date_from", start), ("date_to", end)):
        if not data.get(field):
            data[field] = default.isoformat()
    if not data.get("organisation"):
        # A training officer's own organisation; the national view for KSG staff.
        home = selectors.home_organisation(user)
        data["organisation"] = str(home.pk) if home else ""
    form = ReportFilterForm(data, user=user)
    if not form.is_valid():
        if form.has_error("organisation", "invalid_choice"):
            # Another organisation's number, or no number at all: not found, whether or not
            # it exists (this raises Http404).
            selectors.reportable_organisation(user, data["organisation"])
        return render(request, "reports/dashboard.html", {"form": form}, status=400)
    filters = form.filters()
    dashboard = dashboard_for(filters)
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "dashboard": dashboard,
            "charts": dashboard_charts(dashboard),
            "level_label": Level(filters.level).label if filters.level else "",
            # "Request a report file" opens on the same filters.
            "query": urlencode(filters.as_params()),
        },
    )
