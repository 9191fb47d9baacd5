"""Building a report file from its ``ReportRun`` row, reading runs, and expiring old files.

``report_build`` claims the run (queued → running; or a running one whose worker stopped
recording progress ``STALE_AFTER`` ago), writes the table to a temporary file through the
writer of its format, recording progress every ``PROGRESS_ROWS`` rows or ``PROGRESS_SECONDS``
seconds, saves the file to storage and marks the run ready, in one transaction with the audit
event of the export and the "your report is ready" e-mail (an outbox row). A message delivered
twice finds the run claimed or done and does nothing. The moment a worker claimed the run
(``started_at``) is its token: a worker whose run was taken over finds its token gone, stops,
and keeps nothing it wrote.

Files are built in the requester's language; the period is of days in Nairobi.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse
from django.utils import formats, timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from academy.audit import audit_record
from courses.models import Level
from reports import emails
from reports.charts import dashboard_charts
from reports.dashboard import Figures, dashboard_for
from reports.models import Format, ReportRun
from reports.services import PDF_MAX_ROWS, pdf_too_big_message, report_filters
from reports.tables import as_local, table_for
from reports.writers import About, write

logger = logging.getLogger(__name__)

Status = ReportRun.Status
STALE_AFTER = timedelta(minutes=5)
# A queued run older than this has lost its message (or waits behind a long queue: a second
# message is harmless, the first to arrive claims the run).
LOST_AFTER = timedelta(minutes=5)
PROGRESS_ROWS = 1000
PROGRESS_SECONDS = 0.5

CONTENT_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.PDF: "application/pdf",
}


class ReportFailed(Exception):
    """A build that can't succeed, with a message for the reader."""


class _TakenOver(Exception):
    """Another worker claimed the run (this one was thought dead): stop, keep nothing."""


# --- Building ---------------------------------------------------------------------------------


def report_build(*, run_id: int) -> ReportRun | None:
    """The run's file is written and the run is ready (or failed, with a message saying why);
    None when another worker holds the run or it is finished already."""
    now = timezone.now()
    claimable = Q(status=Status.QUEUED) | Q(status=Status.RUNNING, updated_at__lt=now - STALE_AFTER)
    claimed = ReportRun.objects.filter(claimable, pk=run_id).update(
        status=Status.RUNNING, started_at=now, updated_at=now, rows_done=0
    )
    if not claimed:
        return None
    run = ReportRun.objects.select_related("requested_by", "organisation", "skill_area").get(
        pk=run_id
    )
    mine = ReportRun.objects.filter(pk=run_id, status=Status.RUNNING, started_at=now)
    language = run.requested_by.preferred_language or settings.LANGUAGE_CODE
    try:
        with translation.override(language), tempfile.TemporaryFile() as scratch:
            rows = _write(run, mine, scratch)
            scratch.seek(0)
            return _finish(run, mine, scratch, rows)
    except _TakenOver:
        logger.info("report run %s was taken over by another worker", run_id)
        return None
    except Exception as exc:  # any failure of the build: the run says so, the worker goes on
        logger.exception("report run %s failed", run_id)
        return _fail(run, mine, exc)


def _write(run: ReportRun, mine: QuerySet, scratch) -> int:
    filters = report_filters(run)
    table = table_for(run.kind, filters)
    total = table.count()
    if run.format == Format.PDF and total > PDF_MAX_ROWS:
        # Grown past the cap since it was asked for (or a subscription's PDF).
        raise ReportFailed(pdf_too_big_message(total))
    if not mine.update(rows_total=total, updated_at=timezone.now()):
        raise _TakenOver
    about = About(
        title=table.title,
        organisation=run.organisation.name if run.organisation else _("All organisations"),
        filters=describe_filters(run),
        generated_at=as_local(timezone.now()),
        rows=total,
    )
    if run.format == Format.PDF:
        # The PDF opens with the dashboard of the same filters: its headline and charts.
        dashboard = dashboard_for(filters)
        about.headline = _headline(dashboard.totals)
        about.charts = dashboard_charts(dashboard)
    return write(run.format, table, scratch, about=about, progress=_Progress(mine))


def _finish(run: ReportRun, mine: QuerySet, scratch, rows: int) -> ReportRun | None:
    run.file.save(filename(run), File(scratch), save=False)
    now = timezone.now()
    with transaction.atomic():
        done = mine.update(
            status=Status.READY,
            file=run.file.name,
            file_size=run.file.size,
            rows_done=rows,
            rows_total=rows,
            finished_at=now,
            updated_at=now,
            expires_at=now + timedelta(days=settings.REPORT_FILES_EXPIRE_DAYS),
            error="",
        )
        if done:
            run.refresh_from_db()
            _exported(run, rows)
    if not done:
        run.file.storage.delete(run.file.name)
        raise _TakenOver
    return run


def _exported(run: ReportRun, rows: int) -> None:
    """Every export is audited (who, which filters, how many rows), and the reader told."""
    audit_record(
        actor=run.requested_by,
        action="reports.report.exported",
        target=run,
        data={
            "kind": run.kind,
            "format": run.format,
            "filters": report_filters(run).as_params(),
            "rows": rows,
            "subscription": run.subscription_id,
        },
    )
    emails.report_ready(run)


def _fail(run: ReportRun, mine: QuerySet, exc: Exception) -> ReportRun | None:
    message = (
        str(exc)
        if isinstance(exc, ReportFailed)
        else _("The report could not be built. Ask for it again; if it fails again, tell KSG.")
    )
    now = timezone.now()
    with transaction.atomic():
        if not mine.update(status=Status.FAILED, error=message, finished_at=now, updated_at=now):
            return None
        audit_record(
            actor=run.requested_by,
            action="reports.report.failed",
            target=run,
            data={"kind": run.kind, "format": run.format, "error": f"{type(exc).__name__}"},
        )
        emails.report_failed(run)
    run.refresh_from_db()
    return run


class _Progress:
    """Records the rows written every ``PROGRESS_ROWS`` rows or ``PROGRESS_SECONDS`` seconds,
    whichever comes first; raises ``_TakenOver`` when the run is no longer this worker's."""

    def __init__(self, mine: QuerySet):
        self.mine = mine
        self.recorded = 0
        self.at = time.monotonic()

    def __call__(self, done: int) -> None:
        # Looking at the clock costs more than counting: only every 50 rows.
        if done - self.recorded < PROGRESS_ROWS and (
            done % 50 or time.monotonic() - self.at < PROGRESS_SECONDS
        ):
            return
        if not self.mine.update(rows_done=done, updated_at=timezone.now()):
            raise _TakenOver
        self.recorded, self.at = done, time.monotonic()


def _headline(figures: Figures) -> list[tuple[str, str]]:
    rate = figures.completion_rate
    return [
        (_("Officers registered"), formats.number_format(figures.registered)),
        (_("Officers enrolled"), formats.number_format(figures.enrolled)),
        (_("Officers waiting"), formats.number_format(figures.waiting)),
        (_("Completions"), formats.number_format(figures.completions)),
        (_("Officers completed"), formats.number_format(figures.completed)),
        (
            _("Completion rate"),
            "—" if rate is None else f"{formats.number_format(round(rate, 1), 1)} %",
        ),
        (_("CPD hours"), formats.number_format(figures.cpd_hours)),
        (_("Officers with no training"), formats.number_format(figures.no_training)),
    ]


# --- Describing a run -------------------------------------------------------------------------


def describe_filters(run: ReportRun) -> list[tuple[str, str]]:
    """The run's filters as (label, value) pairs, in the active language."""
    date = "%Y-%m-%d"
    return [
        (
            _("Organisation"),
            _("%(name)s, with its sub-units") % {"name": run.organisation.name}
            if run.organisation
            else _("All organisations (national)"),
        ),
        (
            _("Period"),
            _("%(start)s to %(end)s (days in Nairobi)")
            % {"start": run.date_from.strftime(date), "end": run.date_to.strftime(date)},
        ),
        (
            _("Skill area"),
            run.skill_area.local_name if run.skill_area else _("All skill areas"),
        ),
        (_("Level"), str(Level(run.level).label) if run.level else _("All levels")),
    ]


def filename(run: ReportRun) -> str:
    """A safe, telling file name: ``completions-ministry-ict-2026-01-01-2026-03-31.xlsx``."""
    scope = run.organisation.slug if run.organisation else "national"
    parts = [run.kind, scope, run.date_from.isoformat(), run.date_to.isoformat()]
    if run.skill_area:
        parts.insert(2, run.skill_area.slug)
    if run.level:
        parts.insert(-2, run.level)
    name = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    return f"{name}.{run.format}"


def file_download(run: ReportRun) -> FileResponse:
    """The run's file as an attachment with a telling name (the page's download and the API's
    alike): kept by no shared cache, and never sniffed as another type."""
    response = FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=filename(run),
        content_type=CONTENT_TYPES[run.format],
    )
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Sweeps (beat) ------------------------------------------------------------------------------


def lost_run_ids() -> list[int]:
    """Runs whose message or worker was lost: queued for ``LOST_AFTER``, or running without
    progress for ``STALE_AFTER``."""
    now = timezone.now()
    return list(
        ReportRun.objects.filter(
            Q(status=Status.QUEUED, created_at__lt=now - LOST_AFTER)
            | Q(status=Status.RUNNING, updated_at__lt=now - STALE_AFTER)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def expire_files(now=None) -> int:
    """Every ready run past its ``expires_at`` has lost its file and is expired; how many."""
    now = now or timezone.now()
    expired = 0
    for pk in ReportRun.objects.filter(status=Status.READY, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            run = (
                ReportRun.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Status.READY)
                .first()
            )
            if run is None:
                continue
            name = run.file.name
            ReportRun.objects.filter(pk=pk).update(
                status=Status.EXPIRED, file="", updated_at=timezone.now()
            )
            if name:
                storage = run.file.storage
                transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
            expired += 1
    return expired
