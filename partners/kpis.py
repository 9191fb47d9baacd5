"""KPI actuals: computed from real completions for training KPIs, entered by staff for others.

A training KPI counts the officers (each once) with a completed enrolment in one of the KPI's
courses, or any course of its skill area, in a cohort that *ended* within the agreement's term:
from its effective date to its end date, both included (up to today for an agreement without an
end). With a job-group floor ("Job Group P and above") only officers of that group or higher
count. The breakdowns by gender and by duty station (county) are counts only: no officer's name
or number leaves this module. Counties with fewer than SMALL_GROUP officers are pooled into one
row, and a pool that is still that small shows no number: one officer from a small county who
completed a given course is someone a partner could name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.models import JobGroup, OfficerProfile
from enrollments.models import Enrollment
from partners.models import Kpi

# Below this many officers, a county's count is not shown on its own.
SMALL_GROUP = 5


@dataclass(frozen=True)
class KpiProgress:
    kpi: Kpi
    actual: Decimal | None  # None: a manual KPI with no result yet
    computed: bool
    by_gender: list[tuple[str, int]] = field(default_factory=list)
    # A count of None: fewer than SMALL_GROUP, not shown.
    by_county: list[tuple[str, int | None]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        """Of the target, in whole per cent (may pass 100)."""
        if self.actual is None or not self.kpi.target:
            return 0
        return int(self.actual * 100 / self.kpi.target)

    @property
    def bar_percent(self) -> int:
        """The progress bar's width: the percent, at most 100."""
        return min(self.percent, 100)


def job_groups_from(floor: str) -> list[str]:
    """The job groups at ``floor`` and above (all of them without a floor)."""
    if not floor:
        return list(JobGroup.values)
    return [group for group in JobGroup.values if JobGroup.rank(group) >= JobGroup.rank(floor)]


def completions(kpi: Kpi, *, today=None) -> QuerySet[Enrollment]:
    """The completed enrolments a training KPI counts (none before the term starts)."""
    agreement = kpi.agreement
    if agreement.effective_on is None:
        return Enrollment.objects.none()
    end = agreement.end_date or (today or timezone.localdate())
    courses = Q(course__in=kpi.courses.all())
    if kpi.skill_area_id:
        courses |= Q(course__skill_area_id=kpi.skill_area_id)
    return Enrollment.objects.filter(
        courses,
        state=Enrollment.State.COMPLETED,
        cohort__ends_on__gte=agreement.effective_on,
        cohort__ends_on__lte=end,
        officer__officer_profile__job_group__in=job_groups_from(kpi.min_job_group),
    )


def kpi_progress(kpi: Kpi, *, breakdown: bool = True, today=None) -> KpiProgress:
    """The KPI's actual against its target; for a training KPI, with its breakdowns."""
    if kpi.kind != Kpi.Kind.TRAINING:
        return KpiProgress(kpi=kpi, actual=kpi.manual_actual, computed=False)
    done = completions(kpi, today=today)
    actual = done.values("officer_id").distinct().count()
    if not breakdown or not actual:
        return KpiProgress(kpi=kpi, actual=Decimal(actual), computed=True)
    genders = dict(OfficerProfile.Gender.choices)
    gender_rows = done.values(gender=_field("gender")).annotate(
        n=Count("officer_id", distinct=True)
    )
    # The largest first; "not stated" after the stated ones of the same size.
    by_gender = [
        (str(genders.get(row["gender"], _("Not stated"))), row["n"])
        for row in sorted(gender_rows, key=lambda r: (-r["n"], not r["gender"], r["gender"]))
    ]
    county_rows = (
        done.values(county=_field("duty_station__name"))
        .annotate(n=Count("officer_id", distinct=True))
        .order_by("-n", "county")
    )
    by_county = [(row["county"] or _("Not stated"), row["n"]) for row in county_rows]
    return KpiProgress(
        kpi=kpi,
        actual=Decimal(actual),
        computed=True,
        by_gender=by_gender,
        by_county=_pool_small_counties(by_county),
    )


def _pool_small_counties(rows: list[tuple[str, int]]) -> list[tuple[str, int | None]]:
    """Counties of SMALL_GROUP officers or more, then one row for all the others."""
    shown = [(county, n) for county, n in rows if n >= SMALL_GROUP]
    pooled = sum(n for _county, n in rows if n < SMALL_GROUP)
    if pooled:
        label = _("Other counties (fewer than %(n)s officers each)") % {"n": SMALL_GROUP}
        shown.append((label, pooled if pooled >= SMALL_GROUP else None))
    return shown


def _field(name: str) -> F:
    return F(f"officer__officer_profile__{name}")
