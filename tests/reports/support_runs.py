"""Helpers of the report file tests: the filters of the first quarter of 2026 on ``world``,
certificates without a PDF, and reading a file back."""

from __future__ import annotations

import csv
import io

from certificates.models import Certificate
from reports.filters import ReportFilters


def q1(world, organisation="ministry", **extra) -> ReportFilters:
    return ReportFilters(
        organisation=getattr(world, organisation) if organisation else None,
        date_from=world.date_from,
        date_to=world.date_to,
        **extra,
    )


def certificate(enrollment, serial: str, status=Certificate.Status.VALID, **extra) -> Certificate:
    """A certificate row as issuing leaves it, without rendering a PDF."""
    cohort, course = enrollment.cohort, enrollment.cohort.course
    return Certificate.objects.create(
        enrollment=enrollment,
        serial=serial,
        status=status,
        officer_name=enrollment.officer.full_name,
        course_code=course.code,
        course_title=course.title,
        skill_area=course.skill_area.name,
        level=course.level,
        cpd_hours=course.cpd_hours,
        provider="Kenya School of Government",
        cohort_code=cohort.code,
        cohort_starts_on=cohort.starts_on,
        cohort_ends_on=cohort.ends_on,
        **extra,
    )


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "a byte order mark, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def url_names(namespace: str) -> set[str]:
    """The names of every URL in ``namespace``: each test module classifies its own."""
    from django.urls import URLPattern, get_resolver

    return {
        entry.name
        for entry in get_resolver().url_patterns
        if getattr(entry, "namespace", None) == namespace
        for entry in entry.url_patterns
        if isinstance(entry, URLPattern)
    }
