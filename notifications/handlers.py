"""The kinds of message this app plans and renders: sessions, pairs, inactivity, the HR digest."""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import current_organization
from pairing.models import Pair
from sessions.models import Session

from . import selectors
from .models import Kind
from .registry import DIGEST_SECTIONS, Message, digest_section, periodic_planner, renderer
from .services import natural_key, plan

REMINDER_OFFSETS = {
    Kind.SESSION_REMINDER_24H: timedelta(hours=24),
    Kind.SESSION_REMINDER_1H: timedelta(hours=1),
}
# A "day before" reminder is only worth sending if it is at least this far ahead of the session.
DAY_BEFORE_MINIMUM = timedelta(hours=23)
LOG_DELAY = timedelta(minutes=30)
DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 8


def organization_url(name, **kwargs):
    organization = current_organization()
    return settings.SITE_URL + reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def local_datetime(moment, user):
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = moment.astimezone(zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone.key})"


def _people(pair):
    return [pair.mentor.user, pair.mentee.user]


def _partner(pair, user):
    return pair.mentee.user if pair.mentor.user_id == user.pk else pair.mentor.user


# Planning -----------------------------------------------------------------------------------------


def plan_session_notifications(*, organization, now):
    """Plan reminders for sessions newly scheduled or moved, and log reminders for ended sessions.

    Keys carry the session's sequence: a rescheduled session gets fresh rows, and the rows planned for
    its previous time are skipped at send time.
    """
    upcoming = selectors.sessions_needing_reminders(now=now).select_related(
        "pair__mentor__user", "pair__mentee__user"
    )
    for session in upcoming:
        for kind, offset in REMINDER_OFFSETS.items():
            if kind == Kind.SESSION_REMINDER_24H and session.starts_at - now < DAY_BEFORE_MINIMUM:
                continue
            for person in _people(session.pair):
                plan(
                    organization=organization,
                    recipient=person,
                    kind=kind,
                    key=natural_key(kind, "session", session.pk, "seq", session.sequence, recipient=person),
                    due_at=session.starts_at - offset,
                    object_id=session.pk,
                    planned_for=session.starts_at,
                    planned_sequence=session.sequence,
                )
    ended = selectors.sessions_needing_log_reminder(now=now).select_related(
        "pair__mentor__user", "pair__mentee__user"
    )
    for session in ended:
        for person in _people(session.pair):
            plan(
                organization=organization,
                recipient=person,
                kind=Kind.SESSION_LOG,
                key=natural_key(
                    Kind.SESSION_LOG, "session", session.pk, "seq", session.sequence, recipient=person
                ),
                due_at=session.starts_at + timedelta(minutes=session.duration_minutes) + LOG_DELAY,
                object_id=session.pk,
                planned_for=session.starts_at,
                planned_sequence=session.sequence,
            )


@periodic_planner
def plan_inactivity_nudges(organization, now):
    for pair in selectors.active_pairs_with_activity(now=now):
        since = selectors.inactive_since(pair, now=now)
        if since is None:
            continue
        for person in _people(pair):
            plan(
                organization=organization,
                recipient=person,
                kind=Kind.PAIR_INACTIVE,
                key=natural_key(
                    Kind.PAIR_INACTIVE, "pair", pair.pk, "since", since.date().isoformat(), recipient=person
                ),
                due_at=now,
                object_id=pair.pk,
                planned_for=since,
            )


@periodic_planner
def plan_hr_digest(organization, now):
    local = now.astimezone(zoneinfo.ZoneInfo(organization.time_zone))
    if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
        return
    year, week, _day = local.isocalendar()
    admins = Membership.objects.filter(role=Role.HR_ADMIN).select_related("user")
    for membership in admins:
        plan(
            organization=organization,
            recipient=membership.user,
            kind=Kind.HR_DIGEST,
            key=natural_key(Kind.HR_DIGEST, f"{year}-W{week:02d}", recipient=membership.user),
            due_at=now,
        )


# Rendering ----------------------------------------------------------------------------------------


def _current_session(row):
    session = (
        Session.objects.filter(pk=row.object_id)
        .select_related("pair__mentor__user", "pair__mentee__user")
        .first()
    )
    if session is None or session.sequence != row.planned_sequence or session.starts_at != row.planned_for:
        return None
    return session


@renderer(Kind.SESSION_REMINDER_24H)
@renderer(Kind.SESSION_REMINDER_1H)
def render_session_reminder(row):
    session = _current_session(row)
    if session is None or session.status != Session.Status.SCHEDULED:
        return None
    partner = _partner(session.pair, row.recipient)
    when = local_datetime(session.starts_at, row.recipient)
    if row.kind == Kind.SESSION_REMINDER_24H:
        subject = _("Tomorrow: your session with %(partner)s") % {"partner": partner.display_name}
    else:
        subject = _("In one hour: your session with %(partner)s") % {"partner": partner.display_name}
    return Message(
        subject=subject,
        paragraphs=[
            _("Your session with %(partner)s starts on %(when)s and lasts %(minutes)s minutes.")
            % {
                "partner": partner.get_full_name() or partner.email,
                "when": when,
                "minutes": session.duration_minutes,
            },
            _("Bring the agenda you agreed on; if you cannot make it, reschedule it in Binôme."),
        ],
        action_url=organization_url("session_detail", pair_id=session.pair_id, session_id=session.pk),
        action_label=_("Open the session"),
        deadline=session.starts_at,
    )


@renderer(Kind.SESSION_LOG)
def render_session_log(row):
    session = _current_session(row)
    if session is None or session.status != Session.Status.SCHEDULED or session.logged_at is not None:
        return None
    partner = _partner(session.pair, row.recipient)
    return Message(
        subject=_("How did your session with %(partner)s go?") % {"partner": partner.display_name},
        paragraphs=[
            _(
                "Your session of %(when)s is not logged yet. It takes a minute: was it held, and what did you take away?"  # noqa: E501
            )
            % {"when": local_datetime(session.starts_at, row.recipient)},
        ],
        action_url=organization_url("session_log", pair_id=session.pair_id, session_id=session.pk),
        action_label=_("Log the session"),
    )


@renderer(Kind.PAIR_INACTIVE)
def render_pair_inactive(row):
    now = timezone.now()
    pair = selectors.active_pairs_with_activity(now=now).filter(pk=row.object_id).first()
    if pair is None or selectors.inactive_since(pair, now=now) is None:
        return None
    partner = _partner(pair, row.recipient)
    return Message(
        subject=_("Time to meet %(partner)s again") % {"partner": partner.display_name},
        paragraphs=[
            ngettext(
                "Your programme suggests a session every %(days)s day, and you have not met for a while.",
                "Your programme suggests a session every %(days)s days, and you have not met for a while.",
                pair.programme.cadence_days,
            )
            % {"days": pair.programme.cadence_days},
            _("Pick a slot with %(partner)s now: a 30-minute session is enough to keep going.")
            % {"partner": partner.get_full_name() or partner.email},
        ],
        action_url=organization_url("pair_space", pair_id=pair.pk),
        action_label=_("Schedule a session"),
    )


PAIR_SUBJECTS = {
    Kind.PAIR_PUBLISHED: lambda: _("Your match in %(programme)s"),
    Kind.PAIR_ACCEPTED: lambda: _("Your pair is confirmed in %(programme)s"),
    Kind.PAIR_DECLINED: lambda: _("Your match in %(programme)s will not go ahead"),
    Kind.PAIR_ENDED: lambda: _("Your pair with %(partner)s has ended"),
}


@renderer(Kind.PAIR_PUBLISHED)
@renderer(Kind.PAIR_ACCEPTED)
@renderer(Kind.PAIR_DECLINED)
@renderer(Kind.PAIR_ENDED)
def render_pair_message(row):
    pair = (
        Pair.objects.filter(pk=row.object_id)
        .select_related("programme", "mentor__user", "mentee__user")
        .first()
    )
    if pair is None:
        return None
    partner = _partner(pair, row.recipient)
    names = {"partner": partner.get_full_name() or partner.email, "programme": pair.programme.name}
    if row.kind == Kind.PAIR_ACCEPTED:
        # The decline reason stays with HR: the other person only learns that the pair will not go ahead.
        paragraphs = [
            _("You and %(partner)s both accepted: your pair is confirmed. Plan your first meeting soon.")
            % names
        ]
        action_url, action_label = organization_url("pair_space", pair_id=pair.pk), _("Open the pair")
    elif row.kind == Kind.PAIR_ENDED:
        # The reason HR typed may not be meant for the pair: it stays with HR.
        paragraphs = [
            _("Your pair with %(partner)s in %(programme)s has ended; its planned sessions are cancelled.")
            % names,
            _("Thank you for the time you gave each other. HR will tell you about what comes next."),
        ]
        action_url, action_label = organization_url("my_programmes"), _("My programmes")
    elif row.kind == Kind.PAIR_DECLINED:
        paragraphs = [
            _(
                "The match with %(partner)s will not go ahead. HR will propose a new partner in the next round."
            )
            % names
        ]
        action_url, action_label = organization_url("my_matches"), _("See my matches")
    else:
        paragraphs = [
            _("You have been matched with %(partner)s in %(programme)s.") % names,
            _("Read their profile, then accept or decline this match."),
        ]
        action_url, action_label = organization_url("my_matches"), _("Accept or decline this match")
    return Message(
        subject=PAIR_SUBJECTS[row.kind]() % names,
        paragraphs=paragraphs,
        action_url=action_url,
        action_label=action_label,
    )


@digest_section
def digest_pairs_at_risk(organization, now):
    lines = []
    for pair in selectors.inactive_pairs(now=now):
        lines.append(
            _("%(pair)s: no session for %(days)s days")
            % {
                "pair": pair,
                "days": (now - (pair.last_session_at or pair.started_at or pair.created_at)).days,
            }
        )
    for session in selectors.overdue_logs(now=now)[:50]:
        lines.append(
            _("%(pair)s: session of %(date)s not logged")
            % {"pair": session.pair, "date": formats.date_format(session.starts_at, "SHORT_DATE_FORMAT")}
        )
    return _("Pairs at risk"), lines


@digest_section
def digest_unmatched(organization, now):
    lines = [
        _("%(person)s (%(programme)s, %(role)s)")
        % {
            "person": participant.user,
            "programme": participant.programme.name,
            "role": participant.get_role_display(),
        }
        for participant in selectors.unmatched_participants()[:100]
    ]
    return _("People without a pair"), lines


@renderer(Kind.HR_DIGEST)
def render_hr_digest(row):
    organization = current_organization()
    sections = [section(organization, row.due_at) for section in DIGEST_SECTIONS]
    return Message(
        subject=_("Your weekly reverse-mentoring digest"),
        paragraphs=[_("What needs your attention this week:")],
        sections=[(title, lines or [_("Nothing to report.")]) for title, lines in sections],
        action_url=organization_url("operations"),
        action_label=_("Open the pairs to follow"),
    )
