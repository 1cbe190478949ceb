import pytest

from programmes.models import Participant
from tests.factories import ProgrammeFactory, SkillFactory, enrol


@pytest.fixture
def programme(organization):
    return ProgrammeFactory(organization=organization, matching=True, name="Pilot", mentor_capacity=1)


@pytest.fixture
def ai(organization):
    return SkillFactory(organization=organization, name="Generative AI")


@pytest.fixture
def cloud(organization):
    return SkillFactory(organization=organization, name="Cloud tools")


@pytest.fixture
def make_mentor(programme):
    def make(**fields):
        return enrol(programme, Participant.Role.MENTOR, **fields)

    return make


@pytest.fixture
def make_mentee(programme):
    def make(**fields):
        return enrol(programme, Participant.Role.MENTEE, **fields)

    return make
