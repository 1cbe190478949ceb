"""What other apps plug into notifications, without notifications importing them.

Each app declares, in its ``notifications`` module (imported by its ``AppConfig.ready``):

- its kinds, with ``notification_kind(value, label, position=…)``: the value stored on every row (never
  change it), the label people read in their preferences and at the bottom of each e-mail, the place in
  the preferences page, the roles the e-mail is for, and whether a person may mute it (``mutable=False``
  for a message that carries the thing itself: an invitation, a calendar invitation);
- ``renderer(kind)``: turns a due row into a ``Message`` at send time, or ``None`` when the row is stale
  (the session moved, the survey was answered): the row is then skipped, never sent. It runs in the
  recipient's language (an address-only row: the organisation's), inside the organisation;
- ``dispatch_planner(organizations=scan)``: ``planner(organization=, now=)`` run by the dispatcher every
  minute, for the organisations that ``scan(now=)`` names: a query of organisation ids (a
  ``values_list``), run across organisations, that an index serves whatever their number;
- ``periodic_planner``: ``planner(organization, now)`` run hourly per organisation; it creates rows with
  ``services.plan`` (idempotent under each row's natural key);
- ``digest_section(position=…)``: ``section(organization, now)`` returns ``(title, [lines])`` for the
  weekly HR digest, which lists the sections by position;
- ``delivery_channel(name)``: how rows of a channel other than e-mail go out (webhooks): a ``Channel``
  whose ``send(row)`` delivers one claimed row, with no transaction open.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from organizations.roles import PAIR_ROLES

RENDERERS = {}
CHANNELS = {}
KINDS = {}
DISPATCH_PLANNERS = []
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


# Kinds ------------------------------------------------------------------------------------------------


class NotificationKind(str):
    """A kind of message. It is its stored value (a ``str``, as a ``TextChoices`` member is), and carries
    its ``label``, its ``position`` in the preferences page and the ``roles`` it is for."""

    label: str
    position: int
    roles: frozenset
    mutable: bool

    def __new__(cls, value, label, *, position, roles, mutable=True):
        kind = super().__new__(cls, value)
        kind.label, kind.position, kind.roles = label, position, frozenset(roles)
        kind.mutable = mutable
        return kind

    @property
    def value(self):
        return str(self)

    def __reduce__(self):
        # Copied or pickled, a kind stays the declared one.
        return (get_kind, (str(self),))


def notification_kind(value, label, *, position, roles=PAIR_ROLES, mutable=True):
    """Declare a kind. Every kind is about a pair (its sessions, partner, surveys) unless ``roles`` says
    otherwise (the HR digest): a person who no longer holds one of them gets none of its e-mails.

    ``mutable=False``: nobody can turn it off (it carries the thing itself, not news about it); it has no
    unsubscribe link and is not offered on the preferences page. Quiet hours still apply to it."""
    if value in KINDS:
        raise ValueError(f"notification kind {value!r} is declared twice")
    kind = NotificationKind(value, label, position=position, roles=roles, mutable=mutable)
    KINDS[value] = kind
    return kind


def kinds():
    """Every declared kind, in the order of the preferences page."""
    return sorted(KINDS.values(), key=lambda kind: (kind.position, kind.value))


def kind_values():
    return [kind.value for kind in kinds()]


def kind_choices():
    return [(kind.value, kind.label) for kind in kinds()]


def mutable_kinds():
    """The kinds a person may stop receiving by e-mail, in the order of the preferences page."""
    return [kind for kind in kinds() if kind.mutable]


def mutable_kind_values():
    return [kind.value for kind in mutable_kinds()]


def mutable_kind_choices():
    return [(kind.value, kind.label) for kind in mutable_kinds()]


def get_kind(value):
    """The declared kind of this stored value, or None."""
    return KINDS.get(value)


# Renderers and planners --------------------------------------------------------------------------------


def renderer(kind):
    def register(function):
        RENDERERS[kind] = function
        return function

    return register


@dataclass(frozen=True)
class DispatchPlanner:
    plan: object
    organizations: object


def dispatch_planner(*, organizations):
    def register(function):
        if all(planner.plan is not function for planner in DISPATCH_PLANNERS):
            DISPATCH_PLANNERS.append(DispatchPlanner(plan=function, organizations=organizations))
        return function

    return register


def periodic_planner(function):
    if function not in PERIODIC_PLANNERS:
        PERIODIC_PLANNERS.append(function)
    return function


def digest_section(function=None, *, position=100):
    def register(section):
        if all(registered is not section for _position, registered in DIGEST_SECTIONS):
            DIGEST_SECTIONS.append((position, section))
            DIGEST_SECTIONS.sort(key=lambda entry: entry[0])
        return section

    return register(function) if function is not None else register


def digest_sections():
    """The HR digest's sections, in their order."""
    return [section for _position, section in DIGEST_SECTIONS]


# Channels other than e-mail ------------------------------------------------------------------------------


class PermanentFailure(Exception):  # noqa: N818 - it is an outcome, raised by a channel's ``send``
    """The row can never go out as it is (a receiver that answers 410 Gone, an address refused): it fails
    at once instead of being retried for the retry window."""


@dataclass(frozen=True)
class Channel:
    """How a claimed row of ``name`` goes out.

    ``send(row)`` runs with no transaction open, inside the organisation. It returns ``""`` once the
    receiver took the row, or a short reason when the row was settled without sending (its target is
    gone or paused): the row is then skipped. It raises ``PermanentFailure`` for a row that must fail at
    once; any other exception is retried with backoff for ``OUTBOX_RETRY_HOURS``. ``kind`` is the row
    kind it plans under (declared with ``notification_kind``).
    """

    name: str
    kind: str
    send: Callable[[object], str]


def delivery_channel(name, *, kind):
    def register(function):
        CHANNELS[name] = Channel(name=name, kind=kind, send=function)
        return function

    return register
