"""Who may report on what, and what each figure of a report counts.

Every number on a dashboard and every row of a report file comes from one of the querysets
here, for the same ``ReportFilters``; so the dashboard and the files agree by construction.

The definitions:

- **registered**: officer profiles of the organisation or its sub-units, created before the
  period ended. An officer belongs to their current organisation.
- **enrolled**: officers holding a seat (enrolled, completed or not completed) in a cohort that
  runs during the period, even for one day. An officer counts once, however many enrolments
  (one withdrawn and re-enrolled, or two courses).
- **waiting**: officers waiting for a seat (requested, approved or on a waiting list) in such a
  cohort.
- **completions**: completed enrolments whose result was recorded in the period (days in
  Nairobi). **Completed officers** counts the officers among them once.
- **results**: completions and "not completed" results recorded in the period; the
  completion rate is completions ÷ results.
- **no training**: registered officers neither enrolled nor completed in the period.

A skill area or level narrows the enrolments (by the course); the officers stay all registered.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext

from academy.models import Membership, OfficerProfile, Organisation, User
from academy.roles import is_ksg_staff, organisation_scope
from enrollments.models import Enrollment
from reports.filters import ReportFilters
from reports.models import ReportRun, ReportSubscription

State = Enrollment.State

SEAT_STATES = (State.ENROLLED, State.COMPLETED, State.NOT_COMPLETED)
WAITING_STATES = (State.REQUESTED, State.APPROVED, State.WAITLISTED)
RESULT_STATES = (State.COMPLETED, State.NOT_COMPLETED)
# The enrolment status report: everyone with a seat still to take up, or waiting for one.
STATUS_STATES = (State.ENROLLED, *WAITING_STATES)

# Organisations that are not part of the public service: nobody reports on their "officers".
NOT_REPORTED = (Organisation.Kind.ACADEMY, Organisation.Kind.PARTNER)


# --- Who may report on what ---------------------------------------------------------------


def may_report_nationally(user: User) -> bool:
    return is_ksg_staff(user)


def may_report(user: User) -> bool:
    """KSG staff, and training officers of at least one organisation."""
    return (
        may_report_nationally(user)
        or organisation_scope(user, Membership.Role.TRAINING_OFFICER).exists()
    )


def reportable_organisations(user: User) -> QuerySet[Organisation]:
    """The organisations ``user`` may pull reports on, in tree order: every public-service
    organisation for KSG staff; a training officer's organisations and their sub-units."""
    if may_report_nationally(user):
        organisations = Organisation.objects.all()
    else:
        organisations = organisation_scope(user, Membership.Role.TRAINING_OFFICER)
    return organisations.exclude(kind__in=NOT_REPORTED).order_by("path")


def reportable_organisation(user: User, pk: int | str) -> Organisation:
    """One organisation ``user`` may report on; Http404 for any other (it is not confirmed)."""
    try:
        return reportable_organisations(user).get(pk=int(pk))
    except (Organisation.DoesNotExist, TypeError, ValueError):
        raise Http404(gettext("There is no organisation with this number for you.")) from None


def home_organisation(user: User) -> Organisation | None:
    """The organisation a training officer's dashboard opens on (their first); None for KSG
    staff, whose dashboard opens on the national view."""
    if may_report_nationally(user):
        return None
    return reportable_organisations(user).order_by("depth", "name").first()


def subscriptions_of(user: User) -> QuerySet[ReportSubscription]:
    """The user's own report subscriptions, active first."""
    return (
        ReportSubscription.objects.filter(owner=user)
        .select_related("organisation", "skill_area")
        .order_by("-is_active", "organisation__name", "kind", "pk")
    )


def subscription_of(user: User, pk: int) -> ReportSubscription:
    """One of the user's own subscriptions; Http404 for anyone else's."""
    subscription = subscriptions_of(user).filter(pk=pk).first()
    if subscription is None:
        raise Http404(gettext("You have no report subscription with this number."))
    return subscription


def runs_of(user: User) -> QuerySet[ReportRun]:
    """The report runs ``user`` asked for, newest first."""
    return ReportRun.objects.filter(requested_by=user).select_related("organisation", "skill_area")


def run_of(user: User, pk) -> ReportRun:
    """One of ``user``'s own runs, on an organisation they may still report on; Http404 for
    any other (another person's run is not confirmed to exist, whoever asks: files hold
    personal data and go only to whoever asked for them)."""
    try:
        run = runs_of(user).get(pk=int(pk))
    except (ReportRun.DoesNotExist, TypeError, ValueError):
        raise Http404(gettext("There is no report with this number for you.")) from None
    if run.organisation_id is None:
        allowed = may_report_nationally(user)
    else:
        allowed = reportable_organisations(user).filter(pk=run.organisation_id).exists()
    if not allowed:
        raise Http404(gettext("There is no report with this number for you."))
    return run


# --- What each figure counts -----------------------------------------------------------------


def _in_organisation(filters: ReportFilters, prefix: str = "") -> Q:
    """Rows of the filters' organisation and its sub-units (everything but KSG and partners
    when national). ``prefix`` leads from the rows to the officer's organisation."""
    if filters.organisation is None:
        return ~Q(**{f"{prefix}organisation__kind__in": NOT_REPORTED})
    return Q(**{f"{prefix}organisation__path__startswith": filters.organisation.path})


def _of_courses(filters: ReportFilters) -> Q:
    condition = Q()
    if filters.skill_area is not None:
        condition &= Q(course__skill_area=filters.skill_area)
    if filters.level:
        condition &= Q(course__level=filters.level)
    return condition


def registered_officers(filters: ReportFilters) -> QuerySet[OfficerProfile]:
    return OfficerProfile.objects.filter(
        _in_organisation(filters), created_at__lt=filters.ends_before
    )


def _enrolments(filters: ReportFilters) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(
        _in_organisation(filters, "officer__officer_profile__"), _of_courses(filters)
    )


def _in_cohorts_of_period(filters: ReportFilters) -> Q:
    return Q(cohort__starts_on__lte=filters.date_to, cohort__ends_on__gte=filters.date_from)


# Each figure's condition on an enrolment (of the filters' officers and courses), so that a
# reader of every enrolment at once (the dashboard) tells them apart exactly as these do.


def holds_seat(filters: ReportFilters) -> Q:
    """A seat in a cohort that runs during the period."""
    return Q(state__in=SEAT_STATES) & _in_cohorts_of_period(filters)


def is_waiting(filters: ReportFilters) -> Q:
    """A request or waiting-list place for a cohort that runs during the period."""
    return Q(state__in=WAITING_STATES) & _in_cohorts_of_period(filters)


def is_result(filters: ReportFilters) -> Q:
    """A result (completed or not) recorded in the period."""
    return Q(
        state__in=RESULT_STATES,
        result_recorded_at__gte=filters.starts_at,
        result_recorded_at__lt=filters.ends_before,
    )


def is_completion(filters: ReportFilters) -> Q:
    """A completion whose result was recorded in the period."""
    return is_result(filters) & Q(state=State.COMPLETED)


def enrolments(filters: ReportFilters) -> QuerySet[Enrollment]:
    """Enrolments holding a seat in a cohort that runs during the period."""
    return _enrolments(filters).filter(holds_seat(filters))


def waiting(filters: ReportFilters) -> QuerySet[Enrollment]:
    """Requests and waiting-list places for cohorts that run during the period."""
    return _enrolments(filters).filter(is_waiting(filters))


def status_enrolments(filters: ReportFilters) -> QuerySet[Enrollment]:
    """The rows of the enrolment status report: enrolled, approved, requested or waiting for
    a cohort that runs during the period."""
    return _enrolments(filters).filter(_in_cohorts_of_period(filters), state__in=STATUS_STATES)


def results(filters: ReportFilters) -> QuerySet[Enrollment]:
    """Results (completed or not) recorded in the period."""
    return _enrolments(filters).filter(is_result(filters))


def completions(filters: ReportFilters) -> QuerySet[Enrollment]:
    """Completed enrolments whose result was recorded in the period."""
    return _enrolments(filters).filter(is_completion(filters))


def enrolments_of_period(filters: ReportFilters) -> QuerySet[Enrollment]:
    """Every enrolment that counts in one of the figures above: a seat, a place in line or a
    result of the period. The dashboard reads these once and tells them apart with the
    conditions above."""
    return _enrolments(filters).filter(
        holds_seat(filters) | is_waiting(filters) | is_result(filters)
    )


def officers_without_training(filters: ReportFilters) -> QuerySet[OfficerProfile]:
    """Registered officers neither enrolled in the period nor completing in it."""
    own = Q(officer_id=OuterRef("user_id"))
    # Two exclusions rather than one of "A or B": PostgreSQL plans each as an anti-join, and
    # the OR as a subplan per officer (2.5 s against 0.9 s nationally).
    return (
        registered_officers(filters)
        .exclude(Exists(enrolments(filters).filter(own)))
        .exclude(Exists(completions(filters).filter(own)))
    )


def with_certificate_serial(enrolments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """``enrolments`` with ``certificate_serial``: the serial of the valid certificate (None
    while it is being issued, or once revoked)."""
    from certificates.models import Certificate

    valid = Certificate.objects.filter(
        enrollment_id=OuterRef("pk"), status=Certificate.Status.VALID
    ).values("serial")[:1]
    return enrolments.annotate(certificate_serial=Subquery(valid))
