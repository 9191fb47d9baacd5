"""The officer's certificates over the API.

Thin: the selector decides what the signed-in user sees (their own certificates, every status,
so that a revoked or superseded one is not silently missing); the PDF and Open Badges links are
given only where the officer may download them (a valid certificate whose PDF is stored).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers

from certificates import selectors
from certificates.models import Certificate
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


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()


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
