"""Each domain event reaches a subscribed endpoint once, as ids, dates, statuses and counts: a private
marker typed anywhere (a reason, a note, an agenda, a location, an answer, a name) never leaves."""

import datetime as dt

import pytest
from django.utils import timezone

from organizations.roles import Role
from organizations.tenancy import tenant_context
from pairing import services as pairing
from programmes import services as programmes
from programmes.models import Participant
from sessions import services as sessions
from surveys.models import SurveyResponse
from surveys.models import SurveyTemplate as Template
from tests.factories import (
    MatchingRoundFactory,
    PairFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    member,
)
from tests.factories.surveys import default_templates
from webhooks.events import Event
from webhooks.planners import plan_survey_window_events

MARKER = "PRIVATE-MARKER-7f3a"


@pytest.fixture
def endpoint(organization, receiver, make_endpoint):
    return make_endpoint(organization, receiver.url)


def _only(receiver, event):
    deliveries = receiver.of_type(event)
    assert len(deliveries) == 1, [delivery.payload["type"] for delivery in receiver.deliveries]
    delivery = deliveries[0]
    assert MARKER not in delivery.body.decode()
    assert "@" not in delivery.body.decode(), "no e-mail address ever leaves in a webhook"
    assert delivery.headers["Binome-Event"] == event
    assert delivery.headers["Binome-Event-Id"] == delivery.payload["id"]
    return delivery.payload


def _named_pair(organization, programme=None, **fields):
    programme = programme or ProgrammeFactory(organization=organization)
    mentor = ParticipantFactory(
        organization=organization,
        programme=programme,
        role=Participant.Role.MENTOR,
        user__first_name=MARKER,
        user__last_name=MARKER,
        department=MARKER,
    )
    return PairFactory(organization=organization, mentor=mentor, programme=programme, **fields)


def test_an_enrolment_sends_the_participant_by_id(
    organization, endpoint, receiver, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory(organization=organization)
    person = member(organization, Role.MENTOR, email="marker@acme.example", first_name=MARKER)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        participant = programmes.enrol(
            programme=programme, user=person, role=Participant.Role.MENTOR, charter_accepted=True
        )
    payload = _only(receiver, Event.PARTICIPANT_ENROLLED)
    assert payload["organization"] == {"id": organization.pk, "slug": "acme"}
    assert payload["data"] == {
        "participant": {
            "id": participant.pk,
            "programme_id": programme.pk,
            "role": "mentor",
            "status": "enrolled",
            "enrolled_at": participant.enrolled_at.isoformat(),
        }
    }


def test_publishing_a_round_sends_each_proposal(
    organization, endpoint, receiver, django_capture_on_commit_callbacks
):
    matching_round = MatchingRoundFactory(organization=organization)
    pair = _named_pair(
        organization, programme=matching_round.programme, proposed=True, matching_round=matching_round
    )
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        pairing.publish_round(matching_round=matching_round)
    payload = _only(receiver, Event.PAIR_PUBLISHED)
    assert payload["data"]["pair"]["id"] == pair.pk
    assert payload["data"]["pair"]["mentor_participant_id"] == pair.mentor_id
    assert payload["data"]["pair"]["status"] == "proposed"


def test_a_pair_accepted_by_both_sides_is_sent_once(
    organization, endpoint, receiver, django_capture_on_commit_callbacks
):
    pair = _named_pair(organization, proposed=True)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        pairing.accept_pair(pair=pair, user=pair.mentor.user)
    assert receiver.of_type(Event.PAIR_ACCEPTED) == []
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        pairing.accept_pair(pair=pair, user=pair.mentee.user)
    payload = _only(receiver, Event.PAIR_ACCEPTED)
    assert payload["data"]["pair"]["status"] == "active"


def test_an_ended_pair_is_sent_without_its_reason(
    organization, endpoint, receiver, django_capture_on_commit_callbacks
):
    pair = _named_pair(organization)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        pairing.end_pair(pair=pair, reason=MARKER)
    payload = _only(receiver, Event.PAIR_ENDED)
    assert payload["data"]["pair"]["status"] == "ended"
    assert payload["data"]["pair"]["ended_at"] is not None


def test_a_scheduled_session_is_sent_without_agenda_or_location(
    organization, endpoint, receiver, django_capture_on_commit_callbacks
):
    pair = _named_pair(organization)
    starts_at = (timezone.now() + dt.timedelta(days=7)).replace(microsecond=0)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        session = sessions.schedule_session(
            pair=pair,
            by=pair.mentor.user,
            starts_at=starts_at,
            duration_minutes=45,
            time_zone="Europe/Paris",
            location=f"https://meet.example/{MARKER}",
            agenda=[sessions.AgendaEntry(text=MARKER)],
        )
    payload = _only(receiver, Event.SESSION_SCHEDULED)
    assert payload["data"]["session"] == {
        "id": session.pk,
        "pair_id": pair.pk,
        "programme_id": pair.programme_id,
        "status": "scheduled",
        "format": session.format,
        "starts_at": starts_at.isoformat(),
        "duration_minutes": 45,
        "actual_minutes": None,
        "sequence": 0,
        "recurring": False,
        "cancelled_at": None,
    }


def test_a_held_session_is_sent_without_its_notes(
    organization, endpoint, receiver, django_capture_on_commit_callbacks
):
    pair = _named_pair(organization)
    session = SessionFactory(
        organization=organization, pair=pair, starts_at=timezone.now() - dt.timedelta(days=1)
    )
    log = sessions.SessionLog(
        held=True, actual_minutes=50, topics=MARKER, shared_notes=MARKER, private_note=MARKER, usefulness=4
    )
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        sessions.log_session(session=session, by=pair.mentee.user, log=log)
    payload = _only(receiver, Event.SESSION_HELD)
    assert payload["data"]["session"]["status"] == "held"
    assert payload["data"]["session"]["actual_minutes"] == 50


def test_a_cancelled_session_is_sent_without_its_reason(
    organization, endpoint, receiver, django_capture_on_commit_callbacks
):
    pair = _named_pair(organization)
    session = SessionFactory(organization=organization, pair=pair, location=MARKER)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        sessions.cancel_session(session=session, by=pair.mentor.user, reason=MARKER)
    payload = _only(receiver, Event.SESSION_CANCELLED)
    assert payload["data"]["session"]["status"] == "cancelled"
    assert payload["data"]["session"]["cancelled_at"] is not None


def test_the_sessions_a_rotation_cancels_are_sent_together(
    organization, endpoint, receiver, django_capture_on_commit_callbacks
):
    pair = _named_pair(organization)
    SessionFactory.create_batch(2, organization=organization, pair=pair)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        pairing.end_pair(pair=pair, reason=MARKER)
    assert len(receiver.of_type(Event.SESSION_CANCELLED)) == 2
    assert len(receiver.of_type(Event.PAIR_ENDED)) == 1


def _endpoint_before(endpoint):
    """Registered before the window closed (an endpoint added afterwards does not hear of it)."""
    with tenant_context(endpoint.organization):
        type(endpoint).objects.filter(pk=endpoint.pk).update(created_at=timezone.now() - dt.timedelta(days=2))


def _survey_window(organization, *, sent, answered, closed_at):
    programme, templates = default_templates(organization)
    template = templates[(Template.Moment.BASELINE, Template.Audience.MENTEE)]
    with tenant_context(organization):
        for index in range(sent):
            participant = ParticipantFactory(organization=organization, programme=programme)
            SurveyResponse.objects.create(
                organization=organization,
                template=template,
                participant=participant,
                key=f"baseline:{index}",
                sent_at=closed_at - dt.timedelta(days=14),
                expires_at=closed_at,
                answered_at=closed_at - dt.timedelta(days=1) if index < answered else None,
            )
    return template


def test_a_closed_survey_window_sends_its_counts_only(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks
):
    _endpoint_before(make_endpoint(organization, receiver.url, events=[Event.SURVEY_WINDOW_CLOSED]))
    now = timezone.now()
    template = _survey_window(organization, sent=6, answered=3, closed_at=now - dt.timedelta(hours=1))
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        plan_survey_window_events(organization, now)
        plan_survey_window_events(organization, now + dt.timedelta(hours=1))
    payload = _only(receiver, Event.SURVEY_WINDOW_CLOSED)
    assert payload["data"]["survey"]["template_id"] == template.pk
    assert payload["data"]["survey"]["moment"] == "baseline"
    assert payload["data"]["responses"] == {"hidden": False, "sent": 6, "answered": 3, "response_rate": 50.0}


def test_a_survey_window_under_the_privacy_threshold_hides_its_counts(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks
):
    _endpoint_before(make_endpoint(organization, receiver.url, events=[Event.SURVEY_WINDOW_CLOSED]))
    now = timezone.now()
    _survey_window(organization, sent=3, answered=1, closed_at=now - dt.timedelta(hours=1))
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        plan_survey_window_events(organization, now)
    payload = _only(receiver, Event.SURVEY_WINDOW_CLOSED)
    assert payload["data"]["responses"] == {
        "hidden": True,
        "sent": None,
        "answered": None,
        "response_rate": None,
    }


def test_an_endpoint_hears_only_the_events_it_subscribed_to(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks
):
    make_endpoint(organization, receiver.url, events=[Event.SESSION_HELD])
    pair = _named_pair(organization)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        pairing.end_pair(pair=pair, reason="over")
    assert receiver.deliveries == []


def test_an_event_of_another_organisation_never_reaches_this_ones_endpoint(
    organization, other_organization, endpoint, receiver, django_capture_on_commit_callbacks
):
    pair = _named_pair(other_organization)
    with tenant_context(other_organization), django_capture_on_commit_callbacks(execute=True):
        pairing.end_pair(pair=pair, reason="over")
    assert receiver.deliveries == []


def test_a_paused_endpoint_receives_nothing(
    organization, endpoint, receiver, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        endpoint.is_active = False
        endpoint.save()
    pair = _named_pair(organization)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        pairing.end_pair(pair=pair, reason="over")
    assert receiver.deliveries == []


def test_an_endpoint_added_after_a_survey_closed_does_not_hear_of_it(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks
):
    now = timezone.now()
    _survey_window(organization, sent=6, answered=3, closed_at=now - dt.timedelta(hours=1))
    make_endpoint(organization, receiver.url, events=[Event.SURVEY_WINDOW_CLOSED])
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        plan_survey_window_events(organization, now)
    assert receiver.deliveries == []
