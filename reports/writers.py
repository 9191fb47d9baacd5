"""Writing a report's ``Table`` to a file: CSV, XLSX or PDF.

Each writer takes the table, a binary file open for writing (a temporary file: the run saves it
to storage afterwards), what the report is about, and a ``progress`` callable told the number of
rows written so far after each row (it decides itself how often to record it). It returns the
number of rows written. CSV and XLSX stream: memory stays flat however many rows.

Every text cell of CSV and XLSX is neutralised (``academy.spreadsheets``): a name beginning with
``=`` is not a formula in the training officer's spreadsheet. Numbers and dates are written as
such (in XLSX as real numbers and dates).
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import connections
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _

from academy.spreadsheets import FORMULA_STARTS, neutralise
from reports.models import Format
from reports.tables import Table, Type

Progress = Callable[[int], None]
FORMULA_FIRST = frozenset("".join(FORMULA_STARTS))


@dataclass
class About:
    """What a file says about itself: its title, whose it is, the filters, when it was made."""

    title: str
    organisation: str
    filters: list[tuple[str, str]]  # (label, value), in the reader's language
    generated_at: datetime.datetime  # naive, in Nairobi
    rows: int = 0
    headline: list[tuple[str, str]] = field(default_factory=list)  # (label, figure), PDF only
    charts: Any = None  # the dashboard's charts (reports.charts.DashboardCharts), PDF only


def write(format: str, table: Table, out: BinaryIO, *, about: About, progress: Progress) -> int:
    """Write ``table`` to ``out`` in ``format``; the number of rows written."""
    try:
        writer = WRITERS[format]
    except KeyError:
        raise ValueError(f"unknown report format {format!r}") from None
    return writer(table, out, about=about, progress=progress)


# --- CSV --------------------------------------------------------------------------------------


# Rows go to the file a batch at a time, and progress is told after each batch.
CSV_BATCH = 1000


def write_csv(table: Table, out: BinaryIO, *, about: About, progress: Progress) -> int:
    """UTF-8 with a byte order mark, so that Excel reads Kiswahili and accented names right;
    one heading row, then the rows, lines ending in LF.

    Only text cells are neutralised; numbers and dates are written as ISO text, and an empty
    value as an empty cell. A table with its query, on PostgreSQL, is written by the database
    itself (``COPY … TO STDOUT``, neutralising in SQL): half a million rows in a few seconds,
    twice as fast as the same rows through Python."""
    out.write("\ufeff".encode())
    heading = io.StringIO()
    csv.writer(heading, lineterminator="\n").writerow(
        [neutralise(column.label) for column in table.columns]
    )
    out.write(heading.getvalue().encode())
    if table.queryset is not None and connections[table.queryset.db].vendor == "postgresql":
        return _copy_csv(table, out, progress)
    texts = [i for i, column in enumerate(table.columns) if column.type is Type.TEXT]
    # Each batch is written as text in memory, then encoded and written at once: a text
    # file's encoder, row by row, costs as much as the csv module itself.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    done = 0
    rows = iter(table.rows())
    while batch := list(itertools.islice(rows, CSV_BATCH)):
        writer.writerows(_neutralised(row, texts) for row in batch)
        out.write(buffer.getvalue().encode())
        buffer.seek(0)
        buffer.truncate()
        done += len(batch)
        progress(done)
    return done


# A text cell in SQL, neutralised as ``neutralise`` does; empty text as no value, which COPY
# writes as an empty cell (as Python's csv module writes ""), where "" would be quoted.
_NEUTRALISED_SQL = "CASE WHEN left({c}, 1) IN ({starts}) THEN '''' || {c} ELSE NULLIF({c}, '') END"


def _copy_csv(table: Table, out: BinaryIO, progress: Progress) -> int:
    """The table's rows as PostgreSQL writes them: ``COPY (its query) TO STDOUT`` as CSV, with
    its text columns neutralised in SQL."""
    from psycopg import ClientCursor
    from psycopg import sql as psql

    queryset = table.queryset
    connection = connections[queryset.db]
    query, params = queryset.query.sql_with_params()
    names = [f"c{i}" for i in range(len(table.columns))]
    starts = psql.SQL(", ").join(psql.Literal(c) for c in FORMULA_STARTS)
    columns = [
        psql.SQL(_NEUTRALISED_SQL).format(c=psql.Identifier(name), starts=starts)
        if column.type is Type.TEXT
        else psql.Identifier(name)
        for name, column in zip(names, table.columns, strict=True)
    ]
    connection.ensure_connection()
    raw = connection.connection
    # The query as Django wrote it, its parameters bound here: COPY takes none.
    inner = psql.SQL(ClientCursor(raw).mogrify(query, params))
    statement = psql.SQL(
        "COPY (SELECT {columns} FROM ({inner}) AS q ({names})) TO STDOUT WITH (FORMAT csv)"
    ).format(
        columns=psql.SQL(", ").join(columns),
        inner=inner,
        names=psql.SQL(", ").join(psql.Identifier(name) for name in names),
    )
    with raw.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for data in copy:
                out.write(data)
        # The rows COPY wrote, from its command tag ("COPY 499882"). Progress is told once,
        # at the end: the connection is the COPY's until then (recording progress on it would
        # wait for ever), and the whole copy takes seconds.
        progress(cursor.rowcount)
        return cursor.rowcount


def _neutralised(row: tuple, texts: list[int]) -> tuple | list:
    """The row with its text cells neutralised; the row itself when none needs it (most)."""
    changed = None
    for i in texts:
        value = row[i]
        if value and value[0] in FORMULA_FIRST:
            changed = changed or list(row)
            changed[i] = neutralise(value)
    return changed or row


# --- XLSX -------------------------------------------------------------------------------------

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_WIDTHS = {Type.TEXT: 28, Type.DATE: 12, Type.DATETIME: 17, Type.NUMBER: 10}


def write_xlsx(table: Table, out: BinaryIO, *, about: About, progress: Progress) -> int:
    """A workbook in openpyxl's write-only mode (rows go to disk as they come): a first sheet
    "About" (organisation, filters, when, how many rows), then the table with a bold heading
    row, dates as dates and numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook(write_only=True)

    def strong(sheet, value):
        cell = WriteOnlyCell(sheet, value=neutralise(value))
        cell.font = bold
        return cell

    info = workbook.create_sheet(_sheet_title(_("About")))
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 60
    info.append([strong(info, about.title)])
    info.append([neutralise(about.organisation)])
    info.append([])
    for label, value in about.filters:
        info.append([strong(info, label), neutralise(value)])
    generated = WriteOnlyCell(info, value=about.generated_at)
    generated.number_format = DATETIME_FORMAT
    info.append([strong(info, _("Generated at (Nairobi)")), generated])
    info.append([strong(info, _("Rows")), about.rows])

    sheet = workbook.create_sheet(_sheet_title(table.short_title or table.title))
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column.type]
    sheet.freeze_panes = "A2"
    sheet.append([strong(sheet, column.label) for column in table.columns])

    # Raw values are fastest; openpyxl gives dates its date formats by itself (yyyy-mm-dd, and
    # yyyy-mm-dd h:mm:ss for a date and time). Only the totals row needs cells of its own.
    texts = [column.type is Type.TEXT for column in table.columns]

    def cells(row, *, totals=False):
        if totals:
            return [
                strong(sheet, value) if text else _bold(sheet, value, bold)
                for text, value in zip(texts, row, strict=True)
            ]
        return [neutralise(v) if text else v for text, v in zip(texts, row, strict=True)]

    done = 0
    for row, last in _mark_last(table.rows(), table.has_totals_row):
        sheet.append(cells(row, totals=last))
        done += 1
        progress(done)
    workbook.save(out)
    return done


def _bold(sheet, value, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _mark_last(rows, wanted: bool):
    """Each row with whether it is the last (always False unless ``wanted``)."""
    if not wanted:
        yield from ((row, False) for row in rows)
        return
    previous = _NOTHING = object()
    for row in rows:
        if previous is not _NOTHING:
            yield previous, False
        previous = row
    if previous is not _NOTHING:
        yield previous, True


def _sheet_title(title: str) -> str:
    # Excel's rules: at most 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", "", str(title))[:31] or "Report"


# --- PDF --------------------------------------------------------------------------------------


def _pdf_converter(kind: Type) -> Callable:
    if kind is Type.DATETIME:
        return lambda value: "" if value is None else value.strftime("%Y-%m-%d %H:%M")
    if kind is Type.DATE:
        return lambda value: "" if value is None else value.isoformat()
    if kind is Type.NUMBER:
        return lambda value: (
            "" if value is None else formats.number_format(value, force_grouping=True)
        )
    return lambda value: "" if value is None else str(value)


def write_pdf(table: Table, out: BinaryIO, *, about: About, progress: Progress) -> int:
    """A4 landscape pages (``templates/reports/pdf/report.html``): the organisation, the filters,
    when, the dashboard's headline figures, then the table, its heading repeated on every page.
    The rows are held in memory to lay them out: ``services.PDF_MAX_ROWS`` bounds them."""
    from weasyprint import HTML

    from certificates.rendering import font_config

    converters = [_pdf_converter(column.type) for column in table.columns]
    rows = []
    for row in table.rows():
        rows.append([convert(v) for convert, v in zip(converters, row, strict=True)])
        progress(len(rows))
    totals = rows.pop() if table.has_totals_row and rows else None
    html = render_to_string(
        "reports/pdf/report.html",
        {
            "about": about,
            "columns": table.columns,
            "numeric": [column.type is Type.NUMBER for column in table.columns],
            "rows": rows,
            "totals": totals,
            "kind": table.kind,
        },
    )
    HTML(string=html).write_pdf(target=out, font_config=font_config())
    return len(rows) + (totals is not None)


WRITERS: dict[str, Callable[..., int]] = {
    Format.CSV: write_csv,
    Format.XLSX: write_xlsx,
    Format.PDF: write_pdf,
}
