"""Matching rounds, pairs and pairing rules."""

import factory
from django.utils import timezone

from pairing.models import MatchingRound, Pair, PairingRule
from programmes.models import Participant

from .organizations import TenantFactory
from .programmes import ParticipantFactory, ProgrammeFactory


class MatchingRoundFactory(TenantFactory):
    class Meta:
        model = MatchingRound

    class Params:
        published = factory.Trait(status=MatchingRound.Status.PUBLISHED)

    status = MatchingRound.Status.DRAFT
    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    number = factory.Sequence(lambda n: n + 1)


def _partner(role):
    return factory.SubFactory(
        ParticipantFactory,
        organization=factory.SelfAttribute("..organization"),
        programme=factory.SelfAttribute("..programme"),
        role=role,
    )


class PairFactory(TenantFactory):
    """An active pair that started now; ``proposed=True`` for one the engine suggested, not yet started."""

    class Meta:
        model = Pair

    class Params:
        proposed = factory.Trait(status=Pair.Status.PROPOSED, started_at=None, score=50)

    # Before the partners (see ParticipantFactory): describing them while a trait is looked up reads names.
    status = Pair.Status.ACTIVE
    started_at = factory.LazyFunction(timezone.now)
    score = 0
    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    mentor = _partner(Participant.Role.MENTOR)
    mentee = _partner(Participant.Role.MENTEE)


class PairingRuleFactory(TenantFactory):
    class Meta:
        model = PairingRule

    programme = factory.SubFactory(ProgrammeFactory, organization=factory.SelfAttribute("..organization"))
    kind = PairingRule.Kind.NEVER
    mentor = _partner(Participant.Role.MENTOR)
    mentee = _partner(Participant.Role.MENTEE)
