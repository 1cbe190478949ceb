import datetime

import icalendar
from django.core import mail

from organizations.tenancy import tenant_context
from sessions import services
from sessions.calendar import invitation_ics
from tests.factories import AgendaItemFactory, SessionFactory, in_days


def _events(ics):
    calendar = icalendar.Calendar.from_ical(ics)
    return calendar, list(calendar.walk("VEVENT"))


def _schedule(pair, by, starts_at):
    return services.schedule_session(
        pair=pair,
        by=by,
        starts_at=starts_at,
        duration_minutes=45,
        time_zone="Europe/Paris",
        location="Room 4",
    )


def test_the_invitation_parses_with_a_tzid_and_its_vtimezone(pair, organization, mentee_user):
    with tenant_context(organization):
        session = _schedule(pair, mentee_user, in_days(3))
        calendar, (event,) = _events(invitation_ics(session, method="REQUEST"))
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == f"{session.uid}@binome"
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=45)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    attendees = sorted(str(attendee) for attendee in event["ATTENDEE"])
    assert attendees == ["mailto:mentee@acme.example", "mailto:mentor@acme.example"]


def test_the_uid_stays_and_the_sequence_grows_across_reschedule_and_cancel(
    pair, organization, mentee_user, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        with django_capture_on_commit_callbacks(execute=True):
            session = _schedule(pair, mentee_user, in_days(3))
        with django_capture_on_commit_callbacks(execute=True):
            services.reschedule_session(
                session=session,
                by=mentee_user,
                starts_at=in_days(5),
                duration_minutes=30,
                time_zone="Europe/Paris",
                format="video",
                location="",
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_session(session=session, by=mentee_user, reason="Travel")
    sent = [
        _events(message.attachments[0][1]) for message in mail.outbox if message.to == ["mentor@acme.example"]
    ]
    assert [calendar["METHOD"] for calendar, _ in sent] == ["REQUEST", "REQUEST", "CANCEL"]
    assert {str(events[0]["UID"]) for _, events in sent} == {f"{session.uid}@binome"}
    assert [events[0]["SEQUENCE"] for _, events in sent] == [0, 1, 2]
    assert sent[1][1][0].decoded("DTSTART") == in_days(5)
    assert sent[2][1][0]["STATUS"] == "CANCELLED"


def test_the_invitation_email_is_in_each_persons_language(
    pair, organization, mentee_user, mentor_user, django_capture_on_commit_callbacks
):
    mentor_user.language = "fr"
    mentor_user.save()
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        _schedule(pair, mentee_user, in_days(3))
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient["mentor@acme.example"].subject.startswith("Séance de mentorat")
    assert by_recipient["mentee@acme.example"].subject.startswith("Mentoring session")


def test_the_invitation_never_carries_the_agenda_text(pair, organization, mentee_user):
    with tenant_context(organization):
        session = _schedule(pair, mentee_user, in_days(3))
        AgendaItemFactory(organization=organization, session=session, text="I do not understand Slack")
        ics = invitation_ics(session, method="REQUEST").decode()
    assert "Slack" not in ics


def test_an_ended_pair_cancels_its_planned_sessions_in_both_calendars(
    pair, organization, mentee_user, django_capture_on_commit_callbacks
):
    from pairing import services as pairing_services
    from sessions.models import Session

    with tenant_context(organization):
        held = SessionFactory(organization=organization, pair=pair, starts_at=in_days(-7))
        planned = _schedule(pair, mentee_user, in_days(3))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            pairing_services.end_pair(pair=pair, reason="Rotation")
        statuses = dict(Session.objects.values_list("pk", "status"))
    assert statuses == {held.pk: Session.Status.SCHEDULED, planned.pk: Session.Status.CANCELLED}
    invitations = [message for message in mail.outbox if message.attachments]
    cancels = [_events(message.attachments[0][1]) for message in invitations]
    assert sorted(message.to[0] for message in invitations) == ["mentee@acme.example", "mentor@acme.example"]
    assert {calendar["METHOD"] for calendar, _ in cancels} == {"CANCEL"}
    assert {str(events[0]["UID"]) for _, events in cancels} == {f"{planned.uid}@binome"}
