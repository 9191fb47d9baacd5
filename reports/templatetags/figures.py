"""How the reports write their numbers: thousands grouped in every language, and percentages.

Django formats numbers by the active locale, and it has no formats for Kiswahili: there,
``intcomma`` groups nothing ("300000"). Kenyan usage groups thousands with commas in both
languages, so these filters do so whatever the language.
"""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure(value) -> str:
    """A whole number with its thousands grouped: 300,000. Empty for None."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}"


@register.filter
def percent(value) -> str:
    """A share in per cent, to one decimal where it matters: "75%", "33.3%", and for a small
    share that is not zero, "less than 0.1%" rather than a misleading 0. Empty for None."""
    if value is None:
        return ""
    value = float(value)
    if 0 < value < 0.1:
        return _("less than 0.1%")
    text = f"{value:,.1f}".removesuffix(".0")
    return _("%(number)s%%") % {"number": text}
