"""Template helpers of the "Sessions" page (allauth.usersessions' list, drawn by the portal)."""

import re

from django import template
from django.utils.translation import gettext as _

from academy import sessions

register = template.Library()

# The first match wins: Edge and Opera also call themselves Chrome, Chrome calls itself Safari.
_BROWSERS = [
    (r"Edg(e|A|iOS)?/", "Edge"),
    (r"OPR/|Opera", "Opera"),
    (r"SamsungBrowser/", "Samsung Internet"),
    (r"Firefox/|FxiOS/", "Firefox"),
    (r"Chrome/|CriOS/|Chromium/", "Chrome"),
    (r"Safari/", "Safari"),
]
_SYSTEMS = [
    (r"Android", "Android"),
    (r"iPhone|iPad|iPod", "iOS"),
    (r"Windows", "Windows"),
    (r"Mac OS X|Macintosh", "macOS"),
    (r"CrOS", "ChromeOS"),
    (r"Linux", "Linux"),
]


@register.filter
def browser_summary(user_agent: str) -> str:
    """ "Chrome on Windows" from a browser's User-Agent header, so that a session is recognised."""
    browser = next((name for pattern, name in _BROWSERS if re.search(pattern, user_agent)), "")
    system = next((name for pattern, name in _SYSTEMS if re.search(pattern, user_agent)), "")
    if browser and system:
        # Translators: a web browser on an operating system, e.g. "Chrome on Windows".
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown browser")


@register.simple_tag
def session_limits() -> dict:
    """The idle and absolute session limits (academy.sessions) in minutes and hours."""
    return {"idle_minutes": sessions.idle_minutes(), "absolute_hours": sessions.absolute_hours()}
