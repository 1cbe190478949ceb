from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    """Mentoring sessions. ``sessions`` is django.contrib.sessions' label, hence our own."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "sessions"
    label = "mentoring_sessions"
    verbose_name = _("Mentoring sessions")

    def ready(self):
        from organizations.signals import access_ended
        from pairing.signals import pairs_ended
        from programmes.signals import participant_enrolled, participant_withdrawn

        # notifications: session kinds and e-mails, pairs at risk, calendar invitations; personal_data: its part of a person's data
        from . import notifications, personal_data, receivers  # noqa: F401

        pairs_ended.connect(
            receivers.cancel_sessions_of_ended_pairs, dispatch_uid="sessions.cancel_on_pair_end"
        )
        access_ended.connect(receivers.revoke_feed_when_access_ends, dispatch_uid="sessions.revoke_feed")
        access_ended.connect(
            receivers.end_delegations_when_access_ends, dispatch_uid="sessions.end_delegations"
        )
        participant_enrolled.connect(
            receivers.invite_late_mentor_to_the_cohort, dispatch_uid="sessions.cohort_late_mentor"
        )
        participant_withdrawn.connect(
            receivers.uninvite_withdrawn_mentor_from_the_cohort, dispatch_uid="sessions.cohort_withdrawn"
        )
