"""How long a signed-in session lasts, and which sessions end when a password changes.

Django has one session lifetime (SESSION_COOKIE_AGE, counted from the last save) and allauth
none of its own, so the two limits of the portal live here: a session ends after
SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_ABSOLUTE_TIMEOUT seconds after
sign-in however busy it is. Both times are kept in the session itself, so every web process
sees the same ones.

A changed or reset password ends every other session of the account. Django already refuses
them at their next request (the session holds a hash of the password); ending them here also
removes them from the store and from the "Sessions" page (allauth.usersessions) at once.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import ngettext

SIGNED_IN_AT = "academy_signed_in_at"
LAST_SEEN_AT = "academy_last_seen_at"
# Noting each request would write the session and its row on the "Sessions" page at every
# request; a session seen less than a minute ago is not written again. The idle limit and the
# "last active" time are thus exact to a minute.
_TOUCH_AFTER_SECONDS = 60


class SessionTimeoutMiddleware:
    """Signs out a session idle too long or signed in too long ago, and says why; otherwise
    notes the visit, at most once a minute, in the session and on the "Sessions" page.

    Pages send the user to the sign-in page with a message; the API (session authentication
    only: a token is not a session) answers 401 with a JSON ``detail``.

    It stands in for allauth's UserSessionsMiddleware, which writes the session's row (last
    seen, IP address, browser) at every request: two more queries on every page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = _ended_because(request.session, _now())
            if ended == "touched":
                _track(request)
            elif ended:
                response = _sign_out(request, ended)
                if response is not None:
                    return response
        return self.get_response(request)


def mark_signed_in(sender, request, user, **kwargs) -> None:
    """On ``user_logged_in``: the absolute and idle clocks of the new session start now."""
    if request is not None and hasattr(request, "session"):
        now = _now()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def end_other_sessions(sender, request, user, **kwargs) -> None:
    """On allauth's ``password_changed``, ``password_set`` and ``password_reset``: every
    session of ``user`` but the one making the request is ended and leaves the list."""
    from allauth.usersessions.adapter import get_adapter
    from allauth.usersessions.models import UserSession

    current = request.session.session_key if request is not None else None
    others = UserSession.objects.filter(user_id=user.pk).exclude(session_key=current)
    get_adapter().end_sessions(list(others))


def connect_signals() -> None:
    from allauth.account.signals import password_changed, password_reset, password_set
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(mark_signed_in, dispatch_uid="academy.sessions.mark_signed_in")
    for signal in (password_changed, password_set, password_reset):
        signal.connect(end_other_sessions, dispatch_uid="academy.sessions.end_other_sessions")


def _now() -> float:
    return timezone.now().timestamp()


def _ended_because(session, now: float) -> str | None:
    """Why the session is over ("idle", "absolute"); "touched" when this visit was noted in
    the session (the first in a minute); None otherwise."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen_at = session.get(LAST_SEEN_AT)
    if signed_in_at is None or last_seen_at is None:
        # Signed in before these limits existed (or by a path that sends no signal): the
        # clocks start now rather than ending a session whose age is unknown.
        session[SIGNED_IN_AT] = signed_in_at or now
        session[LAST_SEEN_AT] = now
        return "touched"
    if now - signed_in_at >= settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if now - last_seen_at >= settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    if now - last_seen_at >= _TOUCH_AFTER_SECONDS:
        session[LAST_SEEN_AT] = now
        return "touched"
    return None


def _track(request) -> None:
    """The session's row on the "Sessions" page: made at sign-in by allauth, brought up to
    date here (last seen, IP address, browser), or made for a session that has none."""
    from allauth.usersessions.models import UserSession

    if request.session.session_key:
        UserSession.objects.create_from_request(request)


def idle_minutes() -> int:
    """SESSION_IDLE_TIMEOUT as people read it: whole minutes, at least one."""
    return max(settings.SESSION_IDLE_TIMEOUT // 60, 1)


def absolute_hours() -> int:
    """SESSION_ABSOLUTE_TIMEOUT as people read it: whole hours, at least one."""
    return max(settings.SESSION_ABSOLUTE_TIMEOUT // 3600, 1)


def _reason(ended: str) -> str:
    if ended == "idle":
        minutes = idle_minutes()
        return ngettext(
            "You were signed out after %(minutes)d minute without activity. "
            "Sign in again to continue.",
            "You were signed out after %(minutes)d minutes without activity. "
            "Sign in again to continue.",
            minutes,
        ) % {"minutes": minutes}
    hours = absolute_hours()
    return ngettext(
        "You were signed out because you signed in more than %(hours)d hour ago. "
        "Sign in again to continue.",
        "You were signed out because you signed in more than %(hours)d hours ago. "
        "Sign in again to continue.",
        hours,
    ) % {"hours": hours}


def _sign_out(request, ended: str) -> HttpResponse | None:
    from allauth.usersessions.models import UserSession

    message = _reason(ended)
    UserSession.objects.filter(session_key=request.session.session_key).delete()
    logout(request)
    if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" in request.META:
        # The call carries its own credentials (a token): it goes on without the old session.
        return None
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": f"session_{ended}"}, status=401)
        # As DRF answers an unauthenticated request: a token is the way back in.
        response["WWW-Authenticate"] = "Token"
        return response
    messages.info(request, message)
    # Back to the same page after signing in, when it was one to look at; a form sent after
    # the session ended is not sent again.
    if request.method in ("GET", "HEAD"):
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    return redirect(settings.LOGIN_URL)
