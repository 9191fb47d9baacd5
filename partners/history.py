"""The history of an agreement, deliverable or KPI in words, from its audit events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from academy.models import AuditEvent
from partners.models import Agreement, Deliverable

ACTION_LABELS = {
    "partners.agreement.created": _("Created"),
    "partners.agreement.updated": _("Details changed"),
    "partners.deliverable.created": _("Created"),
    "partners.deliverable.updated": _("Details changed"),
    "partners.kpi.created": _("Created"),
    "partners.kpi.updated": _("Details changed"),
    "partners.agreement.signed": _("Signature recorded"),
    "partners.agreement.auto_renewed": _("Renewed automatically for another term"),
    "partners.obligation.created": _("Obligation added"),
    "partners.obligation.amended": _("Obligation amended"),
    "partners.obligation.deleted": _("Obligation deleted"),
    "partners.deliverable.submitted": _("Submitted for review"),
    "partners.deliverable.review_started": _("Review started"),
    "partners.deliverable.accepted": _("Accepted"),
    "partners.deliverable.changes_requested": _("Changes requested"),
    "partners.deliverable.comment": _("Commented"),
    "partners.document.uploaded": _("Document uploaded"),
    "partners.kpi.result_recorded": _("Result recorded"),
}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    what: str
    change: str
    reason: str


def _label(value) -> str:
    for choices in (Agreement.Status, Deliverable.ReviewState):
        if value in choices.values:
            return str(choices(value).label)
    return "" if value in (None, "") else str(value)


def _what(event: AuditEvent) -> str:
    if event.action in ACTION_LABELS:
        return str(ACTION_LABELS[event.action])
    status = event.action.rsplit(".", 1)[-1]
    if event.action.startswith("partners.agreement.") and status in Agreement.Status.values:
        return str(_("Status changed"))
    return event.action


def history_entries(events: list[AuditEvent]) -> list[HistoryEntry]:
    entries = []
    for event in events:
        data = event.data or {}
        before, after = _label(data.get("from")), _label(data.get("to"))
        change = f"{before} → {after}" if before and after else after
        if event.action == "partners.document.uploaded":
            change = str(data.get("name", ""))
        elif event.action == "partners.agreement.signed":
            change = f"{data.get('party', '')}: {data.get('signatory', '')}"
        entries.append(
            HistoryEntry(
                at=event.created_at,
                actor=str(event.actor) if event.actor else str(_("The portal")),
                what=_what(event),
                change=change,
                reason=str(data.get("reason") or ""),
            )
        )
    return entries
