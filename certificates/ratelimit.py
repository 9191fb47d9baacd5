"""Verification is rate-limited per client address, counted in the shared cache (Redis in
production), so the limit holds across every web process.

The project's only other rate limits are allauth's, for signing in; they are configured per
allauth action. This is the same idea for the public verification page, its API and its
upload: a fixed window per address (``CERTIFICATE_VERIFY_RATE``, default 60 a minute), with the
client address found as allauth finds it (``ALLAUTH_TRUSTED_PROXY_COUNT`` behind a proxy).
"""

from __future__ import annotations

import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

DEFAULT_RATE = (60, 60)  # requests, seconds


def rate() -> tuple[int, int]:
    return getattr(settings, "CERTIFICATE_VERIFY_RATE", DEFAULT_RATE)


def client_address(request) -> str:
    # allauth refuses (PermissionDenied) a request whose address it can't find, such as one
    # reaching gunicorn over a Unix socket without REMOTE_ADDR: verification is public, so such
    # callers share one "unknown" count instead of being turned away with a 403.
    try:
        return get_adapter().get_client_ip(request) or "unknown"
    except PermissionDenied:
        return "unknown"


def allow(request, scope: str = "verify") -> bool:
    """Count one request of the client; False once it is over the limit for this window."""
    amount, seconds = rate()
    window = int(time.time() // seconds)
    key = f"certificates:rl:{scope}:{client_address(request)}:{window}"
    # add() is atomic and sets the first count; incr() is atomic on Redis and the other caches.
    if cache.add(key, 1, timeout=seconds + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=seconds + 1)
        return True
    return count <= amount


def retry_after() -> int:
    """Seconds until the current window ends."""
    seconds = rate()[1]
    return max(1, int(seconds - time.time() % seconds))
