"""Writes of enrolments: taking a seat, joining and leaving the waiting list, promotion.

Seats are counted under a row lock on the cohort (``SELECT … FOR UPDATE``), so that two officers
taking the last seat at once can't both get it: the second waits for the first to commit and then
counts again. Every function owns its transaction and writes an audit event for each change of
state. The waiting list is first in, first out: positions run 1, 2, 3… without gaps, and each
seat that frees up promotes the first in line exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.audit import audit_record
from academy.models import JobGroup, User
from courses.models import Cohort
from enrollments.models import Enrollment
from enrollments.notifications import notify

State = Enrollment.State

# States in which an officer is in a cohort, or in line for it: one of these per officer and
# course at a time.
ACTIVE_STATES = (State.REQUESTED, State.APPROVED, State.ENROLLED, State.WAITLISTED)


class EnrolmentRefused(Exception):
    """The officer can't enrol in this cohort; ``code`` says which rule, ``message`` why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class EnrolmentResult:
    enrollment: Enrollment
    created: bool


def _lock_cohort(cohort: Cohort) -> Cohort:
    """The cohort, re-read under a row lock that serialises every change of its seats."""
    # With its course (the rules read it), locking only the cohort's row.
    return Cohort.objects.select_for_update(of=("self",)).select_related("course").get(pk=cohort.pk)


def seats_taken(cohort: Cohort) -> int:
    return Enrollment.objects.filter(cohort=cohort, state__in=Enrollment.SEAT_STATES).count()


def _set_state(enrollment: Enrollment, state: str, *, by: User | None, reason: str = "") -> None:
    previous = enrollment.state
    enrollment.state = state
    enrollment.state_changed_at = timezone.now()
    if reason:
        enrollment.reason = reason
    enrollment.save(
        update_fields=[
            "state",
            "waitlist_position",
            "reason",
            "withdrawn_by",
            "state_changed_at",
            "updated_at",
        ]
    )
    audit_record(
        actor=by,
        action=f"enrollments.enrollment.{state}",
        target=enrollment,
        data={"from": previous, "to": state, "cohort": enrollment.cohort.code, "reason": reason},
    )


def _check_eligibility(
    *, officer: User, profile, cohort: Cohort, in_course: list[Enrollment], today
) -> None:
    """Raise EnrolmentRefused with the first rule the officer does not meet.

    ``profile`` is the officer's profile (or None); ``in_course`` their enrolments in any
    cohort of the course, read by the caller under its locks.
    """
    course = cohort.course
    if cohort.status != Cohort.Status.SCHEDULED or not course.is_published:
        raise EnrolmentRefused("not_open", _("This cohort is not taking enrolments."))
    if today < cohort.enrolment_opens_on:
        raise EnrolmentRefused(
            "window_not_open",
            _("Enrolment for this cohort opens on %(date)s.")
            % {"date": cohort.enrolment_opens_on.isoformat()},
        )
    if today > cohort.enrolment_closes_on:
        raise EnrolmentRefused(
            "window_closed",
            _("Enrolment for this cohort closed on %(date)s.")
            % {"date": cohort.enrolment_closes_on.isoformat()},
        )
    if profile is None:
        raise EnrolmentRefused(
            "no_profile", _("Complete your officer profile before you enrol in a course.")
        )
    rank = JobGroup.rank(profile.job_group)
    low, high = course.audience_min_job_group, course.audience_max_job_group
    if not JobGroup.rank(low) <= rank <= JobGroup.rank(high):
        raise EnrolmentRefused(
            "audience",
            _("This course is for job groups %(low)s to %(high)s; yours is %(group)s.")
            % {"low": low, "high": high, "group": profile.job_group},
        )
    # Both conditions on the same enrolment: exclude() across a multi-valued relation would
    # accept someone else's completion together with the officer's own withdrawal.
    completed = Enrollment.objects.filter(officer=officer, state=State.COMPLETED)
    missing = course.prerequisites.exclude(pk__in=completed.values("cohort__course_id")).order_by(
        "code"
    )
    if missing:
        raise EnrolmentRefused(
            "prerequisites",
            _("Complete these courses first: %(courses)s.")
            % {"courses": ", ".join(f"{c.code} {c.title}" for c in missing)},
        )
    other = next(
        (e for e in in_course if e.cohort_id != cohort.pk and e.state in ACTIVE_STATES), None
    )
    if other is not None:
        raise EnrolmentRefused(
            "other_cohort",
            _("You are already in cohort %(code)s of this course; withdraw from it first.")
            % {"code": other.cohort.code},
        )


def enrollment_create(
    *, officer: User, cohort: Cohort, by: User | None = None, preapproved: bool = False
) -> EnrolmentResult:
    """Enrol ``officer`` in ``cohort``: a seat if one is free, else the end of the waiting list;
    a request to the training officer when the course needs approval, unless ``preapproved``
    (a nomination by the training officer, who is the one who would approve it).

    Asking again while already in the cohort changes nothing and returns the same enrolment
    (``created`` False), so a double-clicked button or a retried request makes one enrolment.
    Raises EnrolmentRefused when a rule is not met.
    """
    by = by or officer
    today = timezone.localdate()
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        # And the officer: two requests at once into two cohorts of one course would otherwise
        # both pass the "not in another cohort of this course" rule. Taken after the cohort's
        # lock, always in that order, so two such requests can't deadlock.
        # Read with their profile, which the rules need (one query, not two).
        locked = (
            User.objects.select_for_update(of=("self",))
            .select_related("officer_profile")
            .get(pk=officer.pk)
        )
        profile = getattr(locked, "officer_profile", None)
        # The officer's enrolments in every cohort of the course: this one, and the others
        # that the "one cohort of a course at a time" rule looks at.
        in_course = list(
            Enrollment.objects.filter(officer=officer, cohort__course_id=cohort.course_id)
            .select_related("cohort")
            .order_by("pk")
        )
        existing = next((e for e in in_course if e.cohort_id == cohort.pk), None)
        if existing is not None:
            if existing.state in ACTIVE_STATES or existing.state in Enrollment.SEAT_STATES:
                return EnrolmentResult(existing, created=False)
            if existing.withdrawn_by_id not in (None, officer.pk):
                raise EnrolmentRefused(
                    "withdrawn_by_staff",
                    _("KSG staff withdrew you from this cohort; ask them to enrol you again."),
                )
        _check_eligibility(
            officer=officer, profile=profile, cohort=cohort, in_course=in_course, today=today
        )
        enrollment = existing or Enrollment(officer=officer, cohort=cohort, created_by=by)
        previous = enrollment.state if existing else ""
        if cohort.course.requires_approval and not preapproved:
            enrollment.state = State.REQUESTED
            enrollment.waitlist_position = None
        elif seats_taken(cohort) < cohort.capacity:
            enrollment.state = State.ENROLLED
            enrollment.waitlist_position = None
        else:
            enrollment.state = State.WAITLISTED
            enrollment.waitlist_position = _next_position(cohort)
        enrollment.reason = ""
        enrollment.withdrawn_by = None
        enrollment.state_changed_at = timezone.now()
        enrollment.save()
        audit_record(
            actor=by,
            action=f"enrollments.enrollment.{enrollment.state}",
            target=enrollment,
            data={"from": previous, "to": enrollment.state, "cohort": cohort.code},
        )
        if enrollment.state in (State.ENROLLED, State.WAITLISTED):
            notify(enrollment, enrollment.state)
    return EnrolmentResult(enrollment, created=True)


def _next_position(cohort: Cohort) -> int:
    last = Enrollment.objects.filter(cohort=cohort, state=State.WAITLISTED).aggregate(
        last=Max("waitlist_position")
    )["last"]
    return (last or 0) + 1


def _leave_waiting_list(enrollment: Enrollment) -> None:
    """Close the gap the enrolment leaves in its cohort's waiting list."""
    position = enrollment.waitlist_position
    enrollment.waitlist_position = None
    Enrollment.objects.filter(
        cohort_id=enrollment.cohort_id, state=State.WAITLISTED, waitlist_position__gt=position
    ).update(waitlist_position=F("waitlist_position") - 1)


def cohort_promote_waiting(*, cohort: Cohort, by: User | None = None) -> list[Enrollment]:
    """Give free seats to the first in line, in order; the promoted enrolments.

    Call with the cohort locked (inside the service that freed the seat or raised the
    capacity), or on its own: it takes the lock itself.
    """
    promoted = []
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        free = cohort.capacity - seats_taken(cohort)
        if free <= 0:
            return promoted
        waiting = list(
            Enrollment.objects.filter(cohort=cohort, state=State.WAITLISTED)
            .select_related("cohort")
            .order_by("waitlist_position")[:free]
        )
        for enrollment in waiting:
            enrollment.waitlist_position = None
            _set_state(enrollment, State.ENROLLED, by=by, reason="")
            notify(enrollment, "promoted")
            promoted.append(enrollment)
        if promoted:
            Enrollment.objects.filter(cohort=cohort, state=State.WAITLISTED).update(
                waitlist_position=F("waitlist_position") - len(promoted)
            )
    return promoted


def enrollment_withdraw(*, enrollment: Enrollment, by: User, reason: str) -> Enrollment:
    """Withdraw from a cohort before it starts; a freed seat goes to the waiting list at once."""
    reason = reason.strip()
    if not reason:
        raise EnrolmentRefused("reason_required", _("Say why you are withdrawing."))
    with transaction.atomic():
        cohort = _lock_cohort(enrollment.cohort)
        enrollment = Enrollment.objects.select_related("cohort").get(pk=enrollment.pk)
        if enrollment.state not in ACTIVE_STATES:
            raise EnrolmentRefused(
                "not_active",
                _("This enrolment is %(state)s: there is nothing to withdraw from.")
                % {"state": enrollment.get_state_display().lower()},
            )
        if timezone.localdate() >= cohort.starts_on:
            raise EnrolmentRefused(
                "started", _("The cohort has started: ask KSG staff to withdraw you.")
            )
        held_seat = enrollment.state == State.ENROLLED
        if enrollment.state == State.WAITLISTED:
            _leave_waiting_list(enrollment)
        enrollment.withdrawn_by = by
        _set_state(enrollment, State.WITHDRAWN, by=by, reason=reason)
        notify(enrollment, "withdrawn")
        if held_seat:
            cohort_promote_waiting(cohort=cohort, by=by)
    return enrollment


def enrollment_decide(
    *, enrollment: Enrollment, by: User, approve: bool, reason: str = ""
) -> Enrollment:
    """The training officer's answer to a request: approved, the officer takes a seat (or the
    end of the waiting list when the cohort filled up meanwhile); declined, with a reason the
    officer sees.

    ``by`` must act for the officer's organisation (``selectors.requests_for`` finds only
    such requests); the caller checks that before, this re-checks the state under the lock.
    """
    reason = reason.strip()
    if not approve and not reason:
        raise EnrolmentRefused(
            "reason_required", _("Say why you decline, so that the officer knows.")
        )
    with transaction.atomic():
        cohort = _lock_cohort(enrollment.cohort)
        enrollment = Enrollment.objects.select_related("cohort").get(pk=enrollment.pk)
        if enrollment.state != State.REQUESTED:
            raise EnrolmentRefused(
                "already_decided",
                _("This request has already been answered: it is %(state)s.")
                % {"state": enrollment.get_state_display().lower()},
            )
        if not approve:
            _set_state(enrollment, State.DECLINED, by=by, reason=reason)
            notify(enrollment, "declined")
            return enrollment
        _set_state(enrollment, State.APPROVED, by=by, reason=reason)
        if seats_taken(cohort) < cohort.capacity:
            _set_state(enrollment, State.ENROLLED, by=by)
        else:
            enrollment.waitlist_position = _next_position(cohort)
            _set_state(enrollment, State.WAITLISTED, by=by)
        notify(enrollment, "approved")
    return enrollment


def cohort_change_capacity(*, cohort: Cohort, capacity: int, by: User) -> list[Enrollment]:
    """Set the cohort's capacity; raising it promotes from the waiting list at once.

    Lowering it below the seats already taken is refused: nobody loses a seat they were given.
    """
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        taken = seats_taken(cohort)
        if capacity < 1:
            raise EnrolmentRefused("capacity_too_small", _("A cohort needs at least one seat."))
        if capacity < taken:
            raise EnrolmentRefused(
                "capacity_below_taken",
                _("%(taken)d seats are taken: the capacity can't be lower than that.")
                % {"taken": taken},
            )
        previous = cohort.capacity
        cohort.capacity = capacity
        cohort.save(update_fields=["capacity", "updated_at"])
        audit_record(
            actor=by,
            action="courses.cohort.capacity_changed",
            target=cohort,
            data={"from": previous, "to": capacity},
        )
        return cohort_promote_waiting(cohort=cohort, by=by)
