"""An executive's assistant: granted and removed by the executive or HR, plans, moves and cancels that
executive's sessions, and sees dates and places only."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from notifications.models import Notification
from organizations.models import AuditEvent, Invitation, Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes.models import Programme, Side
from sessions.models import Delegation, Session
from sessions.notifications import DELEGATION_GRANTED, SESSION_INVITATION
from surveys.defaults import ensure_default_templates
from surveys.models import Answer, SurveyResponse, SurveyTemplate
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ChallengeFactory,
    CohortSessionFactory,
    CurriculumModuleFactory,
    DelegationFactory,
    GoalFactory,
    MatchingRoundFactory,
    PairFactory,
    PairingRuleFactory,
    PrivateNoteFactory,
    SessionFactory,
    SharedResourceFactory,
    in_days,
    member,
)

MARKER = "Secretissimo"


@pytest.fixture
def pair(organization, mentor_user, mentee_user):
    """The default split: the (senior) mentee plans, the (junior) mentor writes the agenda."""
    return PairFactory(
        organization=organization,
        programme__scheduled_by=Side.MENTEE,
        programme__agenda_by=Side.MENTOR,
        mentor__user=mentor_user,
        mentee__user=mentee_user,
    )


@pytest.fixture
def assistant(organization, pair, mentee_user):
    delegation = DelegationFactory(
        organization=organization, executive=mentee_user, assistant__email="assistant@acme.example"
    )
    return delegation.assistant


def _base(organization):
    return f"/o/{organization.slug}"


def _session_form(**overrides):
    day = in_days(6).date()
    return {
        "date": day.isoformat(),
        "start_time": "10:00",
        "duration_minutes": "45",
        "time_zone": "Europe/Paris",
        "format": "in_person",
        "location": "Salle Turing",
        **overrides,
    }


# Granting and removing -------------------------------------------------------------------------------


def test_the_executive_invites_an_assistant_who_is_not_a_member(client_for, organization, mentee_user):
    response = client_for(mentee_user).post(
        f"{_base(organization)}/assistants/",
        {"email": "claire@acme.example", "first_name": "Claire", "last_name": "Dupont"},
    )
    assert response.status_code == 302
    with tenant_context(organization):
        delegation = Delegation.objects.get()
        assert delegation.executive == mentee_user
        assert delegation.assistant.email == "claire@acme.example"
        invitation = Invitation.objects.get(email="claire@acme.example")
        assert invitation.role == Role.ASSISTANT
        assert Notification.objects.filter(address="claire@acme.example").exists()
        event = AuditEvent.objects.get(action="delegation_granted")
        assert event.actor == mentee_user


def test_a_member_made_assistant_gets_the_role_and_an_e_mail(client_for, organization, mentee_user):
    colleague = member(organization, Role.MENTOR, email="colleague@acme.example")
    client_for(mentee_user).post(f"{_base(organization)}/assistants/", {"email": colleague.email})
    with tenant_context(organization):
        assert Membership.objects.filter(user=colleague, role=Role.ASSISTANT).exists()
        assert Notification.objects.filter(recipient=colleague, kind=DELEGATION_GRANTED).count() == 1


def test_one_cannot_be_one_s_own_assistant(client_for, organization, mentee_user):
    response = client_for(mentee_user).post(
        f"{_base(organization)}/assistants/", {"email": mentee_user.email}
    )
    assert response.status_code == 200
    assert b"your own assistant" in response.content
    with tenant_context(organization):
        assert not Delegation.objects.exists()


def test_hr_delegates_for_an_executive_and_a_mentee_cannot_open_hr_s_page(
    client_for, organization, hr_admin, pair, mentee_user, mentor_user
):
    url = f"{_base(organization)}/assistants/all/"
    assert client_for(mentor_user).get(url).status_code == 403
    client = client_for(hr_admin)
    response = client.post(url, {"executive": mentee_user.pk, "email": "pa@acme.example"})
    assert response.status_code == 302
    with tenant_context(organization):
        assert Delegation.objects.get().granted_by == hr_admin
    assert b"pa@acme.example" in client.get(url).content


def test_an_outsider_gets_404_on_the_delegation_pages(client_for, organization, outsider, assistant):
    client = client_for(outsider)
    with tenant_context(organization):
        delegation = Delegation.objects.get()
    for url in ("/assistants/", "/assistants/all/", "/assisting/", f"/assistants/{delegation.pk}/remove/"):
        assert client.get(_base(organization) + url).status_code == 404, url
        assert client.post(_base(organization) + url).status_code == 404, url


def test_removing_the_delegation_ends_the_assistant_s_access_at_once(
    client_for, client, organization, pair, mentee_user, assistant
):
    plan_url = f"{_base(organization)}/assisting/pairs/{pair.pk}/plan/"
    client.force_login(assistant)
    assert client.get(plan_url).status_code == 200
    with tenant_context(organization):
        delegation = Delegation.objects.get()
    executive = client_for(mentee_user)
    executive.post(f"{_base(organization)}/assistants/{delegation.pk}/remove/")
    client.force_login(assistant)
    assert client.get(plan_url).status_code == 404
    with tenant_context(organization):
        assert not Delegation.objects.exists()
        assert not Membership.objects.filter(user=assistant).exists()
        assert AuditEvent.objects.filter(action="delegation_removed").count() == 1


def test_an_assistant_who_loses_the_role_plans_no_more(client_for, organization, pair, assistant):
    with tenant_context(organization):
        Membership.objects.filter(user=assistant, role=Role.ASSISTANT).delete()
        member(organization, Role.MENTOR).pk  # noqa: B018 (another member, so the organisation is not empty)
        Membership.objects.create(organization=organization, user=assistant, role=Role.MENTOR)
    response = client_for(assistant).get(f"{_base(organization)}/assisting/pairs/{pair.pk}/plan/")
    assert response.status_code == 403


def test_someone_else_s_delegation_cannot_be_removed(client_for, organization, assistant, mentor_user):
    with tenant_context(organization):
        delegation = Delegation.objects.get()
    response = client_for(mentor_user).post(f"{_base(organization)}/assistants/{delegation.pk}/remove/")
    assert response.status_code == 404
    with tenant_context(organization):
        assert Delegation.objects.exists()


# Scheduling --------------------------------------------------------------------------------------------


def test_the_assistant_plans_a_session_and_the_pair_receives_the_invitation(
    client_for, organization, pair, assistant, mentor_user, mentee_user
):
    response = client_for(assistant).post(
        f"{_base(organization)}/assisting/pairs/{pair.pk}/plan/", _session_form()
    )
    assert response.status_code == 302
    with tenant_context(organization):
        session = Session.objects.get(pair=pair)
        assert (session.created_by, session.location) == (assistant, "Salle Turing")
        recipients = set(
            Notification.objects.filter(kind=SESSION_INVITATION).values_list("recipient_id", flat=True)
        )
    assert recipients == {mentor_user.pk, mentee_user.pk}


def test_the_assistant_moves_and_cancels_a_session(client_for, organization, pair, assistant):
    session = SessionFactory(organization=organization, pair=pair)
    client = client_for(assistant)
    moved = client.post(
        f"{_base(organization)}/assisting/sessions/{session.pk}/move/", _session_form(start_time="15:00")
    )
    assert moved.status_code == 302
    session.refresh_from_db()
    assert timezone.localtime(session.starts_at, session.starts_at.tzinfo).hour in (14, 15)  # Paris = UTC+1
    client.post(f"{_base(organization)}/assisting/sessions/{session.pk}/cancel/", {"reason": "Board meeting"})
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


def test_the_assistant_cannot_plan_where_the_programme_lets_the_mentor_plan(
    client_for, organization, pair, assistant
):
    with tenant_context(organization):
        Programme.objects.filter(pk=pair.programme_id).update(scheduled_by=Side.MENTOR)
    assert (
        client_for(assistant).get(f"{_base(organization)}/assisting/pairs/{pair.pk}/plan/").status_code == 404
    )


def test_the_assistant_s_list_shows_dates_and_places_in_a_fixed_number_of_queries(
    client_for, organization, pair, assistant
):
    client = client_for(assistant)
    url = f"{_base(organization)}/assisting/"
    SessionFactory(organization=organization, pair=pair, location="Salle Lovelace", shared_notes=MARKER)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert b"Salle Lovelace" in response.content and MARKER.encode() not in response.content
    for days in (9, 11, 13):
        SessionFactory(organization=organization, pair=pair, starts_at=in_days(days))
    other = PairFactory(
        organization=organization, programme__scheduled_by=Side.MENTEE, mentee__user=pair.mentee.user
    )
    SessionFactory(organization=organization, pair=other, starts_at=in_days(15))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def test_an_assistant_of_one_organisation_gets_404_in_another(
    client_for, organization, other_organization, assistant
):
    foreign_pair = PairFactory(organization=other_organization, programme__scheduled_by=Side.MENTEE)
    DelegationFactory(organization=other_organization, executive=foreign_pair.mentee.user)
    client = client_for(assistant)
    assert client.get(f"/o/{other_organization.slug}/assisting/").status_code == 404
    assert client.get(f"{_base(organization)}/assisting/pairs/{foreign_pair.pk}/plan/").status_code == 404


# The assistant sees no content: every page of the project walked -----------------------------------------


def _marked_workspace(organization, pair):
    session = SessionFactory(
        organization=organization, pair=pair, topics=MARKER, shared_notes=MARKER, location="Salle Hopper"
    )
    held = SessionFactory(organization=organization, pair=pair, held=True, shared_notes=MARKER, topics=MARKER)
    goal = GoalFactory(organization=organization, pair=pair, title=MARKER, description=MARKER)
    AgendaItemFactory(organization=organization, session=session, text=MARKER)
    PrivateNoteFactory(organization=organization, session=held, author=pair.mentee.user, text=MARKER)
    action = ActionItemFactory(organization=organization, pair=pair, title=MARKER, owner=pair.mentee.user)
    resource = SharedResourceFactory(organization=organization, pair=pair, title=MARKER)
    module = CurriculumModuleFactory(organization=organization, programme=pair.programme, objectives=MARKER)
    challenge = ChallengeFactory(
        organization=organization, session=held, module=module, text=MARKER, reflection=MARKER
    )
    with tenant_context(organization):
        ensure_default_templates(pair.programme, "en")
        template = SurveyTemplate.objects.filter(programme=pair.programme).first()
        now = timezone.now()
        response = SurveyResponse.objects.create(
            organization=organization,
            template=template,
            participant=pair.mentee,
            pair=pair,
            key=f"walk:{pair.pk}",
            sent_at=now,
            expires_at=now + timezone.timedelta(days=10),
            answered_at=now,
        )
        Answer.objects.create(
            organization=organization, response=response, question=template.questions.first(), text=MARKER
        )
        delegation = Delegation.objects.get()
    return {
        "pair_id": pair.pk,
        "session_id": session.pk,
        "goal_id": goal.pk,
        "action_id": action.pk,
        "resource_id": resource.pk,
        "module_id": module.pk,
        "challenge_id": challenge.pk,
        "programme_id": pair.programme_id,
        "delegation_id": delegation.pk,
        "template_id": template.pk,
        # The mentors' cohort: its pages never show a pair's content, and an assistant is no mentor.
        "cohort_session_id": CohortSessionFactory(
            organization=organization, programme=pair.programme, description=MARKER
        ).pk,
        "participant_id": pair.mentee_id,
        "round_id": MatchingRoundFactory(organization=organization, programme=pair.programme).pk,
        "rule_id": PairingRuleFactory(
            organization=organization, programme=pair.programme, mentor=pair.mentor, mentee=pair.mentee
        ).pk,
        "org_slug": organization.slug,
    }


def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if getattr(entry, "namespace", None) != "admin":
                yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            kwargs = re.findall(r"<(?:\w+:)?(\w+)>", route)
            if "org_slug" in kwargs:
                yield route, entry.name, entry.callback.__module__, kwargs


@pytest.mark.parametrize(
    "also_a_mentor", [False, True], ids=["assistant only", "assistant and mentor elsewhere"]
)
def test_walking_every_page_as_the_assistant_shows_no_content_of_the_pair(
    also_a_mentor, client_for, organization, pair, assistant
):
    if also_a_mentor:
        PairFactory(organization=organization, mentor__user=assistant)
    values = _marked_workspace(organization, pair)
    client = client_for(assistant)
    walked_pair_pages = 0
    for route, name, module, kwargs in _routes():
        missing = set(kwargs) - set(values)
        if missing:
            assert not module.startswith(("sessions.", "pairing.")), f"{name}: no value for {missing}"
            continue
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), route)
        takes_the_pair = module.startswith(("sessions.", "pairing.")) and "pair_id" in kwargs
        for method in (client.get, client.post):
            response = method(url)
            body = response.content.decode(errors="replace")
            assert MARKER not in body, f"{method.__name__.upper()} {url} shows the pair's content"
            assert response.status_code < 500, url
            if takes_the_pair and not name.startswith("assistant_"):
                assert response.status_code in (403, 404, 405), f"{method.__name__.upper()} {url}"
        walked_pair_pages += takes_the_pair
    assert walked_pair_pages >= 20
