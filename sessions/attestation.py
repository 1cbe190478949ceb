"""A junior mentor's attestation of their mentoring in a programme, and the mentee's endorsement on it.

The attestation says what the mentor did: the programme, the dates of their pairs, the sessions held and
their time. An executive appears on it by name only if they endorsed the mentor; the topics the pair
covered appear only if that executive also ticked it. Nothing else of the pair's space (goals, agenda,
notes) is ever on it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from pairing.models import Pair
from programmes.models import Participant, Programme

from .models import Endorsement, Session

TOPICS_PER_PAIR = 12


@dataclass
class AttestedPair:
    sessions_held: int
    minutes: int
    first_session: date | None
    last_session: date | None
    mentee_name: str = ""  # only with an endorsement
    mentee_title: str = ""
    endorsement: str = ""
    topics: list[str] = field(default_factory=list)


@dataclass
class Attestation:
    programme: Programme
    mentor: Participant
    mentor_name: str
    pairs: list[AttestedPair]

    @property
    def sessions_held(self):
        return sum(pair.sessions_held for pair in self.pairs)

    @property
    def minutes(self):
        return sum(pair.minutes for pair in self.pairs)

    @property
    def time_spent(self):
        """(hours, minutes) of the sessions held."""
        return divmod(self.minutes, 60)

    @property
    def first_session(self):
        return min((p.first_session for p in self.pairs if p.first_session), default=None)

    @property
    def last_session(self):
        return max((p.last_session for p in self.pairs if p.last_session), default=None)


def attestation(*, programme: Programme, mentor: Participant) -> Attestation:
    """The mentor's attestation for ``programme``, in a fixed number of queries."""
    pairs = list(
        Pair.objects.filter(programme=programme, mentor=mentor, status__in=Pair.WITH_A_WORKSPACE)
        .select_related("mentee__user", "endorsement")
        .annotate(
            held=Count("sessions", filter=Q(sessions__status=Session.Status.HELD)),
            minutes=Coalesce(
                Sum(
                    Coalesce("sessions__actual_minutes", "sessions__duration_minutes"),
                    filter=Q(sessions__status=Session.Status.HELD),
                ),
                0,
            ),
            first=Min("sessions__starts_at", filter=Q(sessions__status=Session.Status.HELD)),
            last=Max("sessions__starts_at", filter=Q(sessions__status=Session.Status.HELD)),
        )
        .order_by("created_at", "pk")
    )
    endorsed = [pair for pair in pairs if _endorsement(pair) is not None]
    topics = {}
    showing = [pair.pk for pair in endorsed if pair.endorsement.show_topics]
    if showing:
        for pair_id, text in (
            Session.objects.filter(pair_id__in=showing, status=Session.Status.HELD)
            .exclude(topics="")
            .order_by("starts_at")
            .values_list("pair_id", "topics")
        ):
            listed = topics.setdefault(pair_id, [])
            for line in text.splitlines():
                line = line.strip(" -•*\t")
                if line and line not in listed and len(listed) < TOPICS_PER_PAIR:
                    listed.append(line)
    attested = []
    for pair in pairs:
        endorsement = _endorsement(pair)
        entry = AttestedPair(
            sessions_held=pair.held,
            minutes=pair.minutes,
            first_session=pair.first.date() if pair.first else None,
            last_session=pair.last.date() if pair.last else None,
        )
        if endorsement is not None:
            entry.mentee_name = pair.mentee.user.display_name
            entry.mentee_title = pair.mentee.job_title
            entry.endorsement = endorsement.text
            entry.topics = topics.get(pair.pk, [])
        attested.append(entry)
    return Attestation(
        programme=programme, mentor=mentor, mentor_name=mentor.user.display_name, pairs=attested
    )


def _endorsement(pair):
    try:
        return pair.endorsement
    except Endorsement.DoesNotExist:
        return None


def give_endorsement(*, pair: Pair, by, text: str, show_topics: bool) -> Endorsement:
    """The mentee endorses their mentor (or changes what they wrote)."""
    if pair.mentee.user_id != by.pk:
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a few words about your mentor."))
    endorsement = Endorsement.objects.filter(pair=pair).first() or Endorsement(pair=pair, given_by=by)
    endorsement.text = text
    endorsement.show_topics = show_topics
    endorsement.full_clean(exclude=["pair", "given_by"])
    endorsement.save()
    return endorsement


def withdraw_endorsement(*, pair: Pair, by) -> None:
    if pair.mentee.user_id != by.pk:
        raise PermissionDenied
    Endorsement.objects.filter(pair=pair).delete()
