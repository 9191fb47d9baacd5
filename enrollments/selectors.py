"""Reads of enrolments, always on behalf of someone: an officer sees only their own."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from academy.models import Membership, User
from academy.roles import organisation_scope
from enrollments.models import Enrollment
from enrollments.results import RESULT_STATES, standings_of

State = Enrollment.State


def enrollments_of(officer: User) -> QuerySet[Enrollment]:
    """The officer's own enrolments, with cohort, course and campus, soonest cohort first."""
    return (
        Enrollment.objects.filter(officer=officer)
        .select_related("cohort__course__skill_area", "cohort__campus")
        .order_by("cohort__starts_on", "cohort__code")
    )


def enrollment_of(officer: User, pk: int) -> Enrollment:
    """One of the officer's own enrolments; Http404 for anyone else's (it is not confirmed)."""
    enrollment = enrollments_of(officer).filter(pk=pk).first()
    if enrollment is None:
        raise Http404(gettext("You have no enrolment with this number."))
    return enrollment


def enrollment_in_cohort(officer: User, cohort_id: int) -> Enrollment | None:
    return enrollments_of(officer).filter(cohort_id=cohort_id).first()


def requests_for(user: User) -> QuerySet[Enrollment]:
    """Requests waiting for an answer from ``user``: those of officers of the organisations
    (and their sub-units) the user is training officer for. None for anyone else."""
    scope = organisation_scope(user, Membership.Role.TRAINING_OFFICER)
    return (
        Enrollment.objects.filter(
            state=State.REQUESTED, officer__officer_profile__organisation__in=scope
        )
        .select_related(
            "officer__officer_profile__organisation", "cohort__course", "cohort__campus"
        )
        .order_by("created_at", "pk")
    )


def officers_enrollments_for(user: User, *, state: str = "") -> QuerySet[Enrollment]:
    """Enrolments of the officers of the organisations (and sub-units) ``user`` is training
    officer for, newest cohort first; optionally only those in ``state``."""
    scope = organisation_scope(user, Membership.Role.TRAINING_OFFICER)
    enrollments = (
        Enrollment.objects.filter(officer__officer_profile__organisation__in=scope)
        .select_related(
            "officer__officer_profile__organisation", "cohort__course", "cohort__campus"
        )
        .order_by("-cohort__starts_on", "officer__full_name", "pk")
    )
    return enrollments.filter(state=state) if state else enrollments


def request_for(user: User, pk: int) -> Enrollment:
    """One request ``user`` may answer; Http404 for any other enrolment."""
    enrollment = requests_for(user).filter(pk=pk).first()
    if enrollment is None:
        raise Http404(gettext("There is no request with this number for you to answer."))
    return enrollment


@dataclass
class MyLearning:
    """An officer's enrolments sorted the way "My learning" shows them."""

    current: list[Enrollment] = field(default_factory=list)
    upcoming: list[Enrollment] = field(default_factory=list)
    waiting: list[Enrollment] = field(default_factory=list)
    completed: list[Enrollment] = field(default_factory=list)
    ended: list[Enrollment] = field(default_factory=list)

    @property
    def cpd_hours(self) -> int:
        return sum(e.cohort.course.cpd_hours for e in self.completed)


def my_learning(officer: User) -> MyLearning:
    """The officer's enrolments in the groups of "My learning"; those with a result carry their
    ``standing`` (attendance and score). Two queries."""
    today = timezone.localdate()
    learning = MyLearning()
    for enrollment in enrollments_of(officer):
        cohort = enrollment.cohort
        if enrollment.state == State.COMPLETED:
            learning.completed.append(enrollment)
        elif enrollment.state in (State.WAITLISTED, State.REQUESTED, State.APPROVED):
            learning.waiting.append(enrollment)
        elif enrollment.state == State.ENROLLED and cohort.starts_on > today:
            learning.upcoming.append(enrollment)
        elif enrollment.state == State.ENROLLED:
            learning.current.append(enrollment)
        else:
            learning.ended.append(enrollment)
    decided = [e for e in learning.completed + learning.ended if e.state in RESULT_STATES]
    standings = standings_of(decided)
    for enrollment in decided:
        enrollment.standing = standings[enrollment.pk]
    learning.completed.sort(key=lambda e: e.cohort.ends_on, reverse=True)
    learning.ended.sort(key=lambda e: e.cohort.starts_on, reverse=True)
    return learning
