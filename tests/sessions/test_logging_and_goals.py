import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.tenancy import tenant_context
from sessions import services
from sessions.models import ActionItem, Goal, GoalProgress, PrivateNote, Session, SharedResource
from tests.factories import GoalFactory, ObjectiveFactory, SessionFactory, SkillFactory, in_days


@pytest.fixture
def past_session(pair, organization):
    with tenant_context(organization):
        return SessionFactory(organization=organization, pair=pair, starts_at=in_days(-1))


def _log_data(**extra):
    return {
        "held": "yes",
        "actual_minutes": 50,
        "topics": "LinkedIn",
        "shared_notes": "Shared",
        "private_note": "",
        "usefulness": "4",
        "actions-TOTAL_FORMS": 2,
        "actions-INITIAL_FORMS": 0,
        **extra,
    }


def test_the_mentee_logs_a_session_with_actions_progress_and_a_private_note(
    pair, organization, past_session, mentee_user, mentor_user, client_for
):
    with tenant_context(organization):
        goal = GoalFactory(organization=organization, pair=pair, scale=Goal.Scale.PERCENT)
    url = reverse(
        "session_log", kwargs={"org_slug": "acme", "pair_id": pair.pk, "session_id": past_session.pk}
    )
    response = client_for(mentee_user).post(
        url,
        _log_data(
            **{
                "private_note": "I feel lost",
                f"goal_{goal.pk}": 40,
                f"goal_{goal.pk}_note": "Posted twice",
                "actions-0-title": "Write a first post",
                "actions-0-owner": mentee_user.pk,
                "actions-0-due_date": "2027-01-10",
            }
        ),
    )
    assert response.status_code == 302
    past_session.refresh_from_db()
    assert (past_session.status, past_session.actual_minutes, past_session.usefulness) == ("held", 50, 4)
    assert past_session.logged_at and past_session.logged_by == mentee_user
    with tenant_context(organization):
        assert PrivateNote.objects.get().author == mentee_user
        action = ActionItem.objects.get()
        point = GoalProgress.objects.get()
    assert (action.title, action.owner, action.session) == ("Write a first post", mentee_user, past_session)
    assert (point.value, point.note, point.session) == (40, "Posted twice", past_session)


def test_a_session_that_did_not_take_place_is_logged_as_not_held(pair, past_session, mentor_user, client_for):
    url = reverse(
        "session_log", kwargs={"org_slug": "acme", "pair_id": pair.pk, "session_id": past_session.pk}
    )
    client_for(mentor_user).post(url, _log_data(held="no"))
    past_session.refresh_from_db()
    assert past_session.status == Session.Status.NOT_HELD
    assert past_session.actual_minutes is None


def test_a_future_session_cannot_be_logged(pair, organization, mentee_user, client_for):
    with tenant_context(organization):
        session = SessionFactory(organization=organization, pair=pair, starts_at=in_days(2))
    url = reverse("session_log", kwargs={"org_slug": "acme", "pair_id": pair.pk, "session_id": session.pk})
    response = client_for(mentee_user).post(url, _log_data())
    assert response.status_code == 200
    assert "once it has started" in response.content.decode()
    session.refresh_from_db()
    assert session.logged_at is None


def test_a_rating_outside_1_to_5_is_refused(pair, past_session, mentee_user, client_for):
    url = reverse(
        "session_log", kwargs={"org_slug": "acme", "pair_id": pair.pk, "session_id": past_session.pk}
    )
    response = client_for(mentee_user).post(url, _log_data(usefulness="6"))
    assert response.status_code == 200
    past_session.refresh_from_db()
    assert past_session.logged_at is None


def test_an_action_for_someone_outside_the_pair_is_refused(
    pair, organization, past_session, mentee_user, stranger
):
    with tenant_context(organization), pytest.raises(ValidationError):
        services.log_session(
            session=past_session,
            by=mentee_user,
            log=services.SessionLog(held=True, actions=[services.ActionEntry(title="x", owner=stranger)]),
        )


def test_the_mentee_turns_a_programme_objective_into_a_goal(pair, organization, mentee_user, client_for):
    with tenant_context(organization):
        objective = ObjectiveFactory(organization=organization, name="Master digital tools")
        pair.programme.objectives.add(objective)
        skill = SkillFactory(organization=organization, name="LinkedIn")
    url = reverse("goal_create", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    response = client_for(mentee_user).post(
        url,
        {
            "objective": objective.pk,
            "title": "Post weekly on LinkedIn",
            "description": "",
            "skills": [skill.pk],
            "target_date": "2027-03-01",
            "scale": "level",
        },
    )
    assert response.status_code == 302
    with tenant_context(organization):
        goal = Goal.objects.get()
        assert (goal.objective, list(goal.skills.all()), goal.created_by) == (objective, [skill], mentee_user)


def test_a_goal_cannot_use_another_programmes_objective(pair, organization, mentee_user):
    with tenant_context(organization):
        objective = ObjectiveFactory(organization=organization)
        with pytest.raises(ValidationError):
            services.create_goal(pair=pair, by=mentee_user, title="x", objective=objective)


def test_progress_builds_a_curve_and_is_bounded_by_the_scale(pair, organization, mentor_user, client_for):
    with tenant_context(organization):
        goal = GoalFactory(organization=organization, pair=pair, scale=Goal.Scale.LEVEL)
    client = client_for(mentor_user)
    url = reverse("goal_detail", kwargs={"org_slug": "acme", "pair_id": pair.pk, "goal_id": goal.pk})
    with time_machine.travel(in_days(0)):
        today = in_days(0).date()
        client.post(url, {"value": 2, "recorded_on": (today.replace(day=1)).isoformat(), "note": "start"})
        client.post(url, {"value": 4, "recorded_on": today.isoformat(), "note": ""})
        response = client.post(url, {"value": 6, "recorded_on": today.isoformat()})
    assert response.status_code == 200
    with tenant_context(organization):
        assert list(GoalProgress.objects.values_list("value", flat=True)) == [2, 4]
    page = client.get(url).content.decode()
    assert "<polyline" in page


def test_action_items_and_resources_are_added_and_toggled(pair, organization, mentee_user, client_for):
    client = client_for(mentee_user)
    kwargs = {"org_slug": "acme", "pair_id": pair.pk}
    client.post(
        reverse("action_create", kwargs=kwargs),
        {"action-title": "Try Copilot", "action-owner": mentee_user.pk},
    )
    client.post(
        reverse("resource_create", kwargs=kwargs),
        {
            "resource-kind": "link",
            "resource-title": "Guide",
            "resource-url": "https://example.com/guide",
        },
    )
    client.post(
        reverse("resource_create", kwargs=kwargs), {"resource-kind": "link", "resource-title": "No URL"}
    )
    with tenant_context(organization):
        action = ActionItem.objects.get()
        assert list(SharedResource.objects.values_list("title", flat=True)) == ["Guide"]
    client.post(reverse("action_toggle", kwargs={**kwargs, "action_id": action.pk}))
    action.refresh_from_db()
    assert action.done_at is not None
    page = client.get(reverse("pair_space", kwargs=kwargs)).content.decode()
    assert "Try Copilot" in page and "Guide" in page


def test_the_curve_writes_machine_numbers_in_french_too(pair, organization, mentor_user, client_for):
    """French formats 6.5 as "6,5": inside SVG that collapses every point into a corner."""
    mentor_user.language = "fr"
    mentor_user.save()
    with tenant_context(organization):
        goal = GoalFactory(organization=organization, pair=pair, scale=Goal.Scale.LEVEL)
    client = client_for(mentor_user)
    client.cookies["django_language"] = "fr"
    url = reverse("goal_detail", kwargs={"org_slug": "acme", "pair_id": pair.pk, "goal_id": goal.pk})
    with time_machine.travel(in_days(0)):
        today = in_days(0).date()
        for days_ago, value in ((9, 1), (5, 2), (1, 4)):
            recorded_on = today - datetime.timedelta(days=days_ago)
            client.post(url, {"value": value, "recorded_on": recorded_on.isoformat()})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'lang="fr"' in page
    dots = re.findall(r'<circle cx="([^"]*)" cy="([^"]*)"', page)
    assert len(dots) == 3
    assert all(float(x) >= 0 and float(y) >= 0 for x, y in dots), dots  # "6,0" is no number
