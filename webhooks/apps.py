from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        # delivery: the outbox's webhook channel and its kind; planners: the survey windows' events;
        # receivers: the domain's signals; personal_data: who registered an endpoint.
        from . import delivery, personal_data, planners, receivers  # noqa: F401

        receivers.connect()
