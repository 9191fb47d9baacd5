"""KSG staff keep the signatories here, and look certificates up.

Certificates are read-only in the admin: they are issued by completion (and, later, re-issued or
revoked through their own pages, which audit each change); editing a row by hand would make it
disagree with the PDF in the officer's hands.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate, Signatory


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "order", "active", "has_signature"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "title"]
    fields = ["name", "title", "signature", "order", "active"]

    @admin.display(description=_("signature image"), boolean=True)
    def has_signature(self, signatory):
        return bool(signatory.signature)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["serial", "officer_name", "course_code", "cohort_code", "status", "issued_at"]
    list_filter = ["status", "issued_at"]
    search_fields = ["serial", "officer_name", "course_code", "cohort_code"]
    date_hierarchy = "issued_at"
    ordering = ["-issued_at", "-pk"]
    readonly_fields = ["download"]
    exclude = ["pdf", "verification_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("PDF"))
    def download(self, certificate):
        if not certificate.pdf:
            return _("Being prepared")
        url = reverse("certificates:pdf", kwargs={"serial": certificate.serial})
        return format_html('<a href="{}">{}.pdf</a>', url, certificate.serial)
