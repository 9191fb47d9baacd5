"""The figures of the reports dashboard, computed only by aggregating ``reports.selectors``.

Every figure is a ``COUNT`` or ``SUM`` over one of the selectors' querysets for the same
``ReportFilters``: registered officers, officers without training, enrolments, waiting,
results and completions. So the dashboard agrees with the report files by construction.

Each of those querysets is read once. Django compiles it (with the columns the breakdowns
group by: the officer's sub-unit, job group, gender and county; the course's skill area and
level; the month) into a common table expression of one statement, and every breakdown is a
``GROUP BY`` over those expressions, the groups joined by ``UNION ALL``. One statement also
means one snapshot: the breakdowns add up to the totals even while results are being recorded.
Python only files the groups (a few hundred rows), never the enrolments.

The queries, whatever the size of the data (3 for an organisation, 5 for the national view;
one more on PostgreSQL, which turns JIT compilation off for the statement):

1. the statement: totals, and breakdowns by sub-unit, job group, gender, county of the duty
   station, skill area and level, and month;
2. the rows of the "by sub-unit" breakdown: the organisation and its direct children, or the
   top-level organisations for the national view;
3. the skill areas (their names in both languages);
4. (national view) the latest national training target, and 5. the public servants it has
   reached: officers with at least one completion recorded up to the end of the period.

``dashboard_for(filters)`` is all a page, a PDF report or a benchmark needs to call.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, fields

from django.db import connections, transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Greatest, Substr, TruncMonth
from django.utils.translation import gettext as _

from academy.models import JobGroup, OfficerProfile, Organisation
from courses.models import Level, SkillArea
from reports import selectors
from reports.filters import ReportFilters, nairobi
from reports.forms import EARLIEST
from reports.models import TrainingTarget


@dataclass(frozen=True)
class Figures:
    """The figures of the dashboard for one group of officers (or all of them)."""

    registered: int = 0  # officers registered by the end of the period
    no_training: int = 0  # of them, neither enrolled nor completing in the period
    enrolled: int = 0  # officers holding a seat in a cohort of the period
    seats: int = 0  # their seats (an officer may hold two)
    waiting: int = 0  # officers waiting for a seat
    results: int = 0  # results recorded in the period: completed or not
    completions: int = 0  # completed enrolments with their result in the period
    completed: int = 0  # officers among them
    cpd_hours: int = 0  # the CPD hours of the courses completed

    @property
    def completion_rate(self) -> float | None:
        """Completions ÷ results, in per cent; None when there are no results."""
        return 100 * self.completions / self.results if self.results else None


@dataclass(frozen=True)
class Row:
    """One row of a breakdown."""

    label: str
    figures: Figures
    detail: str = ""  # e.g. the level of a skill area's row, or "with its sub-units"


@dataclass(frozen=True)
class Month:
    month: datetime.date  # the first of the month
    completions: int
    seats: int


@dataclass(frozen=True)
class TargetProgress:
    """How far the public service is towards a national training target."""

    target: TrainingTarget
    trained: int  # officers with at least one completion recorded up to ``as_of``
    as_of: datetime.date

    @property
    def percent(self) -> float:
        return 100 * self.trained / self.target.officers

    @property
    def remaining(self) -> int:
        return max(self.target.officers - self.trained, 0)


@dataclass(frozen=True)
class Dashboard:
    filters: ReportFilters
    totals: Figures
    by_unit: list[Row]
    units_without_figures: int  # national view: top-level organisations not in by_unit
    by_skill_area: list[Row]  # one row per skill area and level
    by_job_group: list[Row]
    by_gender: list[Row]
    by_county: list[Row]
    months: list[Month]
    target: TargetProgress | None = None


def dashboard_for(filters: ReportFilters) -> Dashboard:
    """Every figure of the dashboard for ``filters``, in a constant number of queries."""
    groups = _groups(filters)
    by_unit, units_without_figures = _by_unit(filters, groups["unit"])
    return Dashboard(
        filters=filters,
        totals=groups["total"].get((), Figures()),
        by_unit=by_unit,
        units_without_figures=units_without_figures,
        by_skill_area=_by_skill_area(filters, groups["skill_area"]),
        by_job_group=_by_job_group(groups["job_group"]),
        by_gender=_by_gender(groups["gender"]),
        by_county=_by_county(groups["county"]),
        months=_by_month(filters, groups["month"]),
        target=target_progress(filters.date_to) if filters.is_national else None,
    )


def target_progress(as_of: datetime.date) -> TargetProgress | None:
    """Progress towards the latest national training target: the public servants with at
    least one completion recorded up to the end of ``as_of`` (in any skill area, each counted
    once). None when no target is set."""
    target = TrainingTarget.objects.order_by("-created_at", "-pk").first()
    if target is None:
        return None
    ever = ReportFilters(organisation=None, date_from=EARLIEST, date_to=as_of)
    trained = selectors.completions(ever).aggregate(n=Count("officer", distinct=True))["n"]
    return TargetProgress(target=target, trained=trained, as_of=as_of)


def months_of(date_from: datetime.date, date_to: datetime.date) -> Iterator[datetime.date]:
    """The first day of each month from ``date_from``'s to ``date_to``'s."""
    month = date_from.replace(day=1)
    while month <= date_to:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


# --- The rows of each breakdown --------------------------------------------------------------

Groups = dict[tuple[str, ...], Figures]


def _by_unit(filters: ReportFilters, groups: Groups) -> tuple[list[Row], int]:
    """The organisation itself and each direct child with its whole subtree, even those
    without figures (a sub-unit none of whose officers trained is worth seeing); and 0.

    For the national view, each top-level organisation with its subtree that has any figure,
    and how many have none (no officer registered: listing them all would bury the others).
    """
    organisation = filters.organisation
    if organisation is None:
        units = Organisation.objects.filter(depth=1)
    else:
        units = Organisation.objects.filter(
            Q(pk=organisation.pk)
            | Q(path__startswith=organisation.path, depth=organisation.depth + 1)
        )
    groups = dict(groups)
    rows, left_out = [], 0
    for unit in units.exclude(kind__in=selectors.NOT_REPORTED).order_by("path"):
        if organisation is None and (unit.path,) not in groups:
            left_out += 1
            continue
        if unit == organisation:
            label = _("%(organisation)s itself") % {"organisation": unit.name}
            detail = _("Officers not in any of its sub-units")
        else:
            label = unit.name
            detail = "" if unit.is_leaf() else _("With its sub-units")
        rows.append(Row(label=label, figures=groups.pop((unit.path,), Figures()), detail=detail))
    # Officers of an organisation under none of those listed (a public-service agency under
    # KSG, say) are still in the totals.
    if groups:
        rows.append(Row(label=_("Other organisations"), figures=_sum_of(groups.values())))
    return rows, left_out


def _by_skill_area(filters: ReportFilters, groups: Groups) -> list[Row]:
    """Every skill area and level the filters allow, in the catalogue's order, even when
    nobody enrolled: a gap is worth seeing. An officer enrolled in two skill areas counts in
    each."""
    areas = SkillArea.objects.order_by("position", "name")
    if filters.skill_area is not None:
        areas = areas.filter(pk=filters.skill_area.pk)
    levels = [(value, label) for value, label in Level.choices if filters.level in ("", value)]
    return [
        Row(
            label=area.local_name,
            detail=str(label),
            figures=groups.get((str(area.pk), level), Figures()),
        )
        for area in areas
        for level, label in levels
    ]


def _by_job_group(groups: Groups) -> list[Row]:
    """The job groups with any figure, in the grading's order."""
    return [
        Row(label=_("Job group %(group)s") % {"group": label}, figures=groups[(group,)])
        for group, label in JobGroup.choices
        if (group,) in groups
    ]


def _by_gender(groups: Groups) -> list[Row]:
    """The genders with any figure; officers who gave none are "Not recorded"."""
    choices = [*OfficerProfile.Gender.choices, ("", _("Not recorded"))]
    return [
        Row(label=str(label), figures=groups[(gender,)])
        for gender, label in choices
        if (gender,) in groups
    ]


def _by_county(groups: Groups) -> list[Row]:
    """Counties of the officers' duty stations, those with the most completions first."""
    rows = [Row(label=name, figures=figures) for (name,), figures in groups.items()]
    return sorted(
        rows, key=lambda row: (-row.figures.completions, -row.figures.enrolled, row.label)
    )


def _by_month(filters: ReportFilters, groups: Groups) -> list[Month]:
    """Each month of the period, with its completions and the seats of the cohorts starting
    in it; a month with neither is there with zeros."""
    # The statement gives keys as text: the months are ISO dates ("2026-01-01").
    # (Enrolments without a result have no month of result: they are in no month's count.)
    by_month = {
        datetime.date.fromisoformat(month): each
        for (month,), each in groups.items()
        if month is not None
    }
    empty = Figures()
    return [
        Month(
            month=month,
            completions=by_month.get(month, empty).completions,
            seats=by_month.get(month, empty).seats,
        )
        for month in months_of(filters.date_from, filters.date_to)
    ]


def _sum_of(figures) -> Figures:
    totals = [0] * len(MEASURES)
    for each in figures:
        for n, measure in enumerate(MEASURES):
            totals[n] += getattr(each, measure)
    return Figures(**dict(zip(MEASURES, totals, strict=True)))


# --- The statement ---------------------------------------------------------------------------

MEASURES = [f.name for f in fields(Figures)]

# Each measure: the expression it aggregates (a common table expression), and how. The
# enrolments of the period are read once; each carries the selectors' conditions as flags
# (a seat, a place in line, a result, a completion), and each measure counts the flagged ones.
AGGREGATES = {
    "registered": ("registered", "COUNT(*)"),
    "no_training": ("no_training", "COUNT(*)"),
    "enrolled": ("period", "COUNT(DISTINCT c_officer) FILTER (WHERE c_seat)"),
    "seats": ("period", "COUNT(*) FILTER (WHERE c_seat)"),
    "waiting": ("period", "COUNT(DISTINCT c_officer) FILTER (WHERE c_waiting)"),
    "results": ("period", "COUNT(*) FILTER (WHERE c_result)"),
    "completions": ("period", "COUNT(*) FILTER (WHERE c_completion)"),
    "completed": ("period", "COUNT(DISTINCT c_officer) FILTER (WHERE c_completion)"),
    "cpd_hours": ("period", "COALESCE(SUM(c_cpd_hours) FILTER (WHERE c_completion), 0)"),
}
# Officers without training (``selectors.officers_without_training``): registered, and
# neither holding a seat nor completing in the period; read from the two expressions above
# rather than scanning the enrolments a second time.
SOURCES = {
    "no_training": (
        "registered WHERE NOT EXISTS (SELECT 1 FROM period WHERE period.c_officer = "
        "registered.c_officer AND (period.c_seat OR period.c_completion))"
    ),
}

ENROLMENT_MEASURES = ["enrolled", "seats", "completions", "completed", "cpd_hours"]
# Each breakdown: what it groups by (columns of the expressions) and which measures, in one
# or more parts (the months: seats by the month their cohort starts in, completions by the
# month of their result).
BREAKDOWNS = {
    "total": [([], MEASURES)],
    "unit": [(["c_unit"], MEASURES)],
    "job_group": [(["c_job_group"], MEASURES)],
    "gender": [(["c_gender"], MEASURES)],
    "county": [
        (["c_county"], ["registered", "enrolled", "seats", "completions", "completed", "cpd_hours"])
    ],
    "skill_area": [
        (
            ["c_skill_area", "c_level"],
            ["enrolled", "seats", "completions", "completed", "cpd_hours"],
        )
    ],
    "month": [(["c_seat_month"], ["seats"]), (["c_result_month"], ["completions"])],
}
KEYS = max(len(keys) for parts in BREAKDOWNS.values() for keys, _measures in parts)


def _groups(filters: ReportFilters) -> dict[str, Groups]:
    """The figures of every breakdown, keyed by breakdown and then by the group's key (as
    text), from one statement."""
    expressions = _expressions(filters)
    connection = connections[next(iter(expressions.values())).db]
    statement, params = _statement(expressions, connection)
    sums: dict[str, dict[tuple, list[int]]] = {name: {} for name in BREAKDOWNS}
    atomic = transaction.atomic(using=connection.alias, savepoint=False)
    with atomic, connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner's estimate of the statement is high enough to compile it (in 0.2 s
            # or more) for a run that takes less: not worth it.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    for breakdown, *rest in rows:
        key = tuple(rest[: len(BREAKDOWNS[breakdown][0][0])])
        values = sums[breakdown].setdefault(key, [0] * len(MEASURES))
        for n, value in enumerate(rest[KEYS:]):
            values[n] += value or 0
    return {
        breakdown: {
            key: Figures(**dict(zip(MEASURES, values, strict=True)))
            for key, values in groups.items()
        }
        for breakdown, groups in sums.items()
    }


def _expressions(filters: ReportFilters) -> dict[str, QuerySet]:
    """The registered officers and the enrolments of the period, with the columns the
    breakdowns group their rows by and, for the enrolments, the selectors' conditions."""
    organisation = filters.organisation
    # The sub-unit: the prefix of the path that names the organisation's child (nationally,
    # the top-level organisation). An officer of the organisation itself has a shorter path,
    # which is its own prefix.
    length = Organisation.steplen + (len(organisation.path) if organisation else 0)

    def officer(via: str) -> dict:
        return {
            "unit": Substr(f"{via}organisation__path", 1, length),
            "job_group": F(f"{via}job_group"),
            "gender": F(f"{via}gender"),
            "county": F(f"{via}duty_station__name"),
        }

    def flag(condition: Q) -> ExpressionWrapper:
        return ExpressionWrapper(condition, output_field=BooleanField())

    # A cohort that started before the period counts in the period's first month.
    starts = Greatest("cohort__starts_on", Value(filters.date_from), output_field=DateField())
    recorded = TruncMonth("result_recorded_at", tzinfo=nairobi(), output_field=DateField())
    # Dates, not timestamps: both months read the same as text ("2026-01-01").
    starts, recorded = (
        Cast(TruncMonth(starts, output_field=DateField()), DateField()),
        Cast(recorded, DateField()),
    )
    return {
        "registered": _columns(
            selectors.registered_officers(filters), {"officer": F("user_id"), **officer("")}
        ),
        "period": _columns(
            selectors.enrolments_of_period(filters),
            {
                "officer": F("officer_id"),
                **officer("officer__officer_profile__"),
                "skill_area": F("course__skill_area_id"),
                "level": F("course__level"),
                "cpd_hours": F("course__cpd_hours"),
                "seat_month": starts,
                "result_month": recorded,
                "seat": flag(selectors.holds_seat(filters)),
                "waiting": flag(selectors.is_waiting(filters)),
                "result": flag(selectors.is_result(filters)),
                "completion": flag(selectors.is_completion(filters)),
            },
        ),
    }


def _columns(queryset: QuerySet, columns: dict) -> QuerySet:
    # Prefixed: an annotation may not take the name of a field ("officer", "gender").
    return queryset.order_by().values(**{f"c_{name}": value for name, value in columns.items()})


def _statement(expressions: dict[str, QuerySet], connection) -> tuple[str, list]:
    """``WITH`` each expression (compiled by Django, with its parameters) a ``SELECT`` per
    breakdown and expression it aggregates, joined by ``UNION ALL``. Every ``SELECT`` has the
    same columns: the breakdown's name, its keys as text (padded with NULLs), and every
    measure (0 where it has none). Only the names above go into the text."""
    ctes, params = [], []
    for name, queryset in expressions.items():
        sql, cte_params = queryset.query.get_compiler(connection=connection).as_sql()
        ctes.append(f"{name} AS ({sql})")
        params.extend(cte_params)
    selects = []
    for breakdown, parts in BREAKDOWNS.items():
        for keys, measures in parts:
            for source in dict.fromkeys(AGGREGATES[measure][0] for measure in measures):
                columns = [
                    f"'{breakdown}'",
                    *(f"CAST({key} AS TEXT)" for key in keys),
                    *(["CAST(NULL AS TEXT)"] * (KEYS - len(keys))),
                    *(
                        AGGREGATES[measure][1]
                        if measure in measures and AGGREGATES[measure][0] == source
                        else "0"
                        for measure in MEASURES
                    ),
                ]
                group_by = f" GROUP BY {', '.join(keys)}" if keys else ""
                from_ = SOURCES.get(source, source)
                # Only the names above and Django's compiled SQL go in; values are parameters.
                selects.append(f"SELECT {', '.join(columns)} FROM {from_}{group_by}")  # noqa: S608  # nosec B608
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}", params
