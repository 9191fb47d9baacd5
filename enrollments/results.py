"""Attendance, assessment scores and results of a cohort's officers, and closing the cohort.

Completion follows the course's rule: attendance of at least ``min_attendance_percent`` of the
cohort's session days and, when the course has a pass mark, a score of at least the pass mark.
Attendance counts over *all* session days (``Cohort.session_days()``: the weekdays from start to
end), so a result is decided from the cohort's last day on, and a day nobody recorded counts as
absent. The comparison is exact in whole numbers (4 of 5 days is 80 %; 2 of 3 days, 66.7 %, is
below 67 %): percentages are rounded only for display.

Who may do what: KSG staff and a cohort's own facilitators record attendance and scores; only
KSG staff decide results (by the rule, or against it with a reason: an override) and close the
cohort. Closing decides every officer still enrolled by the rule (completed, or "not completed"
for the rest, including a missing score) and withdraws whoever is still in line for a seat
(waiting list, request, approved request): a closed cohort has no seat to give, and an officer
left "waiting" there would be barred from the course's other cohorts. After closing, results
change only by a staff override.

Every write takes the cohort's row lock (``services._lock_cohort``), so that attendance, scores
and results can't change under a closing that is deciding them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from academy.audit import audit_record
from academy.models import AuditEvent, User
from academy.roles import is_facilitator, is_ksg_staff
from courses.cache import catalogue_changed
from courses.models import Cohort
from enrollments.models import Attendance, Enrollment
from enrollments.notifications import notify
from enrollments.services import EnrolmentRefused, _lock_cohort

State = Enrollment.State

# The results an enrolment ends with; both keep the seat.
RESULT_STATES = (State.COMPLETED, State.NOT_COMPLETED)
# Cohorts whose attendance and scores may still change.
OPEN_COHORTS = (Cohort.Status.SCHEDULED, Cohort.Status.RUNNING)
# Cohorts in which staff may decide a result: open ones, and closed ones by an override.
DECIDABLE_COHORTS = (*OPEN_COHORTS, Cohort.Status.CLOSED)
# Whoever is still in line for a seat when the cohort closes.
IN_LINE_STATES = (State.REQUESTED, State.APPROVED, State.WAITLISTED)


@dataclass(frozen=True)
class Standing:
    """An officer's attendance and score against the course's completion rule."""

    present_days: int
    session_days: int
    score: int | None
    min_attendance: int
    pass_mark: int | None

    @property
    def attendance_percent(self) -> float:
        return percent(self.present_days, self.session_days)

    @property
    def attendance_met(self) -> bool:
        # Whole numbers: no rounding lets 79.6 % pass a minimum of 80 %.
        return self.present_days * 100 >= self.min_attendance * self.session_days

    @property
    def score_missing(self) -> bool:
        return self.pass_mark is not None and self.score is None

    @property
    def score_met(self) -> bool:
        return self.pass_mark is None or (self.score is not None and self.score >= self.pass_mark)

    @property
    def completes(self) -> bool:
        """What the rule decides: completed (True) or not completed (False)."""
        return self.attendance_met and self.score_met


@dataclass(frozen=True)
class AttendanceSaved:
    day: datetime.date
    present: int
    absent: int
    changed: int


@dataclass(frozen=True)
class CohortClosed:
    completed: int
    not_completed: int
    withdrawn: int


def percent(part: int, whole: int) -> float:
    """``part`` of ``whole`` in per cent, to one decimal (0 when ``whole`` is 0)."""
    return round(part * 100 / whole, 1) if whole else 0.0


# --- Reads ---------------------------------------------------------------------------------


def with_attendance(enrollments: QuerySet[Enrollment], cohort: Cohort) -> QuerySet[Enrollment]:
    """``enrollments`` (all of ``cohort``) annotated with ``present_days``: the session days of
    the cohort each officer was recorded present on. One correlated subquery, no N+1."""
    present = (
        Attendance.objects.filter(
            enrollment=OuterRef("pk"), present=True, day__in=cohort.session_days()
        )
        .order_by()
        .values(n=Func(F("pk"), function="COUNT"))
    )
    return enrollments.annotate(
        present_days=Coalesce(Subquery(present, output_field=IntegerField()), 0)
    )


def standing_of(enrollment: Enrollment, cohort: Cohort | None = None) -> Standing:
    """The enrolment against its course's rule; uses the ``present_days`` annotation of
    ``with_attendance`` when it is there, else counts (one query)."""
    cohort = cohort or enrollment.cohort
    days = cohort.session_days()
    present_days = getattr(enrollment, "present_days", None)
    if present_days is None:
        present_days = Attendance.objects.filter(
            enrollment=enrollment, present=True, day__in=days
        ).count()
    course = cohort.course
    return Standing(
        present_days=present_days,
        session_days=len(days),
        score=enrollment.score,
        min_attendance=course.min_attendance_percent,
        pass_mark=course.pass_mark,
    )


def attendance_percent(enrollment: Enrollment) -> float:
    """Days present of all the cohort's session days, in per cent (an unrecorded day is an
    absence): the figure the completion rule compares."""
    return standing_of(enrollment).attendance_percent


def standings_of(enrollments: Iterable[Enrollment]) -> dict[int, Standing]:
    """The standing of each enrolment (of any cohorts, with ``cohort__course`` loaded) by id, in
    one query whatever their number: for lists such as "My learning"."""
    enrollments = list(enrollments)
    if not enrollments:
        return {}
    days = {e.pk: set(e.cohort.session_days()) for e in enrollments}
    counts = dict.fromkeys(days, 0)
    for enrollment_id, day in Attendance.objects.filter(
        enrollment__in=list(days), present=True
    ).values_list("enrollment_id", "day"):
        if day in days[enrollment_id]:
            counts[enrollment_id] += 1
    return {
        e.pk: Standing(
            present_days=counts[e.pk],
            session_days=len(days[e.pk]),
            score=e.score,
            min_attendance=e.cohort.course.min_attendance_percent,
            pass_mark=e.cohort.course.pass_mark,
        )
        for e in enrollments
    }


def recorded_days(cohort: Cohort) -> set[datetime.date]:
    """The session days of ``cohort`` whose attendance has been recorded."""
    return set(
        Attendance.objects.filter(enrollment__cohort=cohort)
        .order_by()
        .values_list("day", flat=True)
        .distinct()
    )


def attendance_on(cohort: Cohort, day: datetime.date) -> dict[int, bool]:
    """Enrolment id → present, for the officers recorded on ``day``."""
    return dict(
        Attendance.objects.filter(enrollment__cohort=cohort, day=day).values_list(
            "enrollment_id", "present"
        )
    )


# --- Writes --------------------------------------------------------------------------------


def attendance_record(
    *, cohort: Cohort, by: User, day: datetime.date, present_ids: Iterable[int]
) -> AttendanceSaved:
    """Record one session day for every officer holding a seat in ``cohort``: present when their
    enrolment's id is in ``present_ids``, absent otherwise. Saving a day again overwrites it.

    One audit event for the day on the cohort, with the counts (none when nothing changed).
    Refused, with nothing saved, for a day that is not a session day or is still to come, an id
    that is not a seat in this cohort, a cohort that is not running, or someone who does not
    run the cohort.
    """
    present_ids = set(present_ids)
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        _check_runs(by, cohort)
        _check_open(cohort)
        if day not in cohort.session_days():
            raise EnrolmentRefused(
                "not_a_session_day",
                _("%(day)s is not a session day of cohort %(cohort)s.")
                % {"day": day.isoformat(), "cohort": cohort.code},
            )
        if day > timezone.localdate():
            raise EnrolmentRefused(
                "future_day",
                _("%(day)s is still to come: record its attendance on the day or after.")
                % {"day": day.isoformat()},
            )
        seats = set(
            Enrollment.objects.filter(cohort=cohort, state__in=Enrollment.SEAT_STATES).values_list(
                "pk", flat=True
            )
        )
        unknown = present_ids - seats
        if unknown:
            raise EnrolmentRefused(
                "unknown_enrolment",
                ngettext(
                    "Enrolment %(ids)s does not hold a seat in cohort %(cohort)s.",
                    "Enrolments %(ids)s do not hold a seat in cohort %(cohort)s.",
                    len(unknown),
                )
                % {"ids": ", ".join(str(pk) for pk in sorted(unknown)), "cohort": cohort.code},
            )
        if not seats:
            raise EnrolmentRefused(
                "no_officers",
                _("Nobody holds a seat in cohort %(cohort)s: there is no attendance to record.")
                % {"cohort": cohort.code},
            )
        before = dict(
            Attendance.objects.filter(enrollment__in=seats, day=day).values_list(
                "enrollment_id", "present"
            )
        )
        # Only rows that are new or different: ``recorded_by`` stays who recorded the value.
        rows = [
            Attendance(enrollment_id=pk, day=day, present=pk in present_ids, recorded_by=by)
            for pk in sorted(seats)
            if before.get(pk) != (pk in present_ids)
        ]
        if rows:
            Attendance.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["enrollment", "day"],
                update_fields=["present", "recorded_by", "recorded_at"],
            )
            audit_record(
                actor=by,
                action="enrollments.attendance.recorded",
                target=cohort,
                data={
                    "cohort": cohort.code,
                    "day": day.isoformat(),
                    "present": len(present_ids),
                    "absent": len(seats) - len(present_ids),
                    "changed": len(rows),
                },
            )
    return AttendanceSaved(
        day=day, present=len(present_ids), absent=len(seats) - len(present_ids), changed=len(rows)
    )


def scores_record(*, cohort: Cohort, by: User, scores: Mapping[int, int | None]) -> int:
    """Set the assessment scores (0 to 100, None to clear) of enrolled officers of ``cohort``,
    enrolment id → score; the number of scores that changed, each an audit event.

    Results already decided keep their score: change those with an override. All or nothing:
    one bad id or score and nothing is saved.
    """
    for score in scores.values():
        _check_score(score)
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        _check_runs(by, cohort)
        _check_open(cohort)
        enrollments = {
            e.pk: e for e in Enrollment.objects.filter(cohort=cohort, pk__in=list(scores))
        }
        unknown = set(scores) - {
            pk for pk, e in enrollments.items() if e.state in Enrollment.SEAT_STATES
        }
        if unknown:
            raise EnrolmentRefused(
                "unknown_enrolment",
                ngettext(
                    "Enrolment %(ids)s does not hold a seat in cohort %(cohort)s.",
                    "Enrolments %(ids)s do not hold a seat in cohort %(cohort)s.",
                    len(unknown),
                )
                % {"ids": ", ".join(str(pk) for pk in sorted(unknown)), "cohort": cohort.code},
            )
        changed = [e for pk, e in enrollments.items() if e.score != scores[pk]]
        decided = [e for e in changed if e.state in RESULT_STATES]
        if decided:
            raise EnrolmentRefused(
                "already_decided",
                _(
                    "The result of enrolment %(ids)s is decided already: change its score with "
                    "an override on its page."
                )
                % {"ids": ", ".join(str(e.pk) for e in decided)},
            )
        if not changed:
            return 0
        now = timezone.now()
        events = []
        for enrollment in changed:
            events.append(
                _event(
                    by,
                    "enrollments.enrollment.score_recorded",
                    enrollment,
                    {"from": enrollment.score, "to": scores[enrollment.pk], "cohort": cohort.code},
                    now,
                )
            )
            enrollment.score = scores[enrollment.pk]
            enrollment.updated_at = now
        Enrollment.objects.bulk_update(changed, ["score", "updated_at"])
        AuditEvent.objects.bulk_create(events)
        _catalogue_changed()
    return len(changed)


def score_record(*, enrollment: Enrollment, by: User, score: int | None) -> Enrollment:
    """Set one enrolled officer's assessment score (0 to 100, None to clear)."""
    scores_record(cohort=enrollment.cohort, by=by, scores={enrollment.pk: score})
    enrollment.refresh_from_db()
    return enrollment


def enrollment_complete(
    *,
    enrollment: Enrollment,
    by: User,
    completed: bool | None = None,
    reason: str = "",
    score: int | None = None,
) -> Enrollment:
    """Decide the officer's result: by the course's rule when ``completed`` is None, else as
    ``completed`` says, against the rule if need be (an override, with a ``reason``).

    KSG staff only. By the rule: an enrolled officer, from the cohort's last day on, with a score
    when the course has a pass mark. An override also re-decides a result already recorded, and
    works on a closed cohort. ``score``, when given, is recorded first, in the same transaction.
    """
    reason = reason.strip()
    override = completed is not None
    if not is_ksg_staff(by):
        raise EnrolmentRefused("staff_only", _("Only KSG staff decide results."))
    if override and not reason:
        raise EnrolmentRefused(
            "reason_required", _("Say why you set this result against the course's rule.")
        )
    _check_score(score)
    with transaction.atomic():
        cohort = _lock_cohort(enrollment.cohort)
        enrollment = Enrollment.objects.get(pk=enrollment.pk)
        enrollment.cohort = cohort
        # Corrections after closing are what overrides are for.
        if not (override and cohort.status == Cohort.Status.CLOSED):
            _check_open(cohort)
        if enrollment.state in RESULT_STATES and not override:
            raise EnrolmentRefused(
                "already_decided",
                _("The result is recorded already: %(state)s. Override it to change it.")
                % {"state": enrollment.get_state_display().lower()},
            )
        if enrollment.state not in Enrollment.SEAT_STATES:
            raise EnrolmentRefused(
                "not_enrolled",
                _("This enrolment is %(state)s: only an officer with a seat gets a result.")
                % {"state": enrollment.get_state_display().lower()},
            )
        today = timezone.localdate()
        if today < cohort.starts_on:
            raise EnrolmentRefused(
                "cohort_not_started",
                _("Cohort %(cohort)s starts on %(date)s: there is no result to record yet.")
                % {"cohort": cohort.code, "date": cohort.starts_on.isoformat()},
            )
        if not override and today < cohort.ends_on:
            raise EnrolmentRefused(
                "cohort_not_ended",
                _(
                    "Cohort %(cohort)s ends on %(date)s: the rule counts all its session days, "
                    "so its results are decided from that day on."
                )
                % {"cohort": cohort.code, "date": cohort.ends_on.isoformat()},
            )
        now = timezone.now()
        if score is not None and score != enrollment.score:
            audit_record(
                actor=by,
                action="enrollments.enrollment.score_recorded",
                target=enrollment,
                data={"from": enrollment.score, "to": score, "cohort": cohort.code},
            )
            enrollment.score = score
        standing = standing_of(enrollment, cohort)
        if not override and standing.score_missing:
            raise EnrolmentRefused(
                "score_missing",
                _("Record the assessment score first: the course's pass mark is %(mark)d.")
                % {"mark": standing.pass_mark},
            )
        done = completed if override else standing.completes
        previous = enrollment.state
        enrollment.state = State.COMPLETED if done else State.NOT_COMPLETED
        enrollment.state_changed_at = now
        enrollment.result_recorded_at = now
        enrollment.result_recorded_by = by
        enrollment.result_overridden = override
        enrollment.reason = reason if override else ""
        enrollment.save(
            update_fields=[
                "state",
                "score",
                "state_changed_at",
                "result_recorded_at",
                "result_recorded_by",
                "result_overridden",
                "reason",
                "updated_at",
            ]
        )
        audit_record(
            actor=by,
            action=f"enrollments.enrollment.{enrollment.state}",
            target=enrollment,
            data=_result_data(previous, enrollment, standing, cohort, overridden=override),
        )
    return enrollment


def cohort_close(*, cohort: Cohort, by: User) -> CohortClosed:
    """Close a cohort that has ended: every officer still enrolled is decided by the rule
    (completed, or not completed), whoever is still in line is withdrawn (and told), and the
    cohort is closed. KSG staff only; once."""
    if not is_ksg_staff(by):
        raise EnrolmentRefused("staff_only", _("Only KSG staff close cohorts."))
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        if cohort.status == Cohort.Status.CLOSED:
            raise EnrolmentRefused(
                "already_closed",
                _("Cohort %(cohort)s is closed already.") % {"cohort": cohort.code},
            )
        _check_open(cohort)
        if timezone.localdate() < cohort.ends_on:
            raise EnrolmentRefused(
                "cohort_not_ended",
                _("Cohort %(cohort)s ends on %(date)s: close it on that day or after.")
                % {"cohort": cohort.code, "date": cohort.ends_on.isoformat()},
            )
        now = timezone.now()
        events = []
        decided = {State.COMPLETED: [], State.NOT_COMPLETED: []}
        enrolled = with_attendance(
            Enrollment.objects.filter(cohort=cohort, state=State.ENROLLED), cohort
        ).order_by("pk")
        for enrollment in enrolled:
            standing = standing_of(enrollment, cohort)
            to = State.COMPLETED if standing.completes else State.NOT_COMPLETED
            decided[to].append(enrollment.pk)
            enrollment.state = to
            events.append(
                _event(
                    by,
                    f"enrollments.enrollment.{to}",
                    enrollment,
                    _result_data(State.ENROLLED, enrollment, standing, cohort, overridden=False),
                    now,
                )
            )
        for to, ids in decided.items():
            Enrollment.objects.filter(pk__in=ids).update(
                state=to,
                state_changed_at=now,
                result_recorded_at=now,
                result_recorded_by=by,
                result_overridden=False,
                reason="",
                updated_at=now,
            )
        reason = _("Cohort %(cohort)s closed before you got a seat in it.") % {
            "cohort": cohort.code
        }
        in_line = list(
            Enrollment.objects.filter(cohort=cohort, state__in=IN_LINE_STATES)
            .select_related("cohort")
            .order_by("pk")
        )
        for enrollment in in_line:
            events.append(
                _event(
                    by,
                    "enrollments.enrollment.withdrawn",
                    enrollment,
                    {
                        "from": enrollment.state,
                        "to": State.WITHDRAWN,
                        "cohort": cohort.code,
                        "reason": reason,
                    },
                    now,
                )
            )
            enrollment.state = State.WITHDRAWN
            enrollment.waitlist_position = None
            enrollment.reason = reason
            notify(enrollment, "withdrawn")
        Enrollment.objects.filter(pk__in=[e.pk for e in in_line]).update(
            state=State.WITHDRAWN,
            waitlist_position=None,
            withdrawn_by=by,
            reason=reason,
            state_changed_at=now,
            updated_at=now,
        )
        AuditEvent.objects.bulk_create(events)
        previous = cohort.status
        cohort.status = Cohort.Status.CLOSED
        cohort.save(update_fields=["status", "updated_at"])
        result = CohortClosed(
            completed=len(decided[State.COMPLETED]),
            not_completed=len(decided[State.NOT_COMPLETED]),
            withdrawn=len(in_line),
        )
        audit_record(
            actor=by,
            action="courses.cohort.closed",
            target=cohort,
            data={
                "from": previous,
                "to": Cohort.Status.CLOSED,
                "cohort": cohort.code,
                "completed": result.completed,
                "not_completed": result.not_completed,
                "withdrawn": result.withdrawn,
            },
        )
        _catalogue_changed()
    return result


# --- Helpers -------------------------------------------------------------------------------


def may_run(user: User, cohort: Cohort) -> bool:
    """Whether ``user`` records attendance and scores of ``cohort``: KSG staff, or one of its
    facilitators."""
    if is_ksg_staff(user):
        return True
    return is_facilitator(user) and cohort.facilitators.filter(pk=user.pk).exists()


def _check_runs(user: User, cohort: Cohort) -> None:
    if not may_run(user, cohort):
        raise EnrolmentRefused(
            "not_your_cohort",
            _("Only KSG staff and the facilitators of cohort %(cohort)s record its attendance.")
            % {"cohort": cohort.code},
        )


def _check_open(cohort: Cohort) -> None:
    if cohort.status == Cohort.Status.CLOSED:
        raise EnrolmentRefused(
            "cohort_closed",
            _("Cohort %(cohort)s is closed: its attendance and results no longer change.")
            % {"cohort": cohort.code},
        )
    if cohort.status not in OPEN_COHORTS:
        raise EnrolmentRefused(
            "cohort_not_running",
            _("Cohort %(cohort)s is %(status)s: it has no attendance or results.")
            % {"cohort": cohort.code, "status": cohort.get_status_display().lower()},
        )


def _check_score(score: int | None) -> None:
    valid = isinstance(score, int) and not isinstance(score, bool) and 0 <= score <= 100
    if score is not None and not valid:
        raise EnrolmentRefused("score_out_of_range", _("A score is a whole number from 0 to 100."))


def _result_data(
    previous: str, enrollment: Enrollment, standing: Standing, cohort: Cohort, *, overridden: bool
) -> dict:
    data = {
        "from": previous,
        "to": enrollment.state,
        "cohort": cohort.code,
        "reason": enrollment.reason if overridden else "",
        "attendance_percent": standing.attendance_percent,
        "score": enrollment.score,
    }
    if overridden:
        data["overridden"] = True
    return data


def _event(actor: User, action: str, target: Enrollment, data: dict, at) -> AuditEvent:
    """An audit event like ``audit_record`` writes, for a ``bulk_create`` of many."""
    return AuditEvent(
        actor=actor,
        action=action,
        target_type=ContentType.objects.get_for_model(Enrollment),
        target_id=str(target.pk),
        data=data,
        created_at=at,
    )


def _catalogue_changed() -> None:
    # queryset.update() and bulk writes send no signals: the catalogue (seats left) must hear it,
    # now for this transaction's own reads and after the commit for everyone else's.
    catalogue_changed()
    transaction.on_commit(catalogue_changed)
