"""What notifications hold about a person: the messages addressed to them and their preferences."""

from accounts import privacy

from .models import Notification, Preference


@privacy.export("notifications", position=70, covers=[Notification])
def _notifications(user):
    def entry(notification):
        return {
            "kind": notification.kind,
            "subject": notification.subject,
            "status": notification.status,
            "due_at": notification.due_at,
            "delivered_at": notification.delivered_at,
            "read_at": notification.read_at,
        }

    return list(Notification.objects.filter(recipient=user).order_by("due_at", "pk")), entry


@privacy.export("notification_preferences", position=75, covers=[Preference])
def _preferences(user):
    def entry(preference):
        return {
            "muted_kinds": preference.muted_kinds,
            "quiet_start": preference.quiet_start,
            "quiet_end": preference.quiet_end,
        }

    return list(Preference.objects.filter(user=user)), entry


@privacy.erase
def _delete_notifications_and_preferences(*, user, now):
    Notification.objects.filter(recipient=user).delete()
    # Invitations e-mailed to the address before it had an account (address-only outbox rows).
    Notification.objects.filter(recipient=None, address__iexact=user.email).delete()
    Preference.objects.filter(user=user).delete()
