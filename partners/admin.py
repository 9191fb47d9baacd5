"""The administration site for partners and their agreements.

Staff enter the records here (partners, agreements with their parties, obligations,
deliverables, KPIs). What has rules goes through ``partners.services`` on the portal's pages
and leaves an audit trail: the status of an agreement, signatures, the review state of a
deliverable, KPI results and documents are read-only here.
"""

from django.contrib import admin

from partners import services
from partners.models import (
    Agreement,
    AgreementParty,
    Deliverable,
    Document,
    FocalPoint,
    Kpi,
    Obligation,
    Partner,
    PartnerReminder,
    Review,
)


class AuditedAdmin(admin.ModelAdmin):
    """Saves through ``partners.services.record_save``, which writes the audit event; the rows
    of its inlines (focal points, parties) too, each with its own event."""

    def save_model(self, request, obj, form, change):
        services.record_save(
            obj=obj, by=request.user, created=not change, fields=list(form.changed_data)
        )

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.record_delete(obj=obj, by=request.user)
        for obj, fields in formset.changed_objects:
            services.record_save(obj=obj, by=request.user, created=False, fields=fields)
        for obj in formset.new_objects:
            fields = [name for name in formset.form.base_fields if getattr(obj, name, None)]
            services.record_save(obj=obj, by=request.user, created=True, fields=fields)
        formset.save_m2m()


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 0


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = ("legal_name", "kind", "country", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("legal_name", "organisation__name")
    autocomplete_fields = ("organisation",)
    inlines = [FocalPointInline]


def _binds(agreement) -> bool:
    return agreement is not None and agreement.status not in Agreement.OPEN_STATUSES


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ("organisation",)
    # Signatures are recorded through the agreement's page (partners.services.agreement_sign).
    readonly_fields = ("signatory_name", "signatory_title", "signed_on")

    # Once the agreement binds, its parties are what was signed.
    def has_add_permission(self, request, obj=None):
        return not _binds(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _binds(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _binds(obj) and super().has_delete_permission(request, obj)


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ("reference", "title", "partner", "kind", "status", "effective_on", "ends_on")
    list_filter = ("status", "kind", "is_demo")
    search_fields = ("reference", "title", "partner__legal_name")
    readonly_fields = ("status", "status_changed_at", "status_reason", "renewal_of")
    raw_id_fields = ("amends",)
    inlines = [AgreementPartyInline]
    # What was signed: fixed once the agreement binds (an addendum changes it). The end date
    # also moves by automatic renewal, through partners.services.
    SIGNED_TERMS = (
        "partner",
        "reference",
        "kind",
        "amends",
        "effective_on",
        "ends_on",
        "term_months",
        "auto_renews",
        "notice_period_days",
        "is_binding",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, *self.SIGNED_TERMS) if _binds(obj) else fields


@admin.register(Obligation)
class ObligationAdmin(AuditedAdmin):
    list_display = ("__str__", "agreement", "party")
    list_filter = ("agreement__status",)
    search_fields = ("description", "agreement__reference")
    raw_id_fields = ("agreement", "party")

    def has_change_permission(self, request, obj=None):
        # Once the agreement binds, an obligation changes only by an amendment with a reason
        # (partners.services.obligation_amend), which leaves an audit event.
        if obj is not None and obj.agreement.status not in Agreement.OPEN_STATUSES:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting follows the agreement's lifecycle (partners.services.obligation_delete).
        return False


@admin.register(Deliverable)
class DeliverableAdmin(AuditedAdmin):
    list_display = ("title", "obligation", "responsible", "due_on", "kind", "review_state")
    list_filter = ("review_state", "kind")
    search_fields = ("title", "obligation__agreement__reference")
    readonly_fields = ("review_state", "review_state_changed_at")
    raw_id_fields = ("obligation", "responsible")
    filter_horizontal = ("courses", "cohorts")


@admin.register(Kpi)
class KpiAdmin(AuditedAdmin):
    list_display = ("name", "agreement", "kind", "target", "unit")
    list_filter = ("kind",)
    search_fields = ("name", "agreement__reference")
    raw_id_fields = ("agreement",)
    filter_horizontal = ("courses",)
    readonly_fields = ("manual_actual", "manual_actual_note", "manual_actual_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "partner", "kind", "size", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("original_name", "sha256")
    # The file is downloaded through the portal's authorised view, never a media URL.
    exclude = ("file",)


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("deliverable", "decision", "author", "created_at")
    list_filter = ("decision",)


@admin.register(PartnerReminder)
class PartnerReminderAdmin(ReadOnlyAdmin):
    list_display = ("key", "kind", "email", "status", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("key", "email")
