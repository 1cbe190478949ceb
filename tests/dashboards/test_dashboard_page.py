import datetime

import pytest

from tests.factories import PairFactory, ParticipantFactory, ProgrammeFactory, SessionFactory


def url(organization, suffix=""):
    return f"/o/{organization.slug}/dashboard/{suffix}"


def test_an_executive_sees_the_dashboard_with_its_charts(client_for, executive, organization, programme_data):
    response = client_for(executive).get(url(organization))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Programme dashboard" in body
    assert body.count('<svg class="chart"') == 2
    assert "<caption>Sessions planned and held per month</caption>" in body


def test_hr_sees_the_dashboard_too(client_for, hr_admin, organization):
    assert client_for(hr_admin).get(url(organization)).status_code == 200


@pytest.mark.parametrize("suffix", ["", "report/", "export.csv", "export.xlsx"])
def test_a_mentor_is_refused_the_dashboard_and_its_exports(client_for, mentor_user, organization, suffix):
    assert client_for(mentor_user).get(url(organization, suffix)).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, organization):
    response = client.get(url(organization))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_nav_bar_offers_the_dashboard_to_executives(client_for, executive, organization):
    body = client_for(executive).get(f"/o/{organization.slug}/").content.decode()
    assert url(organization) in body
    assert url(organization, "operations/") not in body


def test_the_department_filter_narrows_the_figures(client_for, executive, organization, programme_data):
    """All: 7 enrolled; Finance: m1, e1 and e2 enrolled (threshold 2)."""
    client = client_for(executive)
    everyone = client.get(url(organization)).context["board"]
    finance = client.get(url(organization), {"department": "Finance"}).context["board"]
    assert everyone.participation["enrolled"].value == 7
    assert finance.participation["enrolled"].value == 3


def test_an_invalid_period_shows_the_error_and_keeps_the_default_period(
    client_for, executive, organization, programme_data
):
    response = client_for(executive).get(url(organization), {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 200
    assert "The end of the period comes before its start." in response.content.decode()
    assert response.context["board"].filters.start == datetime.date(2025, 7, 1)


def test_another_organisation_s_programme_is_not_a_valid_filter(
    client_for, executive, organization, other_organization, programme_data
):
    foreign = ProgrammeFactory(organization=other_organization, name="Zorglub programme")
    response = client_for(executive).get(url(organization), {"programme": foreign.pk})
    assert response.status_code == 200
    assert response.context["board"].filters.programme_id is None
    assert "Zorglub" not in response.content.decode()


def test_the_printable_report_shows_every_table(client_for, executive, organization, programme_data):
    response = client_for(executive).get(url(organization, "report/"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "progress report" in body
    assert "visually-hidden mt-2" not in body
    assert "data-print" in body


# --- Privacy -------------------------------------------------------------------------------------------


def test_figures_over_fewer_people_than_the_threshold_are_hidden(
    client_for, executive, organization, programme_data
):
    """With the default threshold of 5: everyone (7 enrolled) shows, Finance (3) and IT (4) do not."""
    organization.minimum_group_size = 5
    organization.save()
    client = client_for(executive)
    assert client.get(url(organization)).context["board"].participation["enrolled"].value == 7
    for department in ("Finance", "IT"):
        response = client.get(url(organization), {"department": department})
        board = response.context["board"]
        assert board.participation["enrolled"].hidden
        assert board.participation["enrolled"].value is None
        assert "Fewer than 5 people" in response.content.decode()


def test_a_month_with_sessions_of_fewer_people_is_hidden_and_stops_the_running_total(
    client_for, executive, organization, programme_data
):
    """June: only pair A met (2 people) under a threshold of 3; April and May had 4 people."""
    organization.minimum_group_size = 3
    organization.save()
    months = {
        row["month"]: row for row in client_for(executive).get(url(organization)).context["board"].months
    }
    june, may = months[datetime.date(2026, 6, 1)], months[datetime.date(2026, 5, 1)]
    assert june["hidden"] and june["held"] is None and june["cumulative_held"] is None
    assert not may["hidden"] and may["held"] == 1 and may["cumulative_held"] == 3


def test_the_threshold_is_the_organisation_s_own(client_for, executive, organization, programme_data):
    organization.minimum_group_size = 8
    organization.save()
    board = client_for(executive).get(url(organization)).context["board"]
    assert board.participation["enrolled"].hidden
    organization.minimum_group_size = 7
    organization.save()
    board = client_for(executive).get(url(organization)).context["board"]
    assert board.participation["enrolled"].value == 7


# --- Speed ---------------------------------------------------------------------------------------------


def _programme_with_pairs(organization, count):
    programme = ProgrammeFactory(organization=organization)
    for index in range(count):
        department = "Finance" if index % 2 else "IT"
        pair = PairFactory(
            organization=organization,
            programme=programme,
            mentor=ParticipantFactory(
                organization=organization, programme=programme, role="mentor", department=department
            ),
            mentee=ParticipantFactory(organization=organization, programme=programme, department=department),
        )
        SessionFactory(organization=organization, pair=pair, held=True)
    return programme


# 2 to sign in and find the memberships (the session; the person with them and the organisation switcher's
# list, accounts.backends), 3 filter choices, 4
# figure groups (participation, pairs, sessions per month, and the people behind the session totals and the
# usefulness) (the session is warmed first, so it is not saved again); then one or two per impact group.
BASE_QUERIES = 9
IMPACT_QUERIES = {
    "goals": 1,
    "skills": 1,
    "practices": 2,
    "scales": 1,
    "nps": 0,  # computed with the scales
    "response_rates": 1,
    "comments": 1,  # the shared comments and their crowd's size, together
    "mentor_outcomes": 1,  # per programme, with its baseline
    "challenges": 1,  # the "try it" challenges' counts, one aggregate
    # Skills before and after per programme (added by reports.build): the skills and the challenges; the
    # practices' respondents and choices per programme are the two rows the practices figure reads.
    "before_after": 2,
}


def expected_queries(organization):
    from dashboards import impact
    from dashboards.filters import DashboardFilters
    from organizations.tenancy import tenant_context

    with tenant_context(organization):
        groups = impact.figures(filters=DashboardFilters.default(organization), minimum=5)
    return BASE_QUERIES + sum(IMPACT_QUERIES[name] for name in groups) + IMPACT_QUERIES["before_after"]


@pytest.mark.parametrize("params", [{}, {"department": "Finance"}])
def test_the_dashboard_runs_the_same_number_of_queries_for_10_and_200_pairs(
    client_for, executive, organization, django_assert_num_queries, params
):
    client = client_for(executive)
    client.get(url(organization))
    expected = expected_queries(organization)
    _programme_with_pairs(organization, 10)
    with django_assert_num_queries(expected):
        assert client.get(url(organization), params).status_code == 200
    _programme_with_pairs(organization, 190)
    with django_assert_num_queries(expected):
        assert client.get(url(organization), params).status_code == 200
