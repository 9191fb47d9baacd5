"""The partners API: agreements, deliverables with their review actions, and KPIs.

KSG staff see every partner's; a partner reviewer only their own partner's (any other object is
a 404, as if it did not exist); anyone else is refused with a 403. A rule that refuses a review
step is a 400 with the rule's ``code`` and a ``detail``, as in ``enrollments.api``. KPI
breakdowns are counts only: no officer's personal data leaves through this API.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from academy.api.errors import REFUSAL_OR_FIELD_ERRORS
from academy.roles import is_ksg_staff, is_partner_reviewer
from partners import selectors, services
from partners.kpis import kpi_progress
from partners.models import Agreement, Deliverable


class SeesPartners(permissions.BasePermission):
    """KSG staff and partner reviewers."""

    message = _("Only KSG staff and partner reviewers may do this.")

    def has_permission(self, request, view):
        return is_ksg_staff(request.user) or is_partner_reviewer(request.user)


PERMISSIONS = [permissions.IsAuthenticated, SeesPartners]
DENIED = {
    401: OpenApiResponse(description=_("Not signed in.")),
    403: OpenApiResponse(description=_("Neither KSG staff nor a partner reviewer.")),
}
LIST_ERRORS = {
    400: OpenApiResponse(description=_("A malformed page number or page size.")),
    **DENIED,
}


# --- Output ------------------------------------------------------------------------------------


class PartyOutput(serializers.Serializer):
    organisation = serializers.CharField(source="organisation.name")
    signatory_name = serializers.CharField()
    signatory_title = serializers.CharField()
    signed_on = serializers.DateField(allow_null=True)


class AgreementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField(help_text=_("mou, letter_of_intent or addendum."))
    title = serializers.CharField()
    partner = serializers.CharField(source="partner.legal_name")
    status = serializers.CharField(
        help_text=_(
            "draft, negotiation, legal_review, awaiting_signature, active, expired, renewed or "
            "terminated."
        )
    )
    effective_on = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(
        allow_null=True, help_text=_("The end date, or the effective date plus the term.")
    )
    amends = serializers.IntegerField(source="amends_id", allow_null=True)
    is_demo = serializers.BooleanField(help_text=_("Made up for the demonstration site."))


class AgreementDetailOutput(AgreementOutput):
    purpose = serializers.CharField()
    areas_of_cooperation = serializers.ListField(child=serializers.CharField(), source="areas")
    auto_renews = serializers.BooleanField()
    notice_period_days = serializers.IntegerField(allow_null=True)
    is_binding = serializers.BooleanField()
    reporting_frequency = serializers.CharField()
    parties = PartyOutput(many=True, source="parties.all")


class ReviewOutput(serializers.Serializer):
    decision = serializers.CharField(
        help_text=_("comment, submitted, review_started, accepted or changes_requested.")
    )
    author = serializers.CharField(source="author.get_full_name")
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class DeliverableOutput(serializers.Serializer):
    id = serializers.IntegerField()
    agreement = serializers.IntegerField(source="obligation.agreement_id")
    agreement_reference = serializers.CharField(source="obligation.agreement.reference")
    title = serializers.CharField()
    kind = serializers.CharField()
    responsible = serializers.CharField(source="responsible.organisation.name")
    due_on = serializers.DateField()
    review_state = serializers.CharField(
        help_text=_("not_started, submitted, in_review, accepted or changes_requested.")
    )
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, deliverable) -> bool:
        return deliverable.is_overdue(timezone.localdate())


class DeliverableDetailOutput(DeliverableOutput):
    description = serializers.CharField()
    obligation = serializers.CharField(source="obligation.description")
    thread = ReviewOutput(many=True, source="reviews.all")


class CountOutput(serializers.Serializer):
    label = serializers.CharField()
    officers = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Null when fewer than 5: counties with fewer than 5 officers are counted together, "
            "and that row too shows no number while it is under 5."
        ),
    )


class KpiOutput(serializers.Serializer):
    id = serializers.IntegerField(source="kpi.id")
    agreement = serializers.IntegerField(source="kpi.agreement_id")
    name = serializers.CharField(source="kpi.name")
    unit = serializers.CharField(source="kpi.unit")
    kind = serializers.CharField(source="kpi.kind", help_text=_("training or manual."))
    period = serializers.CharField(source="kpi.period")
    baseline = serializers.DecimalField(source="kpi.baseline", max_digits=12, decimal_places=2)
    target = serializers.DecimalField(source="kpi.target", max_digits=12, decimal_places=2)
    actual = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        allow_null=True,
        help_text=_(
            "For training KPIs, the officers who completed a linked course within the "
            "agreement's term; null for a manual KPI without a result yet."
        ),
    )
    percent = serializers.IntegerField(help_text=_("Of the target, in whole per cent."))
    computed = serializers.BooleanField()


class KpiDetailOutput(KpiOutput):
    by_gender = serializers.SerializerMethodField()
    by_county = serializers.SerializerMethodField()

    @extend_schema_field(CountOutput(many=True))
    def get_by_gender(self, progress):
        return [{"label": label, "officers": n} for label, n in progress.by_gender]

    @extend_schema_field(CountOutput(many=True))
    def get_by_county(self, progress):
        return [{"label": label, "officers": n} for label, n in progress.by_county]


class CommentInput(serializers.Serializer):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


# --- Agreements --------------------------------------------------------------------------------


@extend_schema(
    tags=["partners"],
    summary="Agreements with partners",
    parameters=[OpenApiParameter("status", str, enum=Agreement.Status.values)],
    responses={200: AgreementOutput(many=True), **LIST_ERRORS},
)
class AgreementListApi(generics.ListAPIView):
    serializer_class = AgreementOutput
    permission_classes = PERMISSIONS
    filter_backends = []

    def get_queryset(self):
        status = self.request.query_params.get("status", "")
        if status and status not in Agreement.Status.values:
            raise serializers.ValidationError(
                {"status": [_("Unknown status %(status)s.") % {"status": status}]}
            )
        return selectors.agreements_for(self.request.user, status=status)


@extend_schema(
    tags=["partners"],
    summary="One agreement with its parties",
    responses={
        200: AgreementDetailOutput,
        **DENIED,
        404: OpenApiResponse(description=_("No agreement with this id that you may see.")),
    },
)
class AgreementDetailApi(APIView):
    permission_classes = PERMISSIONS

    def get(self, request, pk):
        return Response(AgreementDetailOutput(selectors.agreement_for(request.user, pk)).data)


# --- Deliverables ------------------------------------------------------------------------------


@extend_schema(
    tags=["partners"],
    summary="Deliverables of the agreements, the soonest due first",
    parameters=[OpenApiParameter("review_state", str, enum=Deliverable.ReviewState.values)],
    responses={200: DeliverableOutput(many=True), **LIST_ERRORS},
)
class DeliverableListApi(generics.ListAPIView):
    serializer_class = DeliverableOutput
    permission_classes = PERMISSIONS
    filter_backends = []

    def get_queryset(self):
        state = self.request.query_params.get("review_state", "")
        if state and state not in Deliverable.ReviewState.values:
            raise serializers.ValidationError(
                {"review_state": [_("Unknown review state %(state)s.") % {"state": state}]}
            )
        return selectors.deliverables_for(self.request.user, review_state=state).order_by(
            "due_on", "pk"
        )


NOT_FOUND = OpenApiResponse(description=_("No deliverable with this id that you may see."))


@extend_schema(
    tags=["partners"],
    summary="One deliverable with its review thread",
    responses={200: DeliverableDetailOutput, **DENIED, 404: NOT_FOUND},
)
class DeliverableDetailApi(APIView):
    permission_classes = PERMISSIONS

    def get(self, request, pk):
        deliverable = selectors.deliverable_for(request.user, pk)
        return Response(DeliverableDetailOutput(deliverable).data)


def _refused(refusal: services.PartnerRefused) -> Response:
    return Response({"code": refusal.code, "detail": refusal.message}, status=400)


def _review_schema(summary: str, description: str, request, codes: str):
    return extend_schema(
        tags=["partners"],
        summary=summary,
        description=description,
        request=request,
        responses={
            200: DeliverableDetailOutput,
            400: OpenApiResponse(
                REFUSAL_OR_FIELD_ERRORS,
                description=_("A rule refused it (code: %(codes)s), or the body is malformed.")
                % {"codes": codes},
            ),
            **DENIED,
            404: NOT_FOUND,
        },
    )


class _ReviewApi(APIView):
    """A review action on a deliverable; each endpoint below defines ``act(deliverable, by,
    data)``, the service it calls with the validated input."""

    permission_classes = PERMISSIONS
    input = CommentInput

    def post(self, request, pk):
        deliverable = selectors.deliverable_for(request.user, pk)
        data = self.input(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            self.act(deliverable, request.user, data.validated_data)
        except services.PartnerRefused as refusal:
            return _refused(refusal)
        return Response(DeliverableDetailOutput(selectors.deliverable_for(request.user, pk)).data)


class DeliverableSubmitApi(_ReviewApi):
    @_review_schema(
        "Submit a deliverable for review",
        "By the side responsible for it: KSG staff, or the partner's reviewers for the "
        "partner's own deliverables. From not_started or changes_requested.",
        CommentInput,
        "not_responsible, wrong_state, terminated",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, deliverable, by, data):
        services.deliverable_submit(deliverable=deliverable, by=by, comment=data["comment"])


class DeliverableStartReviewApi(_ReviewApi):
    @_review_schema(
        "Start reviewing a submitted deliverable",
        "By the reviewing side (the other side than the responsible one).",
        None,
        "not_reviewer, wrong_state, terminated",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, deliverable, by, data):
        services.deliverable_start_review(deliverable=deliverable, by=by)


class DeliverableAcceptApi(_ReviewApi):
    @_review_schema(
        "Accept a deliverable",
        "By the reviewing side, from submitted or in_review.",
        CommentInput,
        "not_reviewer, wrong_state, terminated",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, deliverable, by, data):
        services.deliverable_accept(deliverable=deliverable, by=by, comment=data["comment"])


class DeliverableRequestChangesApi(_ReviewApi):
    input = ReasonInput

    @_review_schema(
        "Request changes to a deliverable",
        "By the reviewing side, from submitted or in_review, saying what must change.",
        ReasonInput,
        "reason_required, not_reviewer, wrong_state, terminated",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, deliverable, by, data):
        services.deliverable_request_changes(deliverable=deliverable, by=by, reason=data["reason"])


class DeliverableCommentApi(_ReviewApi):
    @_review_schema(
        "Comment on a deliverable",
        "KSG staff and the partner's reviewers, in any review state.",
        CommentInput,
        "comment_required, not_allowed",
    )
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, deliverable, by, data):
        services.deliverable_comment(deliverable=deliverable, by=by, comment=data["comment"])


# --- KPIs --------------------------------------------------------------------------------------


@extend_schema(
    tags=["partners"],
    summary="KPIs of the agreements, with their actuals",
    responses={200: KpiOutput(many=True), **LIST_ERRORS},
)
class KpiListApi(generics.ListAPIView):
    serializer_class = KpiOutput
    permission_classes = PERMISSIONS
    filter_backends = []

    def get_queryset(self):
        return selectors.kpis_for(self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        progress = [kpi_progress(kpi, breakdown=False) for kpi in page]
        return self.get_paginated_response(KpiOutput(progress, many=True).data)


@extend_schema(
    tags=["partners"],
    summary="One KPI with its breakdown by gender and county",
    responses={
        200: KpiDetailOutput,
        **DENIED,
        404: OpenApiResponse(description=_("No KPI with this id that you may see.")),
    },
)
class KpiDetailApi(APIView):
    permission_classes = PERMISSIONS

    def get(self, request, pk):
        return Response(KpiDetailOutput(kpi_progress(selectors.kpi_for(request.user, pk))).data)
