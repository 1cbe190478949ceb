"""The figures endpoint gives the dashboard's own figures, hidden under the same threshold."""

import pytest

from dashboards import reports, selectors
from dashboards.filters import DashboardFilters
from organizations.tenancy import tenant_context

from .conftest import seed

pytestmark = pytest.mark.django_db


def _board(organization, **chosen):
    with tenant_context(organization):
        options = selectors.filter_options()
        return reports.build(
            organization=organization,
            filters=DashboardFilters.default(organization, **chosen),
            options=options,
        )


def test_figures_are_the_dashboards(api, organization):
    organization.minimum_group_size = 1
    organization.save()
    for number in range(3):
        seed(organization, marker=f"{number} ")
    figures = api.get("/api/v1/figures/").json()
    board = _board(organization)
    assert figures["participation"]["enrolled"] == {
        "value": board.participation["enrolled"].value,
        "hidden": False,
    }
    assert figures["pairs"]["active"]["value"] == board.pairs["active"].value == 3
    assert figures["sessions"]["held"]["value"] == board.sessions["held"].value
    assert figures["minimum_group_size"] == 1
    assert len(figures["months"]) == len(board.months)


def test_figures_over_too_few_people_are_hidden_without_their_value(api, organization, seeded):
    organization.minimum_group_size = 5
    organization.save()
    figures = api.get("/api/v1/figures/").json()
    assert figures["participation"]["enrolled"] == {"value": None, "hidden": True}
    assert figures["pairs"]["active"] == {"value": None, "hidden": True}
    assert "people" not in figures["goals"]


def test_figures_narrow_to_a_programme(api, organization, seeded):
    organization.minimum_group_size = 1
    organization.save()
    second = seed(organization, marker="Second ")
    figures = api.get("/api/v1/figures/", {"programme": second["programme"].pk}).json()
    assert figures["programme"] == second["programme"].pk
    assert figures["participation"]["enrolled"]["value"] == 2


def test_another_organisations_programme_is_not_found(api, seeded, foreign):
    response = api.get("/api/v1/figures/", {"programme": foreign["programme"].pk})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_period_the_dashboard_refuses_is_a_validation_problem(api, seeded):
    response = api.get("/api/v1/figures/", {"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 400
    assert "end" in response.json()["errors"]
