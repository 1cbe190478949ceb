from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pairing"
    verbose_name = _("Pairing")

    def ready(self):
        from programmes.signals import participant_withdrawn

        # notifications: pair kinds and e-mails, people without a pair; personal_data: its part of a person's data
        from . import notifications, personal_data, receivers  # noqa: F401

        participant_withdrawn.connect(
            receivers.end_pairs_of_withdrawn_participant, dispatch_uid="pairing.end_pairs_of_withdrawn"
        )
