from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organizations.admin import CountsOnlyDeletion, TenantAdmin

from .models import MfaReset, User


@admin.register(User)
class UserAdmin(CountsOnlyDeletion, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language", "time_zone")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    readonly_fields = ["erased_at"]
    actions = ["deactivate"]

    @admin.action(description=_("Deactivate the selected accounts and sign them out"))
    def deactivate(self, request, queryset):
        # One save per account, not queryset.update(): saving is what ends their access everywhere.
        count = 0
        for user in queryset.filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])
            count += 1
        messages.success(
            request,
            ngettext("%(count)d account deactivated.", "%(count)d accounts deactivated.", count)
            % {"count": count},
        )

    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(MfaReset)
class MfaResetAdmin(TenantAdmin):
    """The record of HR's two-factor resets, for staff to read: nobody rewrites it."""

    list_display = ["created_at", "organization", "member", "reset_by", "authenticators_removed"]
    list_filter = ["organization"]
    search_fields = ["member__email", "reset_by__email"]
    readonly_fields = ["organization", "member", "reset_by", "reason", "authenticators_removed", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
