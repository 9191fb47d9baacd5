"""The API of the people who run cohorts: a cohort's roster, and an officer's result.

Access follows the staff pages: KSG staff see every cohort that is not a draft, a facilitator
only the cohorts they facilitate (any other is a 404, as if it did not exist), and anyone else is
refused with a 403. Only KSG staff decide results. A rule that refuses a result is a 400 with the
rule's ``code`` and a ``detail``, as in ``enrollments.api``.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from academy.api.errors import REFUSAL_OR_FIELD_ERRORS
from academy.roles import is_facilitator, is_ksg_staff
from enrollments import results
from enrollments import roster as roster_selectors
from enrollments.api import _refused
from enrollments.services import EnrolmentRefused


class RunsCohorts(permissions.BasePermission):
    """KSG staff and facilitators."""

    message = _("Only KSG staff and facilitators may do this.")

    def has_permission(self, request, view):
        return is_ksg_staff(request.user) or is_facilitator(request.user)


class IsKsgStaff(permissions.BasePermission):
    message = _("Only KSG staff may do this.")

    def has_permission(self, request, view):
        return is_ksg_staff(request.user)


class RosterRowOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The enrolment's id."))
    state = serializers.CharField()
    waitlist_position = serializers.IntegerField(
        allow_null=True, help_text=_("1 for the first in line; null unless on the waiting list.")
    )
    officer_name = serializers.CharField(source="officer.full_name")
    email = serializers.EmailField(source="officer.email")
    personal_number = serializers.CharField(
        source="officer.officer_profile.personal_number", allow_null=True
    )
    organisation = serializers.CharField(
        source="officer.officer_profile.organisation.name", allow_null=True
    )
    job_group = serializers.CharField(source="officer.officer_profile.job_group", allow_null=True)
    present_days = serializers.IntegerField(
        help_text=_("Session days the officer was recorded present on.")
    )
    attendance_percent = serializers.SerializerMethodField(
        help_text=_(
            "Days present of all the cohort's session days, in per cent to one decimal; a day "
            "with no attendance recorded counts as absent."
        )
    )
    score = serializers.IntegerField(allow_null=True, help_text=_("Assessment score, 0 to 100."))
    result_overridden = serializers.BooleanField(
        help_text=_("KSG staff set the result against the course's rule.")
    )

    def get_attendance_percent(self, enrollment) -> float:
        return results.percent(enrollment.present_days, self.context["session_days"])


class CompleteInput(serializers.Serializer):
    score = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Record this score first (0 to 100); leave out to keep the one recorded."),
    )
    completed = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Leave out to decide by the course's rule. true or false sets the result against "
            "the rule (an override): then a reason is required."
        ),
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500, trim_whitespace=True
    )


class ResultOutput(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField(help_text=_("completed or not_completed."))
    cohort = serializers.CharField(source="cohort.code")
    score = serializers.IntegerField(allow_null=True)
    present_days = serializers.IntegerField(source="standing.present_days")
    session_days = serializers.IntegerField(source="standing.session_days")
    attendance_percent = serializers.FloatField(source="standing.attendance_percent")
    result_overridden = serializers.BooleanField()
    reason = serializers.CharField(help_text=_("Why the result was overridden, if it was."))
    result_recorded_at = serializers.DateTimeField(allow_null=True)


@extend_schema(
    tags=["cohort administration"],
    summary="The roster of a cohort, with attendance and scores",
    description=(
        "Every enrolment of the cohort, those holding a seat first, then the waiting list in "
        "order. KSG staff may read any cohort that is not a draft, facilitators only their own."
    ),
    responses={
        200: RosterRowOutput(many=True),
        400: OpenApiResponse(description=_("A malformed page number or page size.")),
        401: OpenApiResponse(description=_("Not signed in.")),
        403: OpenApiResponse(description=_("Neither KSG staff nor a facilitator.")),
        404: OpenApiResponse(description=_("No cohort with this id that you may see.")),
    },
)
class CohortRosterApi(generics.ListAPIView):
    serializer_class = RosterRowOutput
    permission_classes = [permissions.IsAuthenticated, RunsCohorts]
    filter_backends = []

    def get_cohort(self):
        if not hasattr(self, "_cohort"):
            self._cohort = roster_selectors.cohort_for_staff(
                self.request.user, self.kwargs["cohort_id"]
            )
        return self._cohort

    def get_queryset(self):
        cohort = self.get_cohort()
        return results.with_attendance(roster_selectors.roster(cohort), cohort)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "cohort_id" in self.kwargs:  # Not when drf-spectacular describes the view.
            context["session_days"] = len(self.get_cohort().session_days())
        return context


class EnrolmentCompleteApi(APIView):
    permission_classes = [permissions.IsAuthenticated, IsKsgStaff]

    @extend_schema(
        tags=["cohort administration"],
        summary="Decide an officer's result",
        description=(
            "By the course's rule (attendance of at least its minimum over all session days, "
            "and a score of at least its pass mark if it has one), from the cohort's last day "
            "on; or, with `completed` and a `reason`, against the rule (an override, which may "
            "also change a result already recorded, even in a closed cohort). A `score` given "
            "is recorded first, in the same transaction. KSG staff only."
        ),
        request=CompleteInput,
        responses={
            200: ResultOutput,
            400: OpenApiResponse(
                REFUSAL_OR_FIELD_ERRORS,
                description=_(
                    "A rule refused it (code: staff_only, reason_required, not_enrolled, "
                    "already_decided, cohort_not_started, cohort_not_ended, score_missing, "
                    "cohort_closed, cohort_not_running), or the body is malformed (field errors)."
                ),
            ),
            401: OpenApiResponse(description=_("Not signed in.")),
            403: OpenApiResponse(description=_("Not KSG staff.")),
            404: OpenApiResponse(description=_("No enrolment with this id that you may see.")),
        },
    )
    def post(self, request, pk):
        enrollment = roster_selectors.enrollment_for_staff(request.user, pk)
        data = CompleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            enrollment = results.enrollment_complete(
                enrollment=enrollment,
                by=request.user,
                completed=data.validated_data["completed"],
                reason=data.validated_data["reason"],
                score=data.validated_data.get("score"),
            )
        except EnrolmentRefused as refusal:
            return _refused(refusal)
        enrollment.standing = results.standing_of(enrollment)
        return Response(ResultOutput(enrollment).data)
