"""The junior mentors' outcomes against the organisation's baseline, under the minimum group size.

conftest.py's programme: mentors m1 (Finance), m2 and m3 (IT) took part; the threshold is 2 people.
"""

from decimal import Decimal

import pytest

from dashboards import impact
from dashboards.filters import DashboardFilters
from programmes import outcomes
from programmes.models import Participant
from tests.factories import ParticipantFactory, ProgrammeFactory


@pytest.fixture
def mentors(programme_data, in_organization):
    pairs = programme_data["pairs"]
    return pairs["a"].mentor, pairs["b"].mentor, pairs["c"].mentor


def record(programme, values, by=None):
    outcomes.record_outcomes(programme=programme, values=values, by=by)


def figures(organization, minimum=2, **chosen):
    return impact.mentor_outcomes(filters=DashboardFilters.default(organization, **chosen), minimum=minimum)


def by_outcome(result):
    return {str(entry["outcome"]): entry for entry in result["outcomes"]}


def test_rates_are_over_the_mentors_of_known_outcome_against_the_baseline(organization, mentors):
    m1, m2, m3 = mentors
    programme = m1.programme
    record(
        programme,
        {
            m1.pk: {"promoted": True, "retained_6_months": True, "recognition": "Award"},
            m2.pk: {"promoted": False, "retained_6_months": True},
            m3.pk: {"retained_6_months": False},
        },
    )
    outcomes.set_baseline(programme=programme, promoted=Decimal("10"), retained_6_months=Decimal("90"))
    result = by_outcome(figures(organization))
    promoted = result["Promoted"]
    assert (promoted["known"], promoted["rate"], promoted["baseline"], promoted["difference"]) == (
        2,
        50.0,
        10.0,
        40.0,
    )
    retained = result["Still with the company at 6 months"]
    assert (retained["known"], retained["rate"], retained["baseline"], retained["difference"]) == (
        3,
        66.7,
        90.0,
        -23.3,
    )
    assert result["Internal mobility"]["hidden"] and result["Internal mobility"]["rate"] is None


def test_the_recognised_share_is_over_every_mentor_with_a_record(organization, mentors):
    m1, m2, m3 = mentors
    record(m1.programme, {m1.pk: {"recognition": "Award"}, m2.pk: {}, m3.pk: {}})
    assert figures(organization)["recognised"].value == 33.3


def test_a_department_filter_never_narrows_a_figure_below_the_threshold(organization, mentors):
    m1, m2, m3 = mentors
    record(m1.programme, {m1.pk: {"promoted": True, "recognition": "Award"}, m2.pk: {"promoted": False}})
    finance = figures(organization, department="Finance")  # m1 alone
    assert all(
        entry["hidden"] and entry["rate"] is None and entry["baseline"] is None
        for entry in finance["outcomes"]
    )
    assert finance["recognised"].hidden and finance["recognised"].value is None


def test_the_baseline_is_weighted_by_each_programme_s_mentors(organization, mentors):
    m1, m2, m3 = mentors
    record(m1.programme, {m1.pk: {"promoted": True}, m2.pk: {"promoted": True}, m3.pk: {"promoted": False}})
    outcomes.set_baseline(programme=m1.programme, promoted=Decimal("10"))
    other = ProgrammeFactory(organization=organization)
    newcomer = ParticipantFactory(organization=organization, programme=other, role=Participant.Role.MENTOR)
    record(other, {newcomer.pk: {"promoted": False}})
    outcomes.set_baseline(programme=other, promoted=Decimal("30"))
    promoted = by_outcome(figures(organization))["Promoted"]
    # 3 mentors at 10 % and 1 at 30 %: (3 × 10 + 30) / 4 = 15 %; 2 promoted of 4 = 50 %.
    assert (promoted["rate"], promoted["baseline"]) == (50.0, 15.0)


def test_no_outcome_recorded_shows_no_section(organization, mentors):
    assert figures(organization) == {}


def test_the_dashboard_shows_the_outcomes_to_an_executive(organization, mentors, client_for, executive):
    m1, m2, _m3 = mentors
    record(m1.programme, {m1.pk: {"promoted": True}, m2.pk: {"promoted": False}})
    page = client_for(executive).get(f"/o/{organization.slug}/dashboard/")
    assert page.status_code == 200
    assert (
        "Junior mentors&#x27; outcomes" in page.content.decode()
        or "Junior mentors' outcomes" in page.content.decode()
    )
