"""Completion reports over the API, for ministries' HR systems.

``GET /api/v1/reports/completions/`` lists the completions of ``reports.selectors.completions``
(the same rows as the completions report file) with cursor pagination, so an HR system can page
through hundreds of thousands of rows without the list shifting under it. Scoped like the
dashboard: a training officer's token sees their organisations and sub-units only; an
organisation outside them is a 404, as if it did not exist.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, pagination, serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from reports import selectors
from reports.forms import ReportFilterForm


class CompletionCursorPagination(pagination.CursorPagination):
    # Oldest first, as completions are recorded: an HR system that saved the last cursor
    # carries on from there. The id breaks ties between results recorded at one moment.
    ordering = ("result_recorded_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class OfficerOutput(serializers.Serializer):
    name = serializers.CharField(source="officer.full_name")
    email = serializers.EmailField(source="officer.email")
    personal_number = serializers.CharField(source="officer.officer_profile.personal_number")
    job_group = serializers.CharField(source="officer.officer_profile.job_group")


class OrganisationOutput(serializers.Serializer):
    id = serializers.IntegerField(source="officer.officer_profile.organisation_id")
    name = serializers.CharField(source="officer.officer_profile.organisation.name")


class CompletionOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The enrolment's number."))
    officer = OfficerOutput(source="*")
    organisation = OrganisationOutput(source="*")
    course_code = serializers.CharField(source="course.code")
    course_title = serializers.CharField(source="course.title")
    skill_area = serializers.CharField(source="course.skill_area.name")
    level = serializers.CharField(source="course.level")
    cpd_hours = serializers.IntegerField(source="course.cpd_hours")
    cohort = serializers.CharField(source="cohort.code")
    cohort_starts_on = serializers.DateField(source="cohort.starts_on")
    cohort_ends_on = serializers.DateField(source="cohort.ends_on")
    completed_at = serializers.DateTimeField(
        source="result_recorded_at", help_text=_("When the result was recorded.")
    )
    score = serializers.IntegerField(allow_null=True)
    certificate_serial = serializers.CharField(
        allow_null=True, help_text=_("The valid certificate's serial; null while it is issued.")
    )


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()


@extend_schema(
    tags=["reports"],
    summary="Completions of your organisations' officers",
    description=(
        "One row per completed enrolment whose result was recorded in the period (days in "
        "Nairobi, both ends included), with the officer, organisation, course, skill area, "
        "level, cohort, score and certificate serial: the rows of the completions report. "
        "Training officers see their organisations and sub-units; KSG staff see all, or one "
        "organisation. Without `from` and `to` the period is the financial year so far."
    ),
    parameters=[
        OpenApiParameter(
            "organisation",
            int,
            description=_(
                "An organisation's number (with its sub-units). Defaults to a training "
                "officer's own organisation; KSG staff without it get every organisation."
            ),
        ),
        OpenApiParameter("from", str, description=_("First day, YYYY-MM-DD.")),
        OpenApiParameter("to", str, description=_("Last day, YYYY-MM-DD.")),
        OpenApiParameter("skill_area", str, description=_("A skill area's slug.")),
        OpenApiParameter("level", str, enum=["foundation", "intermediate", "advanced"]),
    ],
    responses={
        200: CompletionOutput(many=True),
        400: OpenApiResponse(description=_("A filter is not valid (field errors).")),
        401: OpenApiResponse(ErrorOutput, description=_("Not signed in.")),
        403: OpenApiResponse(ErrorOutput, description=_("Not a training officer or KSG staff.")),
        404: OpenApiResponse(ErrorOutput, description=_("No such organisation for you.")),
    },
)
class CompletionsApi(generics.ListAPIView):
    serializer_class = CompletionOutput
    pagination_class = CompletionCursorPagination
    filter_backends = []

    # Query parameter names of the API, and the form fields they fill.
    PARAMETERS = {
        "organisation": "organisation",
        "from": "date_from",
        "to": "date_to",
        "skill_area": "skill_area",
        "level": "level",
    }

    def get_queryset(self):
        user = self.request.user
        if not selectors.may_report(user):
            raise PermissionDenied(_("Only training officers and KSG staff pull reports."))
        params = self.request.query_params
        organisation = params.get("organisation")
        if organisation:
            try:
                selectors.reportable_organisation(user, organisation)
            except Http404:
                raise NotFound(_("There is no organisation with this number for you.")) from None
        form = ReportFilterForm(
            {field: params.get(name, "") for name, field in self.PARAMETERS.items()}, user=user
        )
        if not form.is_valid():
            names = {field: name for name, field in self.PARAMETERS.items()}
            raise ValidationError(
                {names.get(field, field): errors for field, errors in form.errors.items()}
            )
        return selectors.with_certificate_serial(
            selectors.completions(form.filters()).select_related(
                "officer__officer_profile__organisation",
                "course__skill_area",
                "cohort",
            )
        )
