"""Isolation samples for the webhook pages: another organisation's endpoint and one of its deliveries."""

from django.utils import timezone

from notifications.models import Notification
from organizations.tenancy import tenant_context
from tests.isolation import FOREIGN_MARKER
from webhooks.models import Endpoint
from webhooks.secrets import encrypt


def _endpoint(organization):
    with tenant_context(organization):
        endpoint = Endpoint.objects.filter(description=FOREIGN_MARKER).first()
        if endpoint is None:
            endpoint = Endpoint.objects.create(
                organization=organization,
                url=f"https://{FOREIGN_MARKER.lower()}.example/hooks",
                description=FOREIGN_MARKER,
                events=["pair.ended"],
                secret=encrypt("whsec_foreign"),
                secret_hint="whsec_forei",
            )
    return endpoint


def _endpoint_id(organization):
    return _endpoint(organization).pk


def _delivery_id(organization):
    endpoint = _endpoint(organization)
    with tenant_context(organization):
        return Notification.objects.create(
            organization=organization,
            channel=Notification.Channel.WEBHOOK,
            kind="webhook",
            key=f"webhook:{FOREIGN_MARKER}:endpoint:{endpoint.pk}",
            due_at=timezone.now(),
            object_id=endpoint.pk,
            status=Notification.Status.FAILED,
            data={"event_id": FOREIGN_MARKER, "event": "pair.ended", "payload": {}},
        ).pk


SAMPLES = {"endpoint_id": _endpoint_id, "delivery_id": _delivery_id}
