"""Accessible charts drawn on the server as SVG: no JavaScript, no chart library.

Python computes the geometry here; two template partials draw it:
``templates/reports/_bar_chart.html`` (a horizontal bar chart) and
``templates/reports/_month_chart.html`` (a column chart of two series, month by month).

- Horizontal positions are percentages of the chart's width and vertical ones are pixels, so
  a chart takes the width of its container (a phone, a desktop, an A4 page in WeasyPrint)
  while its text keeps a readable size instead of shrinking with a ``viewBox``.
- Each chart is an ``<svg role="img">`` named by its ``<title>`` and described by its
  ``<desc>``; the page puts a table with its numbers right after it.
- Colours are presentation attributes (no stylesheet, no inline style that a Content Security
  Policy would block): the chart renders the same on a page and in a PDF. Bars and axis
  against white reach at least 3:1, text at least 4.5:1. The two series of the month chart
  differ in fill as well as colour (solid, outlined) and sit always in the same order.
"""

from __future__ import annotations

import datetime
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.dashboard import Dashboard
from reports.templatetags.figures import figure

# Colours, with their contrast against white.
INK = "#1b1f1d"  # text: 16:1
MUTED = "#4a544f"  # axis and tick labels: 7.9:1
GRID = "#c9d3ce"  # gridlines: decoration only, the labels carry the values
GREEN = "#0b5d3b"  # bars and completions: 7.6:1
BLUE = "#1d4ed8"  # the outline of the second series: 6.7:1
BLUE_TINT = "#e8eefc"  # its fill: the outline gives the contrast
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"

# --- The horizontal bar chart ------------------------------------------------------------------

# Bars take at most this share of the width: the value is written after the bar.
BAR_SPACE = 78.0
LABEL_CHARS = 44  # about what fits a 360 px phone at 14 px
LINE_HEIGHT = 18
BAR_HEIGHT = 18
ROW_GAP = 16


@dataclass(frozen=True)
class Bar:
    lines: list[str]  # the label, on one or two lines (cut short with "…" beyond)
    label: str  # the whole label (a tooltip)
    value: int
    text_y: int  # the baseline of the label's first line
    y: int  # the top of the bar
    width: float  # per cent of the chart's width; 0 for nothing


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    height: int
    bar_height: int = BAR_HEIGHT
    line_height: int = LINE_HEIGHT
    colour: str = GREEN
    ink: str = INK
    axis: str = MUTED
    font: str = FONT

    @property
    def value_y_offset(self) -> int:
        # The value's baseline, from the top of its bar: centred on the bar.
        return self.bar_height // 2 + 5


def bar_chart(
    *, id: str, title: str, description: str, items: Sequence[tuple[str, int]]
) -> BarChart:
    """Bars for ``items`` (label, value), in their order, the longest the largest value."""
    largest = max((value for _label, value in items), default=0)
    bars, y = [], 0
    for label, value in items:
        lines = wrap(label)
        text_y = y + LINE_HEIGHT - 4
        top = y + len(lines) * LINE_HEIGHT + 2
        width = BAR_SPACE * value / largest if largest else 0.0
        bars.append(
            Bar(lines=lines, label=label, value=value, text_y=text_y, y=top, width=round(width, 2))
        )
        y = top + BAR_HEIGHT + ROW_GAP
    return BarChart(id=id, title=title, description=description, bars=bars, height=max(y, 1))


def wrap(label: str, width: int = LABEL_CHARS, lines: int = 2) -> list[str]:
    """``label`` on at most ``lines`` lines of ``width`` characters; "…" ends a label cut short.
    The whole label is in the table after the chart."""
    return textwrap.wrap(label, width, max_lines=lines, placeholder=" …") or [""]


# --- The month chart ---------------------------------------------------------------------------

LEGEND_Y = 16  # the first legend line's baseline; the second is LEGEND_GAP lower
LEGEND_GAP = 20
PLOT_TOP = 62
PLOT_HEIGHT = 160
BASELINE = PLOT_TOP + PLOT_HEIGHT
GUTTER = 15.0  # per cent of the width on the left for the tick labels
MONTH_LABEL_Y = BASELINE + 18
YEAR_LABEL_Y = BASELINE + 34
MONTH_CHART_HEIGHT = BASELINE + 42
MOST_LABELS = 8  # month labels written at most (every n-th month): they fit a phone


@dataclass(frozen=True)
class Column:
    month: datetime.date
    value: int
    x: float  # per cent
    width: float  # per cent
    y: int
    height: int


@dataclass(frozen=True)
class Series:
    name: str
    columns: list[Column]
    fill: str
    stroke: str
    legend_y: int


@dataclass(frozen=True)
class Tick:
    value: int
    y: int


@dataclass(frozen=True)
class MonthLabel:
    month: datetime.date
    x: float  # per cent, the middle of the month
    with_year: bool  # January, and the first month shown


@dataclass(frozen=True)
class MonthChart:
    id: str
    title: str
    description: str
    series: list[Series]
    ticks: list[Tick]
    labels: list[MonthLabel]
    gutter: float = GUTTER
    baseline: int = BASELINE
    plot_top: int = PLOT_TOP
    month_label_y: int = MONTH_LABEL_Y
    year_label_y: int = YEAR_LABEL_Y
    height: int = MONTH_CHART_HEIGHT
    ink: str = INK
    axis: str = MUTED
    grid: str = GRID
    font: str = FONT


def month_chart(
    *,
    id: str,
    title: str,
    description: str,
    months: Sequence[datetime.date],
    series: Sequence[tuple[str, Sequence[int]]],
) -> MonthChart:
    """Columns of each of ``series`` (name, a value per month), side by side in each month:
    the first solid green, the second outlined in blue."""
    largest = max((value for _name, values in series for value in values), default=0)
    top = nice_top(largest)
    count = max(len(months), 1)
    slot = (100.0 - GUTTER) / count
    width = slot * 0.8 / max(len(series), 1)
    styles = [(GREEN, GREEN), (BLUE_TINT, BLUE)]
    drawn = []
    for n, (name, values) in enumerate(series):
        columns = []
        for m, (month, value) in enumerate(zip(months, values, strict=True)):
            height = round(PLOT_HEIGHT * value / top) if value else 0
            if value and height < 2:
                height = 2  # a small value still shows
            columns.append(
                Column(
                    month=month,
                    value=value,
                    x=round(GUTTER + m * slot + slot * 0.1 + n * width, 3),
                    width=round(width, 3),
                    y=BASELINE - height,
                    height=height,
                )
            )
        fill, stroke = styles[n % len(styles)]
        drawn.append(
            Series(
                name=name,
                columns=columns,
                fill=fill,
                stroke=stroke,
                legend_y=LEGEND_Y + n * LEGEND_GAP,
            )
        )
    step = math.ceil(count / MOST_LABELS)
    labels, year = [], None
    for m, month in enumerate(months):
        if m % step:
            continue
        # The year under the first month written, and under the first written in each year.
        labels.append(
            MonthLabel(
                month=month, x=round(GUTTER + (m + 0.5) * slot, 3), with_year=month.year != year
            )
        )
        year = month.year
    ticks = [
        Tick(value=value, y=BASELINE - round(PLOT_HEIGHT * value / top))
        for value in range(0, top + 1, top // 4)
    ]
    return MonthChart(
        id=id, title=title, description=description, series=drawn, ticks=ticks, labels=labels
    )


def nice_top(largest: int) -> int:
    """The top of the value axis: a round number at or above ``largest`` that divides into
    four equal whole steps (4, 8, 20, 40, 100, 200…)."""
    if largest <= 4:
        return 4
    step = largest / 4
    magnitude = 10 ** math.floor(math.log10(step))
    for nice in (1, 2, 2.5, 5, 10):
        if nice * magnitude >= step and (nice * magnitude) == int(nice * magnitude):
            return int(nice * magnitude) * 4
    return int(10 * magnitude) * 4


# --- The dashboard's charts ------------------------------------------------------------------

MOST_BARS = 15  # a breakdown of more rows charts those with the most completions


@dataclass(frozen=True)
class DashboardCharts:
    by_unit: BarChart
    by_skill_area: BarChart
    months: MonthChart
    by_job_group: BarChart
    by_gender: BarChart
    by_county: BarChart


def dashboard_charts(dashboard: Dashboard) -> DashboardCharts:
    """The charts of a dashboard (the page's and the PDF report's): completions by each
    breakdown, and the month by month trend."""
    national = dashboard.filters.is_national
    return DashboardCharts(
        by_unit=_completions_chart(
            "chart-unit",
            _("Completions by organisation") if national else _("Completions by sub-unit"),
            [(row.label, row.figures.completions) for row in dashboard.by_unit],
        ),
        by_skill_area=_completions_chart(
            "chart-skill-area",
            _("Completions by skill area and level"),
            [
                (f"{row.label} — {row.detail}", row.figures.completions)
                for row in dashboard.by_skill_area
            ],
        ),
        months=month_chart(
            id="chart-months",
            title=_("Completions and seats, month by month"),
            description=_(
                "Columns for each month of the period: completions (solid green) and seats "
                "in cohorts starting that month (outlined in blue). The table after the "
                "chart gives the numbers."
            ),
            months=[month.month for month in dashboard.months],
            series=[
                (_("Completions"), [month.completions for month in dashboard.months]),
                (_("Seats in cohorts starting"), [month.seats for month in dashboard.months]),
            ],
        ),
        by_job_group=_completions_chart(
            "chart-job-group",
            _("Completions by job group"),
            [(row.label, row.figures.completions) for row in dashboard.by_job_group],
        ),
        by_gender=_completions_chart(
            "chart-gender",
            _("Completions by gender"),
            [(row.label, row.figures.completions) for row in dashboard.by_gender],
        ),
        by_county=_completions_chart(
            "chart-county",
            _("Completions by county of duty station"),
            [(row.label, row.figures.completions) for row in dashboard.by_county],
        ),
    )


def _completions_chart(id: str, title: str, items: list[tuple[str, int]]) -> BarChart:
    if len(items) > MOST_BARS:
        # Those with the most completions (none without any), largest first.
        items = [item for item in sorted(items, key=lambda item: -item[1]) if item[1]]
        items = items[:MOST_BARS]
        title = _("%(title)s: the %(count)d with the most") % {"title": title, "count": len(items)}
    described = _("A bar for each, as long as its number of completions.")
    if items and any(value for _label, value in items):
        label, value = max(items, key=lambda item: item[1])
        described += " " + ngettext(
            "The most: %(label)s, %(count)s completion.",
            "The most: %(label)s, %(count)s completions.",
            value,
        ) % {"label": label, "count": figure(value)}
    described += " " + _("The table after the chart gives every number.")
    return bar_chart(id=id, title=title, description=described, items=items)
