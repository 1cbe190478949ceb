"""The API's querysets: each list is a fixed number of queries whatever its page size.

They run inside the key's organisation's tenant context (the scoped managers add the organisation).
"""

from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact

from pairing.models import Pair
from programmes.models import Participant, Programme
from sessions.models import Goal, GoalProgress, Session


def _count(queryset):
    """A correlated COUNT(*) subquery (one per row of the page, no join that multiplies rows)."""
    return Coalesce(
        Subquery(queryset.order_by().values("organization_id").annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _dates(queryset, filters, field):
    if filters.get("date_from"):
        queryset = queryset.filter(**{f"{field}__gte": filters["date_from"]})
    if filters.get("date_to"):
        queryset = queryset.filter(**{f"{field}__lte": filters["date_to"]})
    return queryset


def programmes(filters=None):
    """Programmes with their enrolled participants and active pairs; the period keeps those that overlap it."""
    filters = filters or {}
    queryset = Programme.objects.annotate(
        participants_enrolled=_count(
            Participant.objects.filter(programme=OuterRef("pk"), status=Participant.Status.ENROLLED)
        ),
        pairs_active=_count(Pair.objects.filter(programme=OuterRef("pk"), status=Pair.Status.ACTIVE)),
    )
    if filters.get("programme"):
        queryset = queryset.filter(pk=filters["programme"])
    if filters.get("date_from"):
        queryset = queryset.filter(end_date__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(start_date__lte=filters["date_to"])
    return queryset


def participants(filters=None):
    """Participants with their account's address, the organisation's names and their manager: one query."""
    filters = filters or {}
    queryset = Participant.objects.select_related("user", "person", "manager")
    if filters.get("programme"):
        queryset = queryset.filter(programme_id=filters["programme"])
    for name in ("role", "status"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    return _dates(queryset, filters, "created_at__date")


def pairs(filters=None):
    filters = filters or {}
    queryset = Pair.objects.all()
    if filters.get("programme"):
        queryset = queryset.filter(programme_id=filters["programme"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return _dates(queryset, filters, "created_at__date")


def sessions(filters=None):
    """Sessions' dates and status, by the day they start on."""
    filters = filters or {}
    queryset = Session.objects.select_related("pair").only(
        "id",
        "pair__id",
        "pair__programme_id",
        "starts_at",
        "duration_minutes",
        "status",
        "cancelled_at",
        "logged_at",
    )
    if filters.get("programme"):
        queryset = queryset.filter(pair__programme_id=filters["programme"])
    if filters.get("pair"):
        queryset = queryset.filter(pair_id=filters["pair"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return _dates(queryset, filters, "starts_at__date")


def goals(filters=None):
    """Goals' progress counts and latest point in percent (a level goal counts level × 20 %, as its page)."""
    filters = filters or {}
    latest_percent = (
        GoalProgress.objects.filter(goal=OuterRef("pk"))
        .order_by("-recorded_on", "-created_at")
        .annotate(
            percent=F("value")
            * Case(When(Exact(OuterRef("scale"), Goal.Scale.PERCENT), then=Value(1)), default=Value(20))
        )
        .values("percent")[:1]
    )
    queryset = (
        Goal.objects.select_related("pair")
        .only("id", "pair__id", "pair__programme_id", "objective_id", "scale", "target_date", "created_at")
        .annotate(
            progress_points=_count(GoalProgress.objects.filter(goal=OuterRef("pk"))),
            latest_percent=Subquery(latest_percent, output_field=IntegerField()),
        )
    )
    if filters.get("programme"):
        queryset = queryset.filter(pair__programme_id=filters["programme"])
    if filters.get("pair"):
        queryset = queryset.filter(pair_id=filters["pair"])
    return _dates(queryset, filters, "created_at__date")
