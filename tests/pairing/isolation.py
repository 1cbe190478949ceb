from tests.factories import MatchingRoundFactory, PairFactory, PairingRuleFactory, ProgrammeFactory
from tests.isolation import FOREIGN_MARKER


def _programme(organization):
    return ProgrammeFactory(
        organization=organization,
        matching=True,
        name=f"{FOREIGN_MARKER} matching",
        description=FOREIGN_MARKER,
    )


def _round_id(organization):
    return MatchingRoundFactory(organization=organization, programme=_programme(organization)).pk


def _pair_id(organization):
    return PairFactory(
        organization=organization,
        programme=_programme(organization),
        proposed=True,
        end_reason=FOREIGN_MARKER,
        decline_reason=FOREIGN_MARKER,
        mentor__department=FOREIGN_MARKER,
        mentee__department=FOREIGN_MARKER,
    ).pk


def _rule_id(organization):
    return PairingRuleFactory(
        organization=organization, programme=_programme(organization), note=FOREIGN_MARKER
    ).pk


SAMPLES = {
    "programme_id": lambda organization: _programme(organization).pk,
    "round_id": _round_id,
    "pair_id": _pair_id,
    "rule_id": _rule_id,
}
