"""The public, read-only catalogue API: skill areas, competencies, courses and cohorts.

Anyone may read these endpoints. Input is only query parameters, checked by the FilterSets of
``courses.filters`` (the same as the catalogue page's); a value they can't use is a 400 with
field errors. Answers, errors included, are JSON.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from courses import selectors
from courses.cache import cached_listing
from courses.filters import CohortFilter, CompetencyFilter, CourseFilter

# --- Output serializers -------------------------------------------------------------------------


class SkillAreaRefOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ProviderOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class CampusOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CompetencyRefOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SkillAreaOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_sw = serializers.CharField(help_text=_("The name in Kiswahili; empty when not given."))
    aliases = serializers.ListField(
        child=serializers.CharField(), help_text=_("Other names the skill area goes by.")
    )
    summary = serializers.CharField()
    summary_sw = serializers.CharField()
    course_count = serializers.IntegerField(help_text=_("Published courses in the skill area."))


class CompetencyOutput(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    skill_area = serializers.CharField(
        source="skill_area.slug", help_text=_("Slug of the competency's skill area.")
    )


class CohortInCourseOutput(serializers.Serializer):
    """A cohort as listed with its course."""

    id = serializers.IntegerField(help_text=_("Enrol with POST /api/v1/cohorts/{id}/enrol/."))
    code = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    campus = CampusOutput(allow_null=True, help_text=_("Null for a cohort that meets online."))
    online = serializers.BooleanField(source="is_online")
    capacity = serializers.IntegerField()
    seats_left = serializers.IntegerField(
        help_text=_("Capacity minus enrolled, completed and not-completed places; never below 0.")
    )
    enrolment_opens_on = serializers.DateField()
    enrolment_closes_on = serializers.DateField()
    status = serializers.CharField()


class CohortOutput(CohortInCourseOutput):
    """A cohort as listed on its own."""

    course = serializers.CharField(source="course.code", help_text=_("Code of the course."))
    course_title = serializers.CharField(source="course.title")


class NextCohortOutput(CohortInCourseOutput):
    """The first of ``course.upcoming`` (see ``selectors.catalogue_courses``), or None."""

    def get_attribute(self, course):
        return course.upcoming[0] if course.upcoming else None


class CourseListOutput(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    skill_area = SkillAreaRefOutput()
    level = serializers.CharField()
    delivery_mode = serializers.CharField()
    duration_days = serializers.IntegerField()
    cpd_hours = serializers.IntegerField()
    provider = ProviderOutput()
    language = serializers.CharField()
    requires_approval = serializers.BooleanField()
    next_cohort = NextCohortOutput(
        allow_null=True,
        help_text=_("The soonest upcoming cohort, or null when none is scheduled."),
    )


class AudienceOutput(serializers.Serializer):
    min_job_group = serializers.CharField(source="audience_min_job_group")
    max_job_group = serializers.CharField(source="audience_max_job_group")
    label = serializers.CharField(source="audience_label")
    note = serializers.CharField(source="audience_note")


class CompletionRuleOutput(serializers.Serializer):
    min_attendance_percent = serializers.IntegerField()
    pass_mark = serializers.IntegerField(
        allow_null=True, help_text=_("Null when the course has no assessment.")
    )


class CourseDetailOutput(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    description = serializers.CharField()
    skill_area = SkillAreaRefOutput()
    competencies = CompetencyRefOutput(many=True)
    level = serializers.CharField()
    audience = AudienceOutput(source="*")
    delivery_mode = serializers.CharField()
    duration_days = serializers.IntegerField()
    cpd_hours = serializers.IntegerField()
    provider = ProviderOutput()
    language = serializers.CharField()
    prerequisites = serializers.SerializerMethodField(
        help_text=_("Codes of the courses to complete first.")
    )
    completion_rule = CompletionRuleOutput(source="*")
    requires_approval = serializers.BooleanField()
    upcoming_cohorts = CohortInCourseOutput(many=True, source="upcoming")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_prerequisites(self, course):
        return [prerequisite.code for prerequisite in course.prerequisites.all()]


# --- Endpoints ----------------------------------------------------------------------------------


class PublicCatalogueApi:
    """What every catalogue endpoint shares: open to anyone, JSON only (errors too)."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


class CachedListMixin:
    """A list endpoint whose answers come from the shared catalogue cache (``courses.cache``).

    Keyed on the full URL, since the answer's ``next`` and ``previous`` links carry the host.
    Bad parameters raise before anything is cached, so errors are never served from it.
    """

    def list(self, request, *args, **kwargs):
        data = cached_listing(
            f"api:{self.__class__.__name__}",
            request.build_absolute_uri(),
            lambda: _plain(super(CachedListMixin, self).list(request, *args, **kwargs).data),
        )
        return Response(data)


def _plain(data):
    """Serializer output as plain dicts and lists, which pickle small and fast into the cache."""
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    return data


_BAD_FILTER = OpenApiResponse(description=_("A query parameter has a value it can't use."))


@extend_schema(
    tags=["catalogue"],
    summary="List the skill areas",
    responses={200: SkillAreaOutput(many=True)},
)
class SkillAreaListApi(PublicCatalogueApi, generics.ListAPIView):
    serializer_class = SkillAreaOutput
    filter_backends = []

    def get_queryset(self):
        return selectors.skill_areas_with_counts()


@extend_schema(
    tags=["catalogue"],
    summary="List the competencies",
    responses={200: CompetencyOutput(many=True), 400: _BAD_FILTER},
)
class CompetencyListApi(PublicCatalogueApi, generics.ListAPIView):
    serializer_class = CompetencyOutput
    filterset_class = CompetencyFilter

    def get_queryset(self):
        return selectors.competencies_public()


@extend_schema(
    tags=["catalogue"],
    summary="Search and filter the published courses",
    description=(
        "The same search, facets and orders as the catalogue page. Each course comes with its "
        "soonest upcoming cohort."
    ),
    responses={200: CourseListOutput(many=True), 400: _BAD_FILTER},
)
class CourseListApi(CachedListMixin, PublicCatalogueApi, generics.ListAPIView):
    serializer_class = CourseListOutput
    filterset_class = CourseFilter

    def get_queryset(self):
        return selectors.catalogue_courses()


@extend_schema(
    tags=["catalogue"],
    summary="One published course, with its upcoming cohorts",
    parameters=[
        OpenApiParameter("code", str, OpenApiParameter.PATH, description=_("The course code."))
    ],
    responses={200: CourseDetailOutput, 404: OpenApiResponse(description=_("No such course."))},
)
class CourseDetailApi(PublicCatalogueApi, generics.RetrieveAPIView):
    serializer_class = CourseDetailOutput
    filter_backends = []
    lookup_field = "code"

    def get_object(self):
        return selectors.course_get_published(self.kwargs["code"])


@extend_schema(
    tags=["catalogue"],
    summary="List the cohorts of published courses",
    description="Every cohort that is not a draft, soonest first, with the seats it has left.",
    responses={200: CohortOutput(many=True), 400: _BAD_FILTER},
)
class CohortListApi(CachedListMixin, PublicCatalogueApi, generics.ListAPIView):
    serializer_class = CohortOutput
    filterset_class = CohortFilter

    def get_queryset(self):
        return selectors.public_cohorts()
