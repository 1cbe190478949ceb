"""What an event says: ids, dates, statuses, the programme, and counts. Never a name, an address, a
reason typed by someone, a note, an agenda, a goal's text, a location (a video link) or an answer: a
receiver that needs to know who looks the ids up through the API, under its own key's scopes.

Every builder lists its fields one by one (never ``model_to_dict``), so that a new field on a model never
leaves in a webhook by accident.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def participant(participant: Any) -> dict[str, Any]:
    return {
        "participant": {
            "id": participant.pk,
            "programme_id": participant.programme_id,
            "role": participant.role,
            "status": participant.status,
            "enrolled_at": _when(participant.enrolled_at),
        }
    }


def pair(pair: Any) -> dict[str, Any]:
    return {
        "pair": {
            "id": pair.pk,
            "programme_id": pair.programme_id,
            "mentor_participant_id": pair.mentor_id,
            "mentee_participant_id": pair.mentee_id,
            "status": pair.status,
            "created_at": _when(pair.created_at),
            "started_at": _when(pair.started_at),
            "ended_at": _when(pair.ended_at),
        }
    }


def session(session: Any) -> dict[str, Any]:
    return {
        "session": {
            "id": session.pk,
            "pair_id": session.pair_id,
            "programme_id": session.pair.programme_id,
            "status": session.status,
            "format": session.format,
            "starts_at": _when(session.starts_at),
            "duration_minutes": session.duration_minutes,
            "actual_minutes": session.actual_minutes,
            "sequence": session.sequence,
            "recurring": session.recurring_slot_id is not None,
            "cancelled_at": _when(session.cancelled_at),
        }
    }
