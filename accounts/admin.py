from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organizations.admin import CountsOnlyDeletion, TenantAdmin

from . import sso
from .models import BreakGlassSignIn, EmailDomain, IdentityProvider, MfaReset, User


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


@admin.register(IdentityProvider)
class IdentityProviderAdmin(TenantAdmin):
    """Read-only for staff: each organisation sets its IdP up on its own security page."""

    list_display = ["name", "organization", "protocol", "enabled", "sso_required", "jit"]
    list_filter = ["protocol", "enabled", "sso_required"]
    # The client secret is the organisation's: staff never see it.
    fields = ["organization", "name", "protocol", "enabled", "server_url", "client_id", "metadata_url"]
    fields += ["sso_required", "jit", "jit_role", "created_at", "updated_at"]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailDomain)
class EmailDomainAdmin(TenantAdmin):
    list_display = ["domain", "organization", "claimed_by", "claimed_at", "confirmed_by", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["domain"]
    fields = ["organization", "domain", "claimed_by", "claimed_at", "confirmed_by", "confirmed_at"]
    readonly_fields = fields
    actions = ["confirm"]

    @admin.action(description=_("Confirm the selected domains (they then route their addresses to SSO)"))
    def confirm(self, request, queryset):
        confirmed = 0
        for domain in queryset.filter(confirmed_at__isnull=True):
            try:
                sso.confirm_domain(domain=domain, confirmed_by=request.user)
            except ValidationError as error:
                messages.error(request, f"{domain.domain}: {' '.join(error.messages)}")
            else:
                confirmed += 1
        messages.success(
            request,
            ngettext("%(count)d domain confirmed.", "%(count)d domains confirmed.", confirmed)
            % {"count": confirmed},
        )


@admin.register(BreakGlassSignIn)
class BreakGlassSignInAdmin(admin.ModelAdmin):
    list_display = ["email", "user", "signed_in_at"]
    search_fields = ["email"]
    fields = ["user", "email", "reason", "signed_in_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The audit trail outlives the accounts it names.
        return False


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
