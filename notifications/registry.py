"""What other apps plug into notifications, without notifications importing them.

- ``renderer(kind)``: turns a due row into a ``Message`` at send time, or ``None`` when the row is stale
  (the session moved, the survey was answered): the row is then skipped, never sent. It runs in the
  recipient's language (an address-only row: the organisation's), inside the organisation.
- ``periodic_planner``: ``planner(organization, now)`` run hourly per organisation; it creates rows with
  ``services.plan`` (idempotent under each row's natural key).
- ``digest_section``: ``section(organization, now)`` returns ``(title, [lines])`` for the weekly HR digest.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

RENDERERS = {}
PERIODIC_PLANNERS = []
DIGEST_SECTIONS = []


@dataclass
class Message:
    subject: str
    paragraphs: list = field(default_factory=list)
    action_url: str = ""
    action_label: str = ""
    # Titled lists (the HR digest): [(title, [line, ...]), ...]
    sections: list = field(default_factory=list)
    # After this moment the e-mail is pointless (a session reminder): quiet hours never push past it.
    deadline: datetime | None = None
    # A message with its own layout (an invitation, HR's nudge, a calendar invitation): this plain text
    # and its HTML alternative replace the outbox's layout, and the subject goes out as it is.
    text: str = ""
    html: str = ""
    # (file name, content, MIME type): e.g. the .ics of a calendar invitation, built at send time.
    attachments: list = field(default_factory=list)
    # Called with the sending moment just before the e-mail leaves, in the same savepoint as the send
    # (e.g. to record when an invitation was sent): a failed send undoes it, and it never runs twice.
    on_sent: Callable[[datetime], None] | None = None


def renderer(kind):
    def register(function):
        RENDERERS[kind] = function
        return function

    return register


def periodic_planner(function):
    if function not in PERIODIC_PLANNERS:
        PERIODIC_PLANNERS.append(function)
    return function


def digest_section(function):
    if function not in DIGEST_SECTIONS:
        DIGEST_SECTIONS.append(function)
    return function
