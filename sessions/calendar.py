"""iCalendar (RFC 5545) for sessions: invitations (iTIP REQUEST / CANCEL) and private feeds.

A session reaches calendars as its own event (UID from ``Session.uid``), except a session of a
recurring slot planned since series exist: the slot is one recurring event (UID from
``RecurringSlot.uid``, RRULE, EXDATE for the dates it has no session), and a session moved or cancelled
inside it is an override of that event (same UID, RECURRENCE-ID = where the rule put it, the session's
own SEQUENCE). Either way the UID never changes and SEQUENCE only grows, so calendars update the
event they hold instead of adding one.

Times are written on the session's wall clock with its TZID, except a moment in the repeated hour
of an autumn night: a local time there names two instants, so that one is written in UTC.
"""

import zoneinfo
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from organizations.validators import single_line

from .models import CohortSession, Session
from .vtimezone import vtimezone

PRODID = "-//Binôme//Reverse mentoring//EN"


def session_uid(session):
    return f"{session.uid}@binome"


def series_uid(slot):
    return f"{slot.uid}@binome"


def in_series(session):
    """Whether the session reaches calendars inside its slot's recurring event."""
    slot = session.recurring_slot
    return slot is not None and slot.uid is not None and session.occurrence_starts_at is not None


def _zone_named(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _zone(session):
    return _zone_named(session.time_zone)


def is_ambiguous(local):
    """A wall-clock time that happens twice (the hour repeated when summer time ends)."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


class _Writer:
    """Builds the events of one calendar and remembers which zones and years they use, for VTIMEZONE."""

    def __init__(self):
        self.years = {}

    def _seen(self, zone, moment):
        years = self.years.setdefault(zone.key, set())
        years.add(moment.year)

    def local(self, moment, zone):
        """The moment on the zone's wall clock (with TZID), or in UTC where that clock repeats an hour."""
        local = moment.astimezone(zone)
        if is_ambiguous(local):
            return moment.astimezone(UTC)
        self._seen(zone, local)
        return local

    def wall(self, moment, zone):
        """For recurrence (DTSTART of a series, EXDATE, RECURRENCE-ID): always the wall clock, since a
        rule repeats wall-clock times. RFC 5545 reads a repeated hour as its first pass, as we do."""
        local = moment.astimezone(zone)
        self._seen(zone, local)
        return local

    def timezones(self):
        for name, years in sorted(self.years.items()):
            yield vtimezone(name, first_year=min(years) - 1, last_year=max(years) + 1)


def _attendee(user, role="REQ-PARTICIPANT"):
    address = vCalAddress(f"mailto:{single_line(user.email)}")
    address.params["cn"] = vText(single_line(user.get_full_name() or user.email))
    address.params["role"] = vText(role)
    return address


def _organizer():
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('> ')}")
    organizer.params["cn"] = vText("Binôme")
    return organizer


def session_summary(session):
    pair = session.pair
    return single_line(
        _("Reverse mentoring: %(mentor)s and %(mentee)s")
        % {
            "mentor": pair.mentor.user.display_name,
            "mentee": pair.mentee.user.display_name,
        }
    )


def _session_url(session):
    return settings.SITE_URL + reverse(
        "session_detail",
        kwargs={"org_slug": session.organization.slug, "pair_id": session.pair_id, "session_id": session.pk},
    )


def _pair_url(session):
    return settings.SITE_URL + reverse(
        "pair_space", kwargs={"org_slug": session.organization.slug, "pair_id": session.pair_id}
    )


def _describe(event, session, *, url, cancelled):
    event.add("dtstamp", datetime.now(UTC))
    event.add("summary", session_summary(session))
    event.add("url", url)
    # Agenda text stays in Binôme: calendars are often visible to assistants and colleagues.
    event.add("description", single_line(_("Agenda and notes: %(url)s") % {"url": url}))
    # Names and places may predate the rule that keeps them on one line.
    if single_line(session.location):
        event.add("location", single_line(session.location))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _organizer())
    for participant in (session.pair.mentor, session.pair.mentee):
        event.add("attendee", _attendee(participant.user))


def _is_cancelled(session, cancelled=False):
    return cancelled or session.status == Session.Status.CANCELLED


def session_event(session, *, cancelled=False, writer=None):
    """One VEVENT: the session alone, or (in a series) its override of the slot's event. Start and end
    are worked out in UTC, so an end in the repeated hour still comes after the start."""
    writer = writer or _Writer()
    zone = _zone(session)
    event = Event()
    if in_series(session):
        slot = session.recurring_slot
        event.add("uid", series_uid(slot))
        event.add("recurrence-id", writer.wall(session.occurrence_starts_at, _zone_named(slot.time_zone)))
    else:
        event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstart", writer.local(session.starts_at, zone))
    event.add("dtend", writer.local(session.ends_at, zone))
    _describe(event, session, url=_session_url(session), cancelled=_is_cancelled(session, cancelled))
    return event


def _differs_from_rule(session, slot, template):
    return (
        session.status == Session.Status.CANCELLED
        or session.starts_at.astimezone(UTC) != session.occurrence_starts_at.astimezone(UTC)
        or session.duration_minutes != slot.duration_minutes
        or session.time_zone != slot.time_zone
        or session.location != template.location
    )


def series_events(slot, sessions, *, writer=None):
    """The slot's recurring event over ``sessions`` (its sessions in this calendar, in series): RRULE
    from the first to the last of them, EXDATE for the rule's dates with none, then an override for
    each one moved, cancelled or changed. The series' SEQUENCE is its highest session's, so it grows
    whenever one of them changes."""
    writer = writer or _Writer()
    sessions = sorted(sessions, key=lambda session: session.occurrence_starts_at)
    template, zone = sessions[0], _zone_named(slot.time_zone)
    first, last = sessions[0].occurrence_starts_at, sessions[-1].occurrence_starts_at
    master = Event()
    master.add("uid", series_uid(slot))
    master.add("sequence", max(session.sequence for session in sessions))
    start = writer.wall(first, zone)
    master.add("dtstart", start)
    # The rule repeats the wall clock: the end is the start's wall time plus the length.
    end = (start.replace(tzinfo=None) + timedelta(minutes=slot.duration_minutes)).replace(tzinfo=zone)
    master.add("dtend", end)
    writer.wall(last, zone)  # the VTIMEZONE must hold up to the series' last date
    rule = {"freq": "weekly", "interval": slot.interval_weeks, "until": last.astimezone(UTC)}
    rule["byday"] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][slot.weekday]
    master.add("rrule", rule)
    # Compared in UTC: Python never finds a time in the repeated or skipped hour equal across zones.
    planned = {session.occurrence_starts_at.astimezone(UTC) for session in sessions}
    # The rule's dates, as services.slot_occurrences computed them (the same wall-clock reading).
    day, last_day = start.date(), last.astimezone(zone).date()
    while day <= last_day:
        occurrence = datetime.combine(day, slot.start_time).replace(tzinfo=zone)
        if occurrence.astimezone(UTC) not in planned:
            master.add("exdate", writer.wall(occurrence, zone))
        day += timedelta(weeks=slot.interval_weeks)
    _describe(master, template, url=_pair_url(template), cancelled=False)
    events = [master]
    for session in sessions:
        if _differs_from_rule(session, slot, template):
            events.append(session_event(session, writer=writer))
    return events


def _calendar(method=None, name=None):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", single_line(name))
    return calendar


def _finish(calendar, events, writer):
    for timezone in writer.timezones():
        calendar.add_component(timezone)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def invitation_ics(session, *, method):
    """The .ics of one session (attached to the e-mail, or downloaded): METHOD:REQUEST for a new or moved
    session, CANCEL otherwise. In a series it is the override of the slot's event."""
    writer = _Writer()
    events = [session_event(session, cancelled=method == "CANCEL", writer=writer)]
    return _finish(_calendar(method=method), events, writer)


def sessions_ics(sessions, *, method):
    """One .ics for several sessions of one calendar object: overrides of the same series, e.g. every
    upcoming session of a slot cancelled at once."""
    writer = _Writer()
    events = [session_event(session, cancelled=method == "CANCEL", writer=writer) for session in sessions]
    return _finish(_calendar(method=method), events, writer)


def series_ics(slot, sessions, *, method="REQUEST"):
    """The slot's whole recurring event, sent when the slot is planned."""
    writer = _Writer()
    return _finish(_calendar(method=method), series_events(slot, sessions, writer=writer), writer)


def feed_ics(sessions, *, name):
    """The subscription feed: sessions alone as events, a slot's sessions as one recurring event."""
    writer = _Writer()
    events, series = [], {}
    for session in sessions:
        if in_series(session):
            series.setdefault(session.recurring_slot_id, []).append(session)
        else:
            events.append(session_event(session, writer=writer))
    for members in series.values():
        events.extend(series_events(members[0].recurring_slot, members, writer=writer))
    return _finish(_calendar(name=name), events, writer)


# The mentors' cohort ---------------------------------------------------------------------------------


def cohort_uid(cohort_session):
    return f"{cohort_session.uid}@binome"


def cohort_url(cohort_session):
    return settings.SITE_URL + reverse(
        "cohort_session",
        kwargs={
            "org_slug": cohort_session.organization.slug,
            "programme_id": cohort_session.programme_id,
            "cohort_session_id": cohort_session.pk,
        },
    )


def cohort_event(cohort_session, *, attendee=None, cancelled=False, writer=None):
    """One VEVENT for a group session of the programme's mentors: the same UID, SEQUENCE and wall-clock
    rules as a pair's session. Only the invitation's own recipient is named as attendee: a mentor's
    calendar need not carry every colleague's address."""
    writer = writer or _Writer()
    zone = _zone_named(cohort_session.time_zone)
    event = Event()
    event.add("uid", cohort_uid(cohort_session))
    event.add("sequence", cohort_session.sequence)
    event.add("dtstart", writer.local(cohort_session.starts_at, zone))
    event.add("dtend", writer.local(cohort_session.ends_at, zone))
    event.add("dtstamp", datetime.now(UTC))
    event.add("summary", single_line(cohort_session.title))
    url = cohort_url(cohort_session)
    event.add("url", url)
    description = " ".join(
        part
        for part in (single_line(cohort_session.description), _("Details: %(url)s") % {"url": url})
        if part
    )
    event.add("description", description)
    if single_line(cohort_session.location):
        event.add("location", single_line(cohort_session.location))
    cancelled = cancelled or cohort_session.status == CohortSession.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _organizer())
    if attendee is not None:
        event.add("attendee", _attendee(attendee))
    return event


def cohort_ics(cohort_session, *, method, attendee=None):
    """The .ics of one cohort session: METHOD:REQUEST while it is planned or moved, CANCEL once called off."""
    writer = _Writer()
    events = [cohort_event(cohort_session, attendee=attendee, cancelled=method == "CANCEL", writer=writer)]
    return _finish(_calendar(method=method), events, writer)
