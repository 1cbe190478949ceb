"""The dispatcher's scan asks the database for organisations, not for rows: a fixed number of statements,
each DISTINCT over organization_id alone (the models' default orderings would add starts_at or due_at,
and so a row a session or a notification). bench/notifications.py measures it at 10 million sessions."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.selectors import organizations_with_work
from notifications.services import release_stale_claims
from tests.factories import SessionFactory

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _sessions(organization):
    with time_machine.travel(NOW, tick=False):
        for hours in (2, 5, 20):  # three sessions to remind of, one organisation
            SessionFactory(organization=organization, starts_at=NOW + dt.timedelta(hours=hours))
        SessionFactory(organization=organization, starts_at=NOW - dt.timedelta(hours=3))  # to log


def test_the_scan_names_each_organisation_with_work_once(organization, other_organization):
    _sessions(organization)
    _sessions(other_organization)
    assert organizations_with_work(now=NOW) == sorted([organization.pk, other_organization.pk])


def test_the_scan_is_four_statements_each_distinct_over_the_organisation_alone(
    organization, other_organization
):
    _sessions(organization)
    _sessions(other_organization)
    with CaptureQueriesContext(connection) as queries:
        release_stale_claims(now=NOW)
        organizations_with_work(now=NOW)
    assert len(queries) == 4
    distinct = [query["sql"] for query in queries if query["sql"].startswith("SELECT DISTINCT")]
    assert len(distinct) == 3
    selected = [sql.removeprefix("SELECT DISTINCT ").split(" FROM ")[0] for sql in distinct]
    assert all("," not in columns and "organization_id" in columns for columns in selected), selected
