from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_init, pre_delete

        from . import audit, pagecache, receivers
        from .tenancy import tenant_models

        # Platform staff's reads of an organisation's rows are noted as the rows load, whatever loads
        # them; connected per model so that other models' instances pay nothing.
        for model in tenant_models():
            post_init.connect(
                audit.note_loaded, sender=model, dispatch_uid=f"audit.staff.{model._meta.label}"
            )
        from .signals import invitations_issued

        invitations_issued.connect(
            receivers.record_invitations_sent, dispatch_uid="organizations.audit.invitations"
        )
        pre_delete.connect(
            receivers.organization_deleted,
            sender=self.get_model("Organization"),
            dispatch_uid="organizations.audit_trail_goes_with_organisation",
        )

        # Every write of every process tells the kept pages what it changed (organizations/pagecache.py).
        connection_created.connect(pagecache.install, dispatch_uid="organizations.pagecache.install")

        from .row_security import after_migrate

        # Once per migrate, after every app's tables exist (sender: this app only).
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="organizations.row_security")


class PlatformAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with a site whose every page runs across organisations (admin_site.py)."""

    default = False  # named in INSTALLED_APPS; "organizations" alone is OrganizationsConfig

    default_site = "organizations.admin_site.PlatformAdminSite"
