"""Reading the trail in tests: every organisation's events, or one's, as (action, actor label) pairs."""

from organizations.models import AuditEvent
from organizations.tenancy import tenant_context, unscoped


def events_of(organization, **filters):
    with tenant_context(organization):
        return list(AuditEvent.objects.filter(**filters).order_by("id"))


def all_events(**filters):
    with unscoped("the test reads every organisation's trail"):
        return list(AuditEvent.objects.filter(**filters).order_by("id"))


def actions_of(organization):
    return [event.action for event in events_of(organization)]
