from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from organizations.signals import access_ended

        # notifications: survey kinds, planners and digest sections; personal_data: its part of a person's data.
        from . import notifications, personal_data  # noqa: F401
        from .receivers import withdraw_links_when_access_ends

        access_ended.connect(withdraw_links_when_access_ends, dispatch_uid="surveys.withdraw_links")
