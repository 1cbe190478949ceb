import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiKey
from api.scopes import Scope
from organizations.tenancy import tenant_context
from tests.factories import (
    AgendaItemFactory,
    GoalFactory,
    GoalProgressFactory,
    PairFactory,
    ParticipantFactory,
    PrivateNoteFactory,
    ProgrammeFactory,
    SessionFactory,
)

# Written into every private field of the seeded pair: no API response may ever contain it.
PRIVATE_MARKER = "Secretissime"


class KeyClient(Client):
    """Django's test client with a bearer key on every request."""

    def __init__(self, secret=None, **defaults):
        if secret:
            defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        super().__init__(**defaults)


def issue_key(organization, scopes=tuple(Scope), name="Power BI"):
    with tenant_context(organization):
        _key, secret = ApiKey.issue(organization=organization, name=name, scopes=[str(s) for s in scopes])
    return secret


def seed(organization, marker=""):
    """A programme with a pair, two sessions (one held, with notes and an agenda), a goal with progress."""
    with tenant_context(organization):
        programme = ProgrammeFactory(
            organization=organization,
            name=f"{marker}Programme",
            status="running",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2027, 6, 30),
        )
        mentor = ParticipantFactory(
            organization=organization, programme=programme, role="mentor", department=f"{marker}IT"
        )
        mentee = ParticipantFactory(
            organization=organization,
            programme=programme,
            role="mentee",
            department=f"{marker}Finance",
            hopes=PRIVATE_MARKER,
        )
        pair = PairFactory(
            organization=organization,
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            status="active",
            started_at=timezone.now() - datetime.timedelta(days=30),
            end_reason=PRIVATE_MARKER,
            decline_reason=PRIVATE_MARKER,
        )
        held = SessionFactory(
            organization=organization,
            pair=pair,
            held=True,
            topics=PRIVATE_MARKER,
            shared_notes=PRIVATE_MARKER,
            location=PRIVATE_MARKER,
            cancel_reason=PRIVATE_MARKER,
        )
        AgendaItemFactory(organization=organization, session=held, text=PRIVATE_MARKER)
        PrivateNoteFactory(organization=organization, session=held, text=PRIVATE_MARKER)
        upcoming = SessionFactory(organization=organization, pair=pair)
        goal = GoalFactory(
            organization=organization, pair=pair, title=PRIVATE_MARKER, description=PRIVATE_MARKER
        )
        GoalProgressFactory(organization=organization, goal=goal, value=3, note=PRIVATE_MARKER)
    return {
        "programme": programme,
        "mentor": mentor,
        "mentee": mentee,
        "pair": pair,
        "sessions": [held, upcoming],
        "goal": goal,
    }


# (list URL, detail URL pattern with {id}, scope, the seeded object's key) for every read endpoint.
RESOURCES = [
    ("/api/v1/programmes/", "/api/v1/programmes/{id}/", Scope.READ_PROGRAMMES, "programme"),
    ("/api/v1/participants/", "/api/v1/participants/{id}/", Scope.READ_PARTICIPANTS, "mentor"),
    ("/api/v1/pairs/", "/api/v1/pairs/{id}/", Scope.READ_PAIRS, "pair"),
    ("/api/v1/sessions/", "/api/v1/sessions/{id}/", Scope.READ_PAIRS, "session"),
    ("/api/v1/goals/", "/api/v1/goals/{id}/", Scope.READ_PAIRS, "goal"),
]


def object_of(seeded, name):
    return seeded["sessions"][0] if name == "session" else seeded[name]


@pytest.fixture
def seeded(organization):
    return seed(organization)


@pytest.fixture
def foreign(other_organization):
    from tests.isolation import FOREIGN_MARKER

    return seed(other_organization, marker=FOREIGN_MARKER)


@pytest.fixture
def full_key(organization):
    return issue_key(organization)


@pytest.fixture
def api(full_key):
    return KeyClient(full_key)
