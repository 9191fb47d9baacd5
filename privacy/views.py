"""Privacy pages: the public privacy notice; the signed-in person's own data (page and JSON
download) and their erasure request; and the KSG staff page that decides erasure requests.

The person's pages take no user id: each person sees only their own data.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from academy.reauthentication import reauthentication_required
from academy.roles import is_ksg_staff, role_required
from privacy import dpa, retention, selectors, services
from privacy.forms import ErasureDecisionForm, ErasureRequestForm
from privacy.models import ErasureRequest


@require_safe
def notice(request):
    """Who keeps what about officers, why, for how long, who sees it, and their rights."""
    return render(
        request, "privacy/notice.html", {"periods": retention.periods(), "dpa": _dpa_facts()}
    )


# Everything held about a person, national ID included, is the export a stolen session would
# want most: the password (or a second factor) is asked again as for other exports.
@login_required
@reauthentication_required
@require_safe
def my_data(request):
    """Everything the portal holds about the signed-in person, readable."""
    data = selectors.subject_data_of(request.user)
    services.subject_access_recorded(user=request.user, fmt="html")
    sections = selectors.display_sections(data)
    return render(
        request,
        "privacy/my_data.html",
        {
            "held": [s for s in sections if s["rows"]],
            "empty": [s for s in sections if not s["rows"]],
        },
    )


@login_required
@reauthentication_required
@require_safe
def my_data_json(request):
    """The same as ``my_data``, as a JSON download."""
    data = selectors.subject_data_of(request.user)
    services.subject_access_recorded(user=request.user, fmt="json")
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"ksg-academy-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erasure(request):
    """The person asks for their data to be erased, with a reason; and sees their requests."""
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erasure_request_create(user=request.user, reason=form.cleaned_data["reason"])
        except services.ErasurePending:
            form.add_error(None, _("You already have a request waiting for a decision."))
        else:
            messages.success(
                request,
                _("Your request has been sent. KSG staff will decide within %(days)s days.")
                % {"days": dpa.ERASURE_DAYS},
            )
            return redirect("privacy:erasure")
    requests = selectors.erasure_requests_of(request.user)
    return render(
        request,
        "privacy/erasure.html",
        {
            "form": form,
            "requests": requests,
            "has_pending": any(r.status == ErasureRequest.Status.PENDING for r in requests),
            "dpa": _dpa_facts(),
        },
    )


@login_required
@role_required(is_ksg_staff)
@require_safe
def staff_list(request):
    """Pending erasure requests, oldest first, and the latest decisions."""
    pending = selectors.erasure_requests_for(request.user)
    decided = (
        selectors.erasure_requests_for(request.user, status=None)
        .exclude(status=ErasureRequest.Status.PENDING)
        .order_by("-decided_at")[:20]
    )
    return render(request, "privacy/staff_list.html", {"pending": pending, "decided": decided})


@login_required
@role_required(is_ksg_staff)
@require_http_methods(["GET", "POST"])
def staff_decide(request, pk):
    """One pending request: approve (erase) or decline, with a reason."""
    erasure_request = selectors.erasure_request_for_staff(request.user, pk)
    form = ErasureDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.erasure_decide(
                request=erasure_request,
                approve=approve,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.ErasureOwnRequest:
            form.add_error(None, _("Another member of KSG staff must decide your own request."))
        except services.ErasureAlreadyDecided:
            messages.error(request, _("Someone else decided this request in the meantime."))
            return redirect("privacy:staff_list")
        else:
            done = _("The account has been erased.") if approve else None
            messages.success(request, done or _("The request was declined."))
            return redirect("privacy:staff_list")
    return render(
        request,
        "privacy/staff_decide.html",
        {"erasure_request": erasure_request, "form": form},
    )


def _dpa_facts() -> dict:
    return {
        "access_days": dpa.ACCESS_REQUEST_DAYS,
        "rectification_days": dpa.RECTIFICATION_DAYS,
        "erasure_days": dpa.ERASURE_DAYS,
        "portability_days": dpa.PORTABILITY_DAYS,
        "breach_hours": dpa.BREACH_NOTIFICATION_HOURS,
    }
