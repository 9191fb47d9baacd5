"""The seats of a cohort, for KSG staff only: move an officer to another cohort of the course,
remove a no-show, and set or remove the cohort's seat quotas.

The forms show on the enrolment page and on the roster (``seat_actions`` and ``quota_panel``
build them for those views); each also has a page of its own here, which shows it again with its
errors when it was wrong.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from academy.roles import is_ksg_staff, role_required
from enrollments import roster as roster_selectors
from enrollments import services
from enrollments.forms_seats import (
    MoveForm,
    NoShowForm,
    QuotaForm,
    QuotaRemoveForm,
    move_form_for,
    no_show_open,
)
from enrollments.models import Enrollment

State = Enrollment.State

# Which field a refusal of a service is about; the others are about the whole form.
MOVE_FIELDS = {
    "reason_required": "reason",
    "same_cohort": "cohort",
    "other_course": "cohort",
    "target_closed": "cohort",
    "already_in_target": "cohort",
}
QUOTA_FIELDS = {
    "quota_too_small": "seats",
    "quotas_over_capacity": "seats",
    "quota_below_taken": "seats",
    "open_seats_below_taken": "seats",
}


@dataclass(frozen=True)
class SeatActions:
    """What staff may do to an enrolment's seat from its page."""

    movable: bool
    move_form: MoveForm | None  # None when no other cohort of the course is open
    no_show_form: NoShowForm | None  # None unless the officer may be removed today
    no_show_from: datetime.date | None = None  # the cohort's start, if removal comes later


@dataclass(frozen=True)
class QuotaPanel:
    """The cohort's seats by pool, with the forms to set and remove a quota."""

    pools: list[services.SeatPool]
    quota_form: QuotaForm
    remove_form: QuotaRemoveForm | None

    @property
    def has_quotas(self) -> bool:
        return any(pool.quota for pool in self.pools)


def seat_actions(enrollment: Enrollment) -> SeatActions:
    """The move and no-show forms that apply to the enrolment, for its page."""
    move_form = move_form_for(enrollment)
    open_targets = move_form is not None and move_form.fields["cohort"].queryset.exists()
    later = (
        enrollment.state == State.ENROLLED and timezone.localdate() < enrollment.cohort.starts_on
    )
    return SeatActions(
        movable=move_form is not None,
        move_form=move_form if open_targets else None,
        no_show_form=NoShowForm() if no_show_open(enrollment) else None,
        no_show_from=enrollment.cohort.starts_on if later else None,
    )


def quota_panel(cohort, quota_form=None, remove_form=None) -> QuotaPanel:
    """The quota panel of the roster and of the quota page (with the submitted forms there)."""
    return QuotaPanel(
        pools=list(services.seat_pools(cohort).values()),
        quota_form=quota_form or QuotaForm(),
        remove_form=remove_form,
    )


def _enrollment_page(request, template: str, enrollment, context: dict, status: int):
    return render(
        request,
        template,
        {
            "enrollment": enrollment,
            "cohort": enrollment.cohort,
            "officer": enrollment.officer,
            "is_staff": True,
            **context,
        },
        status=status,
    )


def _promoted_message(promoted: list[Enrollment]) -> str:
    if not promoted:
        return ""
    return " " + ngettext(
        "%(count)d officer was promoted from the waiting list.",
        "%(count)d officers were promoted from the waiting list.",
        len(promoted),
    ) % {"count": len(promoted)}


@login_required
@role_required(is_ksg_staff)
@require_http_methods(["GET", "POST"])
def enrollment_move(request, pk):
    enrollment = roster_selectors.enrollment_for_staff(request.user, pk)
    form = move_form_for(enrollment, request.POST or None)
    if form is None:
        messages.error(
            request,
            _(
                "This enrolment is %(state)s: only an officer who holds a seat or waits for one "
                "can be moved."
            )
            % {"state": enrollment.get_state_display().lower()},
        )
        return redirect("enrollments:staff_enrollment", pk=enrollment.pk)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["cohort"]
        try:
            moved = services.enrollment_move(
                enrollment=enrollment,
                to_cohort=target,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.EnrolmentRefused as refusal:
            form.add_error(MOVE_FIELDS.get(refusal.code), refusal.message)
        else:
            values = {
                "name": enrollment.officer.full_name,
                "old": enrollment.cohort.code,
                "new": target.code,
                "position": moved.waitlist_position,
            }
            if moved.state == State.ENROLLED:
                done = _("%(name)s moved from cohort %(old)s to cohort %(new)s, with a seat.")
            else:
                done = _(
                    "%(name)s moved from cohort %(old)s to cohort %(new)s, which is full: they "
                    "are number %(position)d on its waiting list."
                )
            messages.success(request, done % values)
            return redirect("enrollments:staff_enrollment", pk=moved.pk)
    return _enrollment_page(
        request,
        "enrollments/staff/move.html",
        enrollment,
        {"move_form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@role_required(is_ksg_staff)
@require_http_methods(["GET", "POST"])
def enrollment_no_show(request, pk):
    enrollment = roster_selectors.enrollment_for_staff(request.user, pk)
    form = NoShowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_remove_no_show(
                enrollment=enrollment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.EnrolmentRefused as refusal:
            field = "reason" if refusal.code == "reason_required" else None
            form.add_error(field, refusal.message)
        else:
            messages.success(
                request,
                _(
                    "%(name)s was removed from cohort %(code)s as a no-show; their seat went to "
                    "the waiting list."
                )
                % {"name": enrollment.officer.full_name, "code": enrollment.cohort.code},
            )
            return redirect("enrollments:staff_enrollment", pk=enrollment.pk)
    return _enrollment_page(
        request,
        "enrollments/staff/no_show.html",
        enrollment,
        {"no_show_form": form, "no_show_open": no_show_open(enrollment)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@role_required(is_ksg_staff)
@require_http_methods(["GET", "POST"])
def cohort_quotas(request, pk):
    """The cohort's seats by pool, with the forms to set a quota and to remove one."""
    cohort = roster_selectors.cohort_for_staff(request.user, pk)
    quota_form, remove_form = QuotaForm(), None
    if request.method == "POST" and "remove" in request.POST:
        remove_form = QuotaRemoveForm(request.POST, cohort=cohort)
        if remove_form.is_valid():
            quota = remove_form.cleaned_data["remove"]
            try:
                promoted = services.cohort_remove_quota(quota=quota, by=request.user)
            except services.EnrolmentRefused as refusal:
                remove_form.add_error("remove", refusal.message)
            else:
                done = _("The quota of %(organisation)s is removed: its seats are open.") % {
                    "organisation": quota.organisation.name
                }
                messages.success(request, done + _promoted_message(promoted))
                return redirect("enrollments:staff_roster", pk=cohort.pk)
    elif request.method == "POST":
        quota_form = QuotaForm(request.POST)
        if quota_form.is_valid():
            organisation = quota_form.cleaned_data["organisation"]
            seats = quota_form.cleaned_data["seats"]
            try:
                promoted = services.cohort_set_quota(
                    cohort=cohort, organisation=organisation, seats=seats, by=request.user
                )
            except services.EnrolmentRefused as refusal:
                quota_form.add_error(QUOTA_FIELDS.get(refusal.code), refusal.message)
            else:
                done = ngettext(
                    "%(count)d seat of cohort %(code)s is set aside for %(organisation)s.",
                    "%(count)d seats of cohort %(code)s are set aside for %(organisation)s.",
                    seats,
                ) % {"count": seats, "code": cohort.code, "organisation": organisation.name}
                messages.success(request, done + _promoted_message(promoted))
                return redirect("enrollments:staff_roster", pk=cohort.pk)
    return render(
        request,
        "enrollments/staff/quotas.html",
        {"cohort": cohort, "quota_panel": quota_panel(cohort, quota_form, remove_form)},
        status=400 if request.method == "POST" else 200,
    )
