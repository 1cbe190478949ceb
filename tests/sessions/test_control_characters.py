"""Places, goal and resource titles stay on one line; rows written before the rule cannot break a calendar."""

import datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from organizations.tenancy import tenant_context
from sessions import services
from sessions.calendar import invitation_ics
from sessions.models import Session
from tests.factories import SessionFactory, in_days

INJECTION = "Room 4\r\nATTENDEE:mailto:spy@evil.example"


def _properties(ics):
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return event


def test_scheduling_refuses_a_place_across_two_lines(pair, organization, mentee_user):
    with tenant_context(organization), pytest.raises(ValidationError) as refusal:
        services.schedule_session(
            pair=pair,
            by=mentee_user,
            starts_at=in_days(3),
            duration_minutes=45,
            time_zone="Europe/Paris",
            location=INJECTION,
        )
    assert "location" in refusal.value.message_dict
    with tenant_context(organization):
        assert not Session.objects.exists()


def test_moving_a_session_refuses_a_place_across_two_lines(pair, organization, mentee_user):
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair, location="Room 4")
        with pytest.raises(ValidationError) as refusal:
            services.reschedule_session(
                session=session,
                by=mentee_user,
                starts_at=in_days(4),
                duration_minutes=45,
                time_zone="Europe/Paris",
                format="in_person",
                location=INJECTION,
            )
        session.refresh_from_db()
    assert "location" in refusal.value.message_dict and session.location == "Room 4"


def test_a_recurring_slot_refuses_a_place_across_two_lines(pair, organization, mentee_user):
    with tenant_context(organization), pytest.raises(ValidationError) as refusal:
        services.create_recurring_slot(
            pair=pair,
            by=mentee_user,
            weekday=1,
            start_time=datetime.time(12, 30),
            interval_weeks=2,
            duration_minutes=45,
            time_zone="Europe/Paris",
            starts_on=in_days(3).date(),
            location=INJECTION,
        )
    assert "location" in refusal.value.message_dict
    with tenant_context(organization):
        assert not Session.objects.exists()


def test_the_session_form_refuses_a_place_across_two_lines(client_for, pair, organization, mentee_user):
    response = client_for(mentee_user).post(
        reverse("session_schedule", kwargs={"org_slug": organization.slug, "pair_id": pair.pk}),
        {
            "date": in_days(3).date().isoformat(),
            "start_time": "12:30",
            "time_zone": "Europe/Paris",
            "format": "in_person",
            "location": INJECTION,
            "duration_minutes": 45,
        },
    )
    assert response.status_code == 200
    assert "one line" in response.content.decode()


def test_a_goal_title_across_two_lines_is_refused(pair, organization, mentee_user):
    with tenant_context(organization), pytest.raises(ValidationError):
        services.create_goal(pair=pair, by=mentee_user, title="Learn\nAI")


def test_a_resource_title_across_two_lines_is_refused(pair, organization, mentee_user):
    with tenant_context(organization), pytest.raises(ValidationError):
        services.add_resource(pair=pair, by=mentee_user, kind="takeaway", title="Notes\r\nX")


def test_legacy_line_breaks_in_names_and_places_never_reach_the_calendar(pair, organization, mentor_user):
    User.objects.filter(pk=mentor_user.pk).update(last_name="Martin\r\nATTENDEE:mailto:spy@evil.example")
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair)
        Session.objects.filter(pk=session.pk).update(location=INJECTION)
        session.refresh_from_db()
        ics = invitation_ics(session, method="REQUEST")
    event = _properties(ics)
    assert "\n" not in str(event["SUMMARY"]) and "\n" not in str(event["LOCATION"])
    assert str(event["LOCATION"]) == "Room 4 ATTENDEE:mailto:spy@evil.example"
    names = [attendee.params["CN"] for attendee in event["ATTENDEE"]]
    assert len(names) == 2 and all("\n" not in name and "\r" not in name for name in names)


def test_the_feed_still_parses_with_legacy_line_breaks(client, pair, organization, mentee_user, mentor_user):
    User.objects.filter(pk=mentor_user.pk).update(first_name="Léa\u2028\x85", last_name="Martin\r\nX-EVIL:1")
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair)
        Session.objects.filter(pk=session.pk).update(location=INJECTION)
        feed = services.create_calendar_feed(organization=organization, user=mentee_user)
    response = client.get(reverse("calendar_feed", kwargs={"token": feed.token}))
    assert response.status_code == 200
    event = _properties(response.content)
    assert "X-EVIL" not in event and len(event["ATTENDEE"]) == 2
    assert all(char not in str(event["SUMMARY"]) for char in "\r\n\u2028\x85")
