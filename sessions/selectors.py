"""Reading a pair's workspace, and the per-pair figures HR is allowed to see."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q
from django.utils import timezone

from organizations.models import Membership
from organizations.roles import PAIR_ROLES
from organizations.tenancy import unscoped
from pairing.models import Pair

from .access import PAIR_STATUSES_WITH_A_SPACE
from .models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Goal,
    GoalProgress,
    PrivateNote,
    Session,
    SharedResource,
)

PAIR_PAGE_SESSIONS = 5


def goals_with_progress(pair):
    return (
        Goal.objects.filter(pair=pair)
        .select_related("objective")
        .prefetch_related(
            "skills", Prefetch("progress", queryset=GoalProgress.objects.order_by("recorded_on", "pk"))
        )
    )


def _sessions(pair):
    return Session.objects.filter(pair=pair).annotate(agenda_count=Count("agenda_items"))


def upcoming_sessions(pair, limit=None):
    queryset = _sessions(pair).filter(
        status=Session.Status.SCHEDULED, starts_at__gte=timezone.now() - timedelta(hours=2)
    )
    return queryset.order_by("starts_at")[:limit] if limit else queryset.order_by("starts_at")


def past_sessions(pair, limit=None):
    queryset = (
        _sessions(pair)
        .exclude(status=Session.Status.SCHEDULED, starts_at__gte=timezone.now() - timedelta(hours=2))
        .order_by("-starts_at")
    )
    return queryset[:limit] if limit else queryset


def sessions_to_log(pair):
    return (
        _sessions(pair)
        .filter(status=Session.Status.SCHEDULED, starts_at__lt=timezone.now())
        .order_by("starts_at")
    )


def open_action_items(pair):
    return ActionItem.objects.filter(pair=pair).select_related("owner").order_by("done_at", "due_date", "pk")


def resources(pair):
    return SharedResource.objects.filter(pair=pair).select_related("added_by")


def session_with_agenda(session):
    return list(AgendaItem.objects.filter(session=session).select_related("goal"))


def own_private_note(session, user):
    """The signed-in person's own note. There is deliberately no way to read someone else's."""
    return PrivateNote.objects.filter(session=session, author=user).first()


@dataclass
class PairFigures:
    pair: Pair
    planned: int
    held: int
    cancelled: int
    no_show: int
    last_session: object
    next_session: object
    goals: int
    goal_progress: int | None  # mean of each goal's latest point, in percent


def pairs_overview(*, programme=None):
    """Counts and dates per pair for HR. Notes, agenda text and goal titles stay out by construction."""
    now = timezone.now()
    pairs = Pair.objects.filter(status__in=PAIR_STATUSES_WITH_A_SPACE).select_related(
        "programme", "mentor__user", "mentee__user"
    )
    if programme is not None:
        pairs = pairs.filter(programme=programme)
    pairs = pairs.annotate(
        planned=Count(
            "sessions",
            filter=Q(sessions__status=Session.Status.SCHEDULED, sessions__starts_at__gte=now),
            distinct=True,
        ),
        held=Count("sessions", filter=Q(sessions__status=Session.Status.HELD), distinct=True),
        cancelled=Count("sessions", filter=Q(sessions__status=Session.Status.CANCELLED), distinct=True),
        no_show=Count("sessions", filter=Q(sessions__status=Session.Status.NO_SHOW), distinct=True),
        last_session=Max("sessions__starts_at", filter=Q(sessions__status=Session.Status.HELD)),
        next_session=Min(
            "sessions__starts_at",
            filter=Q(sessions__status=Session.Status.SCHEDULED, sessions__starts_at__gte=now),
        ),
        goal_count=Count("goals", distinct=True),
    ).order_by("programme__name", "mentee__person__last_name", "pk")
    pairs = list(pairs)
    latest = {}
    points = (
        GoalProgress.objects.filter(goal__pair__in=[pair.pk for pair in pairs])
        .order_by("recorded_on", "pk")
        .values_list("goal__pair_id", "goal_id", "goal__scale", "value")
    )
    for pair_id, goal_id, scale, value in points:
        latest[(pair_id, goal_id)] = value * 100 / (5 if scale == Goal.Scale.LEVEL else 100)
    by_pair = defaultdict(list)
    for (pair_id, _goal_id), percent in latest.items():
        by_pair[pair_id].append(percent)
    return [
        PairFigures(
            pair=pair,
            planned=pair.planned,
            held=pair.held,
            cancelled=pair.cancelled,
            no_show=pair.no_show,
            last_session=pair.last_session,
            next_session=pair.next_session,
            goals=pair.goal_count,
            goal_progress=round(sum(by_pair[pair.pk]) / len(by_pair[pair.pk])) if by_pair[pair.pk] else None,
        )
        for pair in pairs
    ]


def _holds_a_pair_role(user, organization):
    return Exists(Membership.objects.filter(organization=organization, user=user, role__in=PAIR_ROLES))


def feed_for_token(token):
    """The active feed a secret token stands for, or None.

    Checked at every read, whatever was revoked or not: the holder must still be an active account
    with a pair role in the feed's organisation, so a token that outlived its holder's access shows nothing.
    """
    with unscoped("the calendar feed finds its organisation from the secret token"):
        return (
            CalendarFeed.objects.filter(token=token, revoked_at=None, user__is_active=True)
            .filter(_holds_a_pair_role(OuterRef("user"), OuterRef("organization")))
            .select_related("organization", "user")
            .first()
        )


def feed_sessions(*, user):
    """The person's sessions in the current organisation for their calendar feed (a year back); none
    once they no longer hold a pair role there or their account is inactive."""
    if not user.is_active:
        return Session.objects.none()
    since = timezone.now() - timedelta(days=365)
    return (
        Session.objects.filter(starts_at__gte=since)
        .filter(Q(pair__mentor__user=user) | Q(pair__mentee__user=user))
        .filter(_holds_a_pair_role(user, OuterRef("organization")))
        .exclude(status=Session.Status.NOT_HELD)
        .select_related("organization", "pair__mentor__user", "pair__mentee__user")
        .order_by("starts_at")
    )
