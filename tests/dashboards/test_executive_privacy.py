"""An executive sees aggregates only: no page of a pair, of a session, of a note or of a goal.

Walks every URL of the project that takes such an object (whatever app adds it) and asks for it as an
executive of the same organisation, with an object of that organisation: 403 or 404 every time.
"""

import pytest

from tests.test_isolation import ALL_ROUTES, ORG_KWARG, _samples, _url

PRIVATE_KWARGS = {
    "pair_id",
    "session_id",
    "note_id",
    "goal_id",
    "log_id",
    "entry_id",
    "answer_id",
    "response_id",
}
PRIVATE_ROUTES = [(route, kwargs) for route, _name, kwargs in ALL_ROUTES if PRIVATE_KWARGS & set(kwargs)]


def test_there_are_pair_pages_to_check():
    assert PRIVATE_ROUTES


@pytest.mark.parametrize("route,kwargs", PRIVATE_ROUTES, ids=[route for route, _ in PRIVATE_ROUTES])
def test_an_executive_cannot_reach_a_pair_or_a_note(route, kwargs, client_for, executive, organization):
    samples, _ = _samples()
    values = {kwarg: samples[kwarg](organization) for kwarg in kwargs if kwarg != ORG_KWARG}
    address = _url(route, {**values, ORG_KWARG: organization.slug})
    client = client_for(executive)
    for method in (client.get, client.post):
        # 401: the REST API takes API keys only, never a signed-in member's session.
        assert method(address).status_code in {401, 403, 404, 405}, address
