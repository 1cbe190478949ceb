from datetime import timedelta

from django.db.models import Exists, Max, OuterRef, Q

from organizations.tenancy import unscoped
from pairing.models import Pair
from programmes.models import Participant, Programme
from sessions.models import Session

from .models import Kind, Notification

REMINDER_HORIZON = timedelta(hours=25)
LOG_LOOKBACK = timedelta(days=7)
LOG_OVERDUE = timedelta(hours=48)


def _planned(kind):
    # The organisation in the probe lets the (organization, kind, object_id) index serve the scan.
    return Notification.objects.filter(
        organization_id=OuterRef("organization_id"),
        kind=kind,
        object_id=OuterRef("pk"),
        planned_sequence=OuterRef("sequence"),
    )


def sessions_needing_reminders(*, now):
    """Scheduled sessions starting within 25 h with no reminder planned for their current version."""
    return Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMINDER_HORIZON
    ).exclude(Exists(_planned(Kind.SESSION_REMINDER_1H)))


def sessions_needing_log_reminder(*, now):
    """Sessions that started in the last week, still unlogged, with no log reminder planned yet."""
    return Session.objects.filter(
        status=Session.Status.SCHEDULED,
        logged_at=None,
        starts_at__lte=now,
        starts_at__gt=now - LOG_LOOKBACK,
    ).exclude(Exists(_planned(Kind.SESSION_LOG)))


def organizations_with_work(*, now):
    """The dispatcher's scan: ids of organisations with a due row or a session to plan for.

    Three indexed queries whatever the number of organisations or sessions.
    """
    with unscoped("the dispatcher scans every organisation for due notifications"):
        due = set(
            Notification.objects.filter(status=Notification.Status.PENDING, due_at__lte=now)
            .values_list("organization_id", flat=True)
            .distinct()
        )
        reminders = set(
            sessions_needing_reminders(now=now).values_list("organization_id", flat=True).distinct()
        )
        logs = set(
            sessions_needing_log_reminder(now=now).values_list("organization_id", flat=True).distinct()
        )
    return sorted(due | reminders | logs)


def has_due(*, now):
    return Notification.objects.filter(status=Notification.Status.PENDING, due_at__lte=now).exists()


def active_pairs_with_activity(*, now):
    """Active pairs of running programmes with their last session start and whether one is upcoming."""
    return (
        Pair.objects.filter(status=Pair.Status.ACTIVE, programme__status=Programme.Status.RUNNING)
        .select_related("programme", "mentor__user", "mentee__user")
        .annotate(
            last_session_at=Max(
                "sessions__starts_at",
                filter=Q(
                    sessions__starts_at__lte=now,
                    sessions__status__in=[Session.Status.HELD, Session.Status.SCHEDULED],
                ),
            ),
            has_upcoming=Exists(
                Session.objects.filter(
                    pair=OuterRef("pk"), status=Session.Status.SCHEDULED, starts_at__gt=now
                )
            ),
        )
        .order_by("pk")
    )


def inactive_since(pair, *, now):
    """When the pair's silence started, if it has lasted twice the programme's cadence; else None."""
    if pair.has_upcoming:
        return None
    since = pair.last_session_at or pair.started_at or pair.created_at
    if now - since >= timedelta(days=2 * pair.programme.cadence_days):
        return since
    return None


def inactive_pairs(*, now):
    return [pair for pair in active_pairs_with_activity(now=now) if inactive_since(pair, now=now)]


def overdue_logs(*, now):
    """Sessions that ended more than two days ago and are still not logged."""
    return (
        Session.objects.filter(
            status=Session.Status.SCHEDULED, logged_at=None, starts_at__lte=now - LOG_OVERDUE
        )
        .select_related("pair__mentor__user", "pair__mentee__user")
        .order_by("starts_at")
    )


def unmatched_participants():
    """Enrolled people of open, matching or running programmes with no pair proposed, accepted or active."""
    live = [Pair.Status.PROPOSED, Pair.Status.ACCEPTED, Pair.Status.ACTIVE]
    paired = Pair.objects.filter(Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk")), status__in=live)
    return (
        Participant.objects.filter(
            status=Participant.Status.ENROLLED,
            programme__status__in=[
                Programme.Status.OPEN,
                Programme.Status.MATCHING,
                Programme.Status.RUNNING,
            ],
        )
        .exclude(Exists(paired))
        .select_related("user", "programme")
    )


def inbox(*, user):
    """The person's delivered notifications in the current organisation, newest first."""
    return Notification.objects.filter(
        recipient=user, status__in=[Notification.Status.SENT, Notification.Status.IN_APP]
    ).order_by("-delivered_at", "-pk")


def unread_count(*, user):
    return inbox(user=user).filter(read_at=None).count()


FAILED_SHOWN = 50


def failed_deliveries(*, limit=FAILED_SHOWN):
    """The organisation's e-mails that could not be sent, most recent first, with the reason kept on each."""
    return (
        Notification.objects.filter(status=Notification.Status.FAILED)
        .select_related("recipient")
        .order_by("-due_at", "-pk")[:limit]
    )
