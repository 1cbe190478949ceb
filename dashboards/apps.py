from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Progress dashboards: reads every other app, imported by none."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        # notifications: HR's nudge in the outbox; personal_data: why its rows are not in a person's export
        from . import notifications, personal_data, report_notifications  # noqa: F401
        from .cache import connect

        # The cached figures are dropped when a row under them is saved or deleted.
        connect()
