"""What a report or dashboard is about: an organisation (with its sub-units), a period, and
optionally a skill area and a level.

The period is of whole days in Nairobi: ``date_from`` from midnight East Africa Time to the end
of ``date_to``, whatever the server's clock or the database's time zone.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import zoneinfo
from dataclasses import dataclass

from django.conf import settings

from academy.models import Organisation
from courses.models import SkillArea


def nairobi() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class ReportFilters:
    organisation: Organisation | None  # None: every organisation (KSG staff only)
    date_from: datetime.date
    date_to: datetime.date
    skill_area: SkillArea | None = None
    level: str = ""

    @property
    def starts_at(self) -> datetime.datetime:
        """Midnight in Nairobi at the start of ``date_from``."""
        return datetime.datetime.combine(self.date_from, datetime.time(), tzinfo=nairobi())

    @property
    def ends_before(self) -> datetime.datetime:
        """Midnight in Nairobi after ``date_to``: the period is [starts_at, ends_before)."""
        next_day = self.date_to + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time(), tzinfo=nairobi())

    @property
    def is_national(self) -> bool:
        return self.organisation is None

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (the dashboard's links and the report forms)."""
        params = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        if self.organisation is not None:
            params["organisation"] = str(self.organisation.pk)
        if self.skill_area is not None:
            params["skill_area"] = self.skill_area.slug
        if self.level:
            params["level"] = self.level
        return params

    def fingerprint(self, *extra: str) -> str:
        """A stable hash of the filters and ``extra`` (who asks, which report, which format)."""
        payload = json.dumps([self.as_params(), *extra], sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The financial year so far (Kenya's runs from 1 July), which is how ministries report."""
    year = today.year if today.month >= 7 else today.year - 1
    return datetime.date(year, 7, 1), today
