"""Reminders about agreements and deliverables: rows first, messages second, as in
``enrollments.reminders``.

``schedule_due_reminders`` writes a ``PartnerReminder`` row for every reminder due today; each
row has a unique key, so running the schedule twice (or on two hosts) creates nothing new.
``send_pending_reminders`` sends the pending rows through ``enrollments.outbox``: none twice,
none lost when a worker stops or Redis restarts, and a row that is no longer true when its turn
comes is skipped.

Due reminders, for agreements in force (active):

- a deliverable is due in exactly 14, 7 or 1 days, or is overdue (not handed in by its due
  date): the responsible side, that is the partner's reviewers and focal points for the
  partner's own deliverables and KSG staff for any other; once per due date;
- an agreement ends in exactly 90 or 30 days: KSG staff and the partner's focal points;
- a deliverable has waited for review for 5 days: KSG staff, once per submission.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from academy.models import Membership, User
from enrollments import outbox
from partners.models import Agreement, Deliverable, FocalPoint, PartnerReminder, Review

Kind = PartnerReminder.Kind
ReviewState = Deliverable.ReviewState

DUE_REMINDERS = {
    14: Kind.DELIVERABLE_DUE_14_DAYS,
    7: Kind.DELIVERABLE_DUE_7_DAYS,
    1: Kind.DELIVERABLE_DUE_1_DAY,
}
ENDING_REMINDERS = {90: Kind.AGREEMENT_ENDS_90_DAYS, 30: Kind.AGREEMENT_ENDS_30_DAYS}
REVIEW_PENDING_AFTER = datetime.timedelta(days=5)
# Deliverables the responsible side has not handed in (yet, or again).
NOT_HANDED_IN = (ReviewState.NOT_STARTED, ReviewState.CHANGES_REQUESTED)
WAITING_FOR_REVIEW = (ReviewState.SUBMITTED, ReviewState.IN_REVIEW)

# A recipient: (user id or None, e-mail address).
Recipient = tuple[int | None, str]


def _key(kind: str, target: str, pk: int, detail: str, recipient: Recipient) -> str:
    user_id, email = recipient
    who = f"user:{user_id}" if user_id is not None else f"email:{email.lower()}"
    return f"{kind}:{target}:{pk}:{detail}:{who}"


def _staff() -> list[Recipient]:
    return list(
        User.objects.filter(is_active=True, memberships__role=Membership.Role.KSG_STAFF)
        .distinct()
        .order_by("pk")
        .values_list("pk", "email")
    )


def _partner_side(partner_ids) -> dict[int, list[Recipient]]:
    """For each partner, its active reviewers and its focal points (once per address)."""
    side: dict[int, list[Recipient]] = {pk: [] for pk in partner_ids}
    seen: dict[int, set[str]] = {pk: set() for pk in partner_ids}
    reviewers = (
        Membership.objects.filter(
            role=Membership.Role.PARTNER_REVIEWER,
            organisation__partner__in=partner_ids,
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("organisation__partner", "user_id", "user__email")
    )
    for partner_id, user_id, email in reviewers:
        side[partner_id].append((user_id, email))
        seen[partner_id].add(email.lower())
    focal = FocalPoint.objects.filter(partner__in=partner_ids).order_by("pk")
    for partner_id, email in focal.values_list("partner_id", "email"):
        if email.lower() not in seen[partner_id]:
            side[partner_id].append((None, email))
            seen[partner_id].add(email.lower())
    return side


def _focal_points(partner_ids) -> dict[int, list[Recipient]]:
    points: dict[int, list[Recipient]] = {pk: [] for pk in partner_ids}
    for partner_id, email in (
        FocalPoint.objects.filter(partner__in=partner_ids)
        .order_by("pk")
        .values_list("partner_id", "email")
    ):
        points[partner_id].append((None, email))
    return points


def _live_deliverables() -> models.QuerySet[Deliverable]:
    return Deliverable.objects.filter(
        obligation__agreement__status=Agreement.Status.ACTIVE
    ).select_related("obligation__agreement__partner", "responsible")


def _row(kind, recipient: Recipient, key: str, *, agreement_id, deliverable_id=None):
    return PartnerReminder(
        kind=kind,
        agreement_id=agreement_id,
        deliverable_id=deliverable_id,
        recipient_id=recipient[0],
        email=recipient[1],
        key=key,
    )


def _deliverable_reminders(today: datetime.date) -> list[PartnerReminder]:
    due_days = {today + datetime.timedelta(days=n): kind for n, kind in DUE_REMINDERS.items()}
    deliverables = list(
        _live_deliverables().filter(
            Q(due_on__in=list(due_days)) | Q(due_on__lt=today), review_state__in=NOT_HANDED_IN
        )
    )
    if not deliverables:
        return []
    staff = _staff()
    partner_side = _partner_side({d.obligation.agreement.partner_id for d in deliverables})
    rows = []
    for deliverable in deliverables:
        agreement = deliverable.obligation.agreement
        if deliverable.due_on < today:
            kind = Kind.DELIVERABLE_OVERDUE
        else:
            kind = due_days[deliverable.due_on]
        partners_own = deliverable.responsible.organisation_id == agreement.partner.organisation_id
        recipients = partner_side[agreement.partner_id] if partners_own else staff
        rows += [
            _row(
                kind,
                recipient,
                _key(kind, "deliverable", deliverable.pk, str(deliverable.due_on), recipient),
                agreement_id=agreement.pk,
                deliverable_id=deliverable.pk,
            )
            for recipient in recipients
        ]
    return rows


def _ending_reminders(today: datetime.date) -> list[PartnerReminder]:
    ending = {}
    for agreement in Agreement.objects.filter(status=Agreement.Status.ACTIVE):
        end = agreement.end_date
        if end is not None and (end - today).days in ENDING_REMINDERS:
            ending[agreement] = ENDING_REMINDERS[(end - today).days]
    if not ending:
        return []
    staff = _staff()
    focal = _focal_points({a.partner_id for a in ending})
    return [
        _row(
            kind,
            recipient,
            _key(kind, "agreement", agreement.pk, str(agreement.end_date), recipient),
            agreement_id=agreement.pk,
        )
        for agreement, kind in ending.items()
        for recipient in staff + focal[agreement.partner_id]
    ]


def _review_reminders(now: datetime.datetime) -> list[PartnerReminder]:
    submitted = Q(reviews__decision=Review.Decision.SUBMITTED)
    waiting = list(
        _live_deliverables()
        .filter(review_state__in=WAITING_FOR_REVIEW)
        .annotate(since=Max("reviews__created_at", filter=submitted))
        .annotate(rounds=Count("reviews", filter=submitted))
        .filter(since__lt=now - REVIEW_PENDING_AFTER)
    )
    if not waiting:
        return []
    staff = _staff()
    return [
        _row(
            Kind.REVIEW_PENDING,
            recipient,
            _key(Kind.REVIEW_PENDING, "deliverable", d.pk, f"round:{d.rounds}", recipient),
            agreement_id=d.obligation.agreement_id,
            deliverable_id=d.pk,
        )
        for d in waiting
        for recipient in staff
    ]


def schedule_due_reminders(today: datetime.date | None = None) -> int:
    """Write the reminders due ``today`` (default: today in Nairobi); the number of new rows.

    Idempotent: a reminder whose key exists already is left as it is."""
    now = timezone.now()
    if today is None:
        today = timezone.localdate(now)
    else:
        now = now + (today - timezone.localdate(now))
    rows = _deliverable_reminders(today) + _ending_reminders(today) + _review_reminders(now)
    if not rows:
        return 0
    keys = [row.key for row in rows]
    before = PartnerReminder.objects.filter(key__in=keys).count()
    PartnerReminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return PartnerReminder.objects.filter(key__in=keys).count() - before


# --- Sending ----------------------------------------------------------------------------------


def _still_due(reminder: PartnerReminder) -> bool:
    """Whether the reminder still says something true when its turn comes."""
    agreement = reminder.agreement
    if agreement.status != Agreement.Status.ACTIVE:
        return False
    deliverable = reminder.deliverable
    if reminder.kind in DUE_REMINDERS.values():
        return (
            deliverable.review_state in NOT_HANDED_IN
            and deliverable.due_on >= timezone.localdate()
            and str(deliverable.due_on) in reminder.key
        )
    if reminder.kind == Kind.DELIVERABLE_OVERDUE:
        return deliverable.review_state in NOT_HANDED_IN
    if reminder.kind == Kind.REVIEW_PENDING:
        return deliverable.review_state in WAITING_FOR_REVIEW
    return str(agreement.end_date) in reminder.key


TEMPLATES = {
    **dict.fromkeys(DUE_REMINDERS.values(), "deliverable_due"),
    Kind.DELIVERABLE_OVERDUE: "deliverable_overdue",
    **dict.fromkeys(ENDING_REMINDERS.values(), "agreement_ending"),
    Kind.REVIEW_PENDING: "review_pending",
}


def _context(reminder: PartnerReminder) -> dict:
    agreement, deliverable = reminder.agreement, reminder.deliverable
    today = timezone.localdate()
    if deliverable is not None:
        link = reverse("partners:deliverable", args=[deliverable.pk])
        days = (deliverable.due_on - today).days
    else:
        link = reverse("partners:agreement", args=[agreement.pk])
        days = (agreement.end_date - today).days if agreement.end_date else None
    return {
        "reminder": reminder,
        "recipient": reminder.recipient,
        "agreement": agreement,
        "deliverable": deliverable,
        "days": days,
        "overdue_days": -days if days is not None and days < 0 else 0,
        "link": settings.PORTAL_URL + link,
    }


def build_message(reminder: PartnerReminder) -> EmailMultiAlternatives:
    """The reminder's e-mail, in the recipient's language (English for a focal point)."""
    recipient = reminder.recipient
    language = (recipient.preferred_language if recipient else "") or settings.LANGUAGE_CODE
    prefix = f"partners/email/{TEMPLATES[reminder.kind]}"
    with translation.override(language):
        context = _context(reminder)
        subject = render_to_string(f"{prefix}_subject.txt", context)
        text = render_to_string(f"{prefix}_body.txt", context)
        html = render_to_string(f"{prefix}_body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[recipient.email if recipient else reminder.email],
    )
    message.attach_alternative(html, "text/html")
    return message


def _sendable() -> models.QuerySet:
    return PartnerReminder.objects.select_related(
        "recipient", "agreement__partner", "deliverable__responsible__organisation"
    )


def send_reminder(pk: int) -> str | None:
    """Send one reminder (see ``enrollments.outbox.send_one``); skipped when no longer true."""
    return outbox.send_one(_sendable(), pk, build_message=build_message, still_due=_still_due)


def any_pending() -> bool:
    """Whether any reminder waits to be sent."""
    return PartnerReminder.objects.filter(status=PartnerReminder.Status.PENDING).exists()


def send_pending_reminders(batch: int = 500) -> int:
    """Send up to ``batch`` pending reminders, oldest first; the number sent."""
    return outbox.send_pending(
        _sendable(), batch=batch, build_message=build_message, still_due=_still_due
    )
