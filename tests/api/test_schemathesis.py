"""Schemathesis fuzzes the API from its own OpenAPI schema, in-process on the WSGI application.

Two organisations are seeded; requests carry Acme's key (every scope). Every operation must answer with
no server error, conform to its schema (status codes, content types, bodies, headers), and never show
Globex's data: the marker Globex's rows carry, and the ids of Globex's objects, are tried on every
operation that takes an id.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from mentoring.wsgi import application
from tests.isolation import FOREIGN_MARKER

from .conftest import PRIVATE_MARKER, KeyClient, object_of

pytestmark = pytest.mark.django_db

# schemathesis' own checks, every one except positive_data_acceptance on the participant writes: a body
# can be valid for the schema yet refused by the enrolment rules, which the schema cannot say (a skill
# the organisation does not have, a manager who is not a member, a time zone that does not exist).
# Likewise the dashboard's rules for a period of figures (its end after its start, three years at most).
BEYOND_THE_SCHEMA = {
    ("POST", "/api/v1/participants/"),
    ("PATCH", "/api/v1/participants/{participant_id}/"),
    ("GET", "/api/v1/figures/"),
}
EXAMPLES = 25
ID_PARAMETERS = {
    "programme_id": "programme",
    "participant_id": "mentor",
    "pair_id": "pair",
    "session_id": "session",
    "goal_id": "goal",
}


@pytest.fixture
def api_schema(db):
    # The WSGI handler closes the database connection after each request, which would end the test's
    # transaction: Django's test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations():
    """(method, path) of every operation, read from the schema drf-spectacular generates (no database)."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [
        (method.upper(), path) for path, item in paths.items() for method in item if method != "parameters"
    ]


def _assert_nothing_foreign(response):
    body = response.content.decode(errors="replace")
    assert FOREIGN_MARKER not in body, "a response shows another organisation's data"
    assert PRIVATE_MARKER not in body, "a response shows a pair's private words"


@pytest.mark.parametrize("method,path", _operations(), ids=lambda value: value)
def test_the_api_conforms_to_its_schema_and_leaks_nothing(
    method, path, api_schema, seeded, foreign, full_key
):
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {full_key}"}
    excluded = [positive_data_acceptance] if (method, path) in BEYOND_THE_SCHEMA else []
    foreign_ids = {
        name: object_of(foreign, key).pk for name, key in ID_PARAMETERS.items() if f"{{{name}}}" in path
    }

    @given(
        case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)
    )
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        response = case.call_and_validate(headers=headers, excluded_checks=excluded)
        _assert_nothing_foreign(response)

    fuzz()
    if foreign_ids:
        # Acme's key on Globex's ids: not found, whatever the method.
        response = KeyClient(full_key).generic(method, path.format(**foreign_ids), "{}", "application/json")
        assert response.status_code == 404, f"{method} {path} with another organisation's id"
        _assert_nothing_foreign(response)
