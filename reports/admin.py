"""The administration site for the national training targets the dashboard measures against.

Each change is audited like the other records staff keep here: who set which target, when.
"""

from django.contrib import admin
from django.db import transaction

from academy.audit import audit_record
from reports.models import ReportRun, ReportSubscription, TrainingTarget


@admin.register(TrainingTarget)
class TrainingTargetAdmin(admin.ModelAdmin):
    list_display = ("name", "officers", "deadline", "created_at")
    readonly_fields = ("created_at",)
    fields = ("name", "officers", "deadline", "source", "created_at")

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            obj.save()
            audit_record(
                actor=request.user,
                action=f"reports.trainingtarget.{'updated' if change else 'created'}",
                target=obj,
                data={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            _audit_deletion(request, obj)
            obj.delete()

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                _audit_deletion(request, obj)
            queryset.delete()


def _audit_deletion(request, obj) -> None:
    audit_record(
        actor=request.user,
        action="reports.trainingtarget.deleted",
        target=obj,
        data={"record": str(obj), "officers": obj.officers, "deadline": obj.deadline.isoformat()},
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """What happened, for staff looking into a question ("did my report go out?"): nobody edits
    or deletes it here, and no file is offered (files go only to whoever asked for them)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "kind",
        "format",
        "organisation",
        "date_from",
        "date_to",
        "requested_by",
        "status",
        "rows_done",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "kind", "format")
    list_select_related = ("organisation", "requested_by")
    search_fields = ("requested_by__email", "organisation__name")
    date_hierarchy = "created_at"
    exclude = ("file",)


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(ReadOnlyAdmin):
    list_display = (
        "owner",
        "organisation",
        "kind",
        "format",
        "frequency",
        "is_active",
        "created_at",
    )
    list_filter = ("is_active", "frequency", "kind")
    list_select_related = ("owner", "organisation")
    search_fields = ("owner__email", "organisation__name")
