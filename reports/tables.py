"""The rows of each report file: its columns, and the rows themselves, from ``reports.selectors``.

Each kind of report is a ``Table``: translated column headings with the type of each column
(text, date, date and time, whole number), the number of rows it will have, and an iterator over
the rows as plain tuples. The rows come from the selectors' querysets for the same filters, so a
file counts what the dashboard counts. They stream: ``values_list`` (no model instance per row)
read with ``.iterator(chunk_size=2000)`` (a server-side cursor on PostgreSQL), so half a million
completions take the memory of two thousand.

Headings, states, levels and skill areas are in the active language: build the table inside
``translation.override`` of the reader's language. Dates are days in Nairobi.

The summary (by organisation and skill area) has a row per organisation of the officers (not rolled
up: each officer counts in their own organisation) and skill area with any enrolment or
completion, then a totals row for the filters' whole tree. The totals row is the dashboard's
headline for the same filters: "officers enrolled" and "officers completed" count each officer
once across the tree and the skill areas, so they can be less than the sum of the rows above (an
officer in two skill areas, or in two rows); completions and CPD hours are sums.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, TruncDate
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from academy.models import Organisation
from courses.models import Level, SkillArea
from enrollments.models import Enrollment
from reports import selectors
from reports.filters import ReportFilters, nairobi
from reports.models import Kind

CHUNK = 2000


class Type(Enum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"  # naive, in Nairobi
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    label: str
    type: Type = Type.TEXT


@dataclass
class Table:
    kind: str
    title: str
    columns: list[Column]
    count: Callable[[], int]
    rows: Callable[[], Iterator[tuple]]
    # The summary's last row is its totals: writers set it apart (bold, a rule above).
    has_totals_row: bool = False
    # A name short enough for a spreadsheet's tab (at most 31 characters).
    short_title: str = ""
    # The query the rows come from, where it is one (the benchmark copies it with COPY).
    queryset: QuerySet | None = None


def table_for(kind: str, filters: ReportFilters) -> Table:
    """The table of report ``kind`` for ``filters``, headings in the active language."""
    try:
        build = _TABLES[kind]
    except KeyError:
        raise ValueError(f"unknown report kind {kind!r}") from None
    return build(filters)


# --- The tables -----------------------------------------------------------------------------


def _completions(filters: ReportFilters) -> Table:
    # Every value is ready in the database's answer (the day in Nairobi, the skill area's name
    # and the level's label in the reader's language), so rows go from the cursor to the file
    # untouched: half a million of them in a few seconds.
    queryset = (
        selectors.with_certificate_serial(selectors.completions(filters))
        .annotate(
            completed_on=TruncDate("result_recorded_at", tzinfo=nairobi()),
            area=_skill_area_name("course__skill_area__"),
            level_label=_level_label("course__level"),
            serial=Coalesce("certificate_serial", Value("")),
        )
        .order_by("result_recorded_at", "pk")
        .values_list(
            "officer__full_name",
            "officer__officer_profile__personal_number",
            "officer__officer_profile__organisation__name",
            "course__code",
            "course__title",
            "area",
            "level_label",
            "cohort__code",
            "cohort__starts_on",
            "cohort__ends_on",
            "completed_on",
            "score",
            "course__cpd_hours",
            "serial",
        )
    )

    def rows():
        return queryset.iterator(chunk_size=CHUNK)

    return Table(
        kind=Kind.COMPLETIONS,
        title=str(Kind.COMPLETIONS.label),
        short_title=_("Completions"),
        columns=[
            Column(_("Officer")),
            Column(_("Personal number")),
            Column(_("Organisation")),
            Column(_("Course code")),
            Column(_("Course")),
            Column(_("Skill area")),
            Column(_("Level")),
            Column(_("Cohort")),
            Column(_("Cohort starts"), Type.DATE),
            Column(_("Cohort ends"), Type.DATE),
            Column(_("Completed on"), Type.DATE),
            Column(_("Score (%)"), Type.NUMBER),
            Column(_("CPD hours"), Type.NUMBER),
            Column(_("Certificate")),
        ],
        count=queryset.count,
        rows=rows,
        queryset=queryset,
    )


def _enrolment_status(filters: ReportFilters) -> Table:
    queryset = (
        selectors.status_enrolments(filters)
        .annotate(last_change=Coalesce("state_changed_at", "created_at"))
        .order_by(
            "officer__officer_profile__organisation__name",
            "officer__full_name",
            "cohort__starts_on",
            "pk",
        )
        .values_list(
            "officer__full_name",
            "officer__officer_profile__personal_number",
            "officer__officer_profile__organisation__name",
            "course__code",
            "course__title",
            "cohort__code",
            "cohort__starts_on",
            "cohort__ends_on",
            "state",
            "waitlist_position",
            "created_at",
            "last_change",
        )
    )
    states = {state.value: str(state.label) for state in Enrollment.State}
    zone = nairobi()

    def rows():
        for (
            name,
            number,
            organisation,
            code,
            title,
            cohort,
            starts,
            ends,
            state,
            position,
            asked,
            changed,
        ) in queryset.iterator(chunk_size=CHUNK):
            yield (
                name,
                number,
                organisation,
                code,
                title,
                cohort,
                starts,
                ends,
                states.get(state, state),
                position,
                asked.astimezone(zone).date(),
                as_local(changed),
            )

    return Table(
        kind=Kind.ENROLMENT_STATUS,
        title=str(Kind.ENROLMENT_STATUS.label),
        short_title=_("Enrolment status"),
        columns=[
            Column(_("Officer")),
            Column(_("Personal number")),
            Column(_("Organisation")),
            Column(_("Course code")),
            Column(_("Course")),
            Column(_("Cohort")),
            Column(_("Cohort starts"), Type.DATE),
            Column(_("Cohort ends"), Type.DATE),
            Column(_("State")),
            Column(_("Waiting list position"), Type.NUMBER),
            Column(_("Asked on"), Type.DATE),
            Column(_("Last change"), Type.DATETIME),
        ],
        count=queryset.count,
        rows=rows,
    )


def _summary(filters: ReportFilters) -> Table:
    organisation = "officer__officer_profile__organisation"
    area = "course__skill_area"

    def cells() -> list[tuple]:
        enrolled = (
            selectors.enrolments(filters)
            .values(organisation, area)
            .annotate(officers=Count("officer", distinct=True))
            .order_by()
        )
        completed = (
            selectors.completions(filters)
            .values(organisation, area)
            .annotate(
                completions=Count("pk"),
                officers=Count("officer", distinct=True),
                hours=Sum("course__cpd_hours"),
            )
            .order_by()
        )
        figures: dict[tuple[int, int], list[int]] = {}
        for row in enrolled:
            figures.setdefault((row[organisation], row[area]), [0, 0, 0, 0])[0] = row["officers"]
        for row in completed:
            cell = figures.setdefault((row[organisation], row[area]), [0, 0, 0, 0])
            cell[1:] = [row["completions"], row["officers"], row["hours"] or 0]
        organisations = {
            o.pk: o
            for o in Organisation.objects.filter(pk__in={o for o, _a in figures}).only(
                "path", "name"
            )
        }
        kiswahili = _kiswahili()
        areas = {
            a.pk: a
            for a in SkillArea.objects.filter(pk__in={a for _o, a in figures}).only(
                "position", "name", "name_sw"
            )
        }
        ordered = sorted(
            figures.items(),
            key=lambda item: (
                organisations[item[0][0]].path,
                areas[item[0][1]].position,
                areas[item[0][1]].name,
            ),
        )
        rows = []
        for (organisation_id, area_id), numbers in ordered:
            name = _local_name(areas[area_id], kiswahili)
            rows.append((organisations[organisation_id].name, name, *numbers))
        totals = headline_totals(filters)
        rows.append(
            (
                _("Total: %(organisation)s") % {"organisation": _scope_name(filters)},
                _("All skill areas")
                if filters.skill_area is None
                else _local_name(filters.skill_area, kiswahili),
                *totals,
            )
        )
        return rows

    computed: list[tuple] = []

    def rows():
        if not computed:
            computed.extend(cells())
        yield from computed

    def count():
        if not computed:
            computed.extend(cells())
        return len(computed)

    return Table(
        kind=Kind.SUMMARY,
        title=str(Kind.SUMMARY.label),
        short_title=_("Summary"),
        columns=[
            Column(_("Organisation")),
            Column(_("Skill area")),
            Column(_("Officers enrolled"), Type.NUMBER),
            Column(_("Completions"), Type.NUMBER),
            Column(_("Officers completed"), Type.NUMBER),
            Column(_("CPD hours"), Type.NUMBER),
        ],
        count=count,
        rows=rows,
        has_totals_row=True,
    )


def headline_totals(filters: ReportFilters) -> tuple[int, int, int, int]:
    """The summary's totals row: officers enrolled, completions, officers completed and CPD
    hours, each officer once across the whole tree (the dashboard's headline)."""
    completions = selectors.completions(filters)
    return (
        _officers(selectors.enrolments(filters)),
        completions.count(),
        _officers(completions),
        completions.aggregate(hours=Sum("course__cpd_hours"))["hours"] or 0,
    )


def _no_training(filters: ReportFilters) -> Table:
    queryset = (
        selectors.officers_without_training(filters)
        .order_by("organisation__name", "user__full_name", "pk")
        .values_list(
            "user__full_name",
            "personal_number",
            "organisation__name",
            "job_group",
            "designation",
            "duty_station__name",
            "created_at",
        )
    )
    zone = nairobi()

    def rows():
        for *facts, registered in queryset.iterator(chunk_size=CHUNK):
            yield (*facts, registered.astimezone(zone).date())

    return Table(
        kind=Kind.NO_TRAINING,
        title=str(Kind.NO_TRAINING.label),
        short_title=_("No training"),
        columns=[
            Column(_("Officer")),
            Column(_("Personal number")),
            Column(_("Organisation")),
            Column(_("Job group")),
            Column(_("Designation")),
            Column(_("Duty station")),
            Column(_("Registered on"), Type.DATE),
        ],
        count=queryset.count,
        rows=rows,
    )


_TABLES: dict[str, Callable[[ReportFilters], Table]] = {
    Kind.COMPLETIONS: _completions,
    Kind.ENROLMENT_STATUS: _enrolment_status,
    Kind.SUMMARY: _summary,
    Kind.NO_TRAINING: _no_training,
}


# --- Helpers ------------------------------------------------------------------------------


def _officers(enrolments) -> int:
    return enrolments.values("officer").distinct().count()


def _skill_area_name(prefix: str):
    """The skill area's name in the reader's language, as a database expression."""
    if _kiswahili():
        return Coalesce(NullIf(f"{prefix}name_sw", Value("")), f"{prefix}name")
    return F(f"{prefix}name")


def _level_label(field: str):
    """The level's label in the reader's language, as a database expression."""
    return Case(
        *(When(**{field: value}, then=Value(label)) for value, label in _level_labels().items()),
        default=F(field),
        output_field=CharField(),
    )


def _kiswahili() -> bool:
    return (get_language() or "").split("-")[0] == "sw"


def _local_name(area: SkillArea, kiswahili: bool) -> str:
    return (area.name_sw or area.name) if kiswahili else area.name


def _level_labels() -> dict[str, str]:
    return {level.value: str(level.label) for level in Level}


def _scope_name(filters: ReportFilters) -> str:
    if filters.organisation is None:
        return _("all organisations")
    return filters.organisation.name


def as_local(moment: datetime.datetime) -> datetime.datetime:
    """A moment as a naive date and time in Nairobi (what a spreadsheet cell holds)."""
    return moment.astimezone(nairobi()).replace(tzinfo=None, microsecond=0)
