"""Scheduled reports: a training officer subscribes an organisation to a weekly or monthly
report, and beat builds and e-mails it once per period.

Every morning beat runs ``build_due_reports``: for each active subscription it asks for the
report of the last whole period (the week Monday to Sunday, or the calendar month, before
today). A subscription's run is unique for its period in the database, so a second run of the
task, a second beat by mistake, or two workers at once build and e-mail nothing twice; a
morning missed while the workers were down is caught up the next morning.

The e-mail links to the report's page rather than attaching the file: the file holds personal
data of officers, and the page asks who is signed in before handing it over.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.audit import audit_record
from academy.models import Organisation, User
from courses.models import SkillArea
from reports.filters import ReportFilters
from reports.models import Format, Kind, ReportRun, ReportSubscription
from reports.selectors import may_report_nationally, reportable_organisation
from reports.services import ReportRefused, report_request

logger = logging.getLogger(__name__)
Frequency = ReportSubscription.Frequency


def last_whole_period(frequency: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last whole week (Monday to Sunday) or calendar month before ``today``."""
    if frequency == Frequency.WEEKLY:
        this_monday = today - datetime.timedelta(days=today.weekday())
        return this_monday - datetime.timedelta(days=7), this_monday - datetime.timedelta(days=1)
    first_of_this_month = today.replace(day=1)
    last_of_previous = first_of_this_month - datetime.timedelta(days=1)
    return last_of_previous.replace(day=1), last_of_previous


def subscription_create(
    *,
    by: User,
    organisation: Organisation | None,
    kind: str,
    format: str,
    frequency: str,
    skill_area: SkillArea | None = None,
    level: str = "",
) -> ReportSubscription:
    """Subscribe ``by`` to a report of ``organisation`` (one they may report on; None for the
    national report, KSG staff only)."""
    if organisation is None and not may_report_nationally(by):
        raise ReportRefused("national_staff_only", _("Only KSG staff receive national reports."))
    if organisation is not None:
        try:
            reportable_organisation(by, organisation.pk)
        except Http404:
            raise ReportRefused(
                "not_your_organisation", _("You may not pull reports on this organisation.")
            ) from None
    if kind not in Kind.values or format not in Format.values or frequency not in Frequency.values:
        raise ReportRefused("unknown_choice", _("Choose a report, a format and how often."))
    with transaction.atomic():
        subscription = ReportSubscription.objects.create(
            owner=by,
            organisation=organisation,
            kind=kind,
            format=format,
            frequency=frequency,
            skill_area=skill_area,
            level=level,
        )
        audit_record(
            actor=by,
            action="reports.subscription.created",
            target=subscription,
            data=_describe(subscription),
        )
    return subscription


def subscription_cancel(*, subscription: ReportSubscription, by: User) -> None:
    """End a subscription; the reports already built stay until they expire."""
    with transaction.atomic():
        subscription.is_active = False
        subscription.save(update_fields=["is_active"])
        audit_record(
            actor=by,
            action="reports.subscription.cancelled",
            target=subscription,
            data=_describe(subscription),
        )


def build_due_reports(today: datetime.date | None = None) -> int:
    """Ask for the report of the last whole period of every active subscription that does not
    have it yet; the number of reports asked for."""
    today = today or timezone.localdate()
    asked = 0
    for subscription in ReportSubscription.objects.filter(is_active=True).select_related(
        "owner", "organisation", "skill_area"
    ):
        date_from, date_to = last_whole_period(subscription.frequency, today)
        if ReportRun.objects.filter(subscription=subscription, date_from=date_from).exists():
            continue
        if _build(subscription, date_from, date_to):
            asked += 1
    return asked


def _build(subscription: ReportSubscription, date_from, date_to) -> bool:
    owner = subscription.owner
    try:
        organisation = _organisation_for(owner, subscription)
    except Http404:
        # The subscriber is no longer a training officer of the organisation (or left): the
        # subscription ends rather than sending them reports they may no longer see.
        with transaction.atomic():
            subscription.is_active = False
            subscription.save(update_fields=["is_active"])
            audit_record(
                actor=None,
                action="reports.subscription.ended",
                target=subscription,
                data={**_describe(subscription), "why": "subscriber may no longer report"},
            )
        logger.info("Report subscription %s ended: its owner may no longer report", subscription.pk)
        return False
    filters = ReportFilters(
        organisation=organisation,
        date_from=date_from,
        date_to=date_to,
        skill_area=subscription.skill_area,
        level=subscription.level,
    )
    try:
        # Another worker asking for this period at the same moment gets the same run back
        # (not created): it is built, and e-mailed, once.
        _run, created = report_request(
            by=owner,
            filters=filters,
            kind=subscription.kind,
            format=subscription.format,
            subscription=subscription,
        )
    except ReportRefused as refusal:
        logger.warning("Report subscription %s refused: %s", subscription.pk, refusal)
        return False
    return created


def _organisation_for(owner: User, subscription: ReportSubscription) -> Organisation | None:
    """The subscription's organisation if its owner may still report on it (Http404 if not)."""
    if subscription.organisation_id is None:
        if not may_report_nationally(owner):
            raise Http404
        return None
    return reportable_organisation(owner, subscription.organisation_id)


def _describe(subscription: ReportSubscription) -> dict:
    return {
        "organisation": subscription.organisation_id,
        "kind": subscription.kind,
        "format": subscription.format,
        "frequency": subscription.frequency,
        "skill_area": subscription.skill_area_id,
        "level": subscription.level,
    }
