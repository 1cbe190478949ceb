from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organizations.admin import TenantAdmin

from . import selectors, services
from .models import Notification
from .registry import kind_choices


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(TenantAdmin):
    """The outbox as platform staff see it: what went out, and why a row was skipped or failed."""

    list_display = (
        "key",
        "organization",
        "kind_label",
        "status",
        "due_at",
        "attempts",
        "last_error",
        "skip_reason",
    )
    # By organisation too: the lag page links each organisation's failed rows.
    list_filter = ("status", KindFilter, "organization")
    search_fields = ("key", "address")
    fields = (
        "organization",
        "recipient",
        "address",
        "kind_label",
        "key",
        "status",
        "due_at",
        "attempts",
        "last_error",
        "skip_reason",
        "subject",
        "delivered_at",
    )
    readonly_fields = fields
    actions = ["send_again"]

    def get_urls(self):
        lag = path("lag/", self.admin_site.admin_view(self.lag_view), name="notifications_notification_lag")
        return [lag, *super().get_urls()]

    def lag_view(self, request):
        """Per organisation, the slowest first: how much is due and for how long, what failed, the last
        e-mail sent. Counts and dates only, like the alert staff receive."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Outbox lag per organisation"),
            "opts": self.model._meta,
            "organizations": selectors.outbox_lag_by_organization(now=now),
            "threshold_seconds": settings.OUTBOX_LAG_ALERT_SECONDS,
            "now": now,
        }
        return TemplateResponse(request, "admin/notifications/outbox_lag.html", context)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, row):
        return row.kind_label

    @admin.action(description=_("Send the selected failed e-mails again"), permissions=["change"])
    def send_again(self, request, queryset):
        # Once the cause is fixed (a name corrected, the SMTP account restored), a fresh start.
        count = services.requeue(rows=queryset)
        self.message_user(
            request,
            ngettext("%(count)s e-mail will be sent again.", "%(count)s e-mails will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
