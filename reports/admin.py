"""The administration site for the national training targets the dashboard measures against.

Each change is audited like the other records staff keep here: who set which target, when.
"""

from django.contrib import admin
from django.db import transaction

from academy.audit import audit_record
from reports.models import TrainingTarget


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
