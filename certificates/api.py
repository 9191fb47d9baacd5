"""Certificates over the API: the officer's own, and public verification by code.

Thin: the selector decides what the signed-in user sees (their own certificates, every status,
so that a revoked or superseded one is not silently missing); the PDF and Open Badges links are
given only where the officer may download them (a valid certificate whose PDF is stored).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from academy.api.errors import ErrorOutput
from certificates import ratelimit, selectors
from certificates.models import Certificate
from certificates.rendering import ACADEMY
from certificates.verification import verification_url


class CertificateOutput(serializers.Serializer):
    serial = serializers.CharField(help_text=_("KSG-YYYY-NNNNNN, unique."))
    course = serializers.CharField(source="course_code")
    course_title = serializers.CharField()
    cohort = serializers.CharField(source="cohort_code")
    issued_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Certificate.Status.choices)
    verification_url = serializers.SerializerMethodField(
        help_text=_("The public address that verifies the certificate (its QR code).")
    )
    pdf_url = serializers.SerializerMethodField(
        help_text=_("Download of the PDF; null while it is being prepared or once not valid.")
    )

    open_badge_url = serializers.SerializerMethodField(
        help_text=_(
            "Download of the Open Badges 3.0 credential as JSON; null when there is no PDF link."
        )
    )
    open_badge_jwt_url = serializers.SerializerMethodField(
        help_text=_("Download of the same credential signed as a VC-JWT; null likewise.")
    )

    def get_verification_url(self, certificate) -> str:
        return verification_url(certificate)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, certificate):
        return self._download_url("certificates:pdf", certificate)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_open_badge_url(self, certificate):
        return self._download_url("certificates:badge_json", certificate)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_open_badge_jwt_url(self, certificate):
        return self._download_url("certificates:badge_jwt", certificate)

    def _download_url(self, name: str, certificate) -> str | None:
        if certificate.status != Certificate.Status.VALID or not certificate.pdf:
            return None
        path = reverse(name, kwargs={"serial": certificate.serial})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


@extend_schema(
    tags=["certificates"],
    summary="The signed-in officer's certificates",
    description=(
        "Every certificate of the officer, newest first, with its status (valid, revoked, "
        "superseded by a re-issue), its verification address and, for a valid one whose PDF "
        "is ready, the download links of the PDF and of its Open Badges 3.0 credential (JSON, "
        "and signed as a VC-JWT)."
    ),
    responses={
        200: CertificateOutput(many=True),
        401: OpenApiResponse(ErrorOutput, description=_("Not signed in.")),
        403: OpenApiResponse(ErrorOutput, description=_("Signed in without the right to this.")),
        404: OpenApiResponse(ErrorOutput, description=_("A page past the end.")),
    },
)
class MyCertificatesApi(generics.ListAPIView):
    serializer_class = CertificateOutput
    filter_backends = []

    def get_queryset(self):
        return selectors.certificates_of(self.request.user)


# --- Public verification -------------------------------------------------------------------


class VerifyThrottle(BaseThrottle):
    """The verification page's per-address limit (``certificates.ratelimit``), shared with it."""

    def allow_request(self, request, view):
        return ratelimit.allow(request)

    def wait(self):
        return ratelimit.retry_after()


class SignatoryOutput(serializers.Serializer):
    name = serializers.CharField()
    title = serializers.CharField()


class IssuerOutput(serializers.Serializer):
    name = serializers.CharField(help_text=_("The academy that issued the certificate."))
    provider = serializers.CharField(help_text=_("Who gave the course (KSG or a partner)."))
    signatories = SignatoryOutput(many=True, help_text=_("As printed on the certificate."))


class SupersededByOutput(serializers.Serializer):
    serial = serializers.CharField()
    verification_url = serializers.URLField()


class VerificationOutput(serializers.Serializer):
    """Only what the certificate prints, and its status: no e-mail, personal number or ID."""

    serial = serializers.CharField()
    status = serializers.ChoiceField(choices=Certificate.Status.choices)
    officer_name = serializers.CharField(help_text=_("The officer's name as printed."))
    course_code = serializers.CharField()
    course_title = serializers.CharField()
    level = serializers.CharField(source="level_label")
    cpd_hours = serializers.IntegerField()
    skill_area = serializers.CharField()
    competencies = serializers.ListField(child=serializers.CharField())
    cohort_code = serializers.CharField()
    cohort_starts_on = serializers.DateField()
    cohort_ends_on = serializers.DateField()
    campus = serializers.CharField(help_text=_("Empty: online."))
    issued_at = serializers.DateTimeField()
    issued_by = serializers.SerializerMethodField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_reason = serializers.CharField(help_text=_("Why it was revoked; empty if it is not."))
    superseded_by = serializers.SerializerMethodField(
        help_text=_("The certificate that replaced this one in a re-issue, if any.")
    )
    verification_url = serializers.SerializerMethodField()

    @extend_schema_field(IssuerOutput)
    def get_issued_by(self, certificate) -> dict:
        return {
            "name": ACADEMY,
            "provider": certificate.provider,
            "signatories": [
                {"name": s.get("name", ""), "title": s.get("title", "")}
                for s in certificate.signatories
            ],
        }

    @extend_schema_field(SupersededByOutput(allow_null=True))
    def get_superseded_by(self, certificate):
        successor = certificate.superseded_by
        if successor is None:
            return None
        return {"serial": successor.serial, "verification_url": verification_url(successor)}

    def get_verification_url(self, certificate) -> str:
        return verification_url(certificate)


@extend_schema(
    tags=["certificates"],
    summary="Verify a certificate by its code",
    description=(
        "Anyone, without signing in: what the certificate with this verification code "
        "certifies (as printed on it) and its status. A revoked certificate says when and why; "
        "one replaced by a re-issue points to its successor. An unknown or malformed code is a "
        "plain 404. Rate-limited per client address (429 with Retry-After)."
    ),
    auth=[],
    responses={
        200: VerificationOutput,
        404: OpenApiResponse(ErrorOutput, description=_("No certificate has this code.")),
        429: OpenApiResponse(ErrorOutput, description=_("Too many requests from this address.")),
    },
)
class CertificateVerifyApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]

    def get(self, request, code):
        certificate = selectors.certificate_for_verification(code)
        if certificate is None:
            raise NotFound(str(_("No certificate has this verification code.")))
        response = Response(VerificationOutput(certificate).data)
        response["Cache-Control"] = "no-cache, max-age=0"
        return response

    def throttled(self, request, wait):
        raise Throttled(
            wait=wait,
            detail=str(
                _(
                    "Too many verifications from your address in a short time. Please wait a "
                    "minute, then try again."
                )
            ),
        )
