"""Completion reports at national scale, each against a baseline measured in the same run.

    uv run --frozen python benchmarks/reports.py [--rounds 5]

On the national data set of ``manage.py generate_load_data`` (300 organisations, 200,000
officers, 1,000,000 enrolments, 500,000 completions; made first when the database has no
officers), in one process on PostgreSQL:

- **organisation dashboard**: ``reports.dashboard.dashboard_for`` for a large ministry (with its
  sub-units) against hand-written SQL computing the same aggregates, one statement per figure
  or breakdown, sent through a plain cursor. Target: at most 2x, and under a second.
- **national dashboard**: the same for every organisation. Target: at most 2x its SQL.
- **CSV export** of all 500,000 completions (``reports.writers.write_csv`` of the completions
  table, to a file) against PostgreSQL's own ``COPY (the same query) TO STDOUT`` into a file.
  Target: at least half its rows per second. Memory: how much a fresh process's resident
  memory grows (sampled every 10 ms) exporting 100,000 and 500,000 rows; constant memory means
  the same growth for both.
- **XLSX** of 100,000 completions (``reports.writers`` in write-only mode) against openpyxl's
  write-only mode writing the same rows as the query gives them; the memory growth of a fresh
  process for 20,000 and 100,000 rows of each.

Rounds alternate baseline and portal, so that the machine's drifting speed affects both alike;
the report quotes medians and ratios. The dashboards' figures are compared with the SQL's, and
the export's row counts with COPY's: a benchmark of wrong numbers would prove nothing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
RESULTS_DIR = BASE_DIR / "benchmarks" / "results"

DATABASE_URL = os.environ.get(
    "BENCH_REPORTS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/academy_load"
)
# Every completion of the data set lies in this period.
EVERYTHING = (datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))
XLSX_ROWS = 100_000
TARGET_DASHBOARD_RATIO = 2.0
TARGET_CSV_RATIO = 0.5


def setup_django(database_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "academy.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "False",
            "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "",
            "OPEN_BADGES_SIGNING_KEY": "",
        }
    )
    import django

    django.setup()


def ensure_data(database_url: str) -> dict:
    """The national data set: made here when the database has no officers yet."""
    from django.core.management import call_command

    from academy.models import OfficerProfile
    from enrollments.models import Enrollment

    call_command("migrate", verbosity=0)
    if not OfficerProfile.objects.exists():
        print("Generating the national data set (generate_load_data)…", flush=True)
        call_command("generate_load_data")
    return {
        "officers": OfficerProfile.objects.count(),
        "enrolments": Enrollment.objects.count(),
        "completions": Enrollment.objects.filter(state="completed").count(),
    }


def alternate(baseline, portal, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds of each, ``rounds`` times, alternating which goes first."""
    base, mine = [], []
    for i in range(rounds):
        pair = [(baseline, base), (portal, mine)]
        for work, times in pair if i % 2 == 0 else reversed(pair):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
    return base, mine


def summary(base: list[float], mine: list[float], **extra) -> dict:
    b, m = statistics.median(base), statistics.median(mine)
    return {
        "baseline_s": [round(x, 4) for x in base],
        "portal_s": [round(x, 4) for x in mine],
        "baseline_median_s": round(b, 4),
        "portal_median_s": round(m, 4),
        "ratio": round(m / b, 2),
        **extra,
    }


# --- Exports ------------------------------------------------------------------------------------


def national_filters():
    from reports.filters import ReportFilters

    return ReportFilters(organisation=None, date_from=EVERYTHING[0], date_to=EVERYTHING[1])


def completions_table(limit: int | None = None):
    """The completions report's table for every organisation; ``limit`` rows of it."""
    import itertools

    from reports.models import Kind
    from reports.tables import table_for

    table = table_for(Kind.COMPLETIONS, national_filters())
    if limit is not None:
        rows = table.rows
        table.rows = lambda: itertools.islice(rows(), limit)
        table.queryset = table.queryset[:limit]
    return table


def about(table):
    from django.utils import timezone

    from reports.writers import About

    return About(
        title=table.title,
        organisation="All organisations",
        filters=[],
        generated_at=timezone.localtime().replace(tzinfo=None),
    )


def portal_export(format: str, limit: int | None = None) -> int:
    """The portal writing the completions report to a scratch file; rows written."""
    from reports.writers import write

    table = completions_table(limit)
    with tempfile.TemporaryFile() as out:
        return write(format, table, out, about=about(table), progress=lambda done: None)


def copy_export(limit: int | None = None) -> int:
    """PostgreSQL's COPY of the completions report's query, as CSV, into a scratch file."""
    from django.db import connection
    from psycopg import ClientCursor

    queryset = completions_table(limit).queryset
    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    raw = connection.connection
    statement = ClientCursor(raw).mogrify(sql, params)
    lines = 0
    copy_sql = f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, HEADER)"
    with tempfile.TemporaryFile() as out, raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for data in copy:
            out.write(data)
            lines += bytes(data).count(b"\n")
    return lines - 1  # the heading (no value of the report has a line break)


def openpyxl_export(limit: int) -> int:
    """openpyxl's write-only mode writing the query's rows as they come: the XLSX baseline."""
    from openpyxl import Workbook

    queryset = completions_table(limit).queryset
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    rows = 0
    for row in queryset.iterator(chunk_size=2000):
        # openpyxl takes no time zones: the moments as naive, as the portal's writer has them.
        sheet.append(
            [v.replace(tzinfo=None) if isinstance(v, datetime.datetime) else v for v in row]
        )
        rows += 1
    with tempfile.TemporaryFile() as out:
        workbook.save(out)
    return rows


def peak_rss(what: str, rows: int) -> dict:
    """The peak memory of a fresh process doing ``what`` for ``rows`` rows."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", what, str(rows), "--database-url", DATABASE_URL],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def rss_mib() -> float:
    """This process's resident memory now (not its high-water mark: Django's start-up is higher
    than an export's peak would ever show)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def child(what: str, rows: int) -> None:
    """Run one export in this fresh process, sampling its memory every 10 ms."""
    import threading

    setup_django(DATABASE_URL)
    work = {
        "csv": lambda: portal_export("csv", rows),
        "xlsx": lambda: portal_export("xlsx", rows),
        "openpyxl": lambda: openpyxl_export(rows),
    }[what]
    before = rss_mib()
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.wait(0.01):
            peak[0] = max(peak[0], rss_mib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    written = work()
    done.set()
    sampler.join()
    peak[0] = max(peak[0], rss_mib())
    print(
        json.dumps(
            {
                "rows": written,
                "before_mib": round(before, 1),
                "peak_mib": round(peak[0], 1),
                "growth_mib": round(peak[0] - before, 1),
            }
        )
    )


def exports(rounds: int) -> dict:
    rows = {}

    def base():
        rows["copy"] = copy_export()

    def mine():
        rows["portal"] = portal_export("csv")

    base_s, mine_s = alternate(base, mine, rounds)
    if rows["copy"] != rows["portal"]:
        raise SystemExit(f"CSV rows differ: COPY {rows['copy']}, portal {rows['portal']}")
    n = rows["portal"]
    csv = summary(base_s, mine_s, rows=n)
    csv["baseline_rows_per_s"] = round(n / csv["baseline_median_s"])
    csv["portal_rows_per_s"] = round(n / csv["portal_median_s"])
    csv["rows_per_s_ratio"] = round(csv["portal_rows_per_s"] / csv["baseline_rows_per_s"], 2)
    csv["memory"] = {"100000": peak_rss("csv", 100_000), str(n): peak_rss("csv", n)}
    print(
        f"CSV of {n:,} completions: COPY {csv['baseline_rows_per_s']:,} rows/s, portal "
        f"{csv['portal_rows_per_s']:,} rows/s ({csv['rows_per_s_ratio']}x; target ≥ "
        f"{TARGET_CSV_RATIO}); memory grew by {csv['memory']['100000']['growth_mib']} MiB for "
        f"100,000 rows, {csv['memory'][str(n)]['growth_mib']} MiB for {n:,}",
        flush=True,
    )

    def base_xlsx():
        rows["openpyxl"] = openpyxl_export(XLSX_ROWS)

    def mine_xlsx():
        rows["xlsx"] = portal_export("xlsx", XLSX_ROWS)

    base_s, mine_s = alternate(base_xlsx, mine_xlsx, max(1, rounds // 2))
    xlsx = summary(base_s, mine_s, rows=rows["xlsx"])
    xlsx["memory"] = {
        name: {str(n): peak_rss(name, n) for n in (20_000, XLSX_ROWS)}
        for name in ("openpyxl", "xlsx")
    }
    memory = xlsx["memory"]
    print(
        f"XLSX of {XLSX_ROWS:,} completions: openpyxl write-only {xlsx['baseline_median_s']} s, "
        f"portal {xlsx['portal_median_s']} s ({xlsx['ratio']}x); memory growth for 20,000 → "
        f"100,000 rows: openpyxl {memory['openpyxl']['20000']['growth_mib']} → "
        f"{memory['openpyxl'][str(XLSX_ROWS)]['growth_mib']} MiB, portal "
        f"{memory['xlsx']['20000']['growth_mib']} → "
        f"{memory['xlsx'][str(XLSX_ROWS)]['growth_mib']} MiB",
        flush=True,
    )
    return {"csv": csv, "xlsx": xlsx}


# --- Dashboards ---------------------------------------------------------------------------------

# The dashboard's aggregates written by hand, as one would without the ORM: the officers and the
# enrolments of the period read once each, each breakdown a grouping set of one GROUP BY per
# side (officers, enrolments), the months apart. %(prefix)s is the organisation's path with a
# LIKE wildcard ('%' nationally); KSG and partners have no officers to count.
HAND_SQL = """
WITH officers AS MATERIALIZED (
    SELECT p.user_id, p.created_at, p.job_group, p.gender, c.name AS county,
           substr(o.path, 1, %(unit_length)s) AS unit
    FROM academy_officerprofile p
    JOIN academy_organisation o ON o.id = p.organisation_id
    JOIN academy_county c ON c.id = p.duty_station_id
    WHERE o.path LIKE %(prefix)s AND o.kind NOT IN ('academy', 'partner')
), flagged AS (
    SELECT e.officer_id, f.unit, f.job_group, f.gender, f.county,
           k.skill_area_id, k.level, k.cpd_hours,
           date_trunc('month', greatest(h.starts_on, %(date_from)s::date))::date AS seat_month,
           date_trunc('month', e.result_recorded_at AT TIME ZONE 'Africa/Nairobi')::date
               AS result_month,
           h.starts_on <= %(date_to)s AND h.ends_on >= %(date_from)s AS in_period,
           e.state,
           e.result_recorded_at >= %(starts_at)s AND e.result_recorded_at < %(ends_before)s
               AS recorded_in_period
    FROM enrollments_enrollment e
    JOIN officers f ON f.user_id = e.officer_id
    JOIN courses_cohort h ON h.id = e.cohort_id
    JOIN courses_course k ON k.id = e.course_id
), period AS MATERIALIZED (
    SELECT *,
           in_period AND state IN ('enrolled', 'completed', 'not_completed') AS seat,
           in_period AND state IN ('requested', 'approved', 'waitlisted') AS waiting,
           recorded_in_period AND state IN ('completed', 'not_completed') AS result,
           recorded_in_period AND state = 'completed' AS completion
    FROM flagged
    WHERE in_period OR recorded_in_period
), trained AS (
    SELECT DISTINCT officer_id FROM period WHERE seat OR completion
)
SELECT 'officers', o.unit, o.job_group, o.gender, o.county, NULL::bigint, NULL::text, NULL::date,
       count(*), count(*) FILTER (WHERE t.officer_id IS NULL), 0, 0, 0, 0, 0, 0, 0
FROM officers o LEFT JOIN trained t ON t.officer_id = o.user_id
WHERE o.created_at < %(ends_before)s
GROUP BY GROUPING SETS ((), (o.unit), (o.job_group), (o.gender), (o.county))
UNION ALL
SELECT 'enrolments', unit, job_group, gender, county, skill_area_id, level, NULL::date, 0, 0,
       count(DISTINCT officer_id) FILTER (WHERE seat), count(*) FILTER (WHERE seat),
       count(DISTINCT officer_id) FILTER (WHERE waiting), count(*) FILTER (WHERE result),
       count(*) FILTER (WHERE completion), count(DISTINCT officer_id) FILTER (WHERE completion),
       coalesce(sum(cpd_hours) FILTER (WHERE completion), 0)
FROM period
GROUP BY GROUPING SETS ((), (unit), (job_group), (gender), (county), (skill_area_id, level))
UNION ALL
SELECT 'seat_month', NULL, NULL, NULL, NULL, NULL, NULL, seat_month,
       0, 0, 0, count(*) FILTER (WHERE seat), 0, 0, 0, 0, 0
FROM period GROUP BY seat_month
UNION ALL
SELECT 'result_month', NULL, NULL, NULL, NULL, NULL, NULL, result_month,
       0, 0, 0, 0, 0, 0, count(*) FILTER (WHERE completion), 0, 0
FROM period WHERE result_month IS NOT NULL GROUP BY result_month
"""
# The measures of each row of HAND_SQL, in the order of reports.dashboard.Figures.
HAND_MEASURES = [
    "registered",
    "no_training",
    "enrolled",
    "seats",
    "waiting",
    "results",
    "completions",
    "completed",
    "cpd_hours",
]
# What is compared in every breakdown (each breakdown of the dashboard has these).
CHECKED = ["enrolled", "seats", "completions", "completed", "cpd_hours"]


def hand_dashboard(filters) -> list[tuple]:
    """The rows of ``HAND_SQL`` for ``filters``."""
    from django.db import connection, transaction

    organisation = filters.organisation
    params = {
        "prefix": (organisation.path if organisation else "") + "%",
        "unit_length": 4 + (len(organisation.path) if organisation else 0),
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "starts_at": filters.starts_at,
        "ends_before": filters.ends_before,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # As the portal does: compiling these statements costs more than it saves.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(HAND_SQL, params)
        return cursor.fetchall()


def hand_comparable(rows: list[tuple], filters) -> dict:
    """The figures of ``HAND_SQL``'s rows, in the shape of ``dashboard_comparable``."""
    from collections import Counter, defaultdict

    from reports.dashboard import months_of

    groups: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(HAND_MEASURES, 0))
    months: dict = defaultdict(lambda: [0, 0])
    for side, unit, job_group, gender, county, area, level, month, *values in rows:
        if side in ("seat_month", "result_month"):
            months[month][0] += values[HAND_MEASURES.index("seats")]
            months[month][1] += values[HAND_MEASURES.index("completions")]
            continue
        if area is not None or level is not None:
            key = ("skill_area", area, level)
        elif unit is not None:
            key = ("unit", unit)
        elif job_group is not None:
            key = ("job_group", job_group)
        elif gender is not None:
            key = ("gender", gender)
        elif county is not None:
            key = ("county", county)
        else:
            key = ("total",)
        for name, value in zip(HAND_MEASURES, values, strict=True):
            groups[key][name] += value
    comparable = {"total": tuple(groups[("total",)][m] for m in HAND_MEASURES)}
    for breakdown in ("unit", "job_group", "gender", "county", "skill_area"):
        figures = [tuple(g[m] for m in CHECKED) for k, g in groups.items() if k[0] == breakdown]
        comparable[breakdown] = Counter(f for f in figures if any(f))
    comparable["months"] = [
        (month, *months.get(month, [0, 0]))
        for month in months_of(filters.date_from, filters.date_to)
    ]
    return comparable


def dashboard_comparable(dashboard) -> dict:
    """The dashboard's figures: totals, the multiset of each breakdown's rows (labels aside),
    and the months."""
    from collections import Counter

    comparable = {"total": tuple(getattr(dashboard.totals, m) for m in HAND_MEASURES)}
    for breakdown, rows in (
        ("unit", dashboard.by_unit),
        ("job_group", dashboard.by_job_group),
        ("gender", dashboard.by_gender),
        ("county", dashboard.by_county),
        ("skill_area", dashboard.by_skill_area),
    ):
        figures = [tuple(getattr(row.figures, m) for m in CHECKED) for row in rows]
        comparable[breakdown] = Counter(f for f in figures if any(f))
    comparable["months"] = [(m.month, m.seats, m.completions) for m in dashboard.months]
    return comparable


def dashboards(rounds: int) -> dict:
    """The largest and the median ministry, and the national view, over the last whole
    financial year, against ``HAND_SQL``."""
    from academy.models import OfficerProfile, Organisation
    from reports.dashboard import dashboard_for
    from reports.filters import ReportFilters, default_period

    this_year, _today = default_period(datetime.date.today())
    date_from = this_year.replace(year=this_year.year - 1)
    date_to = this_year - datetime.timedelta(days=1)
    ministries = Organisation.objects.filter(depth=1, kind=Organisation.Kind.MINISTRY)
    sizes = sorted(
        (
            (OfficerProfile.objects.filter(organisation__path__startswith=m.path).count(), m)
            for m in ministries
        ),
        key=lambda pair: (-pair[0], pair[1].path),
    )
    cases = [
        ("largest ministry", sizes[0]),
        ("median ministry", sizes[len(sizes) // 2]),
        ("national", (None, None)),
    ]
    results = {}
    for name, (officers, organisation) in cases:
        filters = ReportFilters(organisation=organisation, date_from=date_from, date_to=date_to)
        dashboard = dashboard_for(filters)
        if dashboard_comparable(dashboard) != hand_comparable(hand_dashboard(filters), filters):
            raise SystemExit(f"{name}: the dashboard's figures differ from the SQL's")
        base, mine = alternate(
            lambda f=filters: hand_dashboard(f), lambda f=filters: dashboard_for(f), rounds
        )
        result = results[name] = summary(
            base,
            mine,
            organisation=organisation.name if organisation else "all organisations",
            officers=officers or dashboard.totals.registered,
            period=[date_from.isoformat(), date_to.isoformat()],
            completions=dashboard.totals.completions,
        )
        print(
            f"Dashboard, {name} ({result['organisation'][:45]}, {result['officers']:,} "
            f"officers): SQL {result['baseline_median_s']} s, portal "
            f"{result['portal_median_s']} s ({result['ratio']}x; target ≤ "
            f"{TARGET_DASHBOARD_RATIO})",
            flush=True,
        )
    return results


def main():
    global DATABASE_URL
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    DATABASE_URL = args.database_url
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    setup_django(DATABASE_URL)
    from benchmarks.catalogue import machine

    data = ensure_data(DATABASE_URL)
    print(f"Data: {data}", flush=True)
    results = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average": os.getloadavg(),
        "data": data,
        "rounds": args.rounds,
    }
    results["dashboards"] = dashboards(args.rounds)
    results.update(exports(args.rounds))
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "reports-latest.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"Results in {RESULTS_DIR / 'reports-latest.json'}")


if __name__ == "__main__":
    main()
