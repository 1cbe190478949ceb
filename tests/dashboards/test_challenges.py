"""The dashboard counts "try it" challenges, hidden below the organisation's privacy threshold."""

import datetime

from dashboards import impact
from dashboards.filters import DashboardFilters
from sessions.models import Challenge
from tests.factories import ChallengeFactory, SessionFactory


def _challenge(organization, pair, status, day):
    session = SessionFactory(organization=organization, pair=pair, held=True)
    answered = (
        None if status == Challenge.Status.PENDING else datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    )
    return ChallengeFactory(
        organization=organization, session=session, status=status, answered_at=answered, due_date=day
    )


def test_challenge_counts_of_two_mentees(organization, programme_data, in_organization):
    """A's mentee: done, not done; B's mentee: done, pending. 2 done of 3 answered: 66.7 %."""
    a, b = programme_data["pairs"]["a"], programme_data["pairs"]["b"]
    _challenge(organization, a, Challenge.Status.DONE, datetime.date(2026, 5, 1))
    _challenge(organization, a, Challenge.Status.NOT_DONE, datetime.date(2026, 5, 20))
    _challenge(organization, b, Challenge.Status.DONE, datetime.date(2026, 6, 1))
    _challenge(organization, b, Challenge.Status.PENDING, datetime.date(2026, 6, 12))
    group = impact.challenges_tried(filters=DashboardFilters.default(organization), minimum=2)
    values = {name: figure.value for name, figure in group["figures"].items()}
    assert not group["hidden"]
    assert values == {"committed": 4, "done": 2, "not_done": 1, "pending": 1, "done_share": 66.7}


def test_one_mentees_challenges_are_hidden(organization, programme_data, in_organization):
    a = programme_data["pairs"]["a"]
    _challenge(organization, a, Challenge.Status.DONE, datetime.date(2026, 5, 1))
    group = impact.challenges_tried(filters=DashboardFilters.default(organization), minimum=2)
    assert group["hidden"]
    assert all(figure.hidden and figure.value is None for figure in group["figures"].values())


def test_the_dashboard_page_says_hidden_without_a_count(
    client_for, executive, organization, programme_data, in_organization
):
    from django.urls import reverse

    _challenge(organization, programme_data["pairs"]["a"], Challenge.Status.DONE, datetime.date(2026, 5, 1))
    page = (
        client_for(executive)
        .get(reverse("dashboard", kwargs={"org_slug": organization.slug}))
        .content.decode()
    )
    section = page[page.index('class="mb-4 dashboard-section dashboard-challenges"') :]
    section = section[: section.index("</section>")]
    assert "challenges-hidden" in section
    assert "figure-hidden" not in section and "fs-2" not in section
