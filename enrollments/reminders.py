"""Reminders: rows first, messages second.

``schedule_due_reminders`` writes a ``Reminder`` row for every reminder due today. Each row has
a unique key, so running the schedule twice (or on two hosts) creates nothing new.
``send_pending_reminders`` then sends the pending rows as ``enrollments.outbox`` sends any row
written first: none twice, none lost when a worker stops or Redis restarts.

Due reminders:

- a cohort starts in exactly 7 days, or tomorrow: each officer enrolled in it;
- an enrolment request has waited for approval for more than 3 days: the training officers of
  the officer's organisation or of any organisation above it;
- a cohort has ended with officers still enrolled (no result recorded): KSG staff.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from academy.models import Membership, Organisation, User
from courses.models import Cohort
from enrollments import outbox
from enrollments.models import Enrollment, Reminder

Kind = Reminder.Kind
State = Enrollment.State

# Days before the start of a cohort on which its enrolled officers are reminded.
START_REMINDERS = {7: Kind.COHORT_STARTS_7_DAYS, 1: Kind.COHORT_STARTS_1_DAY}
# A request older than this reminds the training officers.
APPROVAL_PENDING_AFTER = datetime.timedelta(days=3)
# Cohorts that take place: no reminders for drafts or cancelled cohorts.
LIVE_COHORTS = (Cohort.Status.SCHEDULED, Cohort.Status.RUNNING, Cohort.Status.CLOSED)


def _key(kind: str, target: str, pk: int, recipient_id: int | None = None) -> str:
    key = f"{kind}:{target}:{pk}"
    return f"{key}:user:{recipient_id}" if recipient_id is not None else key


# --- Scheduling -------------------------------------------------------------------------------


def _start_reminders(today: datetime.date) -> list[Reminder]:
    rows = []
    for days_before, kind in START_REMINDERS.items():
        enrolments = Enrollment.objects.filter(
            state=State.ENROLLED,
            cohort__starts_on=today + datetime.timedelta(days=days_before),
            cohort__status__in=(Cohort.Status.SCHEDULED, Cohort.Status.RUNNING),
        ).values_list("pk", "cohort_id", "officer_id")
        rows += [
            Reminder(
                kind=kind,
                enrollment_id=pk,
                cohort_id=cohort_id,
                recipient_id=officer_id,
                key=_key(kind, "enrollment", pk),
            )
            for pk, cohort_id, officer_id in enrolments
        ]
    return rows


def training_officers_by_organisation(organisation_ids) -> dict[int, set[int]]:
    """For each organisation, the ids of the training officers acting for it: those of the
    organisation itself and those of any organisation above it in the tree."""
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids))
    if not organisations:
        return {}
    steplen = Organisation.steplen
    # A materialised path: the ancestors' paths are the prefixes of whole steps.
    prefixes = {
        org.pk: {org.path[:end] for end in range(steplen, len(org.path) + 1, steplen)}
        for org in organisations
    }
    every_prefix = set().union(*prefixes.values())
    holders: dict[str, set[int]] = {}
    for path, user_id in Membership.objects.filter(
        role=Membership.Role.TRAINING_OFFICER,
        organisation__path__in=every_prefix,
        user__is_active=True,
    ).values_list("organisation__path", "user_id"):
        holders.setdefault(path, set()).add(user_id)
    return {
        org_id: set().union(*(holders.get(p, set()) for p in paths))
        for org_id, paths in prefixes.items()
    }


def _approval_reminders(now: datetime.datetime) -> list[Reminder]:
    requests = list(
        Enrollment.objects.filter(state=State.REQUESTED)
        .annotate(since=Coalesce("state_changed_at", "created_at"))
        .filter(since__lt=now - APPROVAL_PENDING_AFTER)
        .filter(officer__officer_profile__isnull=False)
        .values_list("pk", "cohort_id", "officer__officer_profile__organisation_id")
    )
    officers_of = training_officers_by_organisation({org for _, _, org in requests})
    return [
        Reminder(
            kind=Kind.APPROVAL_PENDING,
            enrollment_id=pk,
            cohort_id=cohort_id,
            recipient_id=user_id,
            key=_key(Kind.APPROVAL_PENDING, "enrollment", pk, user_id),
        )
        for pk, cohort_id, organisation_id in requests
        for user_id in sorted(officers_of.get(organisation_id, ()))
    ]


def _ksg_staff_ids() -> list[int]:
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(memberships__role=Membership.Role.KSG_STAFF))
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _results_reminders(today: datetime.date) -> list[Reminder]:
    cohort_ids = list(
        Cohort.objects.filter(
            ends_on__lt=today,
            status__in=LIVE_COHORTS,
            enrollments__state=State.ENROLLED,
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    if not cohort_ids:
        return []
    staff = _ksg_staff_ids()
    return [
        Reminder(
            kind=Kind.RESULTS_MISSING,
            cohort_id=cohort_id,
            recipient_id=user_id,
            key=_key(Kind.RESULTS_MISSING, "cohort", cohort_id, user_id),
        )
        for cohort_id in cohort_ids
        for user_id in staff
    ]


def schedule_due_reminders(today: datetime.date | None = None) -> int:
    """Write the reminders due ``today`` (default: today in Nairobi); the number of new rows.

    Idempotent: a reminder whose key exists already is left as it is."""
    now = timezone.now()
    if today is None:
        today = timezone.localdate(now)
    else:
        # "Now" at the same time of day on the given date, for the age of requests.
        now = now + (today - timezone.localdate(now))
    rows = _start_reminders(today) + _approval_reminders(now) + _results_reminders(today)
    if not rows:
        return 0
    keys = [row.key for row in rows]
    before = set(Reminder.objects.filter(key__in=keys).values_list("key", flat=True))
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    after = Reminder.objects.filter(key__in=keys).count()
    return after - len(before)


# --- Sending ----------------------------------------------------------------------------------


def _still_due(reminder: Reminder) -> bool:
    """Whether the reminder still says something true (the officer may have withdrawn since)."""
    if reminder.kind in (Kind.COHORT_STARTS_7_DAYS, Kind.COHORT_STARTS_1_DAY):
        enrollment = reminder.enrollment
        return (
            enrollment is not None
            and enrollment.state == State.ENROLLED
            and enrollment.cohort.starts_on >= timezone.localdate()
            and enrollment.cohort.status in (Cohort.Status.SCHEDULED, Cohort.Status.RUNNING)
        )
    if reminder.kind == Kind.APPROVAL_PENDING:
        return reminder.enrollment is not None and reminder.enrollment.state == State.REQUESTED
    if reminder.kind == Kind.RESULTS_MISSING:
        return (
            reminder.cohort is not None
            and reminder.cohort.enrollments.filter(state=State.ENROLLED).exists()
        )
    return False


def _context(reminder: Reminder) -> dict:
    cohort = reminder.cohort or (reminder.enrollment.cohort if reminder.enrollment else None)
    context = {
        "reminder": reminder,
        "recipient": reminder.recipient,
        "enrollment": reminder.enrollment,
        "officer": reminder.enrollment.officer if reminder.enrollment else None,
        "cohort": cohort,
        "course": cohort.course if cohort else None,
    }
    if reminder.kind == Kind.APPROVAL_PENDING:
        context["link"] = settings.PORTAL_URL + reverse(
            "enrollments:decide", args=[reminder.enrollment_id]
        )
    elif reminder.kind == Kind.RESULTS_MISSING:
        # The roster, filtered to those still enrolled: who is waiting for a result.
        context["link"] = (
            settings.PORTAL_URL
            + reverse("enrollments:staff_roster", args=[cohort.pk])
            + f"?state={State.ENROLLED}"
        )
        context["still_enrolled"] = cohort.enrollments.filter(state=State.ENROLLED).count()
    else:
        context["link"] = settings.PORTAL_URL + reverse("enrollments:my_learning")
    return context


def build_message(reminder: Reminder) -> EmailMultiAlternatives:
    """The reminder's e-mail, written in the recipient's language."""
    recipient = reminder.recipient
    prefix = f"enrollments/email/reminders/{reminder.kind}"
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        context = _context(reminder)
        subject = render_to_string(f"{prefix}_subject.txt", context)
        text = render_to_string(f"{prefix}_body.txt", context)
        html = render_to_string(f"{prefix}_body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def _sendable() -> models.QuerySet:
    return Reminder.objects.select_related(
        "recipient", "enrollment__officer", "enrollment__cohort__course", "cohort__course"
    )


def send_reminder(pk: int) -> str | None:
    """Send one reminder (see ``enrollments.outbox.send_one``); skipped when no longer true."""
    return outbox.send_one(_sendable(), pk, build_message=build_message, still_due=_still_due)


def send_pending_reminders(batch: int = 500) -> int:
    """Send up to ``batch`` pending reminders, oldest first; the number sent."""
    return outbox.send_pending(
        _sendable(), batch=batch, build_message=build_message, still_due=_still_due
    )


def any_pending() -> bool:
    """Whether any reminder waits to be sent."""
    return Reminder.objects.filter(status=Reminder.Status.PENDING).exists()
