from django.contrib import admin

from privacy.models import ErasureRequest


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are decided on the staff page, through the service that erases."""

    list_display = ("pk", "status", "created_at", "decided_at")
    list_filter = ("status",)
    readonly_fields = (
        "user",
        "reason",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
        "decision_reason",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
