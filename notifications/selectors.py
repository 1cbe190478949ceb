from organizations.tenancy import unscoped

from .models import Notification, OutboxPause
from .registry import DISPATCH_PLANNERS


def organizations_with_work(*, now):
    """The dispatcher's scan: ids of organisations with a due row, or something a dispatch planner must
    plan (each planner's own scan, ``registry.dispatch_planner``).

    One indexed query for the due rows, plus each planner's bounded scan (two for sessions), whatever
    the number of organisations or rows.
    """
    with unscoped("the dispatcher scans every organisation for due notifications"):
        ids = set(
            Notification.objects.filter(status=Notification.Status.PENDING, due_at__lte=now)
            .values_list("organization_id", flat=True)
            .distinct()
        )
        for planner in DISPATCH_PLANNERS:
            ids |= set(planner.organizations(now=now))
    return sorted(ids)


def has_due(*, now):
    return Notification.objects.filter(status=Notification.Status.PENDING, due_at__lte=now).exists()


def inbox(*, user):
    """The person's delivered notifications in the current organisation, newest first."""
    return Notification.objects.filter(
        recipient=user, status__in=[Notification.Status.SENT, Notification.Status.IN_APP]
    ).order_by("-delivered_at", "-pk")


def outbox_health(*, now):
    """Across every organisation: how late the oldest due row is, and how many rows failed for good.

    Two indexed aggregates; no names, addresses or organisations, so a monitor may read it.
    """
    with unscoped("the outbox's health is watched across organisations, as counts only"):
        # A row claimed by a worker that vanished is not delivered either, until it is handed back.
        undelivered = [Notification.Status.PENDING, Notification.Status.SENDING]
        oldest = (
            Notification.objects.filter(status__in=undelivered, due_at__lte=now)
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )
        failed = Notification.objects.filter(status=Notification.Status.FAILED).count()
    pause = relay_pause()
    return {
        "oldest_due_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        "failed": failed,
        "paused_until": pause.paused_until.isoformat() if pause else None,
    }


def relay_pause():
    """The outbox's pause while the mail relay is down for everyone (``OutboxPause``), or None."""
    return OutboxPause.objects.filter(pk=OutboxPause.SINGLETON, paused_until__isnull=False).first()


def outbox_paused(*, now):
    """Whether no e-mail may go before a later probe (the relay failed as a whole)."""
    return OutboxPause.objects.filter(pk=OutboxPause.SINGLETON, paused_until__gt=now).exists()


FAILED_SHOWN = 50


def failed_deliveries(*, limit=FAILED_SHOWN):
    """The organisation's e-mails that could not be sent, most recent first, with the reason kept on each."""
    return (
        Notification.objects.filter(status=Notification.Status.FAILED)
        .select_related("recipient")
        .order_by("-due_at", "-pk")[:limit]
    )
