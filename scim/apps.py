from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScimConfig(AppConfig):
    """SCIM 2.0 provisioning (RFC 7643/7644): the organisation's directory creates, updates and removes
    its people and their roles."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "scim"
    verbose_name = _("Provisioning (SCIM)")

    def ready(self) -> None:
        from . import personal_data  # noqa: F401  its part of a person's data
