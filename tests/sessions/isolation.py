from tests.factories import (
    ActionItemFactory,
    ChallengeFactory,
    CohortSessionFactory,
    DelegationFactory,
    GoalFactory,
    PairFactory,
    SessionFactory,
    SharedResourceFactory,
)
from tests.isolation import FOREIGN_MARKER


def _pair_id(organization):
    return PairFactory(organization=organization, mentee__user__first_name=FOREIGN_MARKER).pk


def _session_id(organization):
    session = SessionFactory(organization=organization, location=FOREIGN_MARKER, shared_notes=FOREIGN_MARKER)
    return session.pk


SAMPLES = {
    "pair_id": _pair_id,
    "session_id": _session_id,
    "goal_id": lambda organization: GoalFactory(organization=organization, title=FOREIGN_MARKER).pk,
    "action_id": lambda organization: ActionItemFactory(organization=organization, title=FOREIGN_MARKER).pk,
    "challenge_id": lambda organization: (
        ChallengeFactory(organization=organization, text=FOREIGN_MARKER, reflection=FOREIGN_MARKER).pk
    ),
    "resource_id": lambda organization: (
        SharedResourceFactory(organization=organization, title=FOREIGN_MARKER).pk
    ),
    "cohort_session_id": lambda organization: (
        CohortSessionFactory(organization=organization, title=FOREIGN_MARKER, description=FOREIGN_MARKER).pk
    ),
    "delegation_id": lambda organization: (
        DelegationFactory(organization=organization, assistant__first_name=FOREIGN_MARKER).pk
    ),
}

CAPABILITY_URLS = {
    "calendar_feed": "tests/sessions/test_calendar_feed.py",
}
