"""Pairs ready to work together, and what they create. Everything stays inside one organisation."""

import datetime

import factory
from django.utils import timezone

from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from pairing.models import Pair
from programmes.models import Objective, Participant, Programme, Skill
from sessions.models import ActionItem, AgendaItem, Goal, GoalProgress, PrivateNote, Session, SharedResource
from tests.factories import TenantFactory, UserFactory


class ProgrammeFactory(TenantFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=300))
    status = Programme.Status.RUNNING


class ObjectiveFactory(TenantFactory):
    class Meta:
        model = Objective

    name = factory.Sequence(lambda n: f"Objective {n}")


class SkillFactory(TenantFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


class ParticipantFactory(TenantFactory):
    class Meta:
        model = Participant
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    user = factory.SubFactory(UserFactory)
    role = Participant.Role.MENTEE
    status = Participant.Status.ENROLLED

    @factory.post_generation
    def membership(participant, create, extracted, **kwargs):
        if create:
            with tenant_context(participant.organization):
                Membership.objects.get_or_create(
                    organization=participant.organization,
                    user=participant.user,
                    role=Role.MENTOR if participant.role == Participant.Role.MENTOR else Role.MENTEE,
                )


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
    started_at = factory.LazyFunction(timezone.now)


def in_days(days, hour=12, minute=30):
    start = timezone.localtime() + datetime.timedelta(days=days)
    return start.replace(hour=hour, minute=minute, second=0, microsecond=0)


class SessionFactory(TenantFactory):
    class Meta:
        model = Session

    pair = factory.SubFactory(PairFactory, organization=factory.SelfAttribute("..organization"))
    starts_at = factory.LazyFunction(lambda: in_days(7))
    duration_minutes = 45
    time_zone = "Europe/Paris"


class GoalFactory(TenantFactory):
    class Meta:
        model = Goal

    pair = factory.SubFactory(PairFactory, organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"Goal {n}")


class GoalProgressFactory(TenantFactory):
    class Meta:
        model = GoalProgress

    goal = factory.SubFactory(GoalFactory, organization=factory.SelfAttribute("..organization"))
    recorded_on = factory.LazyFunction(timezone.localdate)
    value = 3


class AgendaItemFactory(TenantFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(SessionFactory, organization=factory.SelfAttribute("..organization"))
    text = factory.Sequence(lambda n: f"Agenda item {n}")


class PrivateNoteFactory(TenantFactory):
    class Meta:
        model = PrivateNote

    session = factory.SubFactory(SessionFactory, organization=factory.SelfAttribute("..organization"))
    author = factory.LazyAttribute(lambda note: note.session.pair.mentee.user)
    text = "Private"


class ActionItemFactory(TenantFactory):
    class Meta:
        model = ActionItem

    pair = factory.SubFactory(PairFactory, organization=factory.SelfAttribute("..organization"))
    owner = factory.LazyAttribute(lambda action: action.pair.mentee.user)
    title = factory.Sequence(lambda n: f"Action {n}")


class SharedResourceFactory(TenantFactory):
    class Meta:
        model = SharedResource

    pair = factory.SubFactory(PairFactory, organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"Take-away {n}")
    body = "What we learnt"
