import datetime

import factory

from organizations.models import Membership
from organizations.tenancy import tenant_context
from pairing.models import MatchingRound, Pair, PairingRule
from programmes.models import Participant, ParticipantSkill, Programme, Skill

from ..factories import TenantFactory, UserFactory

ALL_WEEK = ["mon-lunch", "tue-lunch", "wed-lunch", "thu-lunch"]


class ProgrammeFactory(TenantFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    start_date = datetime.date(2026, 1, 5)
    end_date = datetime.date(2026, 12, 18)
    status = Programme.Status.MATCHING


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
    role = Participant.Role.MENTOR
    status = Participant.Status.ENROLLED
    languages = factory.LazyFunction(lambda: ["fr"])
    availability = factory.LazyFunction(lambda: list(ALL_WEEK))

    @factory.post_generation
    def membership(participant, create, extracted, **kwargs):
        if create:
            with tenant_context(participant.organization):
                Membership.objects.get_or_create(
                    organization=participant.organization, user=participant.user, role=participant.role
                )


class ParticipantSkillFactory(TenantFactory):
    class Meta:
        model = ParticipantSkill

    participant = factory.SubFactory(ParticipantFactory, organization=factory.SelfAttribute("..organization"))
    skill = factory.SubFactory(SkillFactory, organization=factory.SelfAttribute("..organization"))
    level = 2


class MatchingRoundFactory(TenantFactory):
    class Meta:
        model = MatchingRound

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    number = factory.Sequence(lambda n: n + 1)


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
    status = Pair.Status.PROPOSED
    score = 50


class PairingRuleFactory(TenantFactory):
    class Meta:
        model = PairingRule

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    kind = PairingRule.Kind.NEVER
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


def enrol(programme, role, user=None, skills=None, **fields):
    """An enrolled participant of ``programme`` with ``skills`` {Skill: level}."""
    participant = ParticipantFactory(
        organization=programme.organization,
        programme=programme,
        role=role,
        **({"user": user} if user else {}),
        **fields,
    )
    for skill, level in (skills or {}).items():
        ParticipantSkillFactory(
            organization=programme.organization, participant=participant, skill=skill, level=level
        )
    return participant
