"""Asking for a report file: the one write a person makes; the build is ``reports.runs``.

``report_request`` writes a ``ReportRun`` row and, once that commits, nudges a worker
(``reports.tasks.build_report``). The row comes first, so a broker that is down loses nothing
(the sweep of ``reports.tasks.resume_reports`` nudges again) and turns no request into an error
page. The same request of the same person while one is queued or being built gets that run
back: the partial unique index on ``ReportRun.fingerprint`` holds this under concurrency too.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from academy.audit import audit_record
from academy.models import User
from reports import selectors
from reports.filters import ReportFilters
from reports.models import Format, Kind, ReportRun, ReportSubscription
from reports.tables import table_for

logger = logging.getLogger(__name__)

# A PDF prints every row on A4 pages: past this many rows it is a book nobody reads, and
# WeasyPrint takes minutes and a lot of memory to lay it out. Bigger reports are for CSV or XLSX.
PDF_MAX_ROWS = 5000


class ReportRefused(Exception):
    """No report for this request; ``code`` says which rule, ``message`` why (for the reader)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def report_request(
    *,
    by: User,
    filters: ReportFilters,
    kind: str,
    format: str,
    subscription: ReportSubscription | None = None,
) -> tuple[ReportRun, bool]:
    """The person's unfinished run of this very request, or a new one queued for a worker; and
    whether it is new.

    ``by`` must be allowed to report on the filters' organisation (the whole public service:
    KSG staff only); a PDF is refused past ``PDF_MAX_ROWS`` rows.
    """
    _check(by, filters, kind, format)
    fingerprint = filters.fingerprint(str(by.pk), kind, format)
    existing = _unfinished(fingerprint)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(
                kind=kind,
                format=format,
                organisation=filters.organisation,
                skill_area=filters.skill_area,
                level=filters.level,
                date_from=filters.date_from,
                date_to=filters.date_to,
                requested_by=by,
                subscription=subscription,
                fingerprint=fingerprint,
            )
            audit_record(
                actor=by,
                action="reports.report.requested",
                target=run,
                data={"kind": kind, "format": format, "filters": filters.as_params()},
            )
            pk = run.pk
            # robust: a broker that is down must not turn a committed request into an error
            # page; the row waits for the sweep (reports.tasks.resume_reports).
            transaction.on_commit(lambda: _nudge(pk), robust=True)
    except IntegrityError:
        # Someone (the same person in another tab, or beat) wrote the same request between
        # our look and our insert: theirs is the run.
        existing = _unfinished(fingerprint) or _of_period(subscription, filters)
        if existing is None:
            raise
        return existing, False
    return run, True


def report_filters(run: ReportRun | ReportSubscription, **period) -> ReportFilters:
    """The filters a run was asked with (or a subscription's, for ``period``)."""
    return ReportFilters(
        organisation=run.organisation,
        date_from=period.get("date_from", getattr(run, "date_from", None)),
        date_to=period.get("date_to", getattr(run, "date_to", None)),
        skill_area=run.skill_area,
        level=run.level,
    )


def pdf_too_big_message(rows: int) -> str:
    return _(
        "This report has %(rows)s rows: a PDF is made for up to %(limit)s. Choose CSV or "
        "Excel (XLSX) for it, or narrow the period, organisation or skill area."
    ) % {"rows": f"{rows:,}", "limit": f"{PDF_MAX_ROWS:,}"}


def _check(by: User, filters: ReportFilters, kind: str, format: str) -> None:
    if kind not in Kind.values:
        raise ReportRefused("unknown_kind", _("Choose one of the reports offered."))
    if format not in Format.values:
        raise ReportRefused("unknown_format", _("Choose CSV, Excel (XLSX) or PDF."))
    if filters.date_from > filters.date_to:
        raise ReportRefused("period", _("The end of the period is before its start."))
    if filters.organisation is None:
        if not selectors.may_report_nationally(by):
            raise ReportRefused(
                "not_national", _("Only KSG staff report on the whole public service.")
            )
    elif not selectors.reportable_organisations(by).filter(pk=filters.organisation.pk).exists():
        raise ReportRefused(
            "not_yours", _("You may not pull reports on this organisation's officers.")
        )
    if format == Format.PDF:
        rows = table_for(kind, filters).count()
        if rows > PDF_MAX_ROWS:
            raise ReportRefused("pdf_too_big", pdf_too_big_message(rows))


def _unfinished(fingerprint: str) -> ReportRun | None:
    return ReportRun.objects.filter(
        fingerprint=fingerprint, status__in=ReportRun.UNFINISHED
    ).first()


def _of_period(subscription: ReportSubscription | None, filters: ReportFilters) -> ReportRun | None:
    if subscription is None:
        return None
    return ReportRun.objects.filter(subscription=subscription, date_from=filters.date_from).first()


def _nudge(pk: int) -> None:
    from reports.tasks import build_report

    build_report.delay(pk)


def completions_read(*, by: User, filters: ReportFilters, rows: int) -> None:
    """A page of completions read over the API is an export of personal data: audited like
    a file (who, which filters, how many rows)."""
    audit_record(
        actor=by,
        action="reports.completions.read",
        data={"filters": filters.as_params(), "rows": rows},
    )
