"""The domain's signals, turned into webhook events (ids, dates, statuses: never anyone's words)."""

from pairing.signals import pair_accepted, pairs_ended, pairs_published
from programmes.signals import participant_enrolled
from sessions.signals import sessions_cancelled, sessions_held, sessions_scheduled

from . import payloads
from .events import Event
from .services import Occurrence, emit


def on_participant_enrolled(sender, participant, **kwargs):
    key = f"participant:{participant.pk}:{participant.enrolled_at.isoformat()}"
    emit(
        organization=participant.organization,
        occurrences=[Occurrence(Event.PARTICIPANT_ENROLLED, key, payloads.participant(participant))],
    )


def _pair_events(event, pairs):
    if pairs:
        emit(
            organization=pairs[0].organization,
            occurrences=[Occurrence(event, f"pair:{pair.pk}", payloads.pair(pair)) for pair in pairs],
        )


def on_pairs_published(sender, pairs, **kwargs):
    _pair_events(Event.PAIR_PUBLISHED, pairs)


def on_pair_accepted(sender, pair, **kwargs):
    _pair_events(Event.PAIR_ACCEPTED, [pair])


def on_pairs_ended(sender, pairs, **kwargs):
    _pair_events(Event.PAIR_ENDED, pairs)


def _session_events(event, sessions, *, with_sequence=False):
    if not sessions:
        return
    # The pair's, loaded with it by every caller (a batch's sessions are not loaded with theirs).
    organization = sessions[0].pair.organization
    emit(
        organization=organization,
        occurrences=[
            Occurrence(
                event,
                f"session:{session.pk}" + (f":sequence:{session.sequence}" if with_sequence else ""),
                payloads.session(session),
            )
            for session in sessions
        ],
    )


def on_sessions_scheduled(sender, sessions, **kwargs):
    _session_events(Event.SESSION_SCHEDULED, sessions, with_sequence=True)


def on_sessions_cancelled(sender, sessions, **kwargs):
    _session_events(Event.SESSION_CANCELLED, sessions)


def on_sessions_held(sender, sessions, **kwargs):
    _session_events(Event.SESSION_HELD, sessions)


def connect():
    participant_enrolled.connect(on_participant_enrolled, dispatch_uid="webhooks.enrolled")
    pairs_published.connect(on_pairs_published, dispatch_uid="webhooks.pairs_published")
    pair_accepted.connect(on_pair_accepted, dispatch_uid="webhooks.pair_accepted")
    pairs_ended.connect(on_pairs_ended, dispatch_uid="webhooks.pairs_ended")
    sessions_scheduled.connect(on_sessions_scheduled, dispatch_uid="webhooks.sessions_scheduled")
    sessions_cancelled.connect(on_sessions_cancelled, dispatch_uid="webhooks.sessions_cancelled")
    sessions_held.connect(on_sessions_held, dispatch_uid="webhooks.sessions_held")
