"""Participants written through the API go through HR's own service: the same checks and effects."""

import pytest

from organizations.audit import Action, ActorKind
from organizations.models import AuditEvent, Invitation
from organizations.tenancy import tenant_context
from programmes.models import Participant

from .conftest import KeyClient, issue_key

pytestmark = pytest.mark.django_db


def _post(api, body):
    return api.post("/api/v1/participants/", body, content_type="application/json")


def test_adding_a_person_enrols_them_invites_them_and_is_audited(api, organization, seeded):
    response = _post(
        api,
        {
            "programme": seeded["programme"].pk,
            "email": "New.Person@Acme.example",
            "role": "mentee",
            "first_name": "Nina",
            "last_name": "Neuve",
            "department": "Legal",
            "languages": ["fr", "en"],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "new.person@acme.example"
    assert (body["first_name"], body["last_name"], body["department"]) == ("Nina", "Neuve", "Legal")
    assert body["languages"] == ["fr", "en"]
    with tenant_context(organization):
        assert Participant.objects.filter(pk=body["id"], programme=seeded["programme"]).exists()
        assert Invitation.objects.filter(email="new.person@acme.example", role="mentee").exists()
        event = AuditEvent.objects.get(action=Action.IMPORT_RUN)
    assert event.actor_kind == ActorKind.API_KEY
    assert event.details["created"] == 1


def test_adding_someone_already_there_updates_them(api, seeded):
    mentee = seeded["mentee"]
    response = _post(
        api,
        {
            "programme": seeded["programme"].pk,
            "email": mentee.user.email,
            "role": "mentee",
            "job_title": "CFO",
        },
    )
    assert response.status_code == 200
    assert response.json()["id"] == mentee.pk
    assert response.json()["job_title"] == "CFO"


def test_the_import_rules_refuse_a_bad_row_with_its_messages(api, organization, seeded):
    response = _post(
        api,
        {
            "programme": seeded["programme"].pk,
            "email": "someone@acme.example",
            "role": "mentor",
            "languages": ["zz"],
            "time_zone": "Mars/Olympus",
            "skills": [{"name": "Juggling", "level": 2}],
        },
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    messages = " ".join(response.json()["errors"]["non_field_errors"])
    assert "zz" in messages and "Mars/Olympus" in messages and "Juggling" in messages
    with tenant_context(organization):
        assert not Participant.objects.filter(user__email="someone@acme.example").exists()


def test_a_missing_field_is_named(api, seeded):
    response = _post(api, {"programme": seeded["programme"].pk})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"email", "role"}


def test_a_line_break_in_a_name_is_refused(api, seeded):
    response = _post(
        api,
        {
            "programme": seeded["programme"].pk,
            "email": "x@acme.example",
            "role": "mentee",
            "last_name": "A\r\nB",
        },
    )
    assert response.status_code == 400


def test_another_organisations_programme_is_refused(api, seeded, foreign):
    response = _post(api, {"programme": foreign["programme"].pk, "email": "x@acme.example", "role": "mentee"})
    assert response.status_code == 400
    assert "programme" in response.json()["errors"]


def test_correcting_a_participant_keeps_what_is_not_given(api, organization, seeded):
    mentee = seeded["mentee"]
    response = api.patch(
        f"/api/v1/participants/{mentee.pk}/", {"department": "Audit"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["department"] == "Audit"
    with tenant_context(organization):
        mentee.refresh_from_db()
    assert mentee.department == "Audit"
    assert mentee.job_title == seeded["mentee"].job_title


def test_correcting_another_organisations_participant_is_not_found(api, seeded, foreign):
    response = api.patch(
        f"/api/v1/participants/{foreign['mentee'].pk}/",
        {"department": "Audit"},
        content_type="application/json",
    )
    assert response.status_code == 404
    with tenant_context(foreign["mentee"].organization):
        foreign["mentee"].refresh_from_db()
    assert foreign["mentee"].department != "Audit"


def test_another_organisations_key_cannot_correct_ours(other_organization, seeded):
    api = KeyClient(issue_key(other_organization))
    response = api.patch(
        f"/api/v1/participants/{seeded['mentee'].pk}/",
        {"department": "Audit"},
        content_type="application/json",
    )
    assert response.status_code == 404
