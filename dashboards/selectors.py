"""The dashboard's figures, each group computed by one SQL aggregate whatever the data size.

Every selector runs inside the organisation's tenant context (the scoped managers add the organisation)
and returns figures already passed through the privacy rule (``privacy.guarded``).
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)

from organizations.people import learn_names
from pairing import selectors as pairing_selectors
from pairing.models import MatchingRound, Pair
from programmes.models import Participant, Programme
from sessions import selectors as session_selectors
from sessions.models import Session

from .filters import DashboardFilters
from .models import Nudge
from .privacy import guarded, share


@dataclass(frozen=True)
class FilterOptions:
    programmes: list
    rounds: list
    departments: list


def filter_options():
    """Programmes, rounds and departments the filters offer: three small queries."""
    programmes = list(
        Programme.objects.order_by("-start_date", "name").values("id", "name", "cadence_days", "cross_phase")
    )
    rounds = list(
        MatchingRound.objects.order_by("programme__name", "number").values("id", "number", "programme__name")
    )
    departments = list(
        Participant.objects.exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )
    return FilterOptions(programmes=programmes, rounds=rounds, departments=departments)


# --- Scoping: the same filters, expressed for each model ---------------------------------------------


def scoped_participants(filters: DashboardFilters, participants=None):
    """``participants`` (every participant by default) within the filters."""
    participants = Participant.objects.all() if participants is None else participants
    if filters.programme_id:
        participants = participants.filter(programme_id=filters.programme_id)
    if filters.department:
        participants = participants.filter(department=filters.department)
    if filters.round_id:
        in_round = Pair.objects.filter(matching_round_id=filters.round_id).filter(
            Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk"))
        )
        participants = participants.filter(Exists(in_round))
    return participants


def _pair_conditions(filters: DashboardFilters, prefix=""):
    """Filters on pairs; ``prefix`` reaches the pair from another model (``"pair__"`` from a session)."""
    condition = Q()
    if filters.programme_id:
        condition &= Q(**{f"{prefix}programme_id": filters.programme_id})
    if filters.round_id:
        condition &= Q(**{f"{prefix}matching_round_id": filters.round_id})
    if filters.department:
        # A pair belongs to a department when either of its two people works there.
        condition &= Q(**{f"{prefix}mentor__department": filters.department}) | Q(
            **{f"{prefix}mentee__department": filters.department}
        )
    return condition


def scoped_pairs(filters: DashboardFilters):
    return Pair.objects.filter(_pair_conditions(filters))


def scoped_sessions(filters: DashboardFilters):
    sessions = Session.objects.filter(
        _pair_conditions(filters, "pair__"), starts_at__gte=filters.start_at, starts_at__lt=filters.end_at
    )
    return sessions.filter(phase=filters.phase) if filters.phase else sessions


def _people(prefix=""):
    """Distinct people behind an aggregate over pairs: their mentors plus their mentees."""
    return Count(f"{prefix}mentor", distinct=True) + Count(f"{prefix}mentee", distinct=True)


# --- Participation -----------------------------------------------------------------------------------


def participation(*, filters: DashboardFilters, minimum: int):
    """Enrolled participants, how many are matched (a pair accepted, active or ended), how many active."""

    def in_pair(statuses):
        # Uncorrelated IN (SELECT ...) per side: computed once, not once per participant.
        pairs = Pair.objects.filter(status__in=statuses)
        return Q(pk__in=pairs.values("mentor_id")) | Q(pk__in=pairs.values("mentee_id"))

    enrolled = Q(status=Participant.Status.ENROLLED)
    row = scoped_participants(filters).aggregate(
        enrolled=Count("pk", filter=enrolled),
        mentors=Count("pk", filter=enrolled & Q(role=Participant.Role.MENTOR)),
        mentees=Count("pk", filter=enrolled & Q(role=Participant.Role.MENTEE)),
        matched=Count("pk", filter=enrolled & in_pair(Pair.MATCHED)),
        active=Count("pk", filter=enrolled & in_pair([Pair.Status.ACTIVE])),
        invited=Count("pk", filter=Q(status=Participant.Status.INVITED)),
        withdrawn=Count("pk", filter=Q(status=Participant.Status.WITHDRAWN)),
    )
    people = row["enrolled"]
    figures = {name: guarded(value, people=people, minimum=minimum) for name, value in row.items()}
    figures["matched_share"] = guarded(share(row["matched"], people), people=people, minimum=minimum)
    figures["active_share"] = guarded(share(row["active"], people), people=people, minimum=minimum)
    return figures


# --- Pairs and cadence -------------------------------------------------------------------------------


def pairs_overview(*, filters: DashboardFilters, options: FilterOptions, minimum: int):
    """Pairs by status, and the share of active pairs that met within their programme's target cadence.

    A pair is on cadence at the reference moment when it held a session within the last ``cadence_days``
    (or started less than ``cadence_days`` ago): a pair meeting at least that often always is.
    """
    reference = filters.reference
    active = Q(status=Pair.Status.ACTIVE)
    on_cadence = active & session_selectors.met_within(programmes=options.programmes, reference=reference)
    row = scoped_pairs(filters).aggregate(
        total=Count("pk"),
        people=_people(),
        active_people=Count("mentor", filter=active, distinct=True)
        + Count("mentee", filter=active, distinct=True),
        **{status: Count("pk", filter=Q(status=status)) for status in Pair.Status.values},
        on_cadence=Count("pk", filter=on_cadence),
    )
    people, active_people = row.pop("people"), row.pop("active_people")
    figures = {name: guarded(value, people=people, minimum=minimum) for name, value in row.items()}
    figures["on_cadence"] = guarded(row["on_cadence"], people=active_people, minimum=minimum)
    figures["on_cadence_share"] = guarded(
        share(row["on_cadence"], row[Pair.Status.ACTIVE]), people=active_people, minimum=minimum
    )
    return figures


# --- Sessions: planned vs held per month, average duration, trend ------------------------------------


HELD = Q(status=Session.Status.HELD)
PLANNED = ~Q(status=Session.Status.CANCELLED)


def sessions_overview(*, filters: DashboardFilters, minimum: int):
    """Sessions per month of the period, the period's totals and their usefulness: two queries.

    Returns ``(months, totals, usefulness)``. One GROUP BY month gives each month's figures, the
    usefulness ratings included; the period's sums and the running total add up those few rows. A
    second, light query counts the distinct people behind the totals and behind the ratings.
    """
    months, sums = _sessions_by_month(filters=filters, minimum=minimum)
    people = _session_people(filters)
    return (
        months,
        _session_totals(sums=sums, people=people["people"], minimum=minimum),
        _usefulness(sums=sums, people=people["rated_people"], minimum=minimum),
    )


def _sessions_by_month(*, filters: DashboardFilters, minimum: int):
    """One row per month of the period (empty months included), with a running total of held sessions.

    A month's figures are hidden when fewer than ``minimum`` people took part in its sessions; from the
    first hidden month on, the running total is hidden too (otherwise differences would reveal it).
    """
    months = filters.months()
    rows = _monthly_rows(filters, months)
    by_month = {months[row["month"]]: row for row in rows}
    # At most one row per month: adding them up here is cheaper than windows in the statement.
    sums = {
        name: sum(row[name] or 0 for row in rows)
        for name in ("planned", "held", "minutes", "rated", "usefulness_total")
    }
    series, suppressed, running = [], False, 0
    for first_day in months:
        row = by_month.get(first_day)
        if row is None:
            series.append(
                {
                    "month": first_day,
                    "hidden": False,
                    "planned": 0,
                    "held": 0,
                    "average_minutes": None,
                    "pairs_met": 0,
                    "cumulative_held": None if suppressed else running,
                }
            )
            continue
        hidden = row["people"] < minimum
        suppressed = suppressed or hidden
        running += row["held"]
        series.append(
            {
                "month": first_day,
                "hidden": hidden,
                "planned": None if hidden else row["planned"],
                "held": None if hidden else row["held"],
                "average_minutes": None if hidden or not row["held"] else round(row["minutes"] / row["held"]),
                "pairs_met": None if hidden else row["pairs_met"],
                "cumulative_held": None if suppressed else running,
            }
        )
    return series, sums


def _monthly_rows(filters: DashboardFilters, months):
    month = _month_index(filters, months)
    return list(
        scoped_sessions(filters)
        .annotate(month=month)
        .values("month")
        .annotate(
            planned=Count("pk", filter=PLANNED),
            held=Count("pk", filter=HELD),
            minutes=Sum("duration_minutes", filter=HELD),
            pairs_met=Count("pair", filter=HELD, distinct=True),
            people=_people("pair__"),
            rated=Count("usefulness"),
            usefulness_total=Sum("usefulness"),
        )
        .order_by("month")
    )


def _month_index(filters: DashboardFilters, months):
    """The month of the period a session falls in, as a CASE over the months' boundaries.

    The boundaries are midnights in the organisation's time zone, computed once here: the database
    only compares timestamps (index-friendly, and no per-row time-zone conversion).
    """
    boundaries = [
        datetime.datetime.combine(month, datetime.time.min, tzinfo=filters.tzinfo) for month in months[1:]
    ]
    return Case(
        *[When(starts_at__lt=boundary, then=Value(index)) for index, boundary in enumerate(boundaries)],
        default=Value(len(months) - 1),
        output_field=IntegerField(),
    )


def _session_people(filters: DashboardFilters):
    """The people of the pairs with sessions over the period, and of those who rated a session."""
    in_period = scoped_sessions(filters)
    # Correlated: one index probe per pair, where an IN list would scan the sessions once per side.
    rated = Q(Exists(in_period.filter(pair=OuterRef("pk"), usefulness__isnull=False)))
    return (
        scoped_pairs(filters)
        .filter(pk__in=in_period.values("pair_id"))
        .aggregate(
            people=_people(),
            rated_people=Count("mentor", filter=rated, distinct=True)
            + Count("mentee", filter=rated, distinct=True),
        )
    )


def _session_totals(*, sums, people, minimum: int):
    """Planned, held, share held and average held duration over the period, guarded by its people."""
    figures = {
        "planned": sums["planned"],
        "held": sums["held"],
        "average_minutes": round(sums["minutes"] / sums["held"]) if sums["held"] else None,
        "held_share": share(sums["held"], sums["planned"]),
    }
    return {name: guarded(value, people=people, minimum=minimum) for name, value in figures.items()}


def _usefulness(*, sums, people, minimum: int):
    """The average usefulness (1-5) the pairs gave their logged sessions, over the people who rated."""
    average = round(sums["usefulness_total"] / sums["rated"], 1) if sums["rated"] else None
    return {
        "average": guarded(average, people=people, minimum=minimum),
        "rated": guarded(sums["rated"], people=people, minimum=minimum),
    }


# --- HR operations: pairs at risk and unmatched participants -----------------------------------------

RISK_REASONS = ("no_recent_session", "overdue_logs", "low_rating", "declined")
OPERATIONS_LIMIT = 200


def pairs_at_risk(*, filters: DashboardFilters, options: FilterOptions, limit=OPERATIONS_LIMIT, pair_id=None):
    """Pairs HR should act on, with their reasons: one query, names included (HR manages pairs).

    - ``no_recent_session`` and ``overdue_logs``: the rule of a pair at risk, as the HR digest has it
      (``sessions.selectors.at_risk_conditions``);
    - ``declined``: the match was declined and one of the two has no live pair since;
    - ``low_rating``: active, with a session rated 1 or 2 out of 5 lately (in its log or a pulse survey).
    """
    from . import impact

    now = filters.now
    low_rating = impact.low_rating_condition(now)
    at_risk = session_selectors.at_risk_conditions(now=now, programmes=options.programmes)

    def without_live_pair(side):
        live = Pair.objects.filter(status__in=Pair.LIVE)
        return ~Exists(live.filter(mentor=OuterRef(side))) & ~Exists(live.filter(mentee=OuterRef(side)))

    pairs = scoped_pairs(filters) if pair_id is None else Pair.objects.filter(pk=pair_id)
    pairs = (
        pairs.annotate(
            no_recent_session=Case(
                When(at_risk["no_recent_session"], then=Value(True)), default=Value(False)
            ),
            overdue_logs=Case(When(at_risk["overdue_logs"], then=Value(True)), default=Value(False)),
            declined=Case(
                When(
                    Q(status=Pair.Status.DECLINED)
                    & (without_live_pair("mentor") | without_live_pair("mentee")),
                    then=Value(True),
                ),
                default=Value(False),
            ),
            low_rating=Case(
                When(Q(status=Pair.Status.ACTIVE) & low_rating, then=Value(True)), default=Value(False)
            ),
            last_held=session_selectors.last_held_session(),
            last_nudged=Subquery(
                Nudge.objects.filter(pair=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
            ),
        )
        .filter(Q(no_recent_session=True) | Q(overdue_logs=True) | Q(declined=True) | Q(low_rating=True))
        .select_related("programme", "mentor__user", "mentor__person", "mentee__user", "mentee__person")
        .order_by("programme__name", "mentee__person__last_name", "pk")
    )
    pairs = list(pairs[:limit])
    learn_names(
        (participant.user_id, participant.person)
        for pair in pairs
        for participant in (pair.mentor, pair.mentee)
    )
    return pairs


def unmatched_participants(*, filters: DashboardFilters, limit=OPERATIONS_LIMIT):
    """People waiting for a partner (``pairing.selectors.unmatched_participants``), within the filters."""
    participants = (
        scoped_participants(filters, pairing_selectors.unmatched_participants())
        .select_related("user", "person", "programme")
        .order_by("programme__name", "role", "person__last_name", "person__first_name")
    )
    participants = list(participants[:limit])
    learn_names((participant.user_id, participant.person) for participant in participants)
    return participants


def risk_reasons(*, pair, options: FilterOptions):
    """Why one pair is at risk now (an empty list when it is not): the same rules as the list."""
    filters = DashboardFilters.default(pair.organization)
    found = pairs_at_risk(filters=filters, options=options, pair_id=pair.pk)
    if not found:
        return []
    return [reason for reason in RISK_REASONS if getattr(found[0], reason)]
