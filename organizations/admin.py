from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import audit, services, uploads
from .models import AuditEvent, Invitation, Membership, Organization
from .roles import Role
from .tenancy import unscoped
from .timezones import TimeZoneField


class CountsOnlyDeletion(admin.ModelAdmin):
    """Delete confirmations name the objects chosen and count the rest, kind by kind.

    Django's page lists every row the deletion cascades to by its ``str()``: deleting an organisation
    or a person would list their pairs' goals, agendas and actions to platform staff, who never read
    what a pair wrote. The per-kind counts (Django's summary) say what goes.
    """

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[str]]:
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        chosen = [entry for entry in deleted if not isinstance(entry, list)]
        return chosen, model_count, perms_needed, protected


class TenantAdmin(CountsOnlyDeletion, admin.ModelAdmin):
    """Platform staff see every organisation's rows: the admin is the named exception to scoping."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        with unscoped("django admin for platform staff"):
            return super().get_queryset(request)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        with unscoped("django admin for platform staff"):
            return super().get_object(request, object_id, from_field)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Rows are created inside an organisation by its HR admins, or by invitation.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return ("organization", *super().get_readonly_fields(request, obj))


class OrganizationAdminForm(forms.ModelForm):
    first_admin_email = forms.EmailField(
        label=_("First HR admin's e-mail"),
        required=False,
        help_text=_("An invitation is sent to this address when the organisation is created."),
    )

    time_zone = TimeZoneField()

    class Meta:
        model = Organization
        fields = [
            "name",
            "slug",
            "default_language",
            "time_zone",
            "brand_colour",
            "logo",
            "minimum_group_size",
        ]

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return uploads.reencode_logo(logo)
        return logo


@admin.register(Organization)
class OrganizationAdmin(CountsOnlyDeletion, admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "slug", "default_language", "time_zone", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: Organization, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        email = form.cleaned_data.get("first_admin_email")
        if email:
            services.invite_member(organization=obj, email=email, role=Role.HR_ADMIN)
            messages.info(request, _("Invitation sent to %(email)s.") % {"email": email})


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]

    # Staff removing or changing a role here ends what it gave, exactly as HR removing it does.
    def save_model(self, request: HttpRequest, obj: Membership, form: ModelForm, change: bool) -> None:
        before = None
        if change:
            with unscoped("django admin for platform staff"):
                before = Membership.objects.select_related("user").get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        if before is not None and (before.user_id, before.role) != (obj.user_id, obj.role):
            services.roles_removed(
                organization=obj.organization, user=before.user, reason="membership changed in the admin"
            )
            _record_role(request, audit.Action.ROLE_REVOKED, before)
        if before is None or (before.user_id, before.role) != (obj.user_id, obj.role):
            _record_role(request, audit.Action.ROLE_GRANTED, obj)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        super().delete_model(request, obj)
        services.roles_removed(organization=obj.organization, user=obj.user, reason=self.DELETED)
        _record_role(request, audit.Action.ROLE_REVOKED, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        rows = list(queryset.select_related("organization", "user"))
        people = {(row.organization, row.user) for row in rows}
        super().delete_queryset(request, queryset)
        for organization, user in people:
            services.roles_removed(organization=organization, user=user, reason=self.DELETED)
        for row in rows:
            _record_role(request, audit.Action.ROLE_REVOKED, row)

    DELETED = "membership deleted in the admin"


def _record_role(request: HttpRequest, action: audit.Action, membership: Membership) -> None:
    """Staff changing a membership in the admin: the organisation's trail says who, what and whose."""
    audit.record(
        action,
        organization=membership.organization,
        actor=request.user,
        actor_kind=audit.ActorKind.STAFF,
        target=membership.user,
        target_label=membership.user.email,
        details={"role": membership.role, "by": "Django admin"},
        request=request,
    )


@admin.register(Invitation)
class InvitationAdmin(TenantAdmin):
    list_display = ["email", "organization", "role", "created_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "organization"]
    search_fields = ["email"]
    readonly_fields = ["invited_by", "accepted_by", "sent_at", "accepted_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(TenantAdmin):
    """Read-only: an event is never changed, and only the retention purge deletes one."""

    list_display = ["occurred_at", "organization", "action", "actor_kind", "actor_label", "target_label"]
    list_filter = ["action", "actor_kind", "organization"]
    search_fields = ["actor_label", "target_label"]
    date_hierarchy = "occurred_at"

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
