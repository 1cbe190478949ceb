"""One log line for every step of a message's life, with the same fields whatever the step.

``event`` is one of ``EVENTS``; ``notification_id``, ``key``, ``kind``, ``organization_id``, ``attempt``,
``error`` and ``reason`` follow. They are ``logging`` extra fields (``LOG_FORMAT=json`` writes them as JSON
keys) and also the message itself, as ``key=value`` pairs, for plain-text logs. The natural key is the
thread through a message's life: a row being planned has no id yet (planning is one idempotent insert that
returns none, and planning a key again logs it again and creates nothing), every later step has both.

Never an address, a name or a message's text: those stay in the database.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Notification

logger = logging.getLogger("notifications.outbox")

# An SMTP refusal names the refused recipient: logs say that one was refused, not who.
ADDRESS = re.compile(r"[^\s'\"<>(){}\[\],;:]+@[^\s'\"<>(){}\[\],;:]+")

EVENTS = ("planned", "claimed", "deferred", "sent", "retry", "failed", "skipped", "requeued")
FIELDS = ("event", "notification_id", "key", "kind", "organization_id", "attempt", "error", "reason")


def log_event(
    event: str,
    row: Notification,
    *,
    attempt: int | None = None,
    error: str = "",
    reason: str = "",
    level: int = logging.INFO,
    exc_info: BaseException | None = None,
) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown outbox event {event!r}")
    error, reason = _without_addresses(error), _without_addresses(reason)
    fields = {
        "event": event,
        "notification_id": row.pk,
        "key": row.key,
        "kind": row.kind,
        "organization_id": row.organization_id,
        "attempt": row.attempts if attempt is None else attempt,
        "error": error,
        "reason": reason,
    }
    logger.log(
        level,
        "outbox %s",
        " ".join(_pair(name, fields[name]) for name in FIELDS),
        extra=fields,
        exc_info=exc_info,
    )


def _pair(name: str, value: object) -> str:
    text = "" if value is None else str(value)
    # Quoted when it would not read back as one token (an error message has spaces).
    if not text or any(character.isspace() or character in '="' for character in text):
        text = json.dumps(text, ensure_ascii=False)
    return f"{name}={text}"


def _without_addresses(text: str) -> str:
    return ADDRESS.sub("<address>", text)
