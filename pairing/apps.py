from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pairing"
    verbose_name = _("Pairing")

    def ready(self):
        from programmes.signals import participant_withdrawn

        from . import notifications, receivers  # noqa: F401  (notifications: pair kinds and e-mails, people without a pair)

        participant_withdrawn.connect(
            receivers.end_pairs_of_withdrawn_participant, dispatch_uid="pairing.end_pairs_of_withdrawn"
        )
