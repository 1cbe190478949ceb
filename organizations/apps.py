from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organizations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from .row_security import after_migrate

        # Once per migrate, after every app's tables exist (sender: this app only).
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="organizations.row_security")


class PlatformAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with a site whose every page runs across organisations (admin_site.py)."""

    default = False  # named in INSTALLED_APPS; "organizations" alone is OrganizationsConfig

    default_site = "organizations.admin_site.PlatformAdminSite"
