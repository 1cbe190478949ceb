import datetime

import factory

from programmes.models import Objective, Participant, ParticipantSkill, Programme, Resource, Skill

from ..factories import TenantFactory, UserFactory


class SkillFactory(TenantFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


class ObjectiveFactory(TenantFactory):
    class Meta:
        model = Objective

    name = factory.Sequence(lambda n: f"Objective {n}")


class ProgrammeFactory(TenantFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    start_date = datetime.date(2030, 1, 15)
    end_date = datetime.date(2030, 12, 15)
    charter = "We keep what is said **between us**."


class ParticipantFactory(TenantFactory):
    class Meta:
        model = Participant

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    user = factory.SubFactory(UserFactory)
    role = Participant.Role.MENTOR
    department = "Marketing"
    job_title = "Chargée de communication"
    languages = ["fr", "en"]


class ParticipantSkillFactory(TenantFactory):
    class Meta:
        model = ParticipantSkill

    participant = factory.SubFactory(ParticipantFactory, organization=factory.SelfAttribute("..organization"))
    skill = factory.SubFactory(SkillFactory, organization=factory.SelfAttribute("..organization"))
    level = 2


class ResourceFactory(TenantFactory):
    class Meta:
        model = Resource

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    title = factory.Sequence(lambda n: f"Guide {n}")
    url = "https://example.com/guide"
