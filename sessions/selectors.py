"""Reading a pair's workspace, the per-pair figures HR is allowed to see, and the rules of a pair's rhythm."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.utils import timezone

from organizations.models import Membership
from organizations.roles import PAIR_ROLES
from organizations.tenancy import unscoped
from pairing.models import Pair
from programmes.models import Programme

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
# A planned session stays among the upcoming ones this long after its start (it may be running late).
UPCOMING_GRACE = timedelta(hours=2)


def preparation_pending(pair, sessions=None):
    """The pair's participants who must still finish their preparation before its first session: none
    once HR waived it, or once the pair has a session that was not cancelled (it is past its first).

    ``sessions``, every session of the pair when the caller has read them already, spares a query."""
    if pair.preparation_waived_at is not None:
        return []
    if sessions is not None:
        past_its_first = any(session.status != Session.Status.CANCELLED for session in sessions)
    else:
        past_its_first = Session.objects.filter(pair=pair).exclude(status=Session.Status.CANCELLED).exists()
    if past_its_first:
        return []
    return [participant for participant in (pair.mentor, pair.mentee) if not participant.is_prepared]


def assistant_sessions(pairs, *, now=None):
    """The upcoming planned sessions of the pairs an assistant plans for (their pages show only the
    dates, durations, formats and places)."""
    return (
        Session.objects.filter(
            pair__in=pairs, status=Session.Status.SCHEDULED, starts_at__gte=now or timezone.now()
        )
        .select_related("pair__programme", "pair__mentor__user", "pair__mentee__user")
        .order_by("starts_at", "pk")
    )


def goals_with_progress(pair):
    """The pair's goals with their objective and their progress points in order (the pair page's cards,
    which show no skill: the goal's page does)."""
    return (
        Goal.objects.filter(pair=pair)
        .select_related("objective")
        .prefetch_related(Prefetch("progress", queryset=GoalProgress.objects.order_by("recorded_on", "pk")))
    )


def _sessions(pair):
    return Session.objects.filter(pair=pair).annotate(agenda_count=Count("agenda_items"))


def upcoming_sessions(pair, limit=None):
    queryset = _sessions(pair).filter(
        status=Session.Status.SCHEDULED, starts_at__gte=timezone.now() - UPCOMING_GRACE
    )
    return queryset.order_by("starts_at")[:limit] if limit else queryset.order_by("starts_at")


def past_sessions(pair, limit=None):
    queryset = (
        _sessions(pair)
        .exclude(status=Session.Status.SCHEDULED, starts_at__gte=timezone.now() - UPCOMING_GRACE)
        .order_by("-starts_at")
    )
    return queryset[:limit] if limit else queryset


def sessions_to_log(pair):
    return (
        _sessions(pair)
        .filter(status=Session.Status.SCHEDULED, starts_at__lt=timezone.now())
        .order_by("starts_at")
    )


@dataclass
class PairPageSessions:
    every: list[Session]  # by start
    upcoming: list[Session]
    past: list[Session]
    to_log: list[Session]


def pair_page_sessions(pair, *, limit=PAIR_PAGE_SESSIONS, now=None):
    """The pair page's sessions, read in one query instead of one per list: the next ``limit``
    (``upcoming_sessions``), the last ``limit`` (``past_sessions``), those waiting for their log
    (``sessions_to_log``), and ``every`` session for the curriculum and the preparation.

    A pair has a session every week or two for the length of a programme: a few dozen rows, fewer
    round trips and compiled queries than four queries cost."""
    now = now or timezone.now()
    recent = now - UPCOMING_GRACE
    every = list(_sessions(pair).order_by("starts_at", "pk"))

    def is_upcoming(session):
        return session.status == Session.Status.SCHEDULED and session.starts_at >= recent

    return PairPageSessions(
        every=every,
        upcoming=[session for session in every if is_upcoming(session)][:limit],
        past=[session for session in reversed(every) if not is_upcoming(session)][:limit],
        to_log=[
            session
            for session in every
            if session.status == Session.Status.SCHEDULED and session.starts_at < now
        ],
    )


def pair_page_changes_at(sessions, *, now=None):
    """The first instant after ``now`` at which ``pair_page_sessions`` puts one of these ``sessions``
    (every session of a pair) in other lists: a planned session waits for its log from its start, and
    leaves the upcoming ones two hours later. None when no list will change by itself."""
    now = now or timezone.now()
    instants = [
        instant
        for session in sessions
        if session.status == Session.Status.SCHEDULED
        for instant in (session.starts_at, session.starts_at + UPCOMING_GRACE)
        if instant > now
    ]
    return min(instants, default=None)


def open_action_items(pair):
    return ActionItem.objects.filter(pair=pair).select_related("owner").order_by("done_at", "due_date", "pk")


def resources(pair):
    """The pair's shared space, newest first (the pair page shows no author: none is joined)."""
    return SharedResource.objects.filter(pair=pair)


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
    pairs = Pair.objects.filter(status__in=Pair.WITH_A_WORKSPACE).select_related(
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
        .select_related("organization", "recurring_slot", "pair__mentor__user", "pair__mentee__user")
        .order_by("starts_at")
    )


# --- A pair's rhythm: one definition of each rule, for the HR digest, the operations page and the nudges ---

# A session that started this long ago and is still "scheduled" (nobody said whether it was held): its log
# is overdue.
LOG_GRACE = timedelta(days=2)
# A pair that has not met for this many cadences of its programme is at risk (and is nudged).
QUIET_CADENCES = 2


def log_overdue(*, now):
    """The condition on sessions whose log is overdue: still "scheduled", unlogged, started more than
    ``LOG_GRACE`` ago."""
    return Q(status=Session.Status.SCHEDULED, logged_at=None, starts_at__lt=now - LOG_GRACE)


def overdue_logs(*, now):
    """Sessions whose log is overdue (``log_overdue``), of pairs that have a workspace, oldest first."""
    return (
        Session.objects.filter(log_overdue(now=now), pair__status__in=Pair.WITH_A_WORKSPACE)
        .select_related("pair__mentor__user", "pair__mentee__user")
        .order_by("starts_at", "pk")
    )


def programme_cadences():
    """The organisation's programmes as ``{"id", "cadence_days"}`` rows, for ``met_within``."""
    return list(Programme.objects.values("id", "cadence_days"))


def met_within(*, programmes, reference, cadences=1):
    """The condition on pairs that held a session, or started, within ``cadences`` times their
    programme's cadence before ``reference``.

    Only a session marked held counts: one still "scheduled" after its time, a no-show or a cancelled one
    is not a meeting. ``programmes`` are ``{"id", "cadence_days"}`` rows (``programme_cadences``),
    grouped by cadence (usually one or two values): one EXISTS per distinct cadence.
    """
    by_cadence = {}
    for programme in programmes:
        by_cadence.setdefault(programme["cadence_days"], []).append(programme["id"])
    condition = Q(pk__in=[])
    for cadence_days, programme_ids in by_cadence.items():
        since = reference - timedelta(days=cadences * cadence_days)
        held = Exists(
            Session.objects.filter(
                pair=OuterRef("pk"),
                status=Session.Status.HELD,
                starts_at__gte=since,
                starts_at__lte=reference,
            )
        )
        started = Q(started_at__gte=since) | Q(started_at=None, created_at__gte=since)
        condition |= Q(programme_id__in=programme_ids) & (Q(held) | started)
    return condition


def at_risk_conditions(*, now, programmes):
    """Why a pair is at risk at ``now``, one condition on pairs per reason: the one definition the HR
    digest and the operations page share.

    - ``no_recent_session``: the pair is active, has held no session within ``QUIET_CADENCES`` cadences
      of its programme, did not start within them either, and has no session planned ahead. A session
      that was scheduled but never held does not count: a pair whose only "recent" session is one
      nobody logged is at risk (its overdue log says so too);
    - ``overdue_logs``: the pair has a workspace (active or ended) and a session whose log is overdue
      (``log_overdue``).
    """
    upcoming = Exists(
        Session.objects.filter(pair=OuterRef("pk"), status=Session.Status.SCHEDULED, starts_at__gt=now)
    )
    overdue = Exists(Session.objects.filter(log_overdue(now=now), pair=OuterRef("pk")))
    return {
        "no_recent_session": Q(status=Pair.Status.ACTIVE)
        & ~met_within(programmes=programmes, reference=now, cadences=QUIET_CADENCES)
        & ~Q(upcoming),
        "overdue_logs": Q(status__in=Pair.WITH_A_WORKSPACE) & Q(overdue),
    }


def last_held_session():
    """The start of the pair's last held session, as an annotation on pairs."""
    return Subquery(
        Session.objects.filter(pair=OuterRef("pk"), status=Session.Status.HELD)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )


def pairs_at_risk(*, now):
    """Pairs at risk at ``now`` (``at_risk_conditions``), each with a boolean per reason and
    ``last_held``, by programme then pair: two queries."""
    conditions = at_risk_conditions(now=now, programmes=programme_cadences())
    at_risk = Q(pk__in=[])
    for condition in conditions.values():
        at_risk |= condition
    return list(
        Pair.objects.filter(at_risk)
        .annotate(
            **{
                reason: ExpressionWrapper(condition, output_field=BooleanField())
                for reason, condition in conditions.items()
            },
            last_held=last_held_session(),
        )
        .select_related("programme", "mentor__user", "mentee__user")
        .order_by("programme__name", "pk")
    )


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
    """When the pair's silence started, if it has lasted ``QUIET_CADENCES`` cadences; else None.

    The pair's own nudge: a pair with a session ahead is not nudged, and one whose last session is still
    waiting for its log gets the log reminder first, so that session counts as the last meeting here.
    """
    if pair.has_upcoming:
        return None
    since = pair.last_session_at or pair.started_at or pair.created_at
    if now - since >= timedelta(days=QUIET_CADENCES * pair.programme.cadence_days):
        return since
    return None
