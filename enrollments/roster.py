"""Reads of cohort rosters for the people who run cohorts: KSG staff see every cohort that is not
a draft, a facilitator only the cohorts they facilitate, anyone else none."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext

from academy.models import AuditEvent, Organisation, User
from academy.roles import is_facilitator, is_ksg_staff
from courses.models import Cohort
from courses.selectors import with_seats
from enrollments.models import Enrollment, Notification

State = Enrollment.State

# The order of the states on a roster: those holding a seat first, then those in line.
STATE_ORDER = [
    State.ENROLLED,
    State.COMPLETED,
    State.NOT_COMPLETED,
    State.WAITLISTED,
    State.APPROVED,
    State.REQUESTED,
    State.DECLINED,
    State.WITHDRAWN,
]


def cohorts_for_staff(user: User) -> QuerySet[Cohort]:
    """The cohorts whose roster ``user`` may see, with their course, campus, seats taken and
    number waiting; soonest first."""
    if is_ksg_staff(user):
        cohorts = Cohort.objects.exclude(status=Cohort.Status.DRAFT)
    elif is_facilitator(user):
        cohorts = Cohort.objects.exclude(status=Cohort.Status.DRAFT).filter(facilitators=user)
    else:
        return Cohort.objects.none()
    # Correlated subqueries, as in the catalogue (courses.selectors.with_seats): counted for
    # the rows of a page only, and the pagination count skips them.
    waiting = (
        Enrollment.objects.filter(cohort=OuterRef("pk"), state=State.WAITLISTED)
        .order_by()
        .values(n=Func(F("pk"), function="COUNT"))
    )
    return (
        with_seats(cohorts.select_related("course", "campus"))
        .annotate(waiting_count=Coalesce(Subquery(waiting, output_field=IntegerField()), 0))
        .order_by("starts_on", "code")
    )


def cohort_for_staff(user: User, pk: int) -> Cohort:
    """One cohort whose roster ``user`` may see; Http404 for any other (it is not confirmed)."""
    cohort = cohorts_for_staff(user).filter(pk=pk).first()
    if cohort is None:
        raise Http404(gettext("There is no cohort with this number for you to see."))
    return cohort


def _state_rank() -> Case:
    return Case(
        *(When(state=state, then=Value(rank)) for rank, state in enumerate(STATE_ORDER)),
        default=Value(len(STATE_ORDER)),
        output_field=IntegerField(),
    )


def roster(
    cohort: Cohort,
    *,
    search: str = "",
    state: str = "",
    organisation: Organisation | int | None = None,
) -> QuerySet[Enrollment]:
    """The cohort's enrolments with officer, profile and organisation: by state (seats first),
    then waiting list position, then name. ``search`` matches name, e-mail or personal number.

    Only call it with a cohort from ``cohorts_for_staff``: it does not check who asks.
    """
    enrollments = Enrollment.objects.filter(cohort=cohort).select_related(
        "officer__officer_profile__organisation"
    )
    search = search.strip()
    if search:
        enrollments = enrollments.filter(
            Q(officer__full_name__icontains=search)
            | Q(officer__email__icontains=search)
            | Q(officer__officer_profile__personal_number__icontains=search)
        )
    if state:
        enrollments = enrollments.filter(state=state)
    if organisation is not None:
        enrollments = enrollments.filter(officer__officer_profile__organisation=organisation)
    return enrollments.annotate(state_rank=_state_rank()).order_by(
        "state_rank", "waitlist_position", "officer__full_name", "pk"
    )


def roster_organisations(cohort: Cohort) -> QuerySet[Organisation]:
    """The organisations of the officers on the cohort's roster, by name."""
    return (
        Organisation.objects.filter(officers__user__enrollments__cohort=cohort)
        .distinct()
        .order_by("name")
    )


def enrollment_for_staff(user: User, pk: int) -> Enrollment:
    """One enrolment in a cohort whose roster ``user`` may see, with its officer, profile and
    cohort; Http404 for any other."""
    enrollment = (
        Enrollment.objects.filter(pk=pk, cohort__in=cohorts_for_staff(user).values("pk"))
        .select_related(
            "officer__officer_profile__organisation",
            "cohort__course",
            "cohort__campus",
            "created_by",
            "withdrawn_by",
            "quota__organisation",
        )
        .first()
    )
    if enrollment is None:
        raise Http404(gettext("There is no enrolment with this number for you to see."))
    return enrollment


def enrollment_emails(enrollment: Enrollment) -> QuerySet[Notification]:
    """The e-mails the officer was sent (or is owed) about the enrolment, oldest first: what
    staff need to answer "I was never told"."""
    return enrollment.notifications.order_by("created_at", "pk")


def enrollment_history(enrollment: Enrollment) -> QuerySet[AuditEvent]:
    """The audit events of the enrolment, oldest first, with who acted."""
    return (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Enrollment),
            target_id=str(enrollment.pk),
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
