from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from academy.celery import app as celery_app


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "not healthy"; the probe needs no traceback
        return "error"
    return "ok"


def _broker_state() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # unreachable broker, bad URL, timeout: all "not healthy"
        return "error"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for load balancers: 200 when database and broker answer."""
    state = {"database": _database_state(), "broker": _broker_state()}
    healthy = "error" not in state.values()
    state["status"] = "ok" if healthy else "error"
    return JsonResponse(state, status=200 if healthy else 503)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def bad_request_reason(exception) -> str:
    """What was wrong with a request Django refused before any view saw it: too large a body,
    too many fields or files (SuspiciousOperation, answered with a 400), or something else."""
    if isinstance(exception, RequestDataTooBig):
        return _(
            "The form sent more than %(limit)s of text. Shorten it, or send files as attachments."
        ) % {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    if isinstance(exception, TooManyFieldsSent):
        return _("The form sent more than %(limit)s fields. Send it in smaller parts.") % {
            "limit": f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,}"
        }
    if isinstance(exception, TooManyFilesSent):
        return _("The form sent more than %(limit)s files. Send fewer at a time.") % {
            "limit": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    return _("The request could not be understood. Go back and try again.")


def bad_request(request, exception):
    reason = bad_request_reason(exception)
    if _wants_json(request):
        return JsonResponse({"detail": reason}, status=400)
    return render(request, "400.html", {"reason": reason}, status=400)


def page_not_found(request, exception):
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return render(request, "500.html", status=500)
