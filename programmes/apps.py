from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self):
        from organizations.signals import member_joined, organization_created

        # notifications: the preparation reminder; personal_data: its part of a person's data
        from . import notifications, personal_data, receivers  # noqa: F401

        organization_created.connect(receivers.seed_taxonomy, dispatch_uid="programmes.seed_taxonomy")
        member_joined.connect(receivers.pending_enrolment_url, dispatch_uid="programmes.pending_enrolment")
