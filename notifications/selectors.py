from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from organizations.models import Organization
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
            .order_by()  # else DISTINCT (organization_id, due_at): a row per due notification
            .values_list("organization_id", flat=True)
            .distinct()
        )
        for planner in DISPATCH_PLANNERS:
            ids |= set(planner.organizations(now=now))
    return sorted(ids)


def has_due(*, now, channel=Notification.Channel.EMAIL):
    return Notification.objects.filter(
        status=Notification.Status.PENDING, due_at__lte=now, channel=channel
    ).exists()


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


@dataclass(frozen=True)
class OrganizationLag:
    """One organisation's outbox as platform staff watch it: counts and dates, nobody's data."""

    organization_id: int
    name: str
    slug: str
    due: int
    oldest_due_at: datetime | None
    lag_seconds: int
    failed: int
    last_sent_at: datetime | None


def _count(rows):
    counted = rows.order_by().values("organization_id").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def outbox_lag_by_organization(*, now):
    """Every organisation with its due rows, the oldest one's age, its failed rows and its last e-mail sent,
    the slowest first (then the most failed). One query, whatever the number of organisations: each figure
    is a subquery served by a partial index (pending, failed, sent)."""
    with unscoped("platform staff watch every organisation's outbox, as counts only"):
        rows = Notification.objects.filter(organization_id=OuterRef("pk"))
        due = rows.filter(status=Notification.Status.PENDING, due_at__lte=now)
        sent = rows.filter(status=Notification.Status.SENT).order_by("-delivered_at")
        organizations = (
            Organization.objects.annotate(
                due=_count(due),
                oldest_due_at=Subquery(due.order_by("due_at").values("due_at")[:1]),
                failed=_count(rows.filter(status=Notification.Status.FAILED)),
                last_sent_at=Subquery(sent.values("delivered_at")[:1]),
            )
            .order_by(F("oldest_due_at").asc(nulls_last=True), F("failed").desc(), "name", "pk")
            .values_list("pk", "name", "slug", "due", "oldest_due_at", "failed", "last_sent_at")
        )
        return [
            OrganizationLag(
                organization_id=pk,
                name=name,
                slug=slug,
                due=due_count,
                oldest_due_at=oldest,
                lag_seconds=int((now - oldest).total_seconds()) if oldest else 0,
                failed=failed,
                last_sent_at=last_sent,
            )
            for pk, name, slug, due_count, oldest, failed, last_sent in organizations
        ]


FAILED_SHOWN = 50


def failed_deliveries(*, limit=FAILED_SHOWN):
    """The organisation's e-mails that could not be sent, most recent first, with the reason kept on each.

    Webhook deliveries that failed are shown on their endpoint's page, with its resend button."""
    return (
        Notification.objects.filter(status=Notification.Status.FAILED, channel=Notification.Channel.EMAIL)
        .select_related("recipient")
        .order_by("-due_at", "-pk")[:limit]
    )
