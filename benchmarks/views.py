"""Baselines: the same rows as the catalogue page and the courses API, one query, no logic;
an enrolment endpoint that inserts one row per request with no checks; and a bare view that
answers without touching the database (the load benchmark's floor).

No filters, no facets, no count for pagination, no permission or serializer machinery: the
cheapest way Django can put those rows on the wire. The portal's views are measured against
these in the same run.
"""

from django.db.models import OuterRef, Subquery
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from courses.models import Cohort, Course
from enrollments.models import Enrollment


def _rows(limit):
    today = timezone.localdate()
    next_cohort = Cohort.objects.filter(
        course=OuterRef("pk"), status=Cohort.Status.SCHEDULED, starts_on__gte=today
    ).order_by("starts_on")
    return list(
        Course.objects.filter(is_published=True)
        .annotate(
            next_starts_on=Subquery(next_cohort.values("starts_on")[:1]),
            next_capacity=Subquery(next_cohort.values("capacity")[:1]),
        )
        .order_by("title")
        .values(
            "code",
            "title",
            "summary",
            "level",
            "delivery_mode",
            "cpd_hours",
            "duration_days",
            "skill_area__name",
            "next_starts_on",
            "next_capacity",
        )[:limit]
    )


def baseline_catalogue(request):
    return render(request, "bench/baseline_catalogue.html", {"rows": _rows(12)})


def baseline_courses_json(request):
    return JsonResponse({"results": _rows(20)})


@csrf_exempt
@require_POST
def baseline_enrol(request, cohort_id):
    """One enrolment row per request and nothing else: no cohort lock, no seat count, no rules,
    no waiting list, no audit event, no e-mail. The officer is found by the same token lookup
    the API's TokenAuthentication does, so both sides pay for authentication."""
    key = request.headers.get("Authorization", "").removeprefix("Token ").strip()
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None:
        return JsonResponse({"detail": "unknown token"}, status=401)
    enrollment = Enrollment.objects.create(
        officer=token.user,
        cohort_id=cohort_id,
        course_id=_course_of(cohort_id),
        state=Enrollment.State.ENROLLED,
    )
    return JsonResponse({"id": enrollment.pk, "state": enrollment.state}, status=201)


_courses_of_cohorts: dict[int, int] = {}


def _course_of(cohort_id: int) -> int:
    """The cohort's course, which each enrolment row holds, read once per process: the
    baseline stays one INSERT per request once warm."""
    if cohort_id not in _courses_of_cohorts:
        _courses_of_cohorts[cohort_id] = Cohort.objects.values_list("course_id", flat=True).get(
            pk=cohort_id
        )
    return _courses_of_cohorts[cohort_id]


@require_http_methods(["GET", "POST"])
def baseline_bare(request):
    """The floor of the load benchmark: Django's whole middleware stack (session cookie, CSRF
    check of a POST) and nothing else: no database query, no template. A GET sets the CSRF
    cookie, as a page with a form does."""
    get_token(request)
    return HttpResponse("ok", content_type="text/plain")
