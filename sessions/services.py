"""Everything that changes a pair's workspace: sessions, logs, goals, action items, resources, feeds."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from organizations import audit
from organizations.models import Invitation, Membership
from organizations.roles import Role
from organizations.services import invite_member, normalize_email, record_person, roles_removed
from organizations.tenancy import unscoped
from organizations.validators import no_control_characters
from pairing.models import Pair
from programmes.models import Phase, Side

from . import access, curriculum, selectors
from .models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Delegation,
    Goal,
    GoalProgress,
    PrivateNote,
    RecurringSlot,
    Session,
    SharedResource,
)
from .notifications import notify_delegation, notify_session_invitations, notify_session_invitations_of_pairs
from .signals import sessions_cancelled, sessions_held, sessions_scheduled

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from organizations.models import Organization
    from programmes.models import CurriculumModule, Objective, Skill

# set_agenda without a module leaves the session's module as it is.
KEEP_MODULE = object()

# Sessions that still hold a place in people's diaries: a cancelled or missed one frees the time.
BUSY_STATUSES = [Session.Status.SCHEDULED, Session.Status.HELD]
LONGEST_POSSIBLE_SESSION = timedelta(hours=10)


def zone_or_error(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError({"time_zone": _("Unknown time zone.")}) from None


def local_datetime(day: dt.date, time: dt.time, zone_name: str) -> datetime:
    """An aware datetime for a wall-clock date and time in a zone (folds resolve to the first)."""
    return datetime.combine(day, time).replace(tzinfo=zone_or_error(zone_name))


def skipped_to(day: dt.date, time: dt.time, zone_name: str) -> datetime | None:
    """Where a wall-clock time that the zone skips that day (clocks going forward) would land, e.g.
    03:30 for 02:30 on 28 March 2027 in Paris; None for a time that exists."""
    local = local_datetime(day, time, zone_name)
    actual = local.astimezone(dt.UTC).astimezone(local.tzinfo)
    return actual if actual.replace(tzinfo=None) != datetime.combine(day, time) else None


def _participants(pair):
    return [pair.mentor.user, pair.mentee.user]


def _require_member_of_pair(pair, user):
    if user.pk not in (pair.mentor.user_id, pair.mentee.user_id):
        raise ValidationError(_("Only the pair's mentor and mentee can do this."))


SCHEDULER_REFUSALS = {
    Side.MENTEE: _("In this programme, the mentee plans the sessions (or their assistant)."),
    Side.MENTOR: _("In this programme, the mentor plans the sessions (or their assistant)."),
    Side.BOTH: _("Only the pair's mentor and mentee, or their assistants, plan its sessions."),
}
AGENDA_REFUSALS = {
    Side.MENTEE: _("In this programme, the mentee writes the agenda."),
    Side.MENTOR: _("In this programme, the mentor writes the agenda."),
    Side.BOTH: _("Only the pair's mentor and mentee write its agenda."),
}
# In the cross phase the senior mentors: the sides are named by who they are, not by their first role.
CROSS_SCHEDULER_REFUSALS = {
    Side.MENTEE: _("In the cross phase, the senior plans the sessions (or their assistant)."),
    Side.MENTOR: _("In the cross phase, the junior plans the sessions."),
    Side.BOTH: SCHEDULER_REFUSALS[Side.BOTH],
}
CROSS_AGENDA_REFUSALS = {
    Side.MENTEE: _("In the cross phase, the senior writes the agenda."),
    Side.MENTOR: _("In the cross phase, the junior writes the agenda."),
    Side.BOTH: AGENDA_REFUSALS[Side.BOTH],
}


def _refusal(pair, responsibility, reverse, cross):
    programme = pair.programme
    if programme.current_phase == Phase.CROSS:
        return cross[programme.holder(responsibility)]
    return reverse[programme.holder(responsibility)]


def _require_scheduler(pair, user):
    if not access.can_schedule(pair, user):
        raise ValidationError(_refusal(pair, access.SCHEDULES, SCHEDULER_REFUSALS, CROSS_SCHEDULER_REFUSALS))


def _require_agenda_owner(pair, user):
    if not access.can_edit_agenda(pair, user):
        raise ValidationError(_refusal(pair, access.WRITES_AGENDA, AGENDA_REFUSALS, CROSS_AGENDA_REFUSALS))


def phase_of(pair: Pair, starts_at: datetime, time_zone: str) -> str:
    """The programme's phase on the session's date, in the session's time zone: the session belongs to it."""
    return pair.programme.phase_on(starts_at.astimezone(zone_or_error(time_zone)).date())


def _require_current_goal(goal):
    """A goal of a phase that is over stays as it was: readable, no longer changed."""
    if goal.phase != goal.pair.programme.current_phase:
        raise ValidationError(_("This goal belongs to a phase that is over: it stays as it was."))


def _require_prepared(pair):
    """The pair's first session waits until both people finished their preparation, or HR waived it."""
    pending = selectors.preparation_pending(pair)
    if pending:
        names = ", ".join(participant.user.display_name for participant in pending)
        raise ValidationError(
            _(
                "The first session can be planned once both of you have finished your preparation "
                "(still to do: %(names)s)."
            )
            % {"names": names}
        )


def _require_active(pair):
    if pair.status != Pair.Status.ACTIVE:
        raise ValidationError(_("This pair has ended: its sessions can no longer be planned."))


def validate_location(location: str) -> None:
    """A place or video link reaches the calendar's LOCATION: one line (schedule_session's full_clean does it)."""
    try:
        no_control_characters(location)
    except ValidationError as error:
        raise ValidationError({"location": error.messages}) from None


def validate_duration(pair: Pair, duration_minutes: int) -> None:
    programme = pair.programme
    if not programme.session_min_minutes <= duration_minutes <= programme.session_max_minutes:
        raise ValidationError(
            {
                "duration_minutes": _(
                    "A session of this programme lasts between %(min)s and %(max)s minutes."
                )
                % {"min": programme.session_min_minutes, "max": programme.session_max_minutes}
            }
        )


def overlapping_session(
    *, users: Iterable[User], starts_at: datetime, duration_minutes: int, exclude: Session | None = None
) -> Session | None:
    """A scheduled or held session of any of ``users`` that overlaps the period, or None."""
    starts_at = starts_at.astimezone(dt.UTC)  # durations on the UTC clock, not the wall clock
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    user_ids = [user.pk for user in users]
    candidates = (
        Session.objects.filter(
            status__in=BUSY_STATUSES,
            starts_at__lt=ends_at,
            starts_at__gt=starts_at - LONGEST_POSSIBLE_SESSION,
        )
        .filter(Q(pair__mentor__user_id__in=user_ids) | Q(pair__mentee__user_id__in=user_ids))
        .select_related("pair__mentor__user", "pair__mentee__user")
        .order_by("starts_at")
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    for candidate in candidates:
        if candidate.ends_at > starts_at:
            return candidate
    return None


def _overlap_error(conflict, users):
    busy = next(
        (user for user in users if user.pk in (conflict.pair.mentor.user_id, conflict.pair.mentee.user_id)),
        users[0],
    )
    when = formats.date_format(timezone.localtime(conflict.starts_at), "DATETIME_FORMAT")
    return ValidationError(
        _("%(person)s already has a session at that time (%(when)s).")
        % {"person": busy.display_name, "when": when}
    )


def _validate_slot(*, pair, starts_at, duration_minutes, exclude=None, allow_past=False):
    validate_duration(pair, duration_minutes)
    if not allow_past and starts_at < timezone.now():
        raise ValidationError({"starts_at": _("This time is in the past.")})
    programme_end = local_datetime(pair.programme.last_day + timedelta(days=1), datetime.min.time(), "UTC")
    if starts_at >= programme_end:
        raise ValidationError({"starts_at": _("The programme ends before this date.")})
    users = _participants(pair)
    conflict = overlapping_session(
        users=users, starts_at=starts_at, duration_minutes=duration_minutes, exclude=exclude
    )
    if conflict is not None:
        raise _overlap_error(conflict, users)


def _lock_diaries(pair):
    """Serialise planning for these two people (whatever the pair) so two requests cannot both pass
    the overlap check; users are locked in id order so concurrent requests cannot deadlock."""
    user_ids = sorted({pair.mentor.user_id, pair.mentee.user_id})
    list(
        get_user_model().objects.select_for_update().filter(pk__in=user_ids).order_by("pk").values_list("pk")
    )


def _notify(sessions, method, *, series=False):
    """Both calendars hear of it, through the outbox, once the transaction commits."""
    notify_session_invitations(sessions, method, series=series)


@dataclass
class AgendaEntry:
    text: str
    goal: Goal | None = None


def _save_agenda(session, agenda):
    AgendaItem.objects.bulk_create(
        AgendaItem(
            organization=session.organization,
            session=session,
            text=entry.text.strip(),
            goal=entry.goal,
            position=position,
        )
        for position, entry in enumerate(agenda)
        if entry.text.strip()
    )


def _check_goals_belong(pair, agenda):
    for entry in agenda:
        if entry.goal is not None and entry.goal.pair_id != pair.pk:
            raise ValidationError(_("An agenda item is linked to another pair's goal."))


@transaction.atomic
def schedule_session(
    *,
    pair: Pair,
    by: User,
    starts_at: datetime,
    duration_minutes: int,
    time_zone: str,
    format: str = Session.Format.VIDEO,
    location: str = "",
    agenda: Iterable[AgendaEntry] | None = None,
    module: CurriculumModule | None = None,
) -> Session:
    """Plan a session of the pair, on a curriculum module or a free topic, and e-mail both people the
    invitation once committed.

    ``by`` plans as the programme lets (``access.can_schedule``: the side it names, or an assistant of
    theirs). The agenda is the one given by its owner (``access.can_edit_agenda``, the side the
    programme names); without one, the session starts from the challenges to review and the module's
    suggested agenda. Either way, the challenges committed since the last session are reviewed in this
    one. The pair's first session waits for both people's preparation, unless HR waived it.

    Refused: outside the programme's duration bounds or dates, in the past, or overlapping another
    session of either person.
    """
    _require_active(pair)
    _require_scheduler(pair, by)
    if agenda is not None:
        agenda = [entry for entry in agenda if entry.text.strip()]
        if agenda:
            _require_agenda_owner(pair, by)
    _require_prepared(pair)
    zone_or_error(time_zone)
    curriculum.validate_module(pair, module)
    if agenda is None:
        agenda = [AgendaEntry(text=line) for line in curriculum.starting_agenda(pair, module)]
    _check_goals_belong(pair, agenda)
    _lock_diaries(pair)
    _validate_slot(pair=pair, starts_at=starts_at, duration_minutes=duration_minutes)
    session = Session(
        organization=pair.organization,
        pair=pair,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        format=format,
        location=location.strip(),
        created_by=by,
        module=module,
        phase=phase_of(pair, starts_at, time_zone),
    )
    session.full_clean(exclude=["pair", "created_by", "recurring_slot", "logged_by", "module"])
    session.save()
    _save_agenda(session, agenda)
    curriculum.attach_challenges(session)
    _notify([session], "REQUEST")
    sessions_scheduled.send(sender=Session, sessions=[session])
    return session


@transaction.atomic
def reschedule_session(
    *,
    session: Session,
    by: User,
    starts_at: datetime,
    duration_minutes: int,
    time_zone: str,
    format: str,
    location: str,
) -> Session:
    """Move a planned session: same calendar UID, SEQUENCE + 1, both people get the update."""
    pair = session.pair
    _require_active(pair)
    _require_scheduler(pair, by)
    if not session.is_open:
        raise ValidationError(_("Only a planned session can be moved."))
    zone_or_error(time_zone)
    validate_location(location)
    _lock_diaries(pair)
    _validate_slot(pair=pair, starts_at=starts_at, duration_minutes=duration_minutes, exclude=session)
    session.starts_at = starts_at
    session.duration_minutes = duration_minutes
    session.time_zone = time_zone
    session.format = format
    session.location = location.strip()
    session.phase = phase_of(pair, starts_at, time_zone)
    session.sequence += 1
    session.save()
    _notify([session], "REQUEST")
    sessions_scheduled.send(sender=Session, sessions=[session])
    return session


@transaction.atomic
def cancel_session(*, session: Session, by: User, reason: str) -> Session:
    """Cancel a planned session with a reason; both calendars receive a CANCEL.

    Either person may call it off, and whoever plans it (an executive's assistant included)."""
    if not access.can_cancel(session.pair, by):
        raise ValidationError(_("Only the pair's mentor and mentee can do this."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the session is cancelled.")})
    if not session.is_open:
        raise ValidationError(_("Only a planned session can be cancelled."))
    session.status = Session.Status.CANCELLED
    session.cancel_reason = reason[:300]
    session.cancelled_at = timezone.now()
    session.sequence += 1
    session.save()
    curriculum.release_challenges(session)
    _notify([session], "CANCEL")
    sessions_cancelled.send(sender=Session, sessions=[session])
    return session


@transaction.atomic
def cancel_upcoming_sessions(*, pairs: Sequence[Pair], reason: str) -> int:
    """Cancel every planned session of the pairs that has not started yet, e.g. when one person leaves or
    a rotation ends them all. In a fixed number of queries, whatever the number of pairs.

    Both calendars of each pair receive one CANCEL for all its sessions. Returns how many were cancelled.
    The pairs, all of one organisation, come with it and their people (``organization``, ``mentor__user``,
    ``mentee__user``).
    """
    now = timezone.now()
    by_id = {pair.pk: pair for pair in pairs}
    sessions = list(
        Session.objects.select_for_update()
        .filter(pair__in=list(by_id), status=Session.Status.SCHEDULED, starts_at__gt=now)
        .order_by("starts_at")
    )
    for session in sessions:
        session.pair = by_id[session.pair_id]
        session.status = Session.Status.CANCELLED
        session.cancel_reason = reason[:300]
        session.cancelled_at = now
        session.sequence += 1
    Session.objects.bulk_update(sessions, ["status", "cancel_reason", "cancelled_at", "sequence"])
    notify_session_invitations_of_pairs(sessions, "CANCEL")
    if sessions:
        sessions_cancelled.send(sender=Session, sessions=sessions)
    return len(sessions)


@transaction.atomic
def mark_no_show(*, session: Session, by: User) -> Session:
    """The other person did not come: the session counts as a no-show, not as held."""
    _require_member_of_pair(session.pair, by)
    if not session.is_open:
        raise ValidationError(_("Only a planned session can be marked as a no-show."))
    if session.starts_at > timezone.now():
        raise ValidationError(_("A session that has not started yet cannot be a no-show."))
    session.status = Session.Status.NO_SHOW
    session.logged_at = timezone.now()
    session.logged_by = by
    session.save()
    return session


@dataclass
class ActionEntry:
    title: str
    owner: object
    due_date: object = None


@dataclass
class ProgressEntry:
    goal: Goal
    value: int
    note: str = ""


@dataclass
class SessionLog:
    held: bool
    actual_minutes: int | None = None
    topics: str = ""
    shared_notes: str = ""
    private_note: str = ""
    usefulness: int | None = None
    actions: list = field(default_factory=list)
    progress: list = field(default_factory=list)


@transaction.atomic
def log_session(*, session: Session, by: User, log: SessionLog) -> Session:
    """Record what happened: held or not, shared notes, the author's private note, actions, progress."""
    pair = session.pair
    _require_member_of_pair(pair, by)
    if session.status in (Session.Status.CANCELLED, Session.Status.NO_SHOW):
        raise ValidationError(_("A cancelled or missed session cannot be logged."))
    if session.starts_at > timezone.now():
        raise ValidationError(_("A session can be logged once it has started."))
    if log.usefulness is not None and not 1 <= log.usefulness <= 5:
        raise ValidationError({"usefulness": _("Rate the usefulness from 1 to 5.")})
    if log.held and log.actual_minutes is not None and not 1 <= log.actual_minutes <= 600:
        raise ValidationError({"actual_minutes": _("Enter the actual duration in minutes.")})
    participants = {user.pk for user in _participants(pair)}
    for action in log.actions:
        if action.owner.pk not in participants:
            raise ValidationError(_("An action item belongs to the mentor or the mentee."))
    for entry in log.progress:
        if entry.goal.pair_id != pair.pk:
            raise ValidationError(_("Progress can only be recorded on this pair's goals."))
        _validate_progress_value(entry.goal, entry.value)

    session.status = Session.Status.HELD if log.held else Session.Status.NOT_HELD
    session.actual_minutes = (log.actual_minutes or session.duration_minutes) if log.held else None
    session.topics = log.topics.strip()
    session.shared_notes = log.shared_notes.strip()
    session.usefulness = log.usefulness
    session.logged_at = timezone.now()
    session.logged_by = by
    session.save()
    if session.status == Session.Status.HELD:
        sessions_held.send(sender=Session, sessions=[session])
    save_private_note(session=session, author=by, text=log.private_note)
    for action in log.actions:
        add_action_item(
            pair=pair,
            by=by,
            title=action.title,
            owner=action.owner,
            due_date=action.due_date,
            session=session,
        )
    day = timezone.localdate(session.starts_at)
    for entry in log.progress:
        record_progress(
            goal=entry.goal, by=by, value=entry.value, note=entry.note, recorded_on=day, session=session
        )
    return session


def save_private_note(*, session: Session, author: User, text: str | None) -> PrivateNote | None:
    """Write (or clear) the author's own note on a session; nobody else ever reads it."""
    _require_member_of_pair(session.pair, author)
    text = (text or "").strip()
    if not text:
        PrivateNote.objects.filter(session=session, author=author).delete()
        return None
    note, _created = PrivateNote.objects.update_or_create(
        session=session, author=author, defaults={"text": text, "organization": session.organization}
    )
    return note


@transaction.atomic
def create_goal(
    *,
    pair: Pair,
    by: User,
    title: str,
    description: str = "",
    objective: Objective | None = None,
    skills: Iterable[Skill] = (),
    target_date: dt.date | None = None,
    scale: str = Goal.Scale.LEVEL,
) -> Goal:
    """Turn a programme objective (or the pair's own idea) into a goal the pair will measure."""
    _require_member_of_pair(pair, by)
    if objective is not None and not pair.programme.objectives.filter(pk=objective.pk).exists():
        raise ValidationError({"objective": _("Choose one of the programme's objectives.")})
    goal = Goal(
        organization=pair.organization,
        pair=pair,
        objective=objective,
        title=title.strip(),
        description=description.strip(),
        target_date=target_date,
        scale=scale,
        created_by=by,
        phase=pair.programme.current_phase,
    )
    goal.full_clean(exclude=["pair", "objective", "created_by"])
    goal.save()
    goal.skills.set(skills)
    return goal


@transaction.atomic
def update_goal(
    *,
    goal: Goal,
    by: User,
    title: str,
    description: str = "",
    objective: Objective | None = None,
    skills: Iterable[Skill] = (),
    target_date: dt.date | None = None,
) -> Goal:
    _require_member_of_pair(goal.pair, by)
    _require_current_goal(goal)
    goal.title = title.strip()
    goal.description = description.strip()
    goal.objective = objective
    goal.target_date = target_date
    goal.full_clean(exclude=["pair", "objective", "created_by"])
    goal.save()
    goal.skills.set(skills)
    return goal


def _validate_progress_value(goal, value):
    low = 1 if goal.scale == Goal.Scale.LEVEL else 0
    if value is None or not low <= value <= goal.maximum:
        raise ValidationError(
            {"value": _("Enter a value from %(low)s to %(high)s.") % {"low": low, "high": goal.maximum}}
        )


def record_progress(
    *,
    goal: Goal,
    by: User,
    value: int,
    note: str = "",
    recorded_on: dt.date | None = None,
    session: Session | None = None,
) -> GoalProgress:
    """Add a point to the goal's curve."""
    _require_member_of_pair(goal.pair, by)
    _require_current_goal(goal)
    _validate_progress_value(goal, value)
    return GoalProgress.objects.create(
        organization=goal.organization,
        goal=goal,
        value=value,
        note=(note or "").strip()[:500],
        recorded_on=recorded_on or timezone.localdate(),
        session=session,
        recorded_by=by,
    )


def add_action_item(
    *,
    pair: Pair,
    by: User,
    title: str,
    owner: User,
    due_date: dt.date | None = None,
    session: Session | None = None,
) -> ActionItem:
    _require_member_of_pair(pair, by)
    _require_member_of_pair(pair, owner)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Describe the action.")})
    return ActionItem.objects.create(
        organization=pair.organization,
        pair=pair,
        session=session,
        title=title[:300],
        owner=owner,
        due_date=due_date,
    )


def toggle_action_item(*, action: ActionItem, by: User) -> ActionItem:
    _require_member_of_pair(action.pair, by)
    action.done_at = None if action.done_at else timezone.now()
    action.save(update_fields=["done_at"])
    return action


def add_resource(
    *, pair: Pair, by: User, kind: str, title: str, url: str = "", body: str = ""
) -> SharedResource:
    _require_member_of_pair(pair, by)
    resource = SharedResource(
        organization=pair.organization,
        pair=pair,
        kind=kind,
        title=title.strip(),
        url=url.strip(),
        body=body.strip(),
        added_by=by,
    )
    if kind == SharedResource.Kind.LINK and not resource.url:
        raise ValidationError({"url": _("A link needs its address.")})
    resource.full_clean(exclude=["pair", "added_by"])
    resource.save()
    return resource


def delete_resource(*, resource: SharedResource, by: User) -> None:
    _require_member_of_pair(resource.pair, by)
    resource.delete()


@dataclass
class SlotResult:
    slot: RecurringSlot
    created: list
    skipped: list  # (aware local start, conflicting session)


def slot_occurrences(
    *,
    starts_on: dt.date,
    weekday: int,
    start_time: dt.time,
    interval_weeks: int,
    time_zone: str,
    until: dt.date,
) -> Iterator[datetime]:
    """Local start times from the first matching weekday on or after ``starts_on`` up to ``until``.

    Computed on the wall clock of ``time_zone`` then converted, so 12:30 stays 12:30 across DST.
    """
    first = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
    day = first
    while day <= until:
        yield local_datetime(day, start_time, time_zone)
        day += timedelta(weeks=interval_weeks)


def _refuse_times_the_clocks_change(*, starts_on, weekday, start_time, interval_weeks, time_zone, until):
    """A slot that meets, on one of its dates, at a time the clocks skip or repeat is refused. A single
    session can be written in UTC there, a recurring event cannot, and calendar apps disagree on such an
    occurrence: dateutil (vobject) puts a skipped 02:30 before the gap where RFC 5545 says after it,
    ical.js reads a repeated 02:30 as its second pass where RFC 5545 says the first."""
    for occurrence in slot_occurrences(
        starts_on=starts_on,
        weekday=weekday,
        start_time=start_time,
        interval_weeks=interval_weeks,
        time_zone=time_zone,
        until=until,
    ):
        repeated = occurrence.replace(fold=1).utcoffset() != occurrence.utcoffset()
        if repeated or skipped_to(occurrence.date(), start_time, time_zone) is not None:
            raise ValidationError(
                {
                    "start_time": _(
                        "On %(date)s the clocks change at that time, so this slot would meet at a time "
                        "that does not exist or that happens twice. Choose another start time."
                    )
                    % {"date": formats.date_format(occurrence.date(), "DATE_FORMAT")}
                }
            )


@transaction.atomic
def create_recurring_slot(
    *,
    pair: Pair,
    by: User,
    weekday: int,
    start_time: dt.time,
    interval_weeks: int,
    duration_minutes: int,
    time_zone: str,
    starts_on: dt.date,
    format: str = Session.Format.VIDEO,
    location: str = "",
) -> SlotResult:
    """Plan the pair's regular sessions up to the programme's end.

    Occurrences that would overlap another session of either person are skipped and reported; both
    people get one invitation to one recurring event, the skipped dates left out (EXDATE).
    """
    _require_active(pair)
    _require_scheduler(pair, by)
    _require_prepared(pair)
    zone_or_error(time_zone)
    validate_location(location)
    validate_duration(pair, duration_minutes)
    if not 1 <= interval_weeks <= 8:
        raise ValidationError({"interval_weeks": _("Choose between every week and every eight weeks.")})
    if starts_on > pair.programme.last_day:
        raise ValidationError({"starts_on": _("The programme ends before this date.")})
    _refuse_times_the_clocks_change(
        starts_on=starts_on,
        weekday=weekday,
        start_time=start_time,
        interval_weeks=interval_weeks,
        time_zone=time_zone,
        until=pair.programme.last_day,
    )
    _lock_diaries(pair)
    slot = RecurringSlot.objects.create(
        organization=pair.organization,
        pair=pair,
        weekday=weekday,
        start_time=start_time,
        interval_weeks=interval_weeks,
        duration_minutes=duration_minutes,
        time_zone=time_zone,
        starts_on=starts_on,
        created_by=by,
    )
    users = _participants(pair)
    now = timezone.now()
    created, skipped = [], []
    for starts_at in slot_occurrences(
        starts_on=starts_on,
        weekday=weekday,
        start_time=start_time,
        interval_weeks=interval_weeks,
        time_zone=time_zone,
        until=pair.programme.last_day,
    ):
        if starts_at < now:
            continue
        conflict = overlapping_session(users=users, starts_at=starts_at, duration_minutes=duration_minutes)
        if conflict is not None:
            skipped.append((starts_at, conflict))
            continue
        created.append(
            Session.objects.create(
                organization=pair.organization,
                pair=pair,
                starts_at=starts_at,
                duration_minutes=duration_minutes,
                time_zone=time_zone,
                format=format,
                location=location.strip(),
                recurring_slot=slot,
                occurrence_starts_at=starts_at,
                created_by=by,
                phase=phase_of(pair, starts_at, time_zone),
            )
        )
    if created:
        _notify(created, "REQUEST", series=True)
        sessions_scheduled.send(sender=Session, sessions=created)
    return SlotResult(slot=slot, created=created, skipped=skipped)


def calendar_feed_for(*, organization: Organization, user: User) -> CalendarFeed | None:
    """The person's active feed in this organisation, or None."""
    return CalendarFeed.objects.filter(organization=organization, user=user, revoked_at=None).first()


@transaction.atomic
def create_calendar_feed(*, organization: Organization, user: User) -> CalendarFeed:
    """A fresh secret feed URL; any previous one stops working."""
    revoke_calendar_feed(organization=organization, user=user)
    return CalendarFeed.objects.create(organization=organization, user=user)


def revoke_calendar_feed(*, organization: Organization, user: User) -> int:
    return CalendarFeed.objects.filter(organization=organization, user=user, revoked_at=None).update(
        revoked_at=timezone.now()
    )


def revoke_calendar_feeds_everywhere(*, user: User) -> int:
    """For an account that lost access everywhere: every organisation's feed of theirs stops working."""
    with unscoped("an account's access ended in every organisation"):
        return CalendarFeed.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


@transaction.atomic
def set_agenda(
    *,
    session: Session,
    by: User,
    agenda: Iterable[AgendaEntry],
    module: CurriculumModule | None | object = KEEP_MODULE,
) -> Session:
    """Replace a planned session's agenda, and say which module it is on (or none; left as it is when
    ``module`` is not given). Only the side the programme names writes it (``access.can_edit_agenda``)."""
    pair = session.pair
    _require_agenda_owner(pair, by)
    if not session.is_open:
        raise ValidationError(_("Only a planned session's agenda can be changed."))
    chosen = cast("CurriculumModule | None", module)
    if module is not KEEP_MODULE:
        curriculum.validate_module(pair, chosen)
    agenda = list(agenda)
    _check_goals_belong(pair, agenda)
    session.agenda_items.all().delete()
    _save_agenda(session, agenda)
    if module is not KEEP_MODULE and session.module_id != (chosen.pk if chosen else None):
        session.module = chosen
        session.save(update_fields=["module"])
    return session


# An executive's assistant --------------------------------------------------------------------------------


@dataclass
class Granted:
    delegation: Delegation
    invited: bool


@transaction.atomic
def grant_delegation(
    *,
    organization: Organization,
    executive: User,
    assistant_email: str,
    by: User,
    first_name: str = "",
    last_name: str = "",
    request: HttpRequest | None = None,
) -> Granted:
    """Let ``assistant_email`` plan, move and cancel ``executive``'s sessions (dates and places only).

    By the executive themselves or by HR. Someone not yet in the organisation gets an account waiting for
    its first password and an invitation with the assistant role; a member gets the role at once and an
    e-mail saying for whom. Both through the outbox. Recorded in the audit trail.
    """
    email = normalize_email(assistant_email)
    if not email:
        raise ValidationError({"email": _("Enter the assistant's e-mail address.")})
    if normalize_email(executive.email) == email:
        raise ValidationError({"email": _("You cannot be your own assistant.")})
    User = get_user_model()
    assistant = User.objects.filter(email__iexact=email).first()
    if assistant is None:
        assistant = User.objects.create_user(
            email=email, language=organization.default_language, time_zone=organization.time_zone
        )
    if Delegation.objects.filter(executive=executive, assistant=assistant).exists():
        raise ValidationError({"email": _("%(email)s already plans these sessions.") % {"email": email}})
    roles = set(Membership.objects.filter(user=assistant).values_list("role", flat=True))
    if first_name or last_name or not roles:
        record_person(organization=organization, user=assistant, first_name=first_name, last_name=last_name)
    delegation = Delegation.objects.create(
        organization=organization, executive=executive, assistant=assistant, granted_by=by
    )
    invited = False
    if not roles:
        invite_member(organization=organization, email=email, role=Role.ASSISTANT, invited_by=by)
        invited = True
    else:
        Membership.objects.get_or_create(organization=organization, user=assistant, role=Role.ASSISTANT)
        notify_delegation(delegation)
    audit.record(
        audit.Action.DELEGATION_GRANTED,
        organization=organization,
        actor=by,
        target=delegation,
        target_label=f"{executive.email} → {email}",
        details={"executive": executive.pk, "assistant": assistant.pk, "invited": invited},
        request=request,
    )
    return Granted(delegation=delegation, invited=invited)


@transaction.atomic
def remove_delegation(*, delegation: Delegation, by: User, request: HttpRequest | None = None) -> None:
    """End a delegation at once; an assistant left with none loses the assistant role (and a pending
    invitation as one)."""
    organization, assistant = delegation.organization, delegation.assistant
    label = f"{delegation.executive.email} → {assistant.email}"
    details = {"executive": delegation.executive_id, "assistant": assistant.pk}
    delegation.delete()
    if not Delegation.objects.filter(assistant=assistant).exists():
        Membership.objects.filter(user=assistant, role=Role.ASSISTANT).delete()
        Invitation.objects.filter(
            email__iexact=assistant.email, role=Role.ASSISTANT, accepted_at=None, revoked_at=None
        ).update(revoked_at=timezone.now())
        roles_removed(organization=organization, user=assistant, reason="delegation removed")
    audit.record(
        audit.Action.DELEGATION_REMOVED,
        organization=organization,
        actor=by,
        target_label=label,
        details=details,
        request=request,
    )
