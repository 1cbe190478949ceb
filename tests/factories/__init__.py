"""One factory per model, for the whole suite: ``from tests.factories import PairFactory``.

Each app's factories live in the module of its name; this package exports them all. Defaults describe the
usual case (a running programme, enrolled participants, an active pair, a session next week); the variants
are traits: ``ProgrammeFactory(matching=True)``, ``PairFactory(proposed=True)``, ``SessionFactory(held=True)``.
Every row stays inside one organisation: pass ``organization=`` and the related rows follow it.
"""

from .organizations import (
    DEFAULT_PASSWORD,
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    TenantFactory,
    UserFactory,
    member,
)
from .pairing import MatchingRoundFactory, PairFactory, PairingRuleFactory
from .programmes import (
    ALL_WEEK,
    CurriculumModuleFactory,
    ObjectiveFactory,
    ParticipantFactory,
    ParticipantSkillFactory,
    ProgrammeFactory,
    ResourceFactory,
    SkillFactory,
    enrol,
)
from .sessions import (
    ActionItemFactory,
    AgendaItemFactory,
    ChallengeFactory,
    CohortAttendanceFactory,
    CohortSessionFactory,
    DelegationFactory,
    GoalFactory,
    GoalProgressFactory,
    PrivateNoteFactory,
    SessionFactory,
    SharedResourceFactory,
    in_days,
)
from .surveys import default_templates

__all__ = [
    "ALL_WEEK",
    "DEFAULT_PASSWORD",
    "ActionItemFactory",
    "AgendaItemFactory",
    "ChallengeFactory",
    "CohortAttendanceFactory",
    "CohortSessionFactory",
    "CurriculumModuleFactory",
    "DelegationFactory",
    "GoalFactory",
    "GoalProgressFactory",
    "InvitationFactory",
    "MatchingRoundFactory",
    "MembershipFactory",
    "ObjectiveFactory",
    "OrganizationFactory",
    "PairFactory",
    "PairingRuleFactory",
    "ParticipantFactory",
    "ParticipantSkillFactory",
    "PersonFactory",
    "PrivateNoteFactory",
    "ProgrammeFactory",
    "ResourceFactory",
    "SessionFactory",
    "SharedResourceFactory",
    "SkillFactory",
    "TenantFactory",
    "UserFactory",
    "default_templates",
    "enrol",
    "in_days",
    "member",
]
