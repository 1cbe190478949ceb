"""iCalendar (RFC 5545) for sessions: invitations (iTIP REQUEST / CANCEL) and private feeds."""

import zoneinfo
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from organizations.validators import single_line

from .models import Session

PRODID = "-//Binôme//Reverse mentoring//EN"


def session_uid(session):
    return f"{session.uid}@binome"


def _zone(session):
    try:
        return zoneinfo.ZoneInfo(session.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _attendee(user, role="REQ-PARTICIPANT"):
    address = vCalAddress(f"mailto:{single_line(user.email)}")
    address.params["cn"] = vText(single_line(user.get_full_name() or user.email))
    address.params["role"] = vText(role)
    return address


def session_summary(session):
    pair = session.pair
    return single_line(
        _("Reverse mentoring: %(mentor)s and %(mentee)s")
        % {
            "mentor": pair.mentor.user.display_name,
            "mentee": pair.mentee.user.display_name,
        }
    )


def session_event(session, *, cancelled=False):
    """One VEVENT; the time in the session's own zone (TZID), so DST is the calendar's business."""
    zone = _zone(session)
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", session_summary(session))
    organization = session.organization
    url = settings.SITE_URL + reverse(
        "session_detail",
        kwargs={"org_slug": organization.slug, "pair_id": session.pair_id, "session_id": session.pk},
    )
    event.add("url", url)
    # Agenda text stays in Binôme: calendars are often visible to assistants and colleagues.
    event.add("description", single_line(_("Agenda and notes: %(url)s") % {"url": url}))
    # Names and places may predate the rule that keeps them on one line.
    if single_line(session.location):
        event.add("location", single_line(session.location))
    cancelled = cancelled or session.status == Session.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('> ')}")
    organizer.params["cn"] = vText("Binôme")
    event.add("organizer", organizer)
    for participant in (session.pair.mentor, session.pair.mentee):
        event.add("attendee", _attendee(participant.user))
    return event


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


def invitation_ics(session, *, method):
    """The .ics attached to the e-mail: METHOD:REQUEST for a new or moved session, CANCEL otherwise."""
    calendar = _calendar(method=method)
    calendar.add_component(session_event(session, cancelled=method == "CANCEL"))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_ics(sessions, *, name):
    calendar = _calendar(name=name)
    for session in sessions:
        calendar.add_component(session_event(session))
    calendar.add_missing_timezones()
    return calendar.to_ical()
