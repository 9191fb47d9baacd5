"""The files themselves: CSV (UTF-8 with BOM), XLSX (opened again with openpyxl) and PDF (its text
read back): formulas neutralised, dates and numbers typed, the About sheet, the PDF's
headline equal to the dashboard's, and memory that stays flat however many rows."""

import datetime
import io
import tracemalloc

import openpyxl
import pytest
from pypdf import PdfReader

from reports import runs
from reports.models import Format, Kind, ReportRun
from reports.services import report_request
from reports.tables import Column, Table, Type
from reports.writers import About, write
from tests.reports.support_runs import q1, read_csv

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.example","Click")'


def build(user, filters, kind=Kind.COMPLETIONS, format=Format.CSV) -> ReportRun:
    run, _ = report_request(by=user, filters=filters, kind=kind, format=format)
    built = runs.report_build(run_id=run.pk)
    assert built.status == ReportRun.Status.READY, built.error
    return built


def content(run) -> bytes:
    with run.file.open("rb") as f:
        return f.read()


@pytest.fixture
def evil_world(world):
    """Officers whose names and designations a spreadsheet would run as formulas."""
    o = world.officers
    for user, name in [
        (o.wanjiku, EVIL),
        (o.kamau, "+254700000000"),
        (o.achieng, "-1+1"),
        (o.njeri, "@SUM(A1:A9)"),
    ]:
        user.full_name = name
        user.save()
    type(o.njeri.officer_profile).objects.filter(user=o.njeri).update(designation="\tTab-led")
    return world


# --- CSV --------------------------------------------------------------------------------------


def test_csv_is_utf8_with_a_bom_and_keeps_kiswahili_and_accented_names(world, hr_ict):
    world.officers.achieng.full_name = "Achieng' Njoroge-Wambũi"
    world.officers.achieng.save()
    table = read_csv(content(build(hr_ict, q1(world))))
    assert table[1][0] == "Achieng' Njoroge-Wambũi"
    assert table[1][8:11] == ["2025-12-01", "2025-12-05", "2026-01-01"]
    assert table[1][11:13] == ["90", "20"]


def test_csv_neutralises_formulas_in_every_text_cell(evil_world, hr_ict):
    completions = read_csv(content(build(hr_ict, q1(evil_world))))
    names = [row[0] for row in completions[1:]]
    assert names == ["'-1+1", "'" + EVIL, "'+254700000000"]
    untrained = read_csv(content(build(hr_ict, q1(evil_world), Kind.NO_TRAINING)))
    assert untrained[1][0] == "'@SUM(A1:A9)"
    assert untrained[1][4] == "'\tTab-led"


# --- XLSX -------------------------------------------------------------------------------------


def workbook(run):
    return openpyxl.load_workbook(io.BytesIO(content(run)))


def test_xlsx_has_an_about_sheet_then_the_table_typed(world, hr_ict):
    book = workbook(build(hr_ict, q1(world), format=Format.XLSX))
    assert book.sheetnames == ["About", "Completions"]
    about = [[c.value for c in row] for row in book["About"].iter_rows()]
    assert about[0] == ["Completions", None]
    assert about[1][0] == world.ministry.name
    facts = {row[0]: row[1] for row in about[3:]}
    assert facts["Organisation"] == f"{world.ministry.name}, with its sub-units"
    assert facts["Period"] == "2026-01-01 to 2026-03-31 (days in Nairobi)"
    assert facts["Skill area"] == "All skill areas"
    assert isinstance(facts["Generated at (Nairobi)"], datetime.datetime)
    assert facts["Rows"] == 3

    sheet = book["Completions"]
    heading, first = list(sheet.iter_rows(max_row=2))
    assert [c.value for c in heading][:3] == ["Officer", "Personal number", "Organisation"]
    assert all(c.font.b for c in heading)
    assert not first[0].font.b
    assert first[0].value == "Achieng"
    # Dates are dates (shown as such), numbers are numbers.
    assert first[10].value == datetime.datetime(2026, 1, 1)
    assert first[10].is_date and first[10].number_format == "yyyy-mm-dd"
    assert (first[11].value, first[12].value) == (90, 20)
    assert first[11].data_type == "n"


def test_xlsx_neutralises_formulas(evil_world, hr_ict):
    book = workbook(build(hr_ict, q1(evil_world), format=Format.XLSX))
    cells = [row[0] for row in book["Completions"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["'-1+1", "'" + EVIL, "'+254700000000"]
    assert all(c.data_type == "s" for c in cells), "text, never a formula"
    untrained = workbook(build(hr_ict, q1(evil_world), Kind.NO_TRAINING, Format.XLSX))
    row = [c.value for c in next(untrained["No training"].iter_rows(min_row=2))]
    assert row[0] == "'@SUM(A1:A9)"
    assert row[4] == "'\tTab-led"


def test_xlsx_summary_sets_its_totals_row_in_bold(world, hr_ict):
    book = workbook(build(hr_ict, q1(world), Kind.SUMMARY, Format.XLSX))
    rows = list(book["Summary"].iter_rows(min_row=2))
    assert [c.value for c in rows[-1]][2:] == [4, 3, 3, 80]
    assert all(c.font.b for c in rows[-1])
    assert not any(c.font.b for c in rows[0])


def test_xlsx_status_report_has_dates_and_times(world, hr_ict):
    book = workbook(build(hr_ict, q1(world), Kind.ENROLMENT_STATUS, Format.XLSX))
    row = next(book["Enrolment status"].iter_rows(min_row=2))
    assert row[6].value == datetime.datetime(2026, 3, 30)
    assert row[11].is_date and row[11].number_format == "yyyy-mm-dd h:mm:ss"


# --- PDF --------------------------------------------------------------------------------------


def pdf_text(run) -> str:
    reader = PdfReader(io.BytesIO(content(run)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_has_the_organisation_filters_headline_and_table(world, hr_ict):
    run = build(hr_ict, q1(world, skill_area=world.planning), format=Format.PDF)
    text = pdf_text(run)
    assert content(run).startswith(b"%PDF-")
    assert world.ministry.name in text
    assert "2026-01-01 to 2026-03-31" in text
    assert "Digital Planning and Design" in text
    for name in ("Wanjiku", "Kamau"):
        assert name in text
    assert "Achieng" not in text  # a completion of the other skill area
    # The dashboard's headline for the same filters.
    assert "Officers registered" in text and "Completion rate" in text
    assert "66.7 %" in text  # 2 completions of 3 results in Digital Planning and Design


def test_the_summary_pdf_ends_with_its_totals(world, hr_ict):
    text = pdf_text(build(hr_ict, q1(world), Kind.SUMMARY, Format.PDF))
    assert f"Total: {world.ministry.name}" in text
    assert "each officer once" in text


def test_the_pdf_has_the_dashboards_charts_for_the_same_filters(world, hr_ict):
    text = pdf_text(build(hr_ict, q1(world), format=Format.PDF))
    for title in (
        "Completions by sub-unit",
        "Completions by skill area and level",
        "Completions and seats, month by month",
    ):
        assert title in text
    assert "State Department for ICT and Digital Economy" in text  # a bar of the first chart


# --- Memory -----------------------------------------------------------------------------------


def synthetic(n: int) -> Table:
    def rows():
        day = datetime.date(2026, 1, 1)
        for i in range(n):
            yield (f"Officer number {i}", f"2026{i:06d}", "=cmd", day, i)

    return Table(
        kind="completions",
        title="Completions",
        columns=[
            Column("Officer"),
            Column("Personal number"),
            Column("Note"),
            Column("Day", Type.DATE),
            Column("N", Type.NUMBER),
        ],
        count=lambda: n,
        rows=rows,
    )


def peak_bytes(format: str, n: int, tmp_path) -> int:
    about = About("Completions", "Ministry", [], datetime.datetime(2026, 1, 1))
    with open(tmp_path / f"{format}-{n}", "wb") as out:
        tracemalloc.start()
        try:
            write(format, synthetic(n), out, about=about, progress=lambda done: None)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


@pytest.mark.parametrize(("format", "rows"), [(Format.CSV, 2_000), (Format.XLSX, 500)])
def test_memory_stays_flat_however_many_rows(format, rows, tmp_path):
    small = peak_bytes(format, rows, tmp_path)
    big = peak_bytes(format, rows * 20, tmp_path)
    # Twenty times the rows, nowhere near twenty times the memory.
    assert big < small * 2 + 512 * 1024, (small, big)


@pytest.mark.postgres
def test_postgresql_writes_the_same_csv_as_python_does(evil_world, hr_ict, monkeypatch):
    """On PostgreSQL the completions CSV is the database's COPY, neutralised in SQL: byte for
    byte what the rows through Python give (formulas, quotes, commas, empty cells)."""
    world = evil_world
    world.officers.kamau.full_name = 'Kamau "KK", Jr'
    world.officers.kamau.save()
    from reports.tables import table_for
    from reports.writers import write_csv

    def csv_of(table):
        out = io.BytesIO()
        rows = write_csv(table, out, about=None, progress=lambda done: None)
        return rows, out.getvalue()

    by_copy = csv_of(table_for(Kind.COMPLETIONS, q1(world)))
    through_python = table_for(Kind.COMPLETIONS, q1(world))
    through_python.queryset = None  # no query: the rows go through Python
    assert by_copy == csv_of(through_python)
    rows, data = by_copy
    assert rows == 3
    lines = read_csv(data)
    assert [line[0] for line in lines[1:]] == ["'-1+1", "'" + EVIL, 'Kamau "KK", Jr']
    assert lines[1][-1] == ""  # no certificate yet: an empty cell
