"""A programme's health over time: pairs at cadence, sessions held against planned, survey answers.

One row per week of the programme (per month once it runs longer than a year), from its start to its
end or today. Each figure is one SQL aggregate over the whole timeline, whatever the number of pairs and
weeks: a conditional count per bucket on the pairs, a GROUP BY bucket on the sessions and on the surveys.

- *At cadence* is the dashboard's rule (``sessions.selectors.met_within``), judged at each bucket's end:
  a live pair held a session within one cadence of the programme, or started within it.
- *Live* at a moment: the pair has a workspace (active, or ended later), started (or was created) by
  then and had not ended yet.
- *Planned*: what the cadence implies for the pairs live at the bucket's end, ``days ÷ cadence`` each.
- *Response rate*: of the surveys of the programme sent in the bucket, the share answered so far.

The slip rule, stated on the page: the share at cadence below ``SLIP_THRESHOLD`` % for ``SLIP_BUCKETS``
buckets in a row; the slip starts at the first of them.
"""

import bisect
import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from organizations.people import learn_names
from pairing.models import Pair
from programmes.models import Programme
from sessions import selectors as session_selectors
from sessions.models import Session
from surveys.models import SurveyResponse

from . import charts
from .privacy import share

SLIP_THRESHOLD = 70
SLIP_BUCKETS = 2
# Longer programmes are shown month by month: a chart of more than a year of weeks is unreadable.
WEEKLY_UP_TO = datetime.timedelta(days=366)
# A pair that held at least this many sessions was regular: its silence weighs more than a new pair's.
REGULAR_SESSIONS = 2
PAIRS_THAT_MATTER = 3


@dataclass
class Bucket:
    start: datetime.date
    end: datetime.date  # exclusive
    live: int | None = 0
    at_cadence: int | None = 0
    at_cadence_share: float | None = None
    held: int | None = 0
    planned: float | None = 0
    held_share: float | None = None
    sent: int | None = 0
    answered: int | None = 0
    response_rate: float | None = None
    hidden: bool = False
    below: bool = False
    slip_starts: bool = False

    @property
    def days(self):
        return (self.end - self.start).days


@dataclass
class Health:
    programme: Programme
    monthly: bool
    buckets: list[Bucket]
    slip: Bucket | None = None
    slipping_now: bool = False
    pairs: list = field(default_factory=list)


def buckets_of(programme, *, today):
    """The programme's buckets up to ``today``: weeks from the Monday of its start, or calendar months."""
    last = min(programme.end_date, today)
    monthly = programme.end_date - programme.start_date > WEEKLY_UP_TO
    if monthly:
        start = programme.start_date.replace(day=1)
    else:
        start = programme.start_date - datetime.timedelta(days=programme.start_date.weekday())
    buckets = []
    while start <= last:
        if monthly:
            month = start.month % 12 + 1
            end = start.replace(year=start.year + (start.month == 12), month=month)
        else:
            end = start + datetime.timedelta(days=7)
        buckets.append(Bucket(start=start, end=end))
        start = end
    return monthly, buckets


def programme_health(*, programme, now=None, minimum=None, with_pairs=True):
    """The programme's timeline (``Health``): three queries, four with the pairs that matter most.

    ``minimum``: hide each bucket whose live pairs hold fewer people (the executives' view); ``None``
    shows every figure (HR, who follows each pair by name anyway). ``with_pairs``: also name the
    ``PAIRS_THAT_MATTER`` late pairs (HR only).
    """
    now = now or timezone.now()
    tzinfo = zoneinfo.ZoneInfo(programme.organization.time_zone)
    monthly, buckets = buckets_of(programme, today=now.astimezone(tzinfo).date())
    health = Health(programme=programme, monthly=monthly, buckets=buckets)
    if with_pairs:
        health.pairs = pairs_that_matter(programme=programme, now=now)
    if not buckets:
        return health

    def midnight(day):
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=tzinfo)

    references = [min(midnight(bucket.end), now) for bucket in buckets]
    starts = [midnight(bucket.start) for bucket in buckets]
    every_pair = _pairs_of(programme)
    pairs = _pairs_by_bucket(programme, every_pair, references)
    sessions = _sessions_by_bucket(programme, every_pair, references, starts, now)
    index = _bucket_index([midnight(bucket.end) for bucket in buckets[:-1]], len(buckets))
    first, last = starts[0], midnight(buckets[-1].end)
    surveys = {
        row["bucket"]: row
        for row in SurveyResponse.objects.filter(
            template__programme=programme, sent_at__gte=first, sent_at__lt=last
        )
        .annotate(bucket=index("sent_at"))
        .values("bucket")
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            people=Count("participant", distinct=True),
        )
        .order_by()
    }
    for position, bucket in enumerate(buckets):
        live, people = pairs[f"live_{position}"], pairs[f"people_{position}"]
        bucket.live = live
        # met_within: a session held within the cadence, or started within it (counted once).
        bucket.at_cadence = (
            sessions[f"met_{position}"] + pairs[f"started_{position}"] - sessions[f"started_{position}"]
        )
        bucket.at_cadence_share = share(bucket.at_cadence, live)
        days = (min(references[position], now) - midnight(bucket.start)).total_seconds() / 86400
        bucket.planned = round(live * max(days, 0) / programme.cadence_days, 1)
        bucket.held = sessions[f"held_{position}"]
        bucket.held_share = share(bucket.held, bucket.planned)
        survey = surveys.get(position, {"sent": 0, "answered": 0, "people": 0})
        bucket.sent, bucket.answered = survey["sent"], survey["answered"]
        bucket.response_rate = share(bucket.answered, bucket.sent)
        if minimum is not None and people < minimum:
            _hide(bucket)
        if minimum is not None and survey["people"] < minimum:
            bucket.sent = bucket.answered = bucket.response_rate = None
    _flag_slips(health)
    return health


def _hide(bucket):
    bucket.hidden = True
    for name in ("live", "at_cadence", "at_cadence_share", "held", "planned", "held_share"):
        setattr(bucket, name, None)


def _live(pair, reference):
    """The pair had started (or, not started, been created) by ``reference`` and had not ended."""
    started_at, created_at, ended_at = pair[:3]
    began = started_at <= reference if started_at is not None else created_at <= reference
    return began and (ended_at is None or ended_at > reference)


def _started_within(pair, reference, cadence):
    """``met_within``'s second half: the pair started (or, not started, was created) within one cadence."""
    started_at, created_at = pair[:2]
    return (started_at if started_at is not None else created_at) >= reference - cadence


# The timeline is computed from two reads (the programme's pairs, their held sessions in the period) walked
# here: a programme has hundreds of pairs and a few thousand sessions, and the same figures as one SQL
# aggregate per bucket made PostgreSQL evaluate every row against 150 FILTER clauses (3 s at 500 pairs
# over a year, against ~0.1 s this way). The rules are met_within's; test_health cross-checks them.


def _pairs_of(programme):
    """{pair id: (started_at, created_at, ended_at, mentor id, mentee id)}: one query."""
    return {
        row[0]: row[1:]
        for row in Pair.objects.filter(programme=programme, status__in=Pair.WITH_A_WORKSPACE).values_list(
            "pk", "started_at", "created_at", "ended_at", "mentor_id", "mentee_id"
        )
    }


def _pairs_by_bucket(programme, pairs, references):
    """For each bucket's end: the live pairs, the people behind them, and those that started within one
    cadence."""
    cadence = datetime.timedelta(days=programme.cadence_days)
    figures = {}
    for position, reference in enumerate(references):
        live = [pair for pair in pairs.values() if _live(pair, reference)]
        figures[f"live_{position}"] = len(live)
        figures[f"started_{position}"] = sum(1 for pair in live if _started_within(pair, reference, cadence))
        figures[f"people_{position}"] = len({pair[3] for pair in live}) + len({pair[4] for pair in live})
    return figures


def _sessions_by_bucket(programme, pairs, references, starts, now):
    """For each bucket: the sessions held in it, and, at its end, the live pairs that held one within a
    cadence (``met_within``'s first half), with those of them that also started within it. One query over
    the held sessions of the period."""
    cadence = datetime.timedelta(days=programme.cadence_days)
    held = Session.objects.filter(
        pair__programme=programme,
        pair__status__in=Pair.WITH_A_WORKSPACE,
        status=Session.Status.HELD,
        starts_at__gte=min(starts[0], references[0] - cadence),
        starts_at__lte=now,
    ).values_list("pair_id", "starts_at")
    by_pair: dict[int, list] = {}
    every_start = []
    for pair_id, starts_at in held:
        by_pair.setdefault(pair_id, []).append(starts_at)
        every_start.append(starts_at)
    for times in by_pair.values():
        times.sort()
    every_start.sort()
    ends = [*starts[1:], None]
    figures = {}
    for position, reference in enumerate(references):
        met = started = 0
        for pair_id, times in by_pair.items():
            pair = pairs.get(pair_id)
            if pair is None or not _live(pair, reference):
                continue
            first = bisect.bisect_left(times, reference - cadence)
            if first < len(times) and times[first] <= reference:
                met += 1
                started += _started_within(pair, reference, cadence)
        figures[f"met_{position}"] = met
        figures[f"started_{position}"] = started
        low = bisect.bisect_left(every_start, starts[position])
        high = len(every_start) if ends[position] is None else bisect.bisect_left(every_start, ends[position])
        figures[f"held_{position}"] = high - low
    return figures


def _bucket_index(boundaries, count):
    """The bucket a timestamp falls in, as a CASE over the buckets' ends (computed once, here)."""

    def index(field_name):
        return Case(
            *[
                When(**{f"{field_name}__lt": boundary}, then=Value(position))
                for position, boundary in enumerate(boundaries)
            ],
            default=Value(count - 1),
            output_field=IntegerField(),
        )

    return index


def _flag_slips(health):
    """Mark the buckets below the threshold and where each slip (``SLIP_BUCKETS`` in a row) starts."""
    run = []
    for bucket in health.buckets:
        bucket.below = bucket.at_cadence_share is not None and bucket.at_cadence_share < SLIP_THRESHOLD
        run = [*run, bucket] if bucket.below else []
        if len(run) == SLIP_BUCKETS:
            run[0].slip_starts = True
            health.slip = run[0]
    health.slipping_now = bool(run) and len(run) >= SLIP_BUCKETS


def pairs_that_matter(*, programme, now, limit=PAIRS_THAT_MATTER):
    """The active pairs late on their cadence whose silence weighs most: one query, names included.

    Late: no session held within one cadence, nor started within it (the negation of "at cadence").
    Those that were regular (``REGULAR_SESSIONS`` sessions held or more) come first, then the longest
    silent; each carries ``last_held``, ``held_count`` and ``silent_days``.
    """
    cadence = [{"id": programme.pk, "cadence_days": programme.cadence_days}]
    held_count = (
        Session.objects.filter(pair=OuterRef("pk"), status=Session.Status.HELD)
        .order_by()
        .values("pair")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pairs = list(
        Pair.objects.filter(programme=programme, status=Pair.Status.ACTIVE)
        .exclude(session_selectors.met_within(programmes=cadence, reference=now))
        .annotate(
            last_held=session_selectors.last_held_session(),
            held_count=Coalesce(Subquery(held_count, output_field=IntegerField()), 0),
        )
        .annotate(
            silent_since=Coalesce("last_held", "started_at", "created_at"),
            regular=Case(
                When(held_count__gte=REGULAR_SESSIONS, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .select_related("mentor__user", "mentor__person", "mentee__user", "mentee__person")
        .order_by("-regular", "silent_since", "pk")[:limit]
    )
    learn_names(
        (participant.user_id, participant.person)
        for pair in pairs
        for participant in (pair.mentor, pair.mentee)
    )
    for pair in pairs:
        pair.silent_days = (now - pair.silent_since).days
    return pairs


# --- What the page draws ------------------------------------------------------------------------------


def bucket_label(bucket, monthly):
    """What a person reads for a bucket: its month, or "Week of 5 January 2026"."""
    if monthly:
        return formats.date_format(bucket.start, "YEAR_MONTH_FORMAT")
    return _("Week of %(date)s") % {"date": formats.date_format(bucket.start, "DATE_FORMAT")}


def _axis_labels(health):
    """The month under its first bucket, the year under the first and under each January."""
    labels, previous = [], None
    for index, bucket in enumerate(health.buckets):
        month = (bucket.start.year, bucket.start.month)
        if month == previous:
            labels.append(("", ""))
            continue
        previous = month
        year = str(bucket.start.year) if index == 0 or bucket.start.month == 1 else ""
        labels.append((formats.date_format(bucket.start, "N"), year))
    return labels


def cadence_chart(health):
    return charts.line_chart(
        categories=[bucket_label(bucket, health.monthly) for bucket in health.buckets],
        axis_labels=_axis_labels(health),
        label=_("Live pairs at cadence (%)"),
        css_class="series-trend",
        values=[bucket.at_cadence_share for bucket in health.buckets],
    )


def sessions_chart(health):
    return charts.column_chart(
        categories=[bucket_label(bucket, health.monthly) for bucket in health.buckets],
        axis_labels=_axis_labels(health),
        series=[
            (
                pgettext("sessions", "Planned"),
                "series-planned",
                [bucket.planned for bucket in health.buckets],
            ),
            (pgettext("sessions", "Held"), "series-held", [bucket.held for bucket in health.buckets]),
        ],
    )
