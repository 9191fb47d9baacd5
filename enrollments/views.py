"""The officer's own enrolments: enrol from a course page, withdraw, and "My learning"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from academy.roles import is_training_officer, role_required
from courses.selectors import public_cohort_get
from enrollments import selectors, services
from enrollments.forms import DecisionForm, WithdrawForm
from enrollments.models import Enrollment

State = Enrollment.State


@login_required
@require_POST
def enrol(request, cohort_id):
    cohort = public_cohort_get(cohort_id)
    try:
        result = services.enrollment_create(officer=request.user, cohort=cohort)
    except services.EnrolmentRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(cohort.course.get_absolute_url())
    messages.success(request, outcome_message(result.enrollment, created=result.created))
    return redirect("enrollments:my_learning")


def outcome_message(enrollment: Enrollment, *, created: bool) -> str:
    """What happened, in the words the officer sees after enrolling."""
    values = {"cohort": enrollment.cohort.code, "position": enrollment.waitlist_position}
    if not created:
        return _("You are already in cohort %(cohort)s: nothing changed.") % values
    if enrollment.state == State.ENROLLED:
        return _("You are enrolled in cohort %(cohort)s.") % values
    if enrollment.state == State.WAITLISTED:
        return (
            _(
                "Cohort %(cohort)s is full: you are number %(position)d on its waiting list. "
                "Seats that free up go to the waiting list in its order."
            )
            % values
        )
    return (
        _("Your request for cohort %(cohort)s has gone to your training officer for approval.")
        % values
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    enrollment = selectors.enrollment_of(request.user, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_withdraw(
                enrollment=enrollment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.EnrolmentRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("You have withdrawn from cohort %(cohort)s.")
                % {"cohort": enrollment.cohort.code},
            )
        return redirect("enrollments:my_learning")
    return render(request, "enrollments/withdraw.html", {"enrollment": enrollment, "form": form})


@login_required
@require_safe
def my_learning(request):
    return render(
        request,
        "enrollments/my_learning.html",
        {
            "learning": selectors.my_learning(request.user),
            "withdrawable": services.ACTIVE_STATES,
            "today": timezone.localdate(),
        },
    )


@login_required
@role_required(is_training_officer)
@require_safe
def requests(request):
    """The requests of the training officer's officers that wait for an answer."""
    return render(
        request, "enrollments/requests.html", {"requests": selectors.requests_for(request.user)}
    )


@login_required
@role_required(is_training_officer)
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    enrollment = selectors.request_for(request.user, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == DecisionForm.APPROVE
        try:
            services.enrollment_decide(
                enrollment=enrollment,
                by=request.user,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except services.EnrolmentRefused as refusal:
            messages.error(request, refusal.message)
        else:
            values = {"name": enrollment.officer.full_name, "cohort": enrollment.cohort.code}
            if approve:
                done = _("You approved %(name)s's request for cohort %(cohort)s.")
            else:
                done = _("You declined %(name)s's request for cohort %(cohort)s.")
            messages.success(request, done % values)
        return redirect("enrollments:requests")
    return render(
        request,
        "enrollments/decide.html",
        {"enrollment": enrollment, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@role_required(is_training_officer)
@require_safe
def officers_training(request):
    """The training officer's view of their officers' enrolments, by state, a page at a time."""
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    page = Paginator(selectors.officers_enrollments_for(request.user, state=state), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "enrollments/officers_training.html",
        {"page": page, "state": state, "states": State.choices},
    )
