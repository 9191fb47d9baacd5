"""Labels the catalogue pages repeat for every course and cohort.

Plain Python filters rather than {% blocktranslate %} blocks: a results page shows each of these
a dozen times or more, and a filter costs a fraction of a template block.
"""

from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

register = template.Library()

DATE_FORMAT = "j M Y"


@register.filter
def days_label(days: int) -> str:
    """'5 days'."""
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


@register.filter
def cpd_hours_label(hours: int) -> str:
    """'30 CPD hours'."""
    return ngettext("%(count)d CPD hour", "%(count)d CPD hours", hours) % {"count": hours}


@register.filter
def course_count_label(count: int) -> str:
    """'12 courses'."""
    return ngettext("%(count)d course", "%(count)d courses", count) % {"count": count}


@register.filter
def seats_label(cohort) -> str:
    """'12 seats left', or 'Full, waiting list' (with a dash) once every seat is taken; HTML."""
    left = cohort.seats_left
    if left:
        text = ngettext("%(count)d seat left", "%(count)d seats left", left) % {"count": left}
        return format_html('<span class="seats-open">{}</span>', text)
    full = gettext("Full – waiting list")  # noqa: RUF001 (the en dash is meant)
    return format_html('<span class="seats-full">{}</span>', full)


@register.filter
def venue(cohort) -> str:
    """The campus where the cohort meets, or 'Online'."""
    return cohort.campus.name if cohort.campus_id else gettext("Online")


@register.filter
def day(value) -> str:
    """A date as '3 Mar 2026', month names in the active language."""
    return format_date(value, DATE_FORMAT) if value else ""


@register.simple_tag
def date_range(start, end) -> str:
    """'3 Mar 2026 to 7 Mar 2026' (with an en dash), or one date when both are the same."""
    if start == end:
        return day(start)
    return f"{day(start)} \N{EN DASH} {day(end)}"


@register.filter
def later_dates_label(cohorts) -> str:
    """'+ 2 later dates' when there are cohorts after the first, else ''."""
    later = len(cohorts) - 1
    if later < 1:
        return ""
    return ngettext("+ %(count)d later date", "+ %(count)d later dates", later) % {"count": later}
