"""Programmes, pairs and sessions for the dashboard's tests, each inside one organisation."""

import datetime

import factory
from django.utils import timezone

from pairing.models import MatchingRound, Pair
from programmes.models import Participant, Programme
from sessions.models import Session

from ..factories import TenantFactory, UserFactory


class ProgrammeFactory(TenantFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    cadence_days = 14
    status = Programme.Status.RUNNING


class ParticipantFactory(TenantFactory):
    class Meta:
        model = Participant

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    user = factory.SubFactory(UserFactory)
    role = Participant.Role.MENTEE
    status = Participant.Status.ENROLLED
    department = "Finance"


class MatchingRoundFactory(TenantFactory):
    class Meta:
        model = MatchingRound

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    number = factory.Sequence(lambda n: n + 1)
    status = MatchingRound.Status.PUBLISHED


class PairFactory(TenantFactory):
    class Meta:
        model = Pair

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    mentor = factory.SubFactory(
        ParticipantFactory,
        organization=factory.SelfAttribute("..organization"),
        programme=factory.SelfAttribute("..programme"),
        role=Participant.Role.MENTOR,
    )
    mentee = factory.SubFactory(
        ParticipantFactory,
        organization=factory.SelfAttribute("..organization"),
        programme=factory.SelfAttribute("..programme"),
        role=Participant.Role.MENTEE,
    )
    status = Pair.Status.ACTIVE
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=90))


class SessionFactory(TenantFactory):
    class Meta:
        model = Session

    pair = factory.SubFactory(PairFactory, organization=factory.SelfAttribute("..organization"))
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    duration_minutes = 45
    status = Session.Status.HELD
