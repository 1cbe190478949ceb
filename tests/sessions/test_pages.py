"""Every page of the pair space: the pair (200), other roles (403), outsiders (404), bounded queries."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from organizations.tenancy import tenant_context
from pairing.models import Pair
from programmes.models import Programme, Side
from sessions import selectors
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    DelegationFactory,
    GoalFactory,
    GoalProgressFactory,
    PairFactory,
    SessionFactory,
    SharedResourceFactory,
    in_days,
)


@pytest.fixture
def objects(pair, organization):
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair)
        goal = GoalFactory(organization=organization, pair=pair)
        action = ActionItemFactory(organization=organization, pair=pair)
        resource = SharedResourceFactory(organization=organization, pair=pair)
    return {"session_id": session.pk, "goal_id": goal.pk, "action_id": action.pk, "resource_id": resource.pk}


PAIR_PAGES = [
    ("pair_space", []),
    ("session_list", []),
    ("session_schedule", []),
    ("recurring_slot", []),
    ("session_detail", ["session_id"]),
    ("session_reschedule", ["session_id"]),
    ("session_log", ["session_id"]),
    ("session_ics", ["session_id"]),
    ("goal_create", []),
    ("goal_detail", ["goal_id"]),
    ("goal_edit", ["goal_id"]),
]


def _url(name, pair, objects, keys, slug="acme"):
    return reverse(name, kwargs={"org_slug": slug, "pair_id": pair.pk, **{key: objects[key] for key in keys}})


@pytest.mark.parametrize("name,keys", PAIR_PAGES)
def test_the_mentor_and_the_mentee_open_every_page(
    name, keys, pair, objects, mentor_user, mentee_user, client_for
):
    for user in (mentor_user, mentee_user):
        assert client_for(user).get(_url(name, pair, objects, keys)).status_code == 200


@pytest.mark.parametrize("name,keys", PAIR_PAGES)
def test_hr_and_executives_are_refused_and_other_people_get_nothing(
    name, keys, pair, objects, hr_admin, executive, stranger, outsider, client_for
):
    url = _url(name, pair, objects, keys)
    assert client_for(hr_admin).get(url).status_code == 403
    assert client_for(executive).get(url).status_code == 403
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).get(_url(name, pair, objects, keys, slug="globex")).status_code in (403, 404)


@pytest.mark.parametrize(
    "name,keys",
    [
        ("session_cancel", ["session_id"]),
        ("session_no_show", ["session_id"]),
        ("action_create", []),
        ("action_toggle", ["action_id"]),
        ("resource_create", []),
        ("resource_delete", ["resource_id"]),
    ],
)
def test_actions_are_refused_to_anyone_outside_the_pair(
    name, keys, pair, objects, executive, stranger, client_for
):
    url = _url(name, pair, objects, keys)
    assert client_for(executive).post(url).status_code == 403
    assert client_for(stranger).post(url).status_code == 404


def test_another_pairs_objects_are_not_reachable_through_my_pair(pair, organization, mentee_user, client_for):
    with tenant_context(organization):
        other = PairFactory(organization=organization, programme=pair.programme)
        session = SessionFactory(organization=organization, pair=other)
    url = reverse("session_detail", kwargs={"org_slug": "acme", "pair_id": pair.pk, "session_id": session.pk})
    assert client_for(mentee_user).get(url).status_code == 404


def test_my_pairs_redirects_to_the_only_pair(pair, mentee_user, client_for):
    response = client_for(mentee_user).get(reverse("my_pairs", kwargs={"org_slug": "acme"}))
    assert response.status_code == 302
    assert response["Location"] == reverse("pair_space", kwargs={"org_slug": "acme", "pair_id": pair.pk})


def test_my_pairs_says_so_when_there_is_no_pair(stranger, executive, client_for):
    assert client_for(stranger).get(reverse("my_pairs", kwargs={"org_slug": "acme"})).status_code == 200
    assert client_for(executive).get(reverse("my_pairs", kwargs={"org_slug": "acme"})).status_code == 403


def test_the_overview_is_for_hr(pair, hr_admin, executive, mentee_user, outsider, client_for):
    url = reverse("pairs_overview", kwargs={"org_slug": "acme"})
    assert client_for(hr_admin).get(url).status_code == 200
    assert client_for(executive).get(url).status_code == 403
    assert client_for(mentee_user).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_the_overview_shows_counts_and_dates_but_no_words(pair, organization, hr_admin, client_for):
    with tenant_context(organization):
        held = SessionFactory(
            organization=organization,
            pair=pair,
            starts_at=in_days(-10),
            status="held",
            shared_notes="Confidential words",
            topics="Confidential topic",
        )
        AgendaItemFactory(organization=organization, session=held, text="Confidential agenda")
        SessionFactory(organization=organization, pair=pair, starts_at=in_days(5))
        SessionFactory(organization=organization, pair=pair, starts_at=in_days(-3), status="cancelled")
        goal = GoalFactory(organization=organization, pair=pair, title="Confidential goal")
        GoalProgressFactory(organization=organization, goal=goal, value=2, recorded_on=in_days(-20).date())
        GoalProgressFactory(organization=organization, goal=goal, value=4, recorded_on=in_days(-1).date())
    response = client_for(hr_admin).get(reverse("pairs_overview", kwargs={"org_slug": "acme"}))
    (row,) = response.context["rows"]
    assert (row.planned, row.held, row.cancelled, row.no_show, row.goals, row.goal_progress) == (
        1,
        1,
        1,
        0,
        1,
        80,
    )
    assert row.last_session == held.starts_at
    assert "Confidential" not in response.content.decode()


def _populate(pair, organization, count):
    with tenant_context(organization):
        for index in range(count):
            session = SessionFactory(
                organization=organization, pair=pair, starts_at=in_days(-100 + index * 7), status="held"
            )
            AgendaItemFactory(organization=organization, session=session)
            SessionFactory(organization=organization, pair=pair, starts_at=in_days(3 + index * 7))
            goal = GoalFactory(organization=organization, pair=pair)
            GoalProgressFactory(organization=organization, goal=goal, session=session)
            ActionItemFactory(organization=organization, pair=pair)
            SharedResourceFactory(organization=organization, pair=pair)


@pytest.mark.parametrize("name", ["pair_space", "session_list"])
def test_the_pair_page_and_session_list_queries_do_not_grow(
    name, pair, organization, mentee_user, client_for, django_assert_max_num_queries
):
    client = client_for(mentee_user)
    url = reverse(name, kwargs={"org_slug": "acme", "pair_id": pair.pk})
    _populate(pair, organization, 2)
    client.get(url)
    cache.clear()  # both measured as drawn from their rows, not served from what was kept
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    _populate(pair, organization, 12)
    cache.clear()
    with django_assert_max_num_queries(20) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("who,queries", [("mentor", 11), ("mentee", 12)])
def test_the_pair_page_reads_everything_in_a_fixed_number_of_queries(
    who, queries, pair, organization, mentor_user, mentee_user, client_for, django_assert_num_queries
):
    # Session, then the account with its memberships; the pair; goals and their points; every session of the pair; actions,
    # resources; the names the organisation holds; the curriculum's modules; pending challenges; and, for
    # the mentee, the last held session awaiting a challenge.
    client = client_for(mentor_user if who == "mentor" else mentee_user)
    url = reverse("pair_space", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    _populate(pair, organization, 3)
    client.get(url)
    cache.clear()  # nothing kept (organizations/pagecache.py): the page is drawn from its rows
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    # Then kept for its reader: the session, the account with its memberships (the pair's own access
    # check is in what was kept: organizations/pagecache.py).
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200


def test_the_pair_pages_sessions_read_once_are_the_lists_each_selector_gives(pair, organization):
    hours_ago = timezone.now() - datetime.timedelta(hours=1)
    with tenant_context(organization):
        for days, status in [(-20, "held"), (-15, "cancelled"), (-10, "no_show"), (-3, "scheduled")]:
            SessionFactory(organization=organization, pair=pair, starts_at=in_days(days), status=status)
        SessionFactory(organization=organization, pair=pair, starts_at=hours_ago)  # upcoming and to log
        for days in range(1, 8):
            session = SessionFactory(organization=organization, pair=pair, starts_at=in_days(days))
            AgendaItemFactory(organization=organization, session=session)
        read_once = selectors.pair_page_sessions(pair)
        limit = selectors.PAIR_PAGE_SESSIONS

        def rows(sessions):
            return [(session.pk, session.agenda_count) for session in sessions]

        assert rows(read_once.upcoming) == rows(selectors.upcoming_sessions(pair, limit=limit))
        assert rows(read_once.past) == rows(selectors.past_sessions(pair, limit=limit))
        assert rows(read_once.to_log) == rows(selectors.sessions_to_log(pair))
        assert len(read_once.every) == 12
        assert selectors.preparation_pending(pair, read_once.every) == selectors.preparation_pending(pair)


@pytest.mark.parametrize("holds_the_role", [True, False])
def test_a_mentor_who_assists_the_executive_plans_from_the_pair_page_while_holding_the_role(
    holds_the_role, pair, organization, mentor_user, mentee_user, client_for
):
    # The mentee plans; the mentor plans too only as the mentee's assistant, which takes the assistant
    # role in the organisation as well as the delegation.
    with tenant_context(organization):
        Programme.objects.filter(pk=pair.programme_id).update(scheduled_by=Side.MENTEE)
        DelegationFactory(
            organization=organization, executive=mentee_user, assistant=mentor_user, membership=holds_the_role
        )
    page = client_for(mentor_user).get(reverse("pair_space", kwargs={"org_slug": "acme", "pair_id": pair.pk}))
    assert ("Plan a session" in page.content.decode()) is holds_the_role


def test_the_overview_queries_do_not_grow_with_pairs(
    pair, organization, hr_admin, client_for, django_assert_max_num_queries
):
    client = client_for(hr_admin)
    url = reverse("pairs_overview", kwargs={"org_slug": "acme"})
    _populate(pair, organization, 2)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    with tenant_context(organization):
        for _ in range(5):
            _populate(PairFactory(organization=organization, programme=pair.programme), organization, 2)
    with django_assert_max_num_queries(12) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_an_ended_pair_can_be_read_but_not_planned(pair, organization, mentee_user, client_for):
    with tenant_context(organization):
        Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED)
    client = client_for(mentee_user)
    assert (
        client.get(reverse("pair_space", kwargs={"org_slug": "acme", "pair_id": pair.pk})).status_code == 200
    )
    url = reverse("session_schedule", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    start = in_days(3)
    response = client.post(
        url,
        {
            "date": start.date().isoformat(),
            "start_time": "12:30",
            "duration_minutes": 45,
            "time_zone": "Europe/Paris",
            "format": "video",
            "agenda-TOTAL_FORMS": 0,
            "agenda-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "has ended" in response.content.decode()
