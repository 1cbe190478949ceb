"""Sessions in the notification machinery: reminders before a session, the reminder to log it, the nudge
when a pair has stopped meeting, the digest's pairs at risk, and calendar invitations.

Calendar invitations: one e-mail per person with an .ics per calendar event: a session alone, or a
recurring slot's whole series when it is planned (one recurring event, not one file per session), or
the overrides of a series when some of its sessions move or are cancelled. The row records which sessions, at
which version (their SEQUENCE), and the method (REQUEST or CANCEL); the e-mail and its .ics are built when
it is sent, in the person's language and time zone. A session changed again before the row went out
(moved, cancelled) is left to the row planned by that change, so a calendar never receives an older
version after a newer one.
"""

import hashlib
import json
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from notifications.models import Notification
from notifications.registry import (
    Message,
    digest_section,
    dispatch_planner,
    notification_kind,
    periodic_planner,
    renderer,
)
from notifications.rendering import local_datetime, organization_url
from notifications.services import Notice, natural_key, notify_all, plan
from organizations.roles import Role
from organizations.tenancy import current_organization
from programmes.models import Phase

from . import access, selectors
from .calendar import cohort_ics, in_series, invitation_ics, series_ics, sessions_ics
from .models import AgendaItem, Challenge, CohortSession, Delegation, Session

SESSION_REMINDER_24H = notification_kind(
    "session_reminder_24h", gettext_lazy("Session reminder, the day before"), position=10
)
SESSION_REMINDER_1H = notification_kind(
    "session_reminder_1h", gettext_lazy("Session reminder, one hour before"), position=20
)
SESSION_LOG = notification_kind("session_log", gettext_lazy("Reminder to log a session"), position=30)
# Nobody can mute it: it is the meeting itself (a muted REQUEST or CANCEL would leave a calendar wrong
# and the partner waiting). Quiet hours still apply.
SESSION_INVITATION = notification_kind(
    "session_invitation", gettext_lazy("Calendar invitation to a session"), position=35, mutable=False
)
PAIR_INACTIVE = notification_kind(
    "pair_inactive", gettext_lazy("Nudge when a pair has not met for a while"), position=40
)

CHALLENGE_DUE = notification_kind(
    "challenge_due", gettext_lazy("Reminder of a “try it” challenge on its date"), position=45
)
# The morning of the date, in the mentee's time zone: time to try it today, or to say how it went.
CHALLENGE_REMINDER_TIME = time(9, 0)
# The agenda's owner (the junior mentor by default) hears of an empty agenda this long before the session.
AGENDA_TO_PREPARE = notification_kind(
    "agenda_to_prepare", gettext_lazy("Reminder to prepare a session's agenda"), position=25
)
# It carries the access itself (whose sessions to plan): nobody mutes it.
DELEGATION_GRANTED = notification_kind(
    "delegation_granted",
    gettext_lazy("An executive asks you to plan their sessions"),
    position=110,
    roles={Role.ASSISTANT},
    mutable=False,
)
# "Schedule the next session" for an executive's assistant, when the executive plans and has delegated.
ASSISTANT_PAIR_INACTIVE = notification_kind(
    "assistant_pair_inactive",
    gettext_lazy("Nudge to plan a session for an executive whose pair has not met for a while"),
    position=112,
    roles={Role.ASSISTANT},
)
AGENDA_NOTICE = timedelta(days=3)
# The mentors' group sessions (training, debriefs): the invitation carries the meeting, nobody mutes it.
COHORT_INVITATION = notification_kind(
    "cohort_invitation",
    gettext_lazy("Calendar invitation to a mentors' cohort session"),
    position=36,
    roles={Role.MENTOR},
    mutable=False,
)

REMINDER_OFFSETS = {
    SESSION_REMINDER_24H: timedelta(hours=24),
    SESSION_REMINDER_1H: timedelta(hours=1),
}
# A "day before" reminder is only worth sending if it is at least this far ahead of the session.
DAY_BEFORE_MINIMUM = timedelta(hours=23)
LOG_DELAY = timedelta(minutes=30)
REMINDER_HORIZON = timedelta(hours=25)
LOG_LOOKBACK = timedelta(days=7)


# What to plan ----------------------------------------------------------------------------------------


def _planned(kind):
    # The organisation in the probe lets the (organization, kind, object_id) index serve the scan.
    return Notification.objects.filter(
        organization_id=OuterRef("organization_id"),
        kind=kind,
        object_id=OuterRef("pk"),
        planned_sequence=OuterRef("sequence"),
    )


def sessions_needing_reminders(*, now):
    """Scheduled sessions starting within 25 h with no reminder planned for their current version."""
    return Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMINDER_HORIZON
    ).exclude(Exists(_planned(SESSION_REMINDER_1H)))


def sessions_needing_log_reminder(*, now):
    """Sessions that started in the last week, still unlogged, with no log reminder planned yet."""
    return Session.objects.filter(
        status=Session.Status.SCHEDULED,
        logged_at=None,
        starts_at__lte=now,
        starts_at__gt=now - LOG_LOOKBACK,
    ).exclude(Exists(_planned(SESSION_LOG)))


def organizations_with_sessions_to_plan(*, now):
    """The dispatcher's scan (run across organisations): ids of organisations with a session to plan
    for. Two indexed queries whatever the number of organisations or sessions."""
    # order_by(): the model's ordering would make it DISTINCT (organization_id, starts_at), a row a session.
    reminders = (
        sessions_needing_reminders(now=now).order_by().values_list("organization_id", flat=True).distinct()
    )
    logs = (
        sessions_needing_log_reminder(now=now).order_by().values_list("organization_id", flat=True).distinct()
    )
    return set(reminders) | set(logs)


# Planning -----------------------------------------------------------------------------------------


@dispatch_planner(organizations=organizations_with_sessions_to_plan)
def plan_session_notifications(*, organization, now):
    """Plan reminders for sessions newly scheduled or moved, and log reminders for ended sessions.

    Keys carry the session's sequence: a rescheduled session gets fresh rows, and the rows planned for
    its previous time are skipped at send time.
    """
    upcoming = sessions_needing_reminders(now=now).select_related("pair__mentor__user", "pair__mentee__user")
    for session in upcoming:
        for kind, offset in REMINDER_OFFSETS.items():
            if kind == SESSION_REMINDER_24H and session.starts_at - now < DAY_BEFORE_MINIMUM:
                continue
            for person in session.pair.people():
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
    ended = sessions_needing_log_reminder(now=now).select_related("pair__mentor__user", "pair__mentee__user")
    for session in ended:
        for person in session.pair.people():
            plan(
                organization=organization,
                recipient=person,
                kind=SESSION_LOG,
                key=natural_key(
                    SESSION_LOG, "session", session.pk, "seq", session.sequence, recipient=person
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
        # "Schedule your next session" is for whoever plans, as the programme says (in its current
        # phase), and for the assistant of an executive who plans.
        recipients = [(PAIR_INACTIVE, person) for person in access.schedulers(pair)]
        recipients += [(ASSISTANT_PAIR_INACTIVE, assistant) for assistant in access.assistants_of(pair)]
        for kind, person in recipients:
            plan(
                organization=organization,
                recipient=person,
                kind=kind,
                key=natural_key(kind, "pair", pair.pk, "since", since.date().isoformat(), recipient=person),
                due_at=now,
                object_id=pair.pk,
                planned_for=since,
            )


def sessions_with_an_empty_agenda(*, now):
    """Planned sessions within the next days whose agenda nobody has written yet."""
    return Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + AGENDA_NOTICE
    ).exclude(Exists(AgendaItem.objects.filter(session=OuterRef("pk"))))


@periodic_planner
def plan_agenda_reminders(organization, now):
    """Once per version of each session: "prepare the agenda" to the agenda's owners."""
    sessions = sessions_with_an_empty_agenda(now=now).select_related(
        "pair__programme", "pair__mentor__user", "pair__mentee__user"
    )
    for session in sessions:
        for person in access.agenda_owners(session.pair):
            plan(
                organization=organization,
                recipient=person,
                kind=AGENDA_TO_PREPARE,
                key=natural_key(
                    AGENDA_TO_PREPARE, "session", session.pk, "seq", session.sequence, recipient=person
                ),
                due_at=now,
                object_id=session.pk,
                planned_for=session.starts_at,
                planned_sequence=session.sequence,
            )


def notify_delegation(delegation):
    """Tell a member who became an executive's assistant whose sessions they now plan."""
    notify_all(
        organization=delegation.organization,
        kind=DELEGATION_GRANTED,
        notices=[
            Notice(
                recipients=[delegation.assistant], key=f"delegation:{delegation.pk}", object_id=delegation.pk
            )
        ],
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


@renderer(SESSION_REMINDER_24H)
@renderer(SESSION_REMINDER_1H)
def render_session_reminder(row):
    session = _current_session(row)
    if session is None or session.status != Session.Status.SCHEDULED:
        return None
    pair, person = session.pair, row.recipient
    partner = pair.partner_of(person)
    when = local_datetime(session.starts_at, person)
    if row.kind == SESSION_REMINDER_24H:
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
            _agenda_line(session, person, partner),
            _planning_line(pair, person, partner),
        ],
        action_url=organization_url("session_detail", pair_id=session.pair_id, session_id=session.pk),
        action_label=_("Open the session"),
        deadline=session.starts_at,
    )


def _agenda_line(session, person, partner):
    """What the reminder asks of this person about the agenda: to write it, or to read the partner's."""
    if any(owner.pk == person.pk for owner in access.agenda_owners(session.pair)):
        if not session.agenda_items.exists():
            return _(
                "You write the agenda of this session and it is still empty: two or three points are enough."
            )
        return _("You wrote the agenda: bring what you will show and try together.")
    return _("%(partner)s writes the agenda: read it before the session and bring your questions.") % {
        "partner": partner.display_name
    }


def _planning_line(pair, person, partner):
    """And about the date: the person who plans moves it; the other tells them, or cancels."""
    if any(planner.pk == person.pk for planner in access.schedulers(pair)):
        return _("If you cannot make it, move it in Binôme: you plan the sessions.")
    return _(
        "If you cannot make it, tell %(partner)s, who plans the sessions, or cancel it in Binôme with a reason."
    ) % {"partner": partner.display_name}


@renderer(AGENDA_TO_PREPARE)
def render_agenda_to_prepare(row):
    session = _current_session(row)
    if session is None or session.status != Session.Status.SCHEDULED or session.agenda_items.exists():
        return None
    if row.recipient not in access.agenda_owners(session.pair):
        return None
    partner = session.pair.partner_of(row.recipient)
    return Message(
        subject=_("Prepare the agenda of your session with %(partner)s") % {"partner": partner.display_name},
        paragraphs=[
            (
                _(
                    "Your session of %(when)s has no agenda yet, and in the cross phase you are the one who writes it."
                )
                if session.pair.programme.current_phase == Phase.CROSS
                else _(
                    "Your session of %(when)s has no agenda yet, and in your programme you are the one who writes it."
                )
            )
            % {"when": local_datetime(session.starts_at, row.recipient)},
            _("Two or three points are enough: what you will show, what you will try together."),
        ],
        action_url=organization_url("session_agenda", pair_id=session.pair_id, session_id=session.pk),
        action_label=_("Write the agenda"),
        deadline=session.starts_at,
    )


@renderer(DELEGATION_GRANTED)
def render_delegation_granted(row):
    delegation = Delegation.objects.filter(pk=row.object_id).select_related("executive").first()
    if delegation is None:
        return None
    executive = delegation.executive.display_name
    return Message(
        subject=_("%(executive)s asks you to plan their mentoring sessions") % {"executive": executive},
        paragraphs=[
            _(
                "%(executive)s takes part in a reverse-mentoring programme and lets you plan, move and "
                "cancel their sessions in Binôme."
            )
            % {"executive": executive},
            _("You see the dates and places only: what the pair says and writes stays between them."),
        ],
        action_url=organization_url("assistant_sessions"),
        action_label=_("See the sessions to organise"),
    )


@renderer(SESSION_LOG)
def render_session_log(row):
    session = _current_session(row)
    if session is None or session.status != Session.Status.SCHEDULED or session.logged_at is not None:
        return None
    partner = session.pair.partner_of(row.recipient)
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


@renderer(PAIR_INACTIVE)
def render_pair_inactive(row):
    now = timezone.now()
    pair = selectors.active_pairs_with_activity(now=now).filter(pk=row.object_id).first()
    if pair is None or selectors.inactive_since(pair, now=now) is None:
        return None
    if row.recipient not in access.schedulers(pair):
        return None
    partner = pair.partner_of(row.recipient)
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


@renderer(ASSISTANT_PAIR_INACTIVE)
def render_assistant_pair_inactive(row):
    """To the assistant: whose session to plan, with whom; dates only, nothing the pair wrote."""
    now = timezone.now()
    pair = selectors.active_pairs_with_activity(now=now).filter(pk=row.object_id).first()
    if pair is None or selectors.inactive_since(pair, now=now) is None:
        return None
    executives = access.executives_assisted_by(pair, row.recipient)
    if not executives:
        return None
    executive = executives[0]
    partner = pair.partner_of(executive)
    return Message(
        subject=_("Time to plan a session for %(executive)s") % {"executive": executive.display_name},
        paragraphs=[
            _(
                "%(executive)s and %(partner)s have not met for a while, and you plan %(executive)s's sessions."
            )
            % {"executive": executive.display_name, "partner": partner.display_name},
            _("Find a slot in both diaries: a 30-minute session is enough to keep going."),
        ],
        action_url=organization_url("assistant_sessions"),
        action_label=_("Plan the session"),
    )


def plan_challenge_reminder(challenge):
    """One reminder to the mentee on the challenge's date, through the outbox (their preferences and quiet
    hours apply); skipped at send time once they have answered."""
    owner = challenge.owner
    try:
        zone = zoneinfo.ZoneInfo(owner.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    due_at = datetime.combine(challenge.due_date, CHALLENGE_REMINDER_TIME, tzinfo=zone)
    plan(
        organization=challenge.organization,
        recipient=owner,
        kind=CHALLENGE_DUE,
        key=natural_key(CHALLENGE_DUE, "challenge", challenge.pk, challenge.due_date, recipient=owner),
        due_at=max(due_at, timezone.now()),
        object_id=challenge.pk,
    )


@renderer(CHALLENGE_DUE)
def render_challenge_due(row):
    challenge = (
        Challenge.objects.filter(pk=row.object_id, owner=row.recipient, status=Challenge.Status.PENDING)
        .select_related("pair__mentor__user", "pair__mentee__user")
        .first()
    )
    if challenge is None:
        return None
    partner = challenge.pair.partner_of(row.recipient)
    return Message(
        subject=_("Your “try it” challenge is due today"),
        paragraphs=[
            _("At your last session with %(partner)s, you committed to: “%(text)s”.")
            % {"partner": partner.get_full_name() or partner.email, "text": challenge.text},
            _("Did you try it? Say so in a click, with a line on how it went: %(partner)s will read it.")
            % {"partner": partner.display_name},
        ],
        action_url=organization_url("challenge_answer", pair_id=challenge.pair_id, challenge_id=challenge.pk),
        action_label=_("Answer the challenge"),
    )


# The HR digest ------------------------------------------------------------------------------------

OVERDUE_LOGS_LISTED = 50


@digest_section(position=10)
def digest_pairs_at_risk(organization, now):
    """The pairs at risk (``selectors.at_risk_conditions``, as on the operations page): those that have not
    met, then each session whose log is overdue."""
    lines = []
    for pair in selectors.pairs_at_risk(now=now):
        if pair.no_recent_session:
            since = pair.last_held or pair.started_at or pair.created_at
            lines.append(
                _("%(pair)s: no session for %(days)s days") % {"pair": pair, "days": (now - since).days}
            )
    for session in selectors.overdue_logs(now=now)[:OVERDUE_LOGS_LISTED]:
        lines.append(
            _("%(pair)s: session of %(date)s not logged")
            % {"pair": session.pair, "date": formats.date_format(session.starts_at, "SHORT_DATE_FORMAT")}
        )
    return _("Pairs at risk"), lines


# Calendar invitations -------------------------------------------------------------------------------

METHODS = ("REQUEST", "CANCEL")


def notify_session_invitations(sessions, method, *, series=False):
    """Plan the invitation (or cancellation) of ``sessions``, all of one pair, to both people; it goes
    out once the caller's transaction commits. Planning the same versions twice sends nothing twice.
    ``series``: the sessions of a slot just planned, sent as its recurring event."""
    notify_session_invitations_of_pairs(sessions, method, series=series)


def notify_session_invitations_of_pairs(sessions, method, *, series=False):
    """``notify_session_invitations`` for the sessions of several pairs of one organisation: one message
    per pair, planned in one insert. Each session's ``pair`` comes with its organisation and people."""
    if method not in METHODS:
        raise ValueError(f"unknown calendar method {method!r}")
    by_pair = {}
    for session in sorted(sessions, key=lambda session: (session.starts_at, session.pk)):
        by_pair.setdefault(session.pair_id, []).append(session)
    if not by_pair:
        return
    notices, organization = [], None
    for pair_sessions in by_pair.values():
        versions = [[session.pk, session.sequence] for session in pair_sessions]
        digest = hashlib.sha256(json.dumps(versions).encode()).hexdigest()[:16]
        first, pair = pair_sessions[0], pair_sessions[0].pair
        organization = pair.organization
        notices.append(
            Notice(
                recipients=[pair.mentor.user, pair.mentee.user],
                key=f"{method}:session:{first.pk}:seq:{first.sequence}:n:{len(pair_sessions)}:{digest}",
                object_id=first.pk,
                data={"method": method, "sessions": versions, "series": series},
            )
        )
    notify_all(organization=organization, kind=SESSION_INVITATION, notices=notices)


def _invitation_files(sessions, method, *, whole_series):
    content_type = f"text/calendar; charset=utf-8; method={method}"
    files, series = [], {}
    for session in sessions:
        if in_series(session):
            series.setdefault(session.recurring_slot_id, []).append(session)
        else:
            files.append((f"session-{session.uid}.ics", invitation_ics(session, method=method), content_type))
    for members in series.values():
        slot = members[0].recurring_slot
        if whole_series and method == "REQUEST":
            # The series as it stands now: a session moved since is an override in it already.
            everything = (
                Session.objects.filter(recurring_slot=slot)
                .exclude(occurrence_starts_at=None)
                .select_related("organization", "recurring_slot", "pair__mentor__user", "pair__mentee__user")
            )
            body = series_ics(slot, list(everything))
        else:
            body = sessions_ics(members, method=method)
        files.append((f"series-{slot.uid}.ics", body, content_type))
    return files


@renderer(SESSION_INVITATION)
def render_session_invitation(row):
    method = row.data["method"]
    planned = {pk: sequence for pk, sequence in row.data["sessions"]}
    sessions = [
        session
        for session in Session.objects.filter(pk__in=planned)
        .select_related(
            "organization", "recurring_slot", "pair__programme", "pair__mentor__user", "pair__mentee__user"
        )
        .order_by("starts_at")
        if session.sequence == planned[session.pk]
    ]
    if not sessions:
        return None
    organization, user = current_organization(), row.recipient
    pair = sessions[0].pair
    url = settings.SITE_URL + reverse(
        "pair_space", kwargs={"org_slug": organization.slug, "pair_id": pair.pk}
    )
    with timezone.override(user.time_zone):
        context = {
            "organization": organization,
            "recipient": user,
            "sessions": sessions,
            "cancelled": method == "CANCEL",
            "url": url,
        }
        subject = render_to_string("sessions/email/invitation_subject.txt", context)
        text = render_to_string("sessions/email/invitation.txt", context)
    return Message(
        subject=subject,
        text=text,
        attachments=_invitation_files(sessions, method, whole_series=row.data.get("series", False)),
        action_url=url,
        action_label=_("Open the pair"),
        # After the first session has started, an invitation held by quiet hours stays in the app.
        deadline=sessions[0].starts_at,
    )


# The mentors' cohort -------------------------------------------------------------------------------------


def notify_cohort_invitations(cohort_sessions, method, *, recipients=None):
    """Plan the invitation (REQUEST) or cancellation (CANCEL) of each group session, at its current
    SEQUENCE, to every enrolled mentor of its programme (or to ``recipients``, a mentor who enrolled
    late). It goes out once the caller's transaction commits; planning the same version twice sends
    nothing twice."""
    from .cohort import mentors

    if method not in METHODS:
        raise ValueError(f"unknown calendar method {method!r}")
    cohort_sessions = list(cohort_sessions)
    if not cohort_sessions:
        return
    programme = cohort_sessions[0].programme
    if recipients is None:
        recipients = [mentor.user for mentor in mentors(programme)]
    if not recipients:
        return
    notify_all(
        organization=programme.organization,
        kind=COHORT_INVITATION,
        notices=[
            Notice(
                recipients=recipients,
                key=f"{method}:cohort:{cohort_session.pk}:seq:{cohort_session.sequence}",
                object_id=cohort_session.pk,
                data={"method": method, "sequence": cohort_session.sequence},
            )
            for cohort_session in cohort_sessions
        ],
    )


@renderer(COHORT_INVITATION)
def render_cohort_invitation(row):
    """The e-mail and its .ics in the mentor's language and time zone; a row for a version since changed,
    or for someone no longer among the programme's mentors, is skipped."""
    from .cohort import mentors

    method = row.data["method"]
    cohort_session = (
        CohortSession.objects.filter(pk=row.object_id).select_related("organization", "programme").first()
    )
    if cohort_session is None or cohort_session.sequence != row.data["sequence"]:
        return None
    cancelled = method == "CANCEL"
    if not cancelled and (cohort_session.is_cancelled or cohort_session.ends_at <= timezone.now()):
        return None
    user = row.recipient
    if not cancelled and not mentors(cohort_session.programme).filter(user=user).exists():
        return None
    url = organization_url(
        "cohort_session", programme_id=cohort_session.programme_id, cohort_session_id=cohort_session.pk
    )
    with timezone.override(user.time_zone):
        context = {
            "recipient": user,
            "cohort_session": cohort_session,
            "programme": cohort_session.programme,
            "cancelled": cancelled,
            "zone": user.time_zone,
            "url": url,
        }
        subject = render_to_string("sessions/email/cohort_invitation_subject.txt", context)
        text = render_to_string("sessions/email/cohort_invitation.txt", context)
    content_type = f"text/calendar; charset=utf-8; method={method}"
    return Message(
        subject=subject,
        text=text,
        attachments=[
            (
                f"cohort-{cohort_session.uid}.ics",
                cohort_ics(cohort_session, method=method, attendee=user),
                content_type,
            )
        ],
        action_url=url,
        action_label=_("Open the cohort session"),
        deadline=cohort_session.starts_at,
    )
