"""Programmes, their skills and objectives, participants and resources."""

import datetime

import factory
from django.utils import timezone

from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes.models import (
    CurriculumModule,
    Objective,
    Participant,
    ParticipantSkill,
    Programme,
    Resource,
    Side,
    Skill,
)

from .organizations import TenantFactory, UserFactory

ALL_WEEK = ["mon-lunch", "tue-lunch", "wed-lunch", "thu-lunch"]


class ProgrammeFactory(TenantFactory):
    """A programme running today, with its charter; ``matching=True`` while pairs are formed, ``draft=True`` before."""

    class Meta:
        model = Programme

    class Params:
        matching = factory.Trait(status=Programme.Status.MATCHING)
        draft = factory.Trait(
            status=Programme.Status.DRAFT,
            start_date=datetime.date(2030, 1, 15),
            end_date=datetime.date(2030, 12, 15),
        )

    name = factory.Sequence(lambda n: f"Programme {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=300))
    status = Programme.Status.RUNNING
    cadence_days = 14
    charter = "We keep what is said **between us**."
    # Both sides plan and write the agenda, so that tests of other rules need not know who does; the tests
    # of roles inverted set the programme's real defaults (the mentee plans, the mentor writes the agenda).
    scheduled_by = Side.BOTH
    agenda_by = Side.BOTH


class SkillFactory(TenantFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


class ObjectiveFactory(TenantFactory):
    class Meta:
        model = Objective

    name = factory.Sequence(lambda n: f"Objective {n}")


class ParticipantFactory(TenantFactory):
    """An enrolled mentee who is a member of the organisation in that role (``membership=False``: not yet).

    ``available=True`` gives the languages and lunch slots the matching engine needs; ``invited=True`` one
    who has not answered yet.
    """

    class Meta:
        model = Participant
        skip_postgeneration_save = True

    class Params:
        available = factory.Trait(
            languages=factory.LazyFunction(lambda: ["fr"]),
            availability=factory.LazyFunction(lambda: list(ALL_WEEK)),
        )
        invited = factory.Trait(status=Participant.Status.INVITED)
        # Enrolled before preparing: the charter accepted at enrolment, the module and the pledge not yet.
        unprepared = factory.Trait(module_read_at=None, pledge_accepted_at=None)

    # The fields the traits set come before the related rows: factory_boy describes the rows already built
    # while it looks a trait up, and describing a user reads (and caches) the organisation's names.
    status = Participant.Status.ENROLLED
    languages = factory.LazyFunction(list)
    availability = factory.LazyFunction(list)
    role = Participant.Role.MENTEE
    # Prepared (charter, module, pledge): a pair's first session can be planned.
    charter_accepted_at = factory.LazyFunction(timezone.now)
    module_read_at = factory.LazyFunction(timezone.now)
    pledge_accepted_at = factory.LazyFunction(timezone.now)
    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def membership(participant, create, extracted, **kwargs):
        if create and extracted is not False:
            with tenant_context(participant.organization):
                Membership.objects.get_or_create(
                    organization=participant.organization,
                    user=participant.user,
                    role=Role.MENTOR if participant.role == Participant.Role.MENTOR else Role.MENTEE,
                )


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


class CurriculumModuleFactory(TenantFactory):
    class Meta:
        model = CurriculumModule

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Module {n}")
    title_en = factory.LazyAttribute(lambda module: f"{module.title} (en)")
    agenda = "Tour d'horizon\nDémonstration"
    agenda_en = "Round-up\nDemonstration"
    challenge = "Publier un post"
    challenge_en = "Publish a post"


def enrol(programme, role, user=None, skills=None, **fields):
    """An enrolled participant of ``programme``, available for matching, with ``skills`` {Skill: level}."""
    participant = ParticipantFactory(
        organization=programme.organization,
        programme=programme,
        role=role,
        available=True,
        **({"user": user} if user else {}),
        **fields,
    )
    for skill, level in (skills or {}).items():
        ParticipantSkillFactory(
            organization=programme.organization, participant=participant, skill=skill, level=level
        )
    return participant
