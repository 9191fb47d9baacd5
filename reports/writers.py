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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from academy.spreadsheets import neutralise
from reports.models import Format
from reports.tables import Table, Type

Progress = Callable[[int], None]


@dataclass
class About:
    """What a file says about itself: its title, whose it is, the filters, when it was made."""

    title: str
    organisation: str
    filters: list[tuple[str, str]]  # (label, value), in the reader's language
    generated_at: datetime.datetime  # naive, in Nairobi
    rows: int = 0
    headline: list[tuple[str, str]] = field(default_factory=list)  # (label, figure), PDF only


def write(format: str, table: Table, out: BinaryIO, *, about: About, progress: Progress) -> int:
    """Write ``table`` to ``out`` in ``format``; the number of rows written."""
    try:
        writer = WRITERS[format]
    except KeyError:
        raise ValueError(f"unknown report format {format!r}") from None
    return writer(table, out, about=about, progress=progress)


# --- CSV --------------------------------------------------------------------------------------


def _csv_converter(kind: Type) -> Callable:
    if kind is Type.TEXT:
        return neutralise
    if kind is Type.DATETIME:
        return lambda value: "" if value is None else value.isoformat(sep=" ")
    if kind is Type.DATE:
        return lambda value: "" if value is None else value.isoformat()
    return lambda value: "" if value is None else str(value)


def write_csv(table: Table, out: BinaryIO, *, about: About, progress: Progress) -> int:
    """UTF-8 with a byte order mark, so that Excel reads Kiswahili and accented names right;
    one heading row, then the rows."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    try:
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow([neutralise(column.label) for column in table.columns])
        converters = [_csv_converter(column.type) for column in table.columns]
        done = 0
        for row in table.rows():
            writer.writerow([convert(v) for convert, v in zip(converters, row, strict=True)])
            done += 1
            progress(done)
        text.flush()
    finally:
        # The caller owns ``out``: closing the wrapper would close it.
        text.detach()
    return done


WRITERS: dict[str, Callable[..., int]] = {
    Format.CSV: write_csv,
}
