"""The pages of attendance and results: a cohort's attendance register (KSG staff and the
cohort's facilitators), its results with the scores (the same), closing it and deciding one
officer's result against the rule (KSG staff only).

Each page shows every officer holding a seat, without pages: a cohort has at most a few hundred
seats, and the register is one form. The queries are a constant few however many there are.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from academy.roles import is_facilitator, is_ksg_staff, role_required
from enrollments import results
from enrollments import roster as roster_selectors
from enrollments.forms_results import AttendanceForm, CloseForm, ResultForm, ScoresForm
from enrollments.models import Enrollment
from enrollments.services import EnrolmentRefused

State = Enrollment.State


def _seat_holders(cohort) -> list[Enrollment]:
    """The officers holding a seat, in roster order, with ``present_days`` (one query)."""
    enrollments = roster_selectors.roster(cohort).filter(state__in=Enrollment.SEAT_STATES)
    return list(results.with_attendance(enrollments, cohort))


def _default_day(days: list[datetime.date], today: datetime.date) -> datetime.date:
    """Today when it is a session day, else the last one before it, else the first."""
    past = [day for day in days if day <= today]
    return past[-1] if past else days[0]


def _parse_day(value: str | None, days: list[datetime.date]) -> datetime.date | None:
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if day in days else None


@login_required
@role_required(is_ksg_staff, is_facilitator)
@require_http_methods(["GET", "POST"])
def cohort_attendance(request, pk):
    """The register of one session day: a checkbox "present" per officer holding a seat."""
    cohort = roster_selectors.cohort_for_staff(request.user, pk)
    days = cohort.session_days()
    officers = _seat_holders(cohort)
    form = None
    status = 200
    if request.method == "POST":
        form = AttendanceForm(request.POST, days=days, seat_ids=[e.pk for e in officers])
        if form.is_valid():
            day = form.cleaned_data["day"]
            try:
                saved = results.attendance_record(
                    cohort=cohort, by=request.user, day=day, present_ids=form.present_ids()
                )
            except EnrolmentRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("Attendance of %(day)s saved: %(present)d present, %(absent)d absent.")
                    % {
                        "day": day.strftime("%d %b %Y"),
                        "present": saved.present,
                        "absent": saved.absent,
                    },
                )
                url = reverse("enrollments:staff_attendance", args=[cohort.pk])
                return redirect(f"{url}?day={day.isoformat()}")
        status = 400
        day = _parse_day(request.POST.get("day"), days) or _default_day(days, timezone.localdate())
        # As sent, so that nothing ticked is lost.
        ticked = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        marks = {e.pk: e.pk in ticked for e in officers}
    else:
        asked = request.GET.get("day")
        day = _parse_day(asked, days)
        if day is None:
            if asked:
                messages.warning(
                    request,
                    _("%(day)s is not a session day of this cohort: here is another.")
                    % {"day": asked[:20]},
                )
            day = _default_day(days, timezone.localdate())
        # Present, absent, or None when not recorded yet.
        marks = results.attendance_on(cohort, day)
    today = timezone.localdate()
    recorded = results.recorded_days(cohort)
    open_ = cohort.status in results.OPEN_COHORTS
    return render(
        request,
        "enrollments/staff/attendance.html",
        {
            "cohort": cohort,
            "day": day,
            "days": [
                {"day": d, "recorded": d in recorded, "future": d > today, "selected": d == day}
                for d in days
            ],
            "future": day > today,
            "editable": open_ and day <= today and bool(officers),
            "open": open_,
            "rows": [(e, marks.get(e.pk), results.standing_of(e, cohort)) for e in officers],
            "form": form,
            "is_staff": is_ksg_staff(request.user),
        },
        status=status,
    )


def _results_page(request, cohort, officers, form, status=200):
    today = timezone.localdate()
    open_ = cohort.status in results.OPEN_COHORTS
    fields = {name: form[name] for name in form.fields}
    return render(
        request,
        "enrollments/staff/results.html",
        {
            "cohort": cohort,
            # (enrolment, its score field, or None when the score can't change here; standing)
            "rows": [
                (e, fields.get(ScoresForm.field_name(e)), results.standing_of(e, cohort))
                for e in officers
            ],
            "form": form,
            "open": open_,
            "ended": today >= cohort.ends_on,
            "can_close": is_ksg_staff(request.user) and open_ and today >= cohort.ends_on,
            "is_staff": is_ksg_staff(request.user),
        },
        status=status,
    )


@login_required
@role_required(is_ksg_staff, is_facilitator)
@require_http_methods(["GET", "POST"])
def cohort_results(request, pk):
    """Each officer's attendance, score and what the rule decides; scores are entered here."""
    cohort = roster_selectors.cohort_for_staff(request.user, pk)
    officers = _seat_holders(cohort)
    # Scores are entered while the officer is enrolled; a decided result changes by override.
    scorable = (
        [e for e in officers if e.state == State.ENROLLED]
        if cohort.status in results.OPEN_COHORTS
        else []
    )
    if request.method != "POST":
        form = ScoresForm(
            initial={ScoresForm.field_name(e): e.score for e in scorable}, enrollments=scorable
        )
        return _results_page(request, cohort, officers, form)
    form = ScoresForm(request.POST, enrollments=scorable)
    if form.is_valid():
        try:
            changed = results.scores_record(cohort=cohort, by=request.user, scores=form.scores())
        except EnrolmentRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                ngettext("%(count)d score saved.", "%(count)d scores saved.", changed)
                % {"count": changed}
                if changed
                else _("No score changed."),
            )
            return redirect("enrollments:staff_results", pk=cohort.pk)
    return _results_page(request, cohort, officers, form, status=400)


@login_required
@role_required(is_ksg_staff, is_facilitator)
@require_http_methods(["GET", "POST"])
def cohort_close(request, pk):
    """Confirm, then close the cohort: results by the rule for everyone still enrolled."""
    cohort = roster_selectors.cohort_for_staff(request.user, pk)
    if not is_ksg_staff(request.user):
        raise PermissionDenied
    form = CloseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                closed = results.cohort_close(cohort=cohort, by=request.user)
            except EnrolmentRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _(
                        "Cohort %(cohort)s is closed: %(completed)d completed, "
                        "%(not_completed)d not completed, %(withdrawn)d withdrawn from the "
                        "waiting list or requests."
                    )
                    % {
                        "cohort": cohort.code,
                        "completed": closed.completed,
                        "not_completed": closed.not_completed,
                        "withdrawn": closed.withdrawn,
                    },
                )
                return redirect("enrollments:staff_results", pk=cohort.pk)
        status = 400
    enrolled = [e for e in _seat_holders(cohort) if e.state == State.ENROLLED]
    standings = [results.standing_of(e, cohort) for e in enrolled]
    today = timezone.localdate()
    return render(
        request,
        "enrollments/staff/close.html",
        {
            "cohort": cohort,
            "form": form,
            "closable": cohort.status in results.OPEN_COHORTS and today >= cohort.ends_on,
            "will_complete": sum(1 for s in standings if s.completes),
            "will_not_complete": sum(1 for s in standings if not s.completes),
            "score_missing": sum(1 for s in standings if s.score_missing),
            "in_line": cohort.enrollments.filter(state__in=results.IN_LINE_STATES).count(),
        },
        status=status,
    )


@login_required
@role_required(is_ksg_staff, is_facilitator)
@require_http_methods(["GET", "POST"])
def enrollment_result(request, pk):
    """KSG staff decide one officer's result: by the rule, or against it with a reason."""
    enrollment = roster_selectors.enrollment_for_staff(request.user, pk)
    if not is_ksg_staff(request.user):
        raise PermissionDenied
    form = ResultForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                enrollment = results.enrollment_complete(
                    enrollment=enrollment,
                    by=request.user,
                    completed=form.completed(),
                    reason=form.cleaned_data["reason"],
                )
            except EnrolmentRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("The result of %(name)s is recorded: %(state)s.")
                    % {
                        "name": enrollment.officer.full_name,
                        "state": enrollment.get_state_display().lower(),
                    },
                )
                return redirect("enrollments:staff_enrollment", pk=enrollment.pk)
        status = 400
    return render(
        request,
        "enrollments/staff/result.html",
        {
            "enrollment": enrollment,
            "cohort": enrollment.cohort,
            "officer": enrollment.officer,
            "standing": results.standing_of(enrollment),
            "form": form,
        },
        status=status,
    )
