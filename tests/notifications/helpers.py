from django.utils import timezone

from notifications import tasks
from notifications.models import Notification
from organizations.tenancy import tenant_context


def run_dispatcher():
    """What beat does every minute, run in this process (tasks are eager in tests)."""
    return tasks.dispatch_notifications()


def run_hourly():
    return tasks.plan_periodic_notifications()


def rows(organization, **filters):
    with tenant_context(organization):
        return list(Notification.objects.filter(**filters).order_by("due_at", "key"))


def now():
    return timezone.now()
