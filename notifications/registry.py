"""What other apps plug into notifications, without notifications importing them.

- ``renderer(kind)``: turns a due row into a ``Message`` at send time, or ``None`` when the row is stale
  (the session moved, the survey was answered): the row is then skipped, never sent.
- ``periodic_planner``: ``planner(organization, now)`` run hourly per organisation; it creates rows with
  ``services.plan`` (idempotent under each row's natural key).
- ``digest_section``: ``section(organization, now)`` returns ``(title, [lines])`` for the weekly HR digest.
"""

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
