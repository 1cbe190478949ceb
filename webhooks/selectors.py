from django.db.models import Count, Q

from notifications.models import Notification

from .models import Endpoint

RECENT_DELIVERIES = 50


def endpoints_with_counts():
    """The organisation's endpoints, each with how many of its deliveries failed or wait: two queries."""
    waiting = [Notification.Status.PENDING, Notification.Status.SENDING]
    counts = {
        row["object_id"]: row
        for row in Notification.objects.filter(
            channel=Notification.Channel.WEBHOOK, status__in=[Notification.Status.FAILED, *waiting]
        )
        .values("object_id")
        .annotate(
            failed=Count("pk", filter=Q(status=Notification.Status.FAILED)),
            waiting=Count("pk", filter=Q(status__in=waiting)),
        )
        .order_by()
    }
    endpoints = list(Endpoint.objects.order_by("created_at", "pk"))
    for endpoint in endpoints:
        endpoint.failed_count = counts.get(endpoint.pk, {}).get("failed", 0)
        endpoint.waiting_count = counts.get(endpoint.pk, {}).get("waiting", 0)
    return endpoints


def recent_deliveries(*, endpoint, status=None, limit=RECENT_DELIVERIES):
    """The endpoint's latest deliveries, newest first (by when they were planned)."""
    rows = Notification.objects.filter(channel=Notification.Channel.WEBHOOK, object_id=endpoint.pk)
    if status:
        rows = rows.filter(status=status)
    return list(rows.order_by("-created_at", "-pk")[:limit])


def delivery_summary(*, endpoint):
    rows = Notification.objects.filter(channel=Notification.Channel.WEBHOOK, object_id=endpoint.pk)
    return rows.aggregate(
        sent=Count("pk", filter=Q(status=Notification.Status.SENT)),
        failed=Count("pk", filter=Q(status=Notification.Status.FAILED)),
        waiting=Count("pk", filter=Q(status__in=[Notification.Status.PENDING, Notification.Status.SENDING])),
    )
