import pytest

from organizations.roles import Role
from tests.factories import PairFactory, ProgrammeFactory, member


@pytest.fixture
def programme(organization):
    return ProgrammeFactory(organization=organization, name="Pilot")


@pytest.fixture
def pair(organization, programme, mentor_user, mentee_user):
    return PairFactory(
        organization=organization, programme=programme, mentor__user=mentor_user, mentee__user=mentee_user
    )


@pytest.fixture
def stranger(organization):
    """A mentee of the same organisation who is not in this pair."""
    return member(organization, Role.MENTEE, email="stranger@acme.example")
