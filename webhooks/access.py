"""Endpoints and their deliveries, loaded within the member's organisation: 404 otherwise."""

from django.shortcuts import get_object_or_404

from notifications.models import Notification
from organizations.access import Member

from .models import Endpoint


def access_endpoint(member: Member, endpoint_id: int) -> Endpoint:
    return get_object_or_404(Endpoint.objects.filter(organization=member.organization), pk=endpoint_id)


def access_delivery(member: Member, endpoint: Endpoint, delivery_id: int) -> Notification:
    """One of this endpoint's deliveries (an outbox row of the webhook channel)."""
    return get_object_or_404(
        Notification.objects.filter(
            organization=member.organization,
            channel=Notification.Channel.WEBHOOK,
            object_id=endpoint.pk,
        ),
        pk=delivery_id,
    )
