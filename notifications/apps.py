from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from accounts.signals import mfa_reset
        from organizations.signals import access_ended, invitations_issued

        # handlers: the HR digest and invitations, the kinds this app plans; personal_data: its part of a
        # person's data.
        from . import handlers, personal_data  # noqa: F401
        from .invitations import plan_invitation_emails
        from .mfa import tell_member_of_mfa_reset
        from .receivers import withhold_emails_when_access_ends

        access_ended.connect(withhold_emails_when_access_ends, dispatch_uid="notifications.withhold")
        invitations_issued.connect(plan_invitation_emails, dispatch_uid="notifications.invitations")
        mfa_reset.connect(tell_member_of_mfa_reset, dispatch_uid="notifications.mfa_reset")
