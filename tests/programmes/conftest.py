import pytest

from tests.factories import ProgrammeFactory


@pytest.fixture
def programme(organization):
    """Acme's programme, open for enrolment."""
    return ProgrammeFactory(organization=organization, name="Pilote", status="open")
