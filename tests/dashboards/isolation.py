"""Values for the dashboards' URL keywords, made in another organisation for the isolation test."""

from tests.factories import PairFactory, ParticipantFactory, ProgrammeFactory
from tests.isolation import FOREIGN_MARKER


def _pair_id(organization):
    programme = ProgrammeFactory(organization=organization, name=f"{FOREIGN_MARKER} programme")
    pair = PairFactory(
        organization=organization,
        programme=programme,
        mentor=ParticipantFactory(
            organization=organization, programme=programme, role="mentor", department=FOREIGN_MARKER
        ),
        mentee=ParticipantFactory(organization=organization, programme=programme, department=FOREIGN_MARKER),
        end_reason=FOREIGN_MARKER,
    )
    return pair.pk


SAMPLES = {"pair_id": _pair_id}
