"""Programmes, pairs and sessions as the notification rules need them (one organisation each)."""

import datetime as dt

import factory
from django.utils import timezone

from organizations.roles import Role
from pairing.models import Pair
from programmes.models import Participant, Programme
from sessions.models import Session
from tests.factories import TenantFactory, UserFactory, member


class ProgrammeFactory(TenantFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    start_date = dt.date(2026, 1, 5)
    end_date = dt.date(2026, 12, 18)
    status = Programme.Status.RUNNING
    cadence_days = 14


class ParticipantFactory(TenantFactory):
    class Meta:
        model = Participant

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    user = factory.SubFactory(UserFactory)
    role = Participant.Role.MENTEE
    status = Participant.Status.ENROLLED


class PairFactory(TenantFactory):
    class Meta:
        model = Pair

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    mentor = factory.LazyAttribute(
        lambda pair: ParticipantFactory(
            organization=pair.organization,
            programme=pair.programme,
            role=Participant.Role.MENTOR,
            user=member(pair.organization, Role.MENTOR),
        )
    )
    mentee = factory.LazyAttribute(
        lambda pair: ParticipantFactory(
            organization=pair.organization,
            programme=pair.programme,
            role=Participant.Role.MENTEE,
            user=member(pair.organization, Role.MENTEE),
        )
    )
    status = Pair.Status.ACTIVE
    started_at = factory.LazyFunction(timezone.now)


class SessionFactory(TenantFactory):
    class Meta:
        model = Session

    pair = factory.SubFactory(PairFactory, organization=factory.SelfAttribute("..organization"))
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    duration_minutes = 60
    status = Session.Status.SCHEDULED
