"""Completion reports over the API, for ministries' HR systems.

``GET /api/v1/reports/completions/`` lists the completions of ``reports.selectors.completions``
(the same rows as the completions report file) with cursor pagination, so an HR system can page
through hundreds of thousands of rows without the list shifting under it. Scoped like the
dashboard: a training officer's token sees their organisations and sub-units only; an
organisation outside them is a 404, as if it did not exist.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, pagination, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from academy.api.errors import ErrorOutput
from reports import runs, selectors, services
from reports.forms import PARAMETERS, ReportFilterForm, ReportRequestForm, form_data
from reports.models import Format, Kind, ReportRun

# A form field's error goes under the API's name for it.
FIELDS = {field: name for name, field in PARAMETERS.items()}


def _valid_form(form_class, request, data):
    """The filters form, valid, for someone who may report; else the API's error: 403 for who
    may not report, 404 for an organisation outside the user's, 400 with field errors."""
    user = request.user
    if not selectors.may_report(user):
        raise PermissionDenied(_("Only training officers and KSG staff pull reports."))
    organisation = data.get("organisation")
    if organisation not in (None, ""):
        try:
            selectors.reportable_organisation(user, organisation)
        except Http404:
            raise NotFound(_("There is no organisation with this number for you.")) from None
    form = form_class(form_data(data), user=user)
    if not form.is_valid():
        raise ValidationError(
            {FIELDS.get(field, field): errors for field, errors in form.errors.items()}
        )
    return form


class CompletionCursorPagination(pagination.CursorPagination):
    # Oldest first, as completions are recorded: an HR system that saved the last cursor
    # carries on from there. The id breaks ties between results recorded at one moment.
    ordering = ("result_recorded_at", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        # DRF quietly falls back to the default size for a value it can't use (page_size=abc,
        # 0, 5000): an HR system would page with a size it did not ask for. A 400 says so.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("The page size must be a whole number from 1 to %(max)d.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


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

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        services.completions_read(
            by=request.user, filters=self.filters, rows=len(response.data["results"])
        )
        return response

    def get_queryset(self):
        form = _valid_form(ReportFilterForm, self.request, self.request.query_params)
        self.filters = form.filters()
        return selectors.with_certificate_serial(
            selectors.completions(self.filters).select_related(
                "officer__officer_profile__organisation",
                "course__skill_area",
                "cohort",
            )
        )


# --- Report files ------------------------------------------------------------------------------


class ReportRequestInput(serializers.Serializer):
    """The body's shape and types; what depends on who asks (their organisations, the skill
    area's slug) is checked by ``ReportRequestForm``, like the page's."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    format = serializers.ChoiceField(choices=Format.choices)
    organisation = serializers.IntegerField(
        required=False,
        help_text=_("Defaults to a training officer's organisation; KSG staff: none = national."),
    )
    from_ = serializers.DateField(required=False, help_text=_("First day (YYYY-MM-DD)."))
    to = serializers.DateField(required=False, help_text=_("Last day (YYYY-MM-DD)."))
    # Empty means "all", as on the page (an HTML form sends empty fields, and DRF reads an empty
    # form field as one not sent): the schema says so.
    skill_area = serializers.SlugField(required=False, allow_blank=True)
    level = serializers.ChoiceField(
        choices=["foundation", "intermediate", "advanced"], required=False, allow_blank=True
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # "from" is a Python keyword
        return fields


class ReportRunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    format = serializers.ChoiceField(choices=Format.choices)
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    skill_area = serializers.SlugField(source="skill_area.slug", allow_null=True, default=None)
    level = serializers.CharField()
    status = serializers.ChoiceField(choices=ReportRun.Status.choices)
    percent = serializers.IntegerField(help_text=_("How much of the file is written, 0 to 100."))
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    file_url = serializers.SerializerMethodField(
        help_text=_("Download of the file once it is ready; null before and once it expired.")
    )

    def get_file_url(self, run) -> str | None:
        if run.status != ReportRun.Status.READY or not run.file:
            return None
        path = reverse("api_report_file", kwargs={"pk": run.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


@extend_schema(
    tags=["reports"],
    summary="Ask for a report file",
    description=(
        "Queues a report (completions, enrolment status, summary by organisation and skill "
        "area, officers with no training) as CSV, XLSX or PDF, built in the background. The "
        "same request again while it is being built returns that run (200) instead of a new "
        "one (202). Poll `GET /api/v1/reports/{id}/` until `status` is `ready`, then fetch "
        "`file_url`. Files expire after the days the portal is configured for."
    ),
    request=ReportRequestInput,
    responses={
        200: OpenApiResponse(ReportRunOutput, description=_("The same request, still running.")),
        202: OpenApiResponse(ReportRunOutput, description=_("Queued.")),
        400: OpenApiResponse(description=_("A field is not valid, or the report is refused.")),
        401: OpenApiResponse(ErrorOutput, description=_("Not signed in.")),
        403: OpenApiResponse(ErrorOutput, description=_("Not a training officer or KSG staff.")),
        404: OpenApiResponse(ErrorOutput, description=_("No such organisation for you.")),
    },
)
class ReportRequestApi(APIView):
    def post(self, request):
        if not selectors.may_report(request.user):
            raise PermissionDenied(_("Only training officers and KSG staff pull reports."))
        # The body's types first (a JSON object; dates as text, the organisation a number),
        # then the page's own form for what depends on who asks.
        body = ReportRequestInput(data=request.data)
        body.is_valid(raise_exception=True)
        fields = {name: str(value) for name, value in body.validated_data.items()}
        form = _valid_form(ReportRequestForm, request, fields)
        data = form.cleaned_data
        try:
            run, created = services.report_request(
                by=request.user, filters=form.filters(), kind=data["kind"], format=data["format"]
            )
        except services.ReportRefused as refusal:
            raise ValidationError({"detail": refusal.message, "code": refusal.code}) from None
        return Response(
            ReportRunOutput(run, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )


@extend_schema(
    tags=["reports"],
    summary="A report file's progress",
    description=_("Only the person who asked for the report sees it; anyone else gets a 404."),
    responses={
        200: ReportRunOutput,
        401: OpenApiResponse(ErrorOutput, description=_("Not signed in.")),
        403: OpenApiResponse(ErrorOutput, description=_("Not a training officer or KSG staff.")),
        404: OpenApiResponse(ErrorOutput, description=_("No report with this number for you.")),
    },
)
class ReportRunApi(APIView):
    def get(self, request, pk):
        run = _run_for(request, pk)
        return Response(ReportRunOutput(run, context={"request": request}).data)


@extend_schema(
    tags=["reports"],
    summary="Download a report file",
    responses={
        (200, "text/csv"): OpenApiTypes.BINARY,
        (200, "application/pdf"): OpenApiTypes.BINARY,
        (
            200,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ): OpenApiTypes.BINARY,
        401: OpenApiResponse(ErrorOutput, description=_("Not signed in.")),
        403: OpenApiResponse(ErrorOutput, description=_("Not a training officer or KSG staff.")),
        404: OpenApiResponse(ErrorOutput, description=_("No report with this number for you.")),
        409: OpenApiResponse(ErrorOutput, description=_("Not built yet, or it failed.")),
        410: OpenApiResponse(ErrorOutput, description=_("The file has expired.")),
    },
)
class ReportFileApi(APIView):
    def get(self, request, pk):
        run = _run_for(request, pk)
        if run.status == ReportRun.Status.EXPIRED:
            return Response(
                {"detail": _("This report's file has expired: ask for it again.")},
                status=status.HTTP_410_GONE,
            )
        if run.status != ReportRun.Status.READY or not run.file:
            return Response(
                {
                    "detail": _("The file is not ready: its status is %(status)s.")
                    % {"status": run.get_status_display()}
                },
                status=status.HTTP_409_CONFLICT,
            )
        return runs.file_download(run)


def _run_for(request, pk) -> ReportRun:
    if not selectors.may_report(request.user):
        raise PermissionDenied(_("Only training officers and KSG staff pull reports."))
    try:
        return selectors.run_of(request.user, pk)
    except Http404:
        raise NotFound(_("There is no report with this number for you.")) from None
