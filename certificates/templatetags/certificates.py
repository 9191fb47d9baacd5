"""Template helpers of certificates: dates as a certificate prints them, and the officer's
certificates beside their completed enrolments on "My learning"."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date

register = template.Library()


@register.filter
def long_date(value) -> str:
    """'3 March 2026', in the portal's time zone and the active language."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_date(value, "j F Y")


@register.filter
def cohort_dates(certificate) -> str:
    """The cohort's dates as printed: '3 to 7 March 2026', '28 February to 4 March 2026', or one
    day. The months are spelled out in the active language."""
    start, end = certificate.cohort_starts_on, certificate.cohort_ends_on
    if start == end:
        return long_date(start)
    if (start.year, start.month) == (end.year, end.month):
        first = format_date(start, "j")
    elif start.year == end.year:
        first = format_date(start, "j F")
    else:
        first = long_date(start)
    return f"{first} \N{EN DASH} {long_date(end)}"


@register.simple_tag
def certificates_of_completed(enrollments) -> list[tuple]:
    """(enrolment, its current certificate or None) for each of the completed ``enrollments``
    "My learning" shows, in their order. One query for all of them."""
    from certificates.selectors import current_certificates

    enrollments = list(enrollments)
    certificates = current_certificates(enrollments)
    return [(e, certificates.get(e.pk)) for e in enrollments]
