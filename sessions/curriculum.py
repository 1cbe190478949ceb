"""A pair's way through its programme's curriculum, and its "try it" challenges: who edits a session's
agenda, what agenda a session starts from, where the pair stands, and the challenges' rules.

A module is done for a pair once a session on it was held (logged as held): the log is the one moment
both people say the topic was covered, and a scheduled or missed session proves nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.l10n import localized
from programmes.models import CurriculumModule

from . import access
from .models import Challenge, Session
from .notifications import plan_challenge_reminder

if TYPE_CHECKING:
    from accounts.models import User
    from pairing.models import Pair

# A commitment is for the coming weeks: further than this, it is no longer a "try it".
CHALLENGE_LONGEST = datetime.timedelta(days=90)
CHALLENGE_DEFAULT = datetime.timedelta(days=14)


def can_edit_agenda(user: User, pair: Pair) -> bool:
    """Whether ``user`` owns the agenda of the pair's sessions: the side the programme names (the junior
    mentor by default). The rule lives in ``sessions.access.can_edit_agenda`` (note its argument order,
    pair first); this is kept for the curriculum's callers and delegates to it.
    """
    return access.can_edit_agenda(pair, user)


def is_mentee(user: User, pair: Pair) -> bool:
    return user.pk == pair.mentee.user_id


# Where the pair stands ----------------------------------------------------------------------------------


@dataclass
class ModuleStep:
    module: CurriculumModule
    state: str  # "done", "current" or "next"
    held_on: datetime.datetime | None = None
    planned: Session | None = None

    @property
    def is_done(self):
        return self.state == "done"

    @property
    def is_current(self):
        return self.state == "current"


@dataclass
class Progress:
    steps: list[ModuleStep] = field(default_factory=list)

    @property
    def done_count(self):
        return sum(step.is_done for step in self.steps)

    @property
    def total(self):
        return len(self.steps)

    @property
    def current(self):
        return next((step for step in self.steps if step.is_current), None)

    @property
    def upcoming(self):
        return [step for step in self.steps if step.state == "next"]

    @property
    def done(self):
        return [step for step in self.steps if step.is_done]

    @property
    def percent(self):
        return round(self.done_count * 100 / self.total) if self.total else 0


def curriculum_progress(pair: Pair, sessions: list[Session] | None = None) -> Progress:
    """The programme's modules for this pair, in order: done (a session on it was held), the current one
    (the first not done that has a session planned, else the first not done), and what comes next.
    Two queries whatever the number of modules; one when the caller passes every session of the pair,
    by start (``sessions``)."""
    modules = list(pair.programme.modules.order_by("position", "pk"))
    held: dict[int, datetime.datetime] = {}
    planned: dict[int, Session] = {}
    counted = (Session.Status.HELD, Session.Status.SCHEDULED)
    if sessions is None:
        sessions = list(
            Session.objects.filter(pair=pair, module__isnull=False)
            .filter(status__in=counted)
            .order_by("starts_at")
        )
    for session in sessions:
        if session.module_id is None or session.status not in counted:
            continue
        if session.status == Session.Status.HELD:
            held.setdefault(session.module_id, session.starts_at)
        else:
            planned.setdefault(session.module_id, session)
    steps = [
        ModuleStep(
            module=m,
            state="done" if m.pk in held else "next",
            held_on=held.get(m.pk),
            planned=planned.get(m.pk),
        )
        for m in modules
    ]
    open_steps = [step for step in steps if not step.is_done]
    current = next((step for step in open_steps if step.planned), open_steps[0] if open_steps else None)
    if current is not None:
        current.state = "current"
    return Progress(steps=steps)


def suggested_module(pair: Pair) -> CurriculumModule | None:
    step = curriculum_progress(pair).current
    return step.module if step else None


# The agenda a session starts from --------------------------------------------------------------------


def challenges_to_review(pair: Pair):
    """The pair's challenges that no planned or held session has reviewed yet, oldest first."""
    return Challenge.objects.filter(pair=pair, reviewed_in=None).order_by("created_at", "pk")


def challenge_review_line(challenge: Challenge) -> str:
    if challenge.is_pending:
        text = gettext("Back to the challenge: “%(text)s” (not answered yet)")
    elif challenge.status == Challenge.Status.DONE:
        text = gettext("Back to the challenge: “%(text)s” (done)")
    else:
        text = gettext("Back to the challenge: “%(text)s” (not done)")
    return (text % {"text": challenge.text})[:300]


def starting_agenda(pair: Pair, module: CurriculumModule | None) -> list[str]:
    """The lines a new session's agenda opens with, in the reader's language: the challenges committed
    since the last session first, then the module's suggested agenda."""
    lines = [challenge_review_line(challenge) for challenge in challenges_to_review(pair)]
    if module is not None:
        lines += [line[:300] for line in module.agenda_lines()]
    return lines


def validate_module(pair: Pair, module: CurriculumModule | None) -> None:
    if module is not None and module.programme_id != pair.programme_id:
        raise ValidationError({"module": _("This module belongs to another programme.")})


def attach_challenges(session: Session) -> int:
    """The session reviews the challenges nobody reviewed yet (its agenda opened with them)."""
    return challenges_to_review(session.pair).update(reviewed_in=session)


def release_challenges(session: Session) -> int:
    """A cancelled session reviews nothing: its challenges wait for the next one."""
    return Challenge.objects.filter(reviewed_in=session).update(reviewed_in=None)


# Challenges --------------------------------------------------------------------------------------------


def suggested_challenge(session: Session) -> str:
    return localized(session.module, "challenge") if session.module_id else ""


def session_awaiting_challenge(pair: Pair) -> Session | None:
    """The latest held session the mentee has not yet drawn a challenge from (shown to the mentee)."""
    return (
        Session.objects.filter(pair=pair, status=Session.Status.HELD)
        .exclude(challenges__isnull=False)
        .select_related("module")
        .order_by("-starts_at")
        .first()
    )


@transaction.atomic
def commit_to_challenge(
    *, pair: Pair, by: User, session: Session, text: str, due_date: datetime.date
) -> Challenge:
    """The mentee commits to a concrete practice after a held session, to be tried by ``due_date``.

    Only the mentee commits (it is their practice); a reminder is planned in the outbox for the date.
    """
    if not is_mentee(by, pair):
        raise PermissionDenied
    if session.pair_id != pair.pk:
        raise ValidationError(_("This session belongs to another pair."))
    if session.status != Session.Status.HELD:
        raise ValidationError(_("A challenge follows a session that was held."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what you will try.")})
    today = timezone.localdate()
    if due_date < today:
        raise ValidationError({"due_date": _("Choose a date from today.")})
    if due_date > today + CHALLENGE_LONGEST:
        raise ValidationError({"due_date": _("Choose a date within the next three months.")})
    challenge = Challenge(
        organization=pair.organization,
        pair=pair,
        session=session,
        module=session.module,
        owner=by,
        text=text,
        due_date=due_date,
    )
    challenge.full_clean(exclude=["organization", "pair", "session", "module", "owner", "reviewed_in"])
    challenge.save()
    plan_challenge_reminder(challenge)
    return challenge


@transaction.atomic
def answer_challenge(*, challenge: Challenge, by: User, done: bool, reflection: str) -> Challenge:
    """The mentee says whether they did it, with a line of reflection the mentor reads. They may correct
    their answer; the reminder is skipped once answered."""
    if by.pk != challenge.owner_id or not is_mentee(by, challenge.pair):
        raise PermissionDenied
    challenge.status = Challenge.Status.DONE if done else Challenge.Status.NOT_DONE
    challenge.reflection = (reflection or "").strip()
    challenge.answered_at = timezone.now()
    challenge.full_clean(exclude=["organization", "pair", "session", "module", "owner", "reviewed_in"])
    challenge.save(update_fields=["status", "reflection", "answered_at"])
    return challenge


def challenges_of(pair: Pair):
    return Challenge.objects.filter(pair=pair).select_related("module", "session", "owner")


def pending_challenges(pair: Pair):
    """The pair's challenges still to do, newest first, as the pair page lists them: their text and date
    only, so without the module, session and owner that ``challenges_of`` joins."""
    return Challenge.objects.filter(pair=pair, status=Challenge.Status.PENDING)
