"""The server-drawn SVG charts: their geometry, their accessible names, colours that contrast,
numbers written the same in both languages, and partials that render on their own (as the PDF
report includes them)."""

import datetime
import io
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from reports import charts
from reports.templatetags.figures import figure, percent

MONTHS = [datetime.date(2026, month, 1) for month in (1, 2, 3)]


def contrast(colour: str, background: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours."""

    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --- Geometry ------------------------------------------------------------------------------------


def test_bars_are_as_long_as_their_values_the_largest_filling_the_bar_space():
    chart = charts.bar_chart(
        id="c", title="t", description="d", items=[("A", 30), ("B", 15), ("C", 0)]
    )
    assert [bar.width for bar in chart.bars] == [charts.BAR_SPACE, charts.BAR_SPACE / 2, 0]
    # Each bar below its label, each row below the one before.
    tops = [bar.y for bar in chart.bars]
    assert tops == sorted(tops)
    assert all(bar.text_y < bar.y for bar in chart.bars)
    assert chart.height > tops[-1] + charts.BAR_HEIGHT


def test_a_chart_of_zeros_draws_no_bar():
    chart = charts.bar_chart(id="c", title="t", description="d", items=[("A", 0), ("B", 0)])
    assert [bar.width for bar in chart.bars] == [0, 0]


def test_long_labels_wrap_on_two_lines_then_end_with_an_ellipsis():
    name = "State Department for Information Communication Technology and the Digital Economy"
    assert charts.wrap(name) == [
        "State Department for Information",
        "Communication Technology and the Digital …",
    ]
    assert all(len(line) <= charts.LABEL_CHARS for line in charts.wrap(name * 3))
    assert charts.wrap("Male") == ["Male"]


@pytest.mark.parametrize(
    ("largest", "top"), [(0, 4), (3, 4), (5, 8), (9, 20), (37, 40), (250, 400), (123_456, 200_000)]
)
def test_the_value_axis_ends_on_a_round_number_in_four_whole_steps(largest, top):
    assert charts.nice_top(largest) == top
    assert top % 4 == 0
    assert top >= largest


def test_month_columns_side_by_side_on_a_common_baseline():
    chart = charts.month_chart(
        id="m",
        title="t",
        description="d",
        months=MONTHS,
        series=[("Completions", [2, 0, 1]), ("Seats", [1, 3, 1])],
    )
    completions, seats = chart.series
    assert [c.height for c in completions.columns] == [80, 0, 40]  # of 160 px, top = 4
    assert [c.height for c in seats.columns] == [40, 120, 40]
    assert all(c.y + c.height == chart.baseline for s in chart.series for c in s.columns)
    # The second series right of the first in each month, and the months in order.
    assert all(
        a.x + a.width <= b.x for a, b in zip(completions.columns, seats.columns, strict=True)
    )
    assert [label.x for label in chart.labels] == sorted(label.x for label in chart.labels)
    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3, 4]
    # Solid, then outlined: they differ by more than colour.
    assert completions.fill == completions.stroke
    assert seats.fill != seats.stroke


def test_a_long_period_writes_a_label_every_few_months_and_each_year_once():
    months = [datetime.date(2024 + (m // 12), m % 12 + 1, 1) for m in range(36)]
    chart = charts.month_chart(
        id="m", title="t", description="d", months=months, series=[("A", [1] * 36)]
    )
    assert len(chart.labels) <= charts.MOST_LABELS
    assert [label.month.year for label in chart.labels if label.with_year] == [2024, 2025, 2026]


def test_a_small_value_still_shows():
    chart = charts.month_chart(
        id="m", title="t", description="d", months=MONTHS, series=[("A", [1000, 1, 0])]
    )
    assert [c.height for c in chart.series[0].columns] == [160, 2, 0]


def test_the_colours_contrast_with_white():
    for colour in (charts.GREEN, charts.BLUE, charts.MUTED):
        assert contrast(colour) >= 3, colour  # graphical objects
    for colour in (charts.INK, charts.MUTED, charts.GREEN):
        assert contrast(colour) >= 4.5, colour  # text


# --- The partials --------------------------------------------------------------------------------


def render_bar_chart(items, **extra):
    chart = charts.bar_chart(
        id="chart-x", title="Completions by job group", description="Bars.", items=items
    )
    return render_to_string("reports/_bar_chart.html", {"chart": chart, **extra})


def test_a_chart_is_an_image_named_and_described_by_its_title_and_description():
    svg = render_bar_chart([("Job group K", 1200), ("Job group L", 3)])

    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-x-title chart-x-desc"' in svg
    assert '<title id="chart-x-title">Completions by job group</title>' in svg
    assert '<desc id="chart-x-desc">Bars.</desc>' in svg
    assert ">1,200</text>" in svg


def test_a_chart_needs_no_stylesheet_and_no_inline_style():
    svg = render_bar_chart([("A", 1)])
    # The Content Security Policy refuses inline styles; the PDF has no stylesheet.
    assert "style=" not in svg
    assert "<style" not in svg
    assert 'fill="#0b5d3b"' in svg
    assert "font-family=" in svg


def test_coordinates_are_never_written_with_a_decimal_comma():
    chart = charts.month_chart(
        id="m", title="t", description="d", months=MONTHS, series=[("A", [3, 1, 2])]
    )
    for language in ("en", "sw"):
        with translation.override(language):
            svg = render_to_string("reports/_month_chart.html", {"chart": chart})
        numbers = re.findall(r'(?:x|width)="([^"]+)%"', svg)
        assert numbers
        assert all(re.fullmatch(r"[0-9.]+", number) for number in numbers), numbers


def test_a_chart_of_nothing_says_so():
    html = render_to_string(
        "reports/_bar_chart.html",
        {"chart": charts.bar_chart(id="c", title="t", description="d", items=[])},
    )
    assert "<svg" not in html
    assert "No completions to chart." in html


def test_the_month_chart_has_a_legend_and_labels_each_month():
    chart = charts.month_chart(
        id="m",
        title="Month by month",
        description="d",
        months=MONTHS,
        series=[("Completions", [2, 0, 1]), ("Seats", [1, 3, 1])],
    )
    svg = render_to_string("reports/_month_chart.html", {"chart": chart})
    assert ">Completions</text>" in svg
    assert ">Seats</text>" in svg
    assert re.findall(r">(?:Jan|Feb|Mar)<", svg) == [">Jan<", ">Feb<", ">Mar<"]
    assert svg.count(">2026</text>") == 1
    assert "<title>January 2026, Completions: 2</title>" in svg


# --- Numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "sw"])
def test_numbers_group_thousands_in_both_languages(language):
    # Django has no number formats for Kiswahili: intcomma would write 300000.
    with translation.override(language):
        assert figure(300_000) == "300,000"
        assert figure(7) == "7"
        assert figure(None) == ""


def test_percentages():
    assert percent(75.0) == "75%"
    assert percent(100 / 3) == "33.3%"
    assert percent(0) == "0%"
    assert percent(4 / 3000) == "less than 0.1%"
    assert percent(None) == ""


def test_the_charts_render_in_a_pdf_as_they_do_on_the_page():
    """WeasyPrint draws the partials as they are (the PDF report includes them)."""
    from pypdf import PdfReader
    from weasyprint import HTML

    bar = charts.bar_chart(
        id="b", title="t", description="d", items=[("Job group K", 1200), ("Job group L", 3)]
    )
    month = charts.month_chart(
        id="m", title="t", description="d", months=MONTHS, series=[("Completions", [2, 0, 1])]
    )
    html = render_to_string("reports/_bar_chart.html", {"chart": bar}) + render_to_string(
        "reports/_month_chart.html", {"chart": month}
    )
    pdf = HTML(string=f"<html><body>{html}</body></html>").write_pdf()

    words = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split()
    for word in ("Job", "1,200", "Completions", "Jan", "Feb", "Mar", "2026"):
        assert word in words
