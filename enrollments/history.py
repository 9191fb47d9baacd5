"""The history of an enrolment as staff read it: its audit events in words.

Services record each change as an audit event whose ``data`` holds ``from``, ``to`` and
``reason`` where they apply; this turns them into lines such as "Waiting list → Enrolled".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from academy.models import AuditEvent
from enrollments.models import Enrollment

# What each kind of event did, for those that are not a plain change of state.
ACTION_LABELS = {
    "enrollments.enrollment.requested": _("Asked for a place"),
    "enrollments.enrollment.approved": _("Request approved"),
    "enrollments.enrollment.declined": _("Request declined"),
    "enrollments.enrollment.enrolled": _("Given a seat"),
    "enrollments.enrollment.waitlisted": _("Put on the waiting list"),
    "enrollments.enrollment.withdrawn": _("Withdrawn"),
    "enrollments.enrollment.completed": _("Completed"),
    "enrollments.enrollment.not_completed": _("Not completed"),
    "enrollments.enrollment.score_recorded": _("Assessment score recorded"),
    "enrollments.enrollment.moved": _("Moved to another cohort"),
    "enrollments.enrollment.no_show_removed": _("Removed as a no-show"),
}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    what: str
    change: str
    reason: str


def _state_label(value) -> str:
    try:
        return str(Enrollment.State(value).label)
    except ValueError:
        return str(value) if value not in (None, "") else ""


def history_entries(events: list[AuditEvent]) -> list[HistoryEntry]:
    entries = []
    for event in events:
        data = event.data or {}
        before, after = _state_label(data.get("from")), _state_label(data.get("to"))
        change = f"{before} → {after}" if before and after else after
        entries.append(
            HistoryEntry(
                at=event.created_at,
                actor=str(event.actor) if event.actor else str(_("The portal")),
                what=str(ACTION_LABELS.get(event.action, event.action)),
                change=change,
                reason=str(data.get("reason") or ""),
            )
        )
    return entries
