"""Each dashboard figure against the hand-computed programme of conftest.py (threshold: 2 people)."""

import datetime

from dashboards import selectors
from dashboards.filters import DashboardFilters


def figures_of(organization, **chosen):
    filters = DashboardFilters.default(organization, **chosen)
    options = selectors.filter_options()
    return filters, options


def values(figures):
    return {name: figure.value for name, figure in figures.items()}


def test_participation_counts_enrolled_matched_and_active_people(
    organization, programme_data, in_organization
):
    filters, _ = figures_of(organization)
    figures = values(selectors.participation(filters=filters, minimum=2))
    assert figures == {
        "enrolled": 7,
        "mentors": 3,
        "mentees": 4,
        "matched": 4,
        "active": 4,
        "invited": 1,
        "withdrawn": 1,
        "matched_share": 57.1,
        "active_share": 57.1,
    }


def test_pairs_by_status_and_the_share_on_cadence(organization, programme_data, in_organization):
    """A met on 10 June (within 14 days of the 15th); B last met on 12 April: 1 of 2 active on cadence."""
    filters, options = figures_of(organization)
    figures = values(selectors.pairs_overview(filters=filters, options=options, minimum=2))
    assert figures["active"] == 2
    assert figures["declined"] == 1
    assert figures["total"] == 3
    assert figures["on_cadence"] == 1
    assert figures["on_cadence_share"] == 50.0


def test_a_new_pair_that_has_not_met_yet_is_on_cadence(organization, programme_data, in_organization):
    from tests.factories import PairFactory

    PairFactory(
        organization=organization,
        programme=programme_data["programme"],
        started_at=datetime.datetime(2026, 6, 10, tzinfo=datetime.UTC),
    )
    filters, options = figures_of(organization)
    figures = values(selectors.pairs_overview(filters=filters, options=options, minimum=2))
    assert (figures["active"], figures["on_cadence"]) == (3, 2)


def test_session_totals_count_planned_held_and_the_average_held_duration(
    organization, programme_data, in_organization
):
    """Planned excludes the cancelled one: 6; held 4; (60 + 30 + 45 + 60) / 4 = 48.75 → 49 minutes."""
    filters, _ = figures_of(organization)
    figures = values(selectors.sessions_overview(filters=filters, minimum=2)[1])
    assert figures == {"planned": 6, "held": 4, "average_minutes": 49, "held_share": 66.7}


def test_sessions_per_month_with_the_running_total(organization, programme_data, in_organization):
    filters, _ = figures_of(organization)
    months, _, _ = selectors.sessions_overview(filters=filters, minimum=2)
    assert [row["month"] for row in months][:1] == [datetime.date(2025, 7, 1)]
    assert len(months) == 12
    by_month = {row["month"]: row for row in months}
    april, may, june = (by_month[datetime.date(2026, month, 1)] for month in (4, 5, 6))
    assert (april["planned"], april["held"], april["average_minutes"], april["pairs_met"]) == (2, 2, 60, 2)
    assert (may["planned"], may["held"], may["average_minutes"], may["pairs_met"]) == (3, 1, 30, 1)
    assert (june["planned"], june["held"], june["average_minutes"], june["pairs_met"]) == (1, 1, 45, 1)
    assert [april["cumulative_held"], may["cumulative_held"], june["cumulative_held"]] == [2, 3, 4]
    assert by_month[datetime.date(2026, 1, 1)]["planned"] == 0


def test_the_period_narrows_the_sessions(organization, programme_data, in_organization):
    filters, _ = figures_of(organization, start=datetime.date(2026, 5, 1), end=datetime.date(2026, 5, 31))
    figures = values(selectors.sessions_overview(filters=filters, minimum=2)[1])
    assert (figures["planned"], figures["held"]) == (3, 1)
    assert len(selectors.sessions_overview(filters=filters, minimum=2)[0]) == 1


def test_the_department_filter_keeps_pairs_with_either_person_in_it(
    organization, programme_data, in_organization
):
    """Finance: pair A (both) and pair B (its mentee); IT: pair B (its mentor) and pair C."""
    filters, options = figures_of(organization, department="Finance")
    pairs = values(selectors.pairs_overview(filters=filters, options=options, minimum=2))
    assert (pairs["total"], pairs["active"]) == (2, 2)
    participation = values(selectors.participation(filters=filters, minimum=2))
    assert participation["enrolled"] == 3
    filters, options = figures_of(organization, department="IT")
    pairs = values(selectors.pairs_overview(filters=filters, options=options, minimum=2))
    assert (pairs["total"], pairs["active"], pairs["declined"]) == (3 - 1, 1, 1)


def test_the_programme_filter_leaves_out_other_programmes(organization, programme_data, in_organization):
    from tests.factories import PairFactory

    other = PairFactory(organization=organization)
    filters, options = figures_of(organization, programme_id=programme_data["programme"].pk)
    assert values(selectors.pairs_overview(filters=filters, options=options, minimum=2))["total"] == 3
    filters, options = figures_of(organization, programme_id=other.programme_id)
    assert values(selectors.pairs_overview(filters=filters, options=options, minimum=2))["total"] == 1


def test_the_round_filter_keeps_the_round_s_pairs_and_people(organization, programme_data, in_organization):
    from tests.factories import MatchingRoundFactory

    round_one = MatchingRoundFactory(
        organization=organization, programme=programme_data["programme"], published=True
    )
    pair_a = programme_data["pairs"]["a"]
    pair_a.matching_round = round_one
    pair_a.save()
    filters, options = figures_of(organization, round_id=round_one.pk)
    assert values(selectors.pairs_overview(filters=filters, options=options, minimum=2))["total"] == 1
    assert values(selectors.participation(filters=filters, minimum=2))["enrolled"] == 2


def test_pairs_at_risk_with_their_reasons(organization, programme_data, in_organization):
    """B: no held session since 18 May (2 × 14 days) and the 1 May log overdue; C: declined, both alone."""
    filters, options = figures_of(organization)
    at_risk = {
        pair.pk: {reason for reason in selectors.RISK_REASONS if getattr(pair, reason)}
        for pair in selectors.pairs_at_risk(filters=filters, options=options)
    }
    pairs = programme_data["pairs"]
    assert at_risk == {pairs["b"].pk: {"no_recent_session", "overdue_logs"}, pairs["c"].pk: {"declined"}}


def test_a_declined_match_is_not_at_risk_once_both_have_a_new_pair(
    organization, programme_data, in_organization
):
    from tests.factories import PairFactory

    people, pairs = programme_data["people"], programme_data["pairs"]
    programme = programme_data["programme"]
    PairFactory(organization=organization, programme=programme, mentor=people["m3"], mentee=people["e4"])
    PairFactory(organization=organization, programme=programme, mentee=people["e3"], status="proposed")
    filters, options = figures_of(organization)
    assert pairs["c"].pk not in {
        pair.pk for pair in selectors.pairs_at_risk(filters=filters, options=options)
    }


def test_unmatched_participants_are_the_enrolled_without_a_live_pair(
    organization, programme_data, in_organization
):
    filters, _ = figures_of(organization)
    people = programme_data["people"]
    unmatched = {participant.pk for participant in selectors.unmatched_participants(filters=filters)}
    assert unmatched == {people["m3"].pk, people["e3"].pk, people["e4"].pk}
