"""Writes of enrolments: taking a seat, joining and leaving the waiting list, promotion; seat
quotas; moving an officer to another cohort of the course and removing a no-show.

Seats are counted under a row lock on the cohort (``SELECT … FOR UPDATE``), so that two officers
taking the last seat at once can't both get it: the second waits for the first to commit and then
counts again. Every function owns its transaction and writes an audit event for each change of
state. The waiting list is first in, first out: positions run 1, 2, 3… without gaps, and each
seat that frees up promotes the first in line exactly once.

Seat quotas. A cohort may set aside seats for an organisation and its sub-units
(``CohortQuota``). Its capacity then falls into pools: one per quota, of the quota's seats, and
the open pool of the seats no quota covers (the capacity less the sum of the quotas). An
officer whose organisation is a quota's organisation or lies under it belongs to that quota's
pool (to the deepest one when several match: a state department's quota before its
ministry's); everyone else to the open pool. Officers take seats from their own pool only, so
the seats taken from each pool never exceed its size, and all of them never exceed the
capacity. The pool is decided when the officer takes a seat or joins the line (a request, when
it is approved), and kept on the enrolment (``Enrollment.quota``) even if they later change
organisation. The waiting list stays one line: a seat that frees up goes to the first in line
*of its pool*, so promotion is first in, first out within each pool, and an officer whose pool
is full may be passed by later officers of a pool with room. Adding a quota moves the officers
already waiting whose organisation falls under it into its pool (they keep their place in
line); officers who hold seats keep them. A cohort without quotas is one open pool, and behaves
exactly as if quotas did not exist.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from academy.audit import audit_record
from academy.models import JobGroup, OfficerProfile, Organisation, User
from academy.roles import is_ksg_staff
from courses.models import Cohort, Course
from courses.selectors import with_seats
from enrollments.models import CohortQuota, Enrollment
from enrollments.notifications import notify

State = Enrollment.State

# States in which an officer is in a cohort, or in line for it: one of these per officer and
# course at a time (a unique index holds it too).
ACTIVE_STATES = Enrollment.ACTIVE_STATES

# States from which staff may move an officer to another cohort: holding a seat or in line.
MOVABLE_STATES = (State.ENROLLED, State.WAITLISTED, State.APPROVED)

# Cohorts an officer may be moved into (when they have not ended yet).
MOVE_TARGET_STATUSES = (Cohort.Status.SCHEDULED, Cohort.Status.RUNNING)


class EnrolmentRefused(Exception):
    """The officer can't enrol in this cohort; ``code`` says which rule, ``message`` why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class CohortUnavailable(EnrolmentRefused):
    """No cohort with this id that anyone may enrol in or see: none at all, a draft, or one of
    an unpublished course. The API answers it with a 404, as if the cohort did not exist."""

    def __init__(self):
        super().__init__("not_open", _("This cohort is not taking enrolments."))


@dataclass(frozen=True)
class EnrolmentResult:
    enrollment: Enrollment
    created: bool


def _lock_cohort(cohort: Cohort) -> Cohort:
    """The cohort, re-read under a row lock that serialises every change of its seats."""
    # With its course (the rules read it), locking only the cohort's row.
    return Cohort.objects.select_for_update(of=("self",)).select_related("course").get(pk=cohort.pk)


# The columns of the cohort and its course that enrolling reads (the rules, the API's answer,
# the audit event); any other is loaded when something asks for it.
_LOCKED_COHORT_FIELDS = (
    "id",
    "course_id",
    "code",
    "starts_on",
    "ends_on",
    "campus_id",
    "capacity",
    "enrolment_opens_on",
    "enrolment_closes_on",
    "status",
)
_LOCKED_COURSE_FIELDS = (
    "id",
    "code",
    "title",
    "skill_area_id",
    "level",
    "audience_min_job_group",
    "audience_max_job_group",
    "delivery_mode",
    "cpd_hours",
    "requires_approval",
    "is_published",
)


@functools.cache
def _lock_cohort_sql(for_update_of: bool) -> str:
    def columns(model, alias, names):
        return [f"{alias}.{model._meta.get_field(name).column}" for name in names]

    # Only the models' table and column names go in; the id is a parameter.
    selected = columns(Cohort, "c", _LOCKED_COHORT_FIELDS) + columns(
        Course, "k", _LOCKED_COURSE_FIELDS
    )
    tables = f"{Cohort._meta.db_table} c JOIN {Course._meta.db_table} k ON k.id = c.course_id"
    sql = f"SELECT {', '.join(selected)} FROM {tables} WHERE c.id = %s"  # noqa: S608  # nosec B608
    # PostgreSQL locks the cohort's row only; SQLite has no row locks (it runs one writer).
    if for_update_of:
        sql += " FOR UPDATE OF c"
    return sql


def _lock_cohort_to_enrol(cohort: Cohort | int) -> Cohort:
    """``_lock_cohort`` by cohort or id, in plain SQL for the same reason as ``_standing``.
    Raises CohortUnavailable for a cohort that doesn't exist or that the public can't see."""
    pk = cohort if isinstance(cohort, int) else cohort.pk
    # An id out of the column's range names no cohort (the ORM answers so itself; SQLite would
    # raise on it).
    low, high = connection.ops.integer_field_range("BigAutoField")
    if not low <= pk <= high:
        raise CohortUnavailable
    with connection.cursor() as cursor:
        cursor.execute(_lock_cohort_sql(connection.features.has_select_for_update_of), [pk])
        row = cursor.fetchone()
    if row is None:
        raise CohortUnavailable
    split = len(_LOCKED_COHORT_FIELDS)
    locked = Cohort.from_db(connection.alias, _LOCKED_COHORT_FIELDS, row[:split])
    locked.course = Course.from_db(connection.alias, _LOCKED_COURSE_FIELDS, row[split:])
    if locked.status == Cohort.Status.DRAFT or not locked.course.is_published:
        raise CohortUnavailable
    return locked


@dataclass(frozen=True)
class _Standing:
    """What the enrolment rules read about a locked cohort and one officer."""

    job_group: str | None  # the officer's, None without an officer profile
    seats_taken: int
    last_position: int | None  # the end of the waiting list
    has_quotas: bool
    enrollment_id: int | None  # the officer's enrolment in this cohort, if any
    other_cohort: str | None  # the code of a cohort of the course the officer is active in
    missing_prerequisites: int  # how many of the course's prerequisites they haven't completed


# One statement instead of six ORM queries: enrolling is the portal's busiest write, and on a
# small server building each ORM query costs several times what PostgreSQL takes to run it
# (benchmarks/enrolment_floor.py). Plain SQL that SQLite runs as well. Only the models' table
# names and placeholders are formatted in; every value is a parameter.
_STANDING_SQL = """
SELECT
    (SELECT job_group FROM {profile} WHERE user_id = %s),
    (SELECT COUNT(*) FROM {enrollment} WHERE cohort_id = %s AND state IN ({seat_states})),
    (SELECT MAX(waitlist_position) FROM {enrollment} WHERE cohort_id = %s),
    EXISTS (SELECT 1 FROM {quota} WHERE cohort_id = %s),
    (SELECT id FROM {enrollment} WHERE cohort_id = %s AND officer_id = %s),
    (SELECT c.code FROM {enrollment} e JOIN {cohort} c ON c.id = e.cohort_id
      WHERE e.officer_id = %s AND e.course_id = %s AND e.cohort_id <> %s
        AND e.state IN ({active_states}) LIMIT 1),
    (SELECT COUNT(*) FROM {prerequisites} p WHERE p.from_course_id = %s
      AND p.to_course_id NOT IN (
        SELECT course_id FROM {enrollment} WHERE officer_id = %s AND state = %s))
""".format(  # noqa: S608  # nosec B608
    enrollment=Enrollment._meta.db_table,
    profile=OfficerProfile._meta.db_table,
    prerequisites=Course.prerequisites.through._meta.db_table,
    quota=CohortQuota._meta.db_table,
    cohort=Cohort._meta.db_table,
    seat_states=", ".join(["%s"] * len(Enrollment.SEAT_STATES)),
    active_states=", ".join(["%s"] * len(ACTIVE_STATES)),
)


def _standing(cohort: Cohort, officer_id: int) -> _Standing:
    """The officer's job group, seats taken, the end of the waiting list, whether there are
    quotas, the officer's enrolments in the course and the prerequisites they lack. Read under
    the cohort's lock, so the counts include whatever an enrolment that held it before has
    committed."""
    c, course = cohort.pk, cohort.course_id
    params = [officer_id, c, *Enrollment.SEAT_STATES, c, c, c, officer_id]
    params += [officer_id, course, c, *ACTIVE_STATES]
    params += [course, officer_id, State.COMPLETED]
    with connection.cursor() as cursor:
        cursor.execute(_STANDING_SQL, params)
        group, taken, last, has_quotas, enrollment_id, other, missing = cursor.fetchone()
    return _Standing(group, taken, last, bool(has_quotas), enrollment_id, other, missing)


def seats_taken(cohort: Cohort) -> int:
    return Enrollment.objects.filter(cohort=cohort, state__in=Enrollment.SEAT_STATES).count()


@dataclass
class SeatPool:
    """One pool of a cohort's seats: a quota's, or the open seats when ``quota`` is None."""

    quota: CohortQuota | None
    size: int
    taken: int = 0
    waiting: int = 0

    @property
    def free(self) -> int:
        return max(self.size - self.taken, 0)


def seat_pools(
    cohort: Cohort, quotas: list[CohortQuota] | None = None
) -> dict[int | None, SeatPool]:
    """The cohort's pools by quota id (None for the open seats, last), with the seats taken
    from each and the officers waiting for each: two queries, one when ``quotas`` are given."""
    if quotas is None:
        quotas = cohort_quotas(cohort)
    pools: dict[int | None, SeatPool] = {quota.pk: SeatPool(quota, quota.seats) for quota in quotas}
    pools[None] = SeatPool(None, cohort.capacity - sum(quota.seats for quota in quotas))
    counts = (
        Enrollment.objects.filter(
            cohort=cohort, state__in=(*Enrollment.SEAT_STATES, State.WAITLISTED)
        )
        .values("quota_id")
        .annotate(
            taken=Count("pk", filter=Q(state__in=Enrollment.SEAT_STATES)),
            waiting=Count("pk", filter=Q(state=State.WAITLISTED)),
        )
        .order_by()
    )
    for row in counts:
        # A seat of a quota that is not this cohort's can't be: count it as open, never lose it.
        pool = pools.get(row["quota_id"], pools[None])
        pool.taken += row["taken"]
        pool.waiting += row["waiting"]
    return pools


def cohort_quotas(cohort: Cohort) -> list[CohortQuota]:
    """The cohort's quotas with their organisations, by organisation name."""
    return list(
        CohortQuota.objects.filter(cohort=cohort)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def move_targets(cohort: Cohort) -> QuerySet[Cohort]:
    """The cohorts an officer of ``cohort`` may be moved to: the other cohorts of its course
    that are scheduled or running and have not ended, soonest first, with ``seats_left``."""
    return with_seats(
        Cohort.objects.filter(
            course_id=cohort.course_id,
            status__in=MOVE_TARGET_STATUSES,
            ends_on__gte=timezone.localdate(),
        )
        .exclude(pk=cohort.pk)
        .select_related("campus")
        .order_by("starts_on", "code")
    )


def _quota_of(quotas: list[CohortQuota], officer_id: int) -> CohortQuota | None:
    """The officer's pool among ``quotas``: the deepest quota over their organisation, or None
    (the open seats). A query only when there are quotas."""
    if not quotas:
        return None
    path = (
        Organisation.objects.filter(officers__user_id=officer_id)
        .values_list("path", flat=True)
        .first()
    )
    if path is None:
        return None
    # An organisation's path starts with the paths of those above it (a materialised path).
    over = [quota for quota in quotas if path.startswith(quota.organisation.path)]
    return max(over, key=lambda quota: len(quota.organisation.path), default=None)


def _seat_for(cohort: Cohort, officer_id: int) -> tuple[CohortQuota | None, bool]:
    """The officer's pool in the locked ``cohort``, and whether it has a free seat."""
    quotas = cohort_quotas(cohort)
    if not quotas:
        return None, seats_taken(cohort) < cohort.capacity
    quota = _quota_of(quotas, officer_id)
    pools = seat_pools(cohort, quotas)
    total = sum(pool.taken for pool in pools.values())
    return quota, pools[quota.pk if quota else None].free > 0 and total < cohort.capacity


def _set_state(
    enrollment: Enrollment,
    state: str,
    *,
    by: User | None,
    reason: str = "",
    action: str = "",
) -> None:
    """Save the enrolment in ``state`` and audit it (as ``action``, by default the state's)."""
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
            "quota",
            "updated_at",
        ]
    )
    audit_record(
        actor=by,
        action=action or f"enrollments.enrollment.{state}",
        target=enrollment,
        data={"from": previous, "to": state, "cohort": enrollment.cohort.code, "reason": reason},
    )


def _check_eligibility(
    *,
    officer: User,
    cohort: Cohort,
    standing: _Standing,
    today,
    for_other: bool = False,
) -> None:
    """Raise EnrolmentRefused with the first rule the officer does not meet.

    ``standing`` is what the caller read under the cohort's lock. ``for_other``: someone else
    (a training officer, KSG staff) is enrolling the officer, so the message speaks of the
    officer rather than to them.
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
    if standing.job_group is None:
        raise EnrolmentRefused(
            "no_profile",
            _("The officer has not completed their officer profile.")
            if for_other
            else _("Complete your officer profile before you enrol in a course."),
        )
    rank = JobGroup.rank(standing.job_group)
    low, high = course.audience_min_job_group, course.audience_max_job_group
    if not JobGroup.rank(low) <= rank <= JobGroup.rank(high):
        message = (
            _("This course is for job groups %(low)s to %(high)s; the officer's is %(group)s.")
            if for_other
            else _("This course is for job groups %(low)s to %(high)s; yours is %(group)s.")
        )
        raise EnrolmentRefused(
            "audience", message % {"low": low, "high": high, "group": standing.job_group}
        )
    if standing.missing_prerequisites:
        # Which ones, for the message. Both conditions on the same enrolment: exclude() across
        # a multi-valued relation would accept someone else's completion together with the
        # officer's own withdrawal.
        completed = Enrollment.objects.filter(officer=officer, state=State.COMPLETED)
        missing = course.prerequisites.exclude(pk__in=completed.values("course_id"))
        message = (
            _("The officer must first complete these courses: %(courses)s.")
            if for_other
            else _("Complete these courses first: %(courses)s.")
        )
        raise EnrolmentRefused(
            "prerequisites",
            message
            % {"courses": ", ".join(f"{c.code} {c.title}" for c in missing.order_by("code"))},
        )
    if standing.other_cohort is not None:
        message = (
            _("The officer is already in cohort %(code)s of this course.")
            if for_other
            else _("You are already in cohort %(code)s of this course; withdraw from it first.")
        )
        raise EnrolmentRefused("other_cohort", message % {"code": standing.other_cohort})


def enrollment_create(
    *, officer: User, cohort: Cohort | int, by: User | None = None, preapproved: bool = False
) -> EnrolmentResult:
    """Enrol ``officer`` in ``cohort`` (a cohort or its id): a seat if one is free, else the end
    of the waiting list; a request to the training officer when the course needs approval,
    unless ``preapproved`` (a nomination by the training officer, who is the one who would
    approve it).

    Asking again while already in the cohort changes nothing and returns the same enrolment
    (``created`` False), so a double-clicked button or a retried request makes one enrolment.
    Raises EnrolmentRefused when a rule is not met, CohortUnavailable (one of them) when the
    cohort doesn't exist or the public can't see it.
    """
    try:
        return _enrol(officer=officer, cohort=cohort, by=by or officer, preapproved=preapproved)
    except IntegrityError:
        # The officer was enrolled in another cohort of the course by a request that ran at the
        # same moment, under that cohort's lock rather than this one's: the database refused
        # the second active enrolment in the course. Asked again, the rules see the first.
        return _enrol(officer=officer, cohort=cohort, by=by or officer, preapproved=preapproved)


def _enrol(*, officer: User, cohort: Cohort | int, by: User, preapproved: bool) -> EnrolmentResult:
    for_other = by.pk != officer.pk
    today = timezone.localdate()
    with transaction.atomic():
        cohort = _lock_cohort_to_enrol(cohort)
        standing = _standing(cohort, officer.pk)
        existing = None
        if standing.enrollment_id is not None:
            existing = Enrollment.objects.select_related("cohort__course").get(
                pk=standing.enrollment_id
            )
            if existing.state in ACTIVE_STATES or existing.state in Enrollment.SEAT_STATES:
                return EnrolmentResult(existing, created=False)
            # Whom staff withdrew, only staff enrol again.
            if existing.withdrawn_by_id not in (None, officer.pk) and not is_ksg_staff(by):
                raise EnrolmentRefused(
                    "withdrawn_by_staff",
                    _(
                        "KSG staff withdrew the officer from this cohort; only they can enrol "
                        "them again."
                    )
                    if for_other
                    else _("KSG staff withdrew you from this cohort; ask them to enrol you again."),
                )
        _check_eligibility(
            officer=officer,
            cohort=cohort,
            standing=standing,
            today=today,
            for_other=for_other,
        )
        enrollment = existing or Enrollment(
            officer=officer, cohort=cohort, course_id=cohort.course_id, created_by=by
        )
        previous = enrollment.state if existing else ""
        # A request takes its pool when it is approved: the pool is the officer's then.
        enrollment.quota = None
        if cohort.course.requires_approval and not preapproved:
            enrollment.state = State.REQUESTED
            enrollment.waitlist_position = None
        else:
            if standing.has_quotas:
                enrollment.quota, has_seat = _seat_for(cohort, officer.pk)
            else:
                has_seat = standing.seats_taken < cohort.capacity
            if has_seat:
                enrollment.state = State.ENROLLED
                enrollment.waitlist_position = None
            else:
                enrollment.state = State.WAITLISTED
                enrollment.waitlist_position = (standing.last_position or 0) + 1
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
    _close_gaps(enrollment.cohort_id, [position])


def _close_gaps(cohort_id: int, positions: list[int]) -> None:
    """Renumber the waiting list after the officers at ``positions`` left it: everyone behind
    moves up by the number who left ahead of them, so that it runs 1, 2, 3… again."""
    positions = sorted(positions)
    for moved_up, position in enumerate(positions, start=1):
        following = positions[moved_up] if moved_up < len(positions) else None
        if following == position + 1:
            continue  # nobody between these two: nothing to renumber
        behind = Enrollment.objects.filter(
            cohort_id=cohort_id, state=State.WAITLISTED, waitlist_position__gt=position
        )
        if following is not None:
            behind = behind.filter(waitlist_position__lt=following)
        behind.update(waitlist_position=F("waitlist_position") - moved_up)


def cohort_promote_waiting(*, cohort: Cohort, by: User | None = None) -> list[Enrollment]:
    """Give free seats to the first in line of each pool, in order; the promoted enrolments.

    Call with the cohort locked (inside the service that freed the seat or raised the
    capacity), or on its own: it takes the lock itself.
    """
    promoted = []
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        free = cohort.capacity - seats_taken(cohort)
        if free <= 0:
            # The pools add up to the capacity: with every seat taken, each pool is full.
            return promoted
        quotas = cohort_quotas(cohort)
        waiting = (
            Enrollment.objects.filter(cohort=cohort, state=State.WAITLISTED)
            .select_related("cohort")
            .order_by("waitlist_position")
        )
        if not quotas:
            chosen = list(waiting[:free])
        else:
            # The first in line of each pool with room, as many as it has free seats.
            chosen = []
            for pool in seat_pools(cohort, quotas).values():
                if pool.free:
                    chosen += waiting.filter(quota=pool.quota)[: pool.free]
            chosen = sorted(chosen, key=lambda e: e.waitlist_position)[:free]
        positions = []
        for enrollment in chosen:
            positions.append(enrollment.waitlist_position)
            enrollment.waitlist_position = None
            _set_state(enrollment, State.ENROLLED, by=by, reason="")
            notify(enrollment, "promoted")
            promoted.append(enrollment)
        if positions:
            _close_gaps(cohort.pk, positions)
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
        enrollment.quota, has_seat = _seat_for(cohort, enrollment.officer_id)
        _set_state(enrollment, State.APPROVED, by=by, reason=reason)
        if has_seat:
            _set_state(enrollment, State.ENROLLED, by=by)
        else:
            enrollment.waitlist_position = _next_position(cohort)
            _set_state(enrollment, State.WAITLISTED, by=by)
        notify(enrollment, "approved")
    return enrollment


def cohort_change_capacity(*, cohort: Cohort, capacity: int, by: User) -> list[Enrollment]:
    """Set the cohort's capacity; raising it promotes from the waiting list at once.

    Lowering it below the seats already taken, or below the seats its quotas set aside plus the
    open seats taken, is refused: nobody loses a seat they were given.
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
        quotas = cohort_quotas(cohort)
        if quotas:
            reserved = sum(quota.seats for quota in quotas)
            open_taken = seat_pools(cohort, quotas)[None].taken
            if capacity < reserved + open_taken:
                raise EnrolmentRefused(
                    "capacity_below_quotas",
                    ngettext(
                        "The quotas set aside %(reserved)d seats and officers hold %(open)d open "
                        "seat: the capacity can't be lower than %(least)d.",
                        "The quotas set aside %(reserved)d seats and officers hold %(open)d open "
                        "seats: the capacity can't be lower than %(least)d.",
                        open_taken,
                    )
                    % {"reserved": reserved, "open": open_taken, "least": reserved + open_taken},
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


def cohort_set_quota(
    *, cohort: Cohort, organisation: Organisation, seats: int, by: User
) -> list[Enrollment]:
    """Set aside ``seats`` of the cohort for ``organisation`` and its sub-units, adding its quota
    or changing it; whoever now fits is promoted at once (the promoted enrolments).

    Refused when the quotas would set aside more seats than the cohort has, or leave a pool (the
    quota's own, or the open seats) smaller than the seats already taken from it.
    """
    with transaction.atomic():
        cohort = _lock_cohort(cohort)
        if seats < 1:
            raise EnrolmentRefused(
                "quota_too_small", _("A quota needs at least one seat; remove it instead.")
            )
        quotas = cohort_quotas(cohort)
        pools = seat_pools(cohort, quotas)
        quota = next((q for q in quotas if q.organisation_id == organisation.pk), None)
        previous = quota.seats if quota else None
        if seats == previous:
            return []
        reserved = sum(q.seats for q in quotas if q is not quota) + seats
        if reserved > cohort.capacity:
            raise EnrolmentRefused(
                "quotas_over_capacity",
                _(
                    "The quotas would set aside %(reserved)d seats, more than the %(capacity)d "
                    "of the cohort. Raise the capacity first, or lower another quota."
                )
                % {"reserved": reserved, "capacity": cohort.capacity},
            )
        if quota is not None and seats < pools[quota.pk].taken:
            raise EnrolmentRefused(
                "quota_below_taken",
                ngettext(
                    "Officers of %(organisation)s hold %(taken)d seat of this quota: it can't "
                    "be lower than that.",
                    "Officers of %(organisation)s hold %(taken)d seats of this quota: it can't "
                    "be lower than that.",
                    pools[quota.pk].taken,
                )
                % {"organisation": organisation.name, "taken": pools[quota.pk].taken},
            )
        open_taken = pools[None].taken
        if cohort.capacity - reserved < open_taken:
            raise EnrolmentRefused(
                "open_seats_below_taken",
                ngettext(
                    "Officers hold %(taken)d open seat, and this quota would leave only "
                    "%(left)d: raise the capacity first.",
                    "Officers hold %(taken)d open seats, and this quota would leave only "
                    "%(left)d: raise the capacity first.",
                    open_taken,
                )
                % {"taken": open_taken, "left": cohort.capacity - reserved},
            )
        repooled = 0
        if quota is None:
            quota = CohortQuota.objects.create(
                cohort=cohort, organisation=organisation, seats=seats
            )
            # Officers already waiting whose organisation falls under the new quota now wait
            # for its seats (in their place in line), unless a deeper quota is theirs already.
            broader = [q.pk for q in quotas if organisation.path.startswith(q.organisation.path)]
            repooled = (
                Enrollment.objects.filter(
                    cohort=cohort,
                    state=State.WAITLISTED,
                    officer__officer_profile__organisation__path__startswith=organisation.path,
                )
                .filter(Q(quota=None) | Q(quota__in=broader))
                .update(quota=quota)
            )
        else:
            quota.seats = seats
            quota.save(update_fields=["seats", "updated_at"])
        audit_record(
            actor=by,
            action="enrollments.cohort.quota_set",
            target=cohort,
            data={
                "organisation": organisation.name,
                "from": previous,
                "to": seats,
                "cohort": cohort.code,
                "waiting_moved_to_quota": repooled,
            },
        )
        return cohort_promote_waiting(cohort=cohort, by=by)


def cohort_remove_quota(*, quota: CohortQuota, by: User) -> list[Enrollment]:
    """Remove the quota: its seats become open seats, and whoever now fits is promoted (the
    promoted enrolments). Refused while officers hold or wait for seats of the quota."""
    with transaction.atomic():
        cohort = _lock_cohort(quota.cohort)
        quota = (
            CohortQuota.objects.select_related("organisation")
            .filter(pk=quota.pk, cohort=cohort)
            .first()
        )
        if quota is None:
            raise EnrolmentRefused("no_quota", _("This quota has already been removed."))
        held = quota.enrollments.filter(
            state__in=(*Enrollment.SEAT_STATES, State.WAITLISTED, State.APPROVED)
        ).count()
        if held:
            raise EnrolmentRefused(
                "quota_in_use",
                ngettext(
                    "%(count)d officer holds or waits for a seat of the quota of "
                    "%(organisation)s: it can't be removed while they do. Lower it instead.",
                    "%(count)d officers hold or wait for seats of the quota of "
                    "%(organisation)s: it can't be removed while they do. Lower it instead.",
                    held,
                )
                % {"count": held, "organisation": quota.organisation.name},
            )
        # Enrolments that only remember the quota (withdrawn, declined, requests) let go of it.
        quota.enrollments.update(quota=None)
        organisation, seats = quota.organisation, quota.seats
        quota.delete()
        audit_record(
            actor=by,
            action="enrollments.cohort.quota_removed",
            target=cohort,
            data={
                "organisation": organisation.name,
                "from": seats,
                "to": None,
                "cohort": cohort.code,
            },
        )
        return cohort_promote_waiting(cohort=cohort, by=by)


def enrollment_move(
    *, enrollment: Enrollment, to_cohort: Cohort, by: User, reason: str
) -> Enrollment:
    """Move the officer to another cohort of the same course: a seat there when their pool has
    one free, else the end of its waiting list. The enrolment they leave is withdrawn by ``by``
    with ``reason``, and a seat it held goes at once to the first in line of its pool. The
    officer gets one "cohort changed" e-mail. Returns the enrolment in ``to_cohort``.
    """
    reason = reason.strip()
    if not reason:
        raise EnrolmentRefused("reason_required", _("Say why the officer is moving."))
    with transaction.atomic():
        # Both cohorts, always in the order of their ids, so that two moves in opposite
        # directions between the same two cohorts can't deadlock.
        cohorts = {enrollment.cohort_id: enrollment.cohort, to_cohort.pk: to_cohort}
        locked = {pk: _lock_cohort(cohorts[pk]) for pk in sorted(cohorts)}
        enrollment = Enrollment.objects.select_related("cohort", "officer").get(pk=enrollment.pk)
        source, target = locked[enrollment.cohort_id], locked[to_cohort.pk]
        officer = enrollment.officer
        if target.pk == source.pk:
            raise EnrolmentRefused(
                "same_cohort",
                _("%(name)s is already in cohort %(code)s: choose another cohort.")
                % {"name": officer.full_name, "code": target.code},
            )
        if enrollment.state not in MOVABLE_STATES:
            raise EnrolmentRefused(
                "not_active",
                _(
                    "This enrolment is %(state)s: only an officer who holds a seat or waits for "
                    "one can be moved."
                )
                % {"state": enrollment.get_state_display().lower()},
            )
        if target.course_id != source.course_id:
            raise EnrolmentRefused(
                "other_course",
                _(
                    "Cohort %(code)s is of another course: an officer can only be moved between "
                    "cohorts of the same course."
                )
                % {"code": target.code},
            )
        if target.status not in MOVE_TARGET_STATUSES or target.ends_on < timezone.localdate():
            raise EnrolmentRefused(
                "target_closed",
                _(
                    "Cohort %(code)s is not open: an officer can only be moved to a cohort that "
                    "is scheduled or running and has not ended."
                )
                % {"code": target.code},
            )
        existing = Enrollment.objects.filter(officer=officer, cohort=target).first()
        if existing is not None and existing.state not in (State.WITHDRAWN, State.DECLINED):
            raise EnrolmentRefused(
                "already_in_target",
                _("%(name)s is already in cohort %(code)s: their enrolment there is %(state)s.")
                % {
                    "name": officer.full_name,
                    "code": target.code,
                    "state": existing.get_state_display().lower(),
                },
            )

        held_seat = enrollment.state == State.ENROLLED
        if enrollment.state == State.WAITLISTED:
            _leave_waiting_list(enrollment)
        enrollment.withdrawn_by = by
        _set_state(enrollment, State.WITHDRAWN, by=by, reason=reason)

        moved = existing or Enrollment(officer=officer, cohort=target, created_by=by)
        previous = moved.state if existing else ""
        moved.quota, has_seat = _seat_for(target, officer.pk)
        if has_seat:
            moved.state, moved.waitlist_position = State.ENROLLED, None
        else:
            moved.state, moved.waitlist_position = State.WAITLISTED, _next_position(target)
        moved.reason = ""
        moved.withdrawn_by = None
        moved.state_changed_at = timezone.now()
        moved.save()
        audit_record(
            actor=by,
            action=f"enrollments.enrollment.{moved.state}",
            target=moved,
            data={"from": previous, "to": moved.state, "cohort": target.code, "reason": reason},
        )
        for each in (enrollment, moved):
            audit_record(
                actor=by,
                action="enrollments.enrollment.moved",
                target=each,
                data={"from": source.code, "to": target.code, "reason": reason},
            )
        # One message about both cohorts: none about the withdrawal from the first.
        notify(moved, "cohort_changed")
        if held_seat:
            cohort_promote_waiting(cohort=source, by=by)
    return moved


def enrollment_remove_no_show(*, enrollment: Enrollment, by: User, reason: str) -> Enrollment:
    """Remove an officer who did not turn up, once the cohort has started and before it ends:
    withdrawn by ``by`` (so they can't enrol in it again themselves) with ``reason``, and their
    seat goes at once to the first in line of its pool."""
    reason = reason.strip()
    if not reason:
        raise EnrolmentRefused(
            "reason_required", _("Say why the officer is removed, for example the days missed.")
        )
    with transaction.atomic():
        cohort = _lock_cohort(enrollment.cohort)
        enrollment = Enrollment.objects.select_related("cohort").get(pk=enrollment.pk)
        if enrollment.state != State.ENROLLED:
            raise EnrolmentRefused(
                "not_enrolled",
                _(
                    "Only an officer who holds a seat can be removed as a no-show: this "
                    "enrolment is %(state)s."
                )
                % {"state": enrollment.get_state_display().lower()},
            )
        today = timezone.localdate()
        if today < cohort.starts_on:
            raise EnrolmentRefused(
                "not_started",
                _(
                    "Cohort %(code)s starts on %(date)s: an officer can be removed as a no-show "
                    "only once it has started."
                )
                % {"code": cohort.code, "date": cohort.starts_on.isoformat()},
            )
        if today > cohort.ends_on:
            raise EnrolmentRefused(
                "ended",
                _("Cohort %(code)s ended on %(date)s: record the officer's result instead.")
                % {"code": cohort.code, "date": cohort.ends_on.isoformat()},
            )
        enrollment.withdrawn_by = by
        _set_state(
            enrollment,
            State.WITHDRAWN,
            by=by,
            reason=reason,
            action="enrollments.enrollment.no_show_removed",
        )
        notify(enrollment, "withdrawn")
        cohort_promote_waiting(cohort=cohort, by=by)
    return enrollment
