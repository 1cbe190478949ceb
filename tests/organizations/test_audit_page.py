"""HR admins read their organisation's trail at /o/<slug>/audit/, filter it and export it."""

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from organizations.audit import Action, ActorKind, record
from organizations.roles import Role
from tests.factories import member

from .audit_helpers import events_of

pytestmark = pytest.mark.django_db


def _url(organization, name="audit_trail"):
    return reverse(name, kwargs={"org_slug": organization.slug})


def test_hr_admins_read_the_trail(client_for, hr_admin, organization):
    record(Action.EXPORT, organization=organization, actor=hr_admin, details={"what": "dashboard"})
    response = client_for(hr_admin).get(_url(organization))
    assert response.status_code == 200
    assert "what: dashboard" in response.content.decode()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.MENTOR, Role.MENTEE])
def test_other_roles_are_refused(client_for, organization, role):
    assert client_for(member(organization, role)).get(_url(organization)).status_code == 403
    assert client_for(member(organization, role)).get(_url(organization, "audit_export")).status_code == 403


def test_another_organisation_s_hr_admin_gets_404_and_never_sees_its_events(
    client_for, outsider, organization, other_organization
):
    record(Action.EXPORT, organization=organization, actor_label="secret-acme-actor")
    client = client_for(outsider)
    assert client.get(_url(organization)).status_code == 404
    assert client.get(_url(organization, "audit_export")).status_code == 404
    own = client.get(_url(other_organization))
    assert own.status_code == 200
    assert "secret-acme-actor" not in own.content.decode()


def test_the_security_page_and_the_navigation_link_to_the_trail(client_for, hr_admin, organization):
    client = client_for(hr_admin)
    assert (
        _url(organization)
        in client.get(reverse("security_overview", kwargs={"org_slug": organization.slug})).content.decode()
    )
    assert (
        _url(organization)
        in client.get(reverse("organization_home", kwargs={"org_slug": organization.slug})).content.decode()
    )


def test_the_page_shows_newest_first_in_the_reader_s_time_zone(client_for, organization):
    reader = member(organization, Role.HR_ADMIN, time_zone="America/New_York")
    with time_machine.travel(datetime(2026, 3, 1, 15, 0, tzinfo=UTC), tick=False):
        record(Action.EXPORT, organization=organization, actor_label="older@acme.example")
    with time_machine.travel(datetime(2026, 3, 2, 15, 0, tzinfo=UTC), tick=False):
        record(Action.EXPORT, organization=organization, actor_label="newer@acme.example")
    body = client_for(reader).get(_url(organization)).content.decode()
    assert body.index("newer@acme.example") < body.index("older@acme.example")
    assert "10:00" in body  # 15:00 UTC is 10:00 in New York in March


def test_filters_by_category_action_who_object_and_period(client_for, hr_admin, organization):
    with time_machine.travel(datetime(2026, 1, 10, 12, 0, tzinfo=UTC), tick=False):
        record(Action.SIGN_IN, organization=organization, actor_label="january@acme.example")
    with time_machine.travel(datetime(2026, 2, 10, 12, 0, tzinfo=UTC), tick=False):
        record(
            Action.EXPORT,
            organization=organization,
            actor_label="february@acme.example",
            target_label="Pilote",
        )
        record(
            Action.STAFF_ACCESS,
            organization=organization,
            actor_kind=ActorKind.STAFF,
            actor_label="staff@binome.example",
        )
    client = client_for(hr_admin)

    def shown(**query):
        body = client.get(_url(organization), query).content.decode()
        return {label for label in ("january", "february", "staff@binome") if f"{label}" in body}

    assert shown(category="sign_in") == {"january"}
    assert shown(category="staff") == {"staff@binome"}
    assert shown(action="export") == {"february"}
    assert shown(who="janu") == {"january"}
    assert shown(target="pilote") == {"february"}
    assert shown(actor_kind="staff") == {"staff@binome"}
    assert shown(start="2026-02-01", end="2026-02-28") == {"february", "staff@binome"}
    backwards = client.get(_url(organization), {"start": "2026-03-01", "end": "2026-01-01"}).content.decode()
    assert "The end of the period comes before its start." in backwards


def test_the_page_costs_the_same_queries_whatever_the_number_of_events(client_for, hr_admin, organization):
    client = client_for(hr_admin)
    record(Action.EXPORT, organization=organization, actor=hr_admin)
    one = _count_queries(client, organization)
    for number in range(120):
        record(
            Action.EXPORT,
            organization=organization,
            actor_label=f"p{number}@acme.example",
            details={"what": "x"},
        )
    assert _count_queries(client, organization) == one
    assert _count_queries(client, organization, page=2) == one
    assert _count_queries(client, organization, category="exports", who="p1") == one


def _count_queries(client, organization, **query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(organization), query).status_code == 200
    return len(queries)


def test_the_csv_export_holds_the_filtered_events_and_records_its_filters(client_for, hr_admin, organization):
    record(
        Action.EXPORT, organization=organization, actor_label="=HYPERLINK(1)", details={"what": "dashboard"}
    )
    record(Action.SIGN_IN, organization=organization, actor_label="someone@acme.example")
    response = client_for(hr_admin).get(
        _url(organization, "audit_export"), {"category": "exports", "format": "csv"}
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["When", "Category", "Action"]
    assert [row[4] for row in rows[1:]] == ["'=HYPERLINK(1)"]
    assert rows[1][8] == "what: dashboard"
    [exported] = events_of(organization, action=Action.AUDIT_EXPORTED)
    assert exported.actor_id == hr_admin.pk
    assert exported.details["filters"] == {"category": "exports", "format": "csv"}


def test_the_xlsx_export_reads_in_a_spreadsheet(client_for, hr_admin, organization):
    record(Action.EXPORT, organization=organization, actor_label="a@acme.example")
    response = client_for(hr_admin).get(_url(organization, "audit_export"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][4] == "a@acme.example"
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_hr_sets_the_retention_within_bounds_and_the_change_is_recorded(client_for, hr_admin, organization):
    client = client_for(hr_admin)
    assert (
        client.post(_url(organization, "audit_retention"), {"audit_retention_months": "24"}).status_code
        == 302
    )
    organization.refresh_from_db()
    assert (organization.audit_retention_months, organization.audit_retention_days) == (24, 730)
    client.post(_url(organization, "audit_retention"), {"audit_retention_months": "85"})
    organization.refresh_from_db()
    assert organization.audit_retention_months == 24
    [event] = events_of(organization, action=Action.AUDIT_RETENTION_CHANGED)
    assert event.details == {"from_months": None, "to_months": 24}


def test_an_executive_cannot_set_the_retention(client_for, organization):
    executive = member(organization, Role.EXECUTIVE)
    assert (
        client_for(executive)
        .post(_url(organization, "audit_retention"), {"audit_retention_months": "2"})
        .status_code
        == 403
    )
