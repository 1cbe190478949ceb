from django.contrib import admin

from organizations.admin import TenantAdmin

from .models import Goal, Session


@admin.register(Session)
class SessionAdmin(TenantAdmin):
    """Dates and states only: platform staff never read what a pair wrote (private notes are not here)."""

    list_display = ("pk", "organization", "pair", "starts_at", "duration_minutes", "status", "sequence")
    list_filter = ("status",)
    fields = (
        "organization",
        "pair",
        "starts_at",
        "duration_minutes",
        "time_zone",
        "status",
        "sequence",
        "logged_at",
    )
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Goal)
class GoalAdmin(TenantAdmin):
    list_display = ("pk", "organization", "pair", "scale", "target_date")
    fields = ("organization", "pair", "scale", "target_date", "created_at")
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False
