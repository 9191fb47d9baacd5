"""Attendance and results in words: an enrolment's standing (``results.Standing``, which the
views compute) against its course's rule."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext, ngettext

from enrollments import results

register = template.Library()


@register.filter
def percent_label(value: float) -> str:
    """'80%', '66.7%'."""
    return gettext("%(percent)s%%") % {"percent": floatformat(value, -1)}


@register.filter
def attendance_label(standing: results.Standing) -> str:
    """'4 of 5 days (80%)'."""
    return ngettext(
        "%(present)d of %(count)d day (%(percent)s)",
        "%(present)d of %(count)d days (%(percent)s)",
        standing.session_days,
    ) % {
        "present": standing.present_days,
        "count": standing.session_days,
        "percent": percent_label(standing.attendance_percent),
    }


@register.filter
def rule_verdict(standing: results.Standing) -> str:
    """What the course's rule decides, and why when it is not a completion."""
    if standing.score_missing:
        return gettext("No decision yet: the score is missing (pass mark %(mark)d).") % {
            "mark": standing.pass_mark
        }
    if standing.completes:
        return gettext("Completed")
    reasons = []
    if not standing.attendance_met:
        reasons.append(
            gettext("attendance %(percent)s, below the minimum of %(minimum)d%%")
            % {
                "percent": percent_label(standing.attendance_percent),
                "minimum": standing.min_attendance,
            }
        )
    if not standing.score_met:
        reasons.append(
            gettext("score %(score)d, below the pass mark of %(mark)d")
            % {"score": standing.score, "mark": standing.pass_mark}
        )
    return gettext("Not completed: %(reasons)s") % {"reasons": "; ".join(reasons)}


@register.filter
def completion_rule(cohort) -> str:
    """The course's completion rule for this cohort, in a sentence."""
    course = cohort.course
    values = {
        "minimum": course.min_attendance_percent,
        "days": len(cohort.session_days()),
        "mark": course.pass_mark,
    }
    if course.pass_mark is None:
        return (
            gettext(
                "Present on at least %(minimum)d%% of the %(days)d session days (the course has "
                "no assessment)."
            )
            % values
        )
    return (
        gettext(
            "Present on at least %(minimum)d%% of the %(days)d session days, and a score of at "
            "least %(mark)d."
        )
        % values
    )
