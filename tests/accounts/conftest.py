"""Camille, a member of two organisations, with a partner in each and what their pairs hold."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from notifications.models import Notification
from organizations.tenancy import tenant_context
from sessions.models import CalendarFeed, Session
from sessions.notifications import SESSION_REMINDER_24H
from surveys.models import Answer, Question, SurveyResponse, SurveyTemplate
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    GoalFactory,
    GoalProgressFactory,
    PairFactory,
    PrivateNoteFactory,
    ProgrammeFactory,
    SessionFactory,
    in_days,
    member,
)

OWN_NOTE = "I still do not get what a hashtag is for"
PARTNER_NOTE = "Bernard's own thoughts, for Bernard only"
OWN_ANSWER = "The sessions changed how I use LinkedIn"
PARTNER_ANSWER = "Bernard's answer, never Camille's to read"


@dataclass
class World:
    person: object
    acme_partner: object
    globex_partner: object
    acme_pair: object
    globex_pair: object
    held: Session
    upcoming: Session
    globex_held: Session


def _survey(organization, pair, participant, number, text):
    template, _created = SurveyTemplate.objects.get_or_create(
        programme=pair.programme,
        moment=SurveyTemplate.Moment.PULSE,
        audience=participant.role,
        defaults={"title": f"After a session ({participant.role})"},
    )
    scale, _created = Question.objects.get_or_create(
        template=template, position=1, defaults={"text": "How useful was it?", "type": Question.Type.SCALE}
    )
    free, _created = Question.objects.get_or_create(
        template=template, position=2, defaults={"text": "What changed for you?", "type": Question.Type.TEXT}
    )
    now = timezone.now()
    response = SurveyResponse.objects.create(
        template=template,
        participant=participant,
        pair=pair,
        key=f"pulse:participant:{participant.pk}",
        sent_at=now - dt.timedelta(days=2),
        expires_at=now + dt.timedelta(days=12),
        answered_at=now - dt.timedelta(days=1),
    )
    Answer.objects.create(response=response, question=scale, number=number)
    Answer.objects.create(response=response, question=free, text=text)
    return response


@pytest.fixture
def world(organization, other_organization):
    person = member(organization, email="camille@acme.example", first_name="Camille", last_name="Martin")
    acme_partner = member(
        organization, email="bernard@acme.example", first_name="Bernard", last_name="Dupont"
    )
    globex_partner = member(
        other_organization, email="gaston@globex.example", first_name="Gaston", last_name="Lagaffe"
    )
    acme_pair = PairFactory(
        organization=organization,
        programme=ProgrammeFactory(organization=organization, name="Acme pilot"),
        mentor__user=acme_partner,
        mentee__user=person,
    )
    globex_pair = PairFactory(
        organization=other_organization,
        programme=ProgrammeFactory(organization=other_organization, name="Globex cohort"),
        mentor__user=person,
        mentee__user=globex_partner,
    )
    with tenant_context(organization):
        held = SessionFactory(
            organization=organization,
            pair=acme_pair,
            starts_at=in_days(-10),
            status=Session.Status.HELD,
            logged_at=in_days(-10),
            shared_notes="We set up a LinkedIn profile",
        )
        upcoming = SessionFactory(organization=organization, pair=acme_pair, starts_at=in_days(5))
        AgendaItemFactory(organization=organization, session=held, text="Profile photo")
        ActionItemFactory(
            organization=organization, pair=acme_pair, session=held, owner=person, title="Post once a week"
        )
        PrivateNoteFactory(organization=organization, session=held, author=person, text=OWN_NOTE)
        PrivateNoteFactory(organization=organization, session=held, author=acme_partner, text=PARTNER_NOTE)
        goal = GoalFactory(organization=organization, pair=acme_pair, title="Be at ease on LinkedIn")
        GoalProgressFactory(organization=organization, goal=goal, value=3, note="Good start")
        _survey(organization, acme_pair, acme_pair.mentee, 4, OWN_ANSWER)
        _survey(organization, acme_pair, acme_pair.mentor, 2, PARTNER_ANSWER)
        for recipient, subject in [(person, "Tomorrow: your session"), (acme_partner, "Bernard's reminder")]:
            Notification.objects.create(
                recipient=recipient,
                kind=SESSION_REMINDER_24H,
                key=f"reminder:user:{recipient.pk}",
                due_at=timezone.now(),
                status=Notification.Status.SENT,
                subject=subject,
            )
        CalendarFeed.objects.create(user=person)
    with tenant_context(other_organization):
        globex_held = SessionFactory(
            organization=other_organization,
            pair=globex_pair,
            starts_at=in_days(-3),
            status=Session.Status.HELD,
        )
        PrivateNoteFactory(
            organization=other_organization, session=globex_held, author=person, text="Globex: Gaston is fast"
        )
    return World(
        person=person,
        acme_partner=acme_partner,
        globex_partner=globex_partner,
        acme_pair=acme_pair,
        globex_pair=globex_pair,
        held=held,
        upcoming=upcoming,
        globex_held=globex_held,
    )
