"""Baselines: the same rows as the catalogue page and the courses API, one query, no logic.

No filters, no facets, no count for pagination, no permission or serializer machinery: the
cheapest way Django can put those rows on the wire. The portal's views are measured against
these in the same run.
"""

from django.db.models import OuterRef, Subquery
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from courses.models import Cohort, Course


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
