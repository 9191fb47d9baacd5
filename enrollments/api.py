"""The officer's enrolments over the API: enrol, withdraw, and list one's own.

Thin: each endpoint reads its input with a serializer, calls the service or selector that does
the work, and answers with an output serializer. A rule that refuses an enrolment is a 400 with
the rule's ``code`` and a ``detail`` in the officer's language; someone else's enrolment is a
404, as if it did not exist.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from academy.api.errors import REFUSAL_OR_FIELD_ERRORS
from enrollments import selectors, services


class EnrolmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    waitlist_position = serializers.IntegerField(
        allow_null=True, help_text=_("1 for the first in line; null unless on the waiting list.")
    )
    cohort = serializers.CharField(source="cohort.code")
    course = serializers.CharField(source="cohort.course.code")
    course_title = serializers.CharField(source="cohort.course.title")
    starts_on = serializers.DateField(source="cohort.starts_on")
    ends_on = serializers.DateField(source="cohort.ends_on")
    reason = serializers.CharField(help_text=_("Why it was withdrawn or declined, if it was."))


class RefusalOutput(serializers.Serializer):
    code = serializers.CharField(help_text=_("Which rule refused it, e.g. window_closed."))
    detail = serializers.CharField()


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


def _refused(refusal: services.EnrolmentRefused) -> Response:
    return Response(
        {"code": refusal.code, "detail": refusal.message}, status=status.HTTP_400_BAD_REQUEST
    )


class EnrolApi(APIView):
    @extend_schema(
        tags=["enrolment"],
        summary="Enrol the signed-in officer in a cohort",
        description=(
            "A seat when one is free, else the end of the waiting list; a request to the "
            "training officer when the course needs approval. Asking again changes nothing and "
            "answers 200 with the same enrolment."
        ),
        request=None,
        responses={
            201: EnrolmentOutput,
            200: EnrolmentOutput,
            400: OpenApiResponse(RefusalOutput, description=_("A rule refused the enrolment.")),
            404: OpenApiResponse(description=_("No open cohort has this id.")),
        },
    )
    def post(self, request, cohort_id):
        # The service reads the cohort itself, under its lock: no need to read it first.
        try:
            result = services.enrollment_create(officer=request.user, cohort=cohort_id)
        except services.CohortUnavailable:
            raise Http404(_("No open cohort has this id.")) from None
        except services.EnrolmentRefused as refusal:
            return _refused(refusal)
        return Response(
            EnrolmentOutput(result.enrollment).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class WithdrawApi(APIView):
    @extend_schema(
        tags=["enrolment"],
        summary="Withdraw from a cohort before it starts",
        request=WithdrawInput,
        responses={
            200: EnrolmentOutput,
            400: OpenApiResponse(REFUSAL_OR_FIELD_ERRORS, description=_("No reason, or too late.")),
            404: OpenApiResponse(description=_("You have no enrolment with this id.")),
        },
    )
    def post(self, request, pk):
        enrollment = selectors.enrollment_of(request.user, pk)
        data = WithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            enrollment = services.enrollment_withdraw(
                enrollment=enrollment, by=request.user, reason=data.validated_data["reason"]
            )
        except services.EnrolmentRefused as refusal:
            return _refused(refusal)
        return Response(EnrolmentOutput(enrollment).data)


@extend_schema(tags=["enrolment"], summary="The signed-in officer's enrolments")
class MyEnrolmentsApi(generics.ListAPIView):
    serializer_class = EnrolmentOutput
    filter_backends = []

    def get_queryset(self):
        return selectors.enrollments_of(self.request.user)
