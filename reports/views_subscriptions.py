"""A training officer's report subscriptions: subscribe an organisation to a weekly or monthly
report, see them, and end one. Thin: the form limits the organisations to the user's own, the
services check again and audit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from academy.reauthentication import reauthentication_required
from academy.roles import role_required
from reports import selectors, subscriptions
from reports.forms import SubscriptionForm
from reports.services import ReportRefused


@login_required
@role_required(selectors.may_report)
@reauthentication_required(allow_get=True)  # each run mails a file of others' personal data
@require_http_methods(["GET", "POST"])
def subscription_list(request):
    form = SubscriptionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscriptions.subscription_create(
                by=request.user,
                organisation=data["organisation"],
                kind=data["kind"],
                format=data["format"],
                frequency=data["frequency"],
                skill_area=data["skill_area"],
                level=data["level"],
            )
        except ReportRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("Subscribed. The first report is built on the morning after its period ends."),
            )
            return redirect("report_subscriptions:list")
    return render(
        request,
        "reports/subscriptions.html",
        {"form": form, "subscriptions": selectors.subscriptions_of(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@role_required(selectors.may_report)
@require_POST
def subscription_cancel(request, pk):
    subscription = selectors.subscription_of(request.user, pk)
    if subscription.is_active:
        subscriptions.subscription_cancel(subscription=subscription, by=request.user)
        messages.success(request, _("The subscription has ended. No more reports will be sent."))
    return redirect("report_subscriptions:list")
