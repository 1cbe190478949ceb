"""What the trail records where it happens: people and roles, imports, participant pages, withdrawals,
erasures and the organisation's security settings. Each test does what a person does, through the page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.personal_data import erase_personal_data, placeholder_email
from organizations import services
from organizations.audit import Action, ActorKind
from organizations.models import AuditEvent
from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes.models import ParticipantImport
from tests.factories import DEFAULT_PASSWORD, InvitationFactory, ParticipantFactory, ProgrammeFactory, member
from tests.factories.organizations import MembershipFactory

from .audit_helpers import actions_of, events_of

pytestmark = pytest.mark.django_db


def _url(name, organization, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


# People and roles ------------------------------------------------------------------------------------


def test_an_invitation_sent_from_the_members_page_is_recorded(client_for, hr_admin, organization):
    client = client_for(hr_admin)
    client.post(_url("members", organization), {"email": "new@acme.example", "role": Role.MENTOR})

    [event] = events_of(organization, action=Action.INVITATION_SENT)
    assert (event.actor_id, event.target_label, event.details) == (
        hr_admin.pk,
        "new@acme.example",
        {"role": "mentor"},
    )
    assert event.target_type == "organizations.invitation"


def test_a_revoked_invitation_is_recorded_once(client_for, hr_admin, organization):
    invitation = InvitationFactory(organization=organization, email="late@acme.example")
    client = client_for(hr_admin)
    for _ in range(2):
        client.post(_url("revoke_invitation", organization, invitation_id=invitation.pk))

    [event] = events_of(organization, action=Action.INVITATION_REVOKED)
    assert (event.actor_id, event.target_id) == (hr_admin.pk, str(invitation.pk))


def test_an_accepted_invitation_is_recorded_with_the_newcomer_as_actor(client, organization):
    invitation = InvitationFactory(organization=organization, email="newcomer@acme.example", role=Role.MENTEE)
    client.post(
        reverse("invitation_accept", args=[services.invitation_token(invitation)]),
        {
            "first_name": "Nina",
            "last_name": "New",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
    )

    [event] = events_of(organization, action=Action.INVITATION_ACCEPTED)
    assert event.actor_label == "newcomer@acme.example"
    assert event.details == {"role": "mentee", "new_account": True}


def test_a_role_removed_is_recorded_with_the_role(client_for, hr_admin, organization):
    person = member(organization, Role.MENTOR, Role.MENTEE, email="two-roles@acme.example")
    client_for(hr_admin).post(_url("remove_role", organization, user_id=person.pk, role=Role.MENTOR))

    [event] = events_of(organization, action=Action.ROLE_REVOKED)
    assert (event.actor_id, event.target_id, event.details) == (
        hr_admin.pk,
        str(person.pk),
        {"role": "mentor"},
    )


def test_a_member_leaving_the_organisation_is_recorded_once_with_their_roles(organization):
    person = member(organization, Role.MENTOR, Role.MENTEE)
    services.end_access(organization=organization, user=person, reason="left the company")
    services.end_access(organization=organization, user=person, reason="left the company")

    [event] = events_of(organization, action=Action.MEMBER_REMOVED)
    assert event.actor_kind == ActorKind.SYSTEM
    assert event.details == {"roles": ["mentee", "mentor"], "reason": "left the company"}


# Imports, participant pages and withdrawals ---------------------------------------------------------

HEADER = "email,first_name,last_name,role,department,job_title,languages,skills,manager_email\n"


def test_an_import_records_the_file_and_its_counts(client_for, hr_admin, organization):
    programme = ProgrammeFactory(organization=organization, status="open")
    content = HEADER + "lea@acme.example,Léa,Martin,mentor,,,fr,,\n" + "bad-address,A,B,mentor,,,fr,,\n"
    client = client_for(hr_admin)
    client.post(
        _url("participant_import", organization, programme_id=programme.pk),
        {"file": SimpleUploadedFile("people.csv", content.encode())},
    )
    with tenant_context(organization):
        participant_import = ParticipantImport.objects.get()
    client.post(
        _url(
            "participant_import_preview",
            organization,
            programme_id=programme.pk,
            import_id=participant_import.pk,
        ),
        {"rows": "valid"},
    )

    [event] = events_of(organization, action=Action.IMPORT_RUN)
    assert event.actor_id == hr_admin.pk
    assert event.target_label == programme.name
    assert event.details == {
        "file": "people.csv",
        "rows": 2,
        "applied": 1,
        "rejected": 1,
        "created": 1,
        "updated": 0,
        "invitations": 1,
    }
    # The newcomer's invitation is recorded too, by the same hand.
    assert [e.target_label for e in events_of(organization, action=Action.INVITATION_SENT)] == [
        "lea@acme.example"
    ]


def test_hr_opening_a_participant_s_page_is_recorded(client_for, hr_admin, organization):
    programme = ProgrammeFactory(organization=organization)
    participant = ParticipantFactory(organization=organization, programme=programme)
    client = client_for(hr_admin)
    client.get(
        _url("participant_detail", organization, programme_id=programme.pk, participant_id=participant.pk)
    )
    client.get(
        _url("participant_edit", organization, programme_id=programme.pk, participant_id=participant.pk)
    )

    events = events_of(organization, action=Action.PARTICIPANT_VIEWED)
    assert len(events) == 2
    assert {(e.actor_id, e.target_type, e.target_id, e.target_label) for e in events} == {
        (hr_admin.pk, "programmes.participant", str(participant.pk), participant.user.email)
    }


def test_opening_a_participant_s_page_costs_one_insert(client_for, hr_admin, organization):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    programme = ProgrammeFactory(organization=organization)
    participant = ParticipantFactory(organization=organization, programme=programme)
    client = client_for(hr_admin)
    with CaptureQueriesContext(connection) as queries:
        client.get(
            _url("participant_detail", organization, programme_id=programme.pk, participant_id=participant.pk)
        )
    assert sum('INSERT INTO "organizations_auditevent"' in query["sql"] for query in queries) == 1


def test_a_withdrawal_by_the_person_and_one_by_hr_are_told_apart(client_for, hr_admin, organization):
    programme = ProgrammeFactory(organization=organization, status="open")
    mentee = member(organization, Role.MENTEE)
    own = ParticipantFactory(organization=organization, programme=programme, user=mentee, role=Role.MENTEE)
    other = ParticipantFactory(organization=organization, programme=programme)

    client_for(mentee).post(_url("withdraw", organization, programme_id=programme.pk))
    client_for(hr_admin).post(
        _url("participant_withdraw", organization, programme_id=programme.pk, participant_id=other.pk)
    )

    events = events_of(organization, action=Action.WITHDRAWAL)
    assert [(e.actor_id, e.target_id, e.details["by_themselves"]) for e in events] == [
        (mentee.pk, str(own.pk), True),
        (hr_admin.pk, str(other.pk), False),
    ]


# Erasure ---------------------------------------------------------------------------------------------


def test_an_erasure_is_recorded_in_each_organisation_and_no_event_names_the_person_any_more(
    client_for, hr_admin, organization, other_organization
):
    person = member(organization, Role.MENTEE, Role.MENTOR, email="camille@acme.example")
    MembershipFactory(organization=other_organization, user=person, role=Role.MENTOR)
    client_for(hr_admin).post(_url("remove_role", organization, user_id=person.pk, role=Role.MENTOR))
    client = client_for(person)
    client.get(reverse("my_data_download"))

    erase_personal_data(user=person)

    placeholder = placeholder_email(person)
    for org in (organization, other_organization):
        assert {Action.EXPORT, Action.ERASURE} <= set(actions_of(org))
        for event in events_of(org):
            assert "camille@acme.example" not in (event.actor_label, event.target_label)
            if event.actor_id == person.pk:
                assert (event.actor_label, event.ip_address) == (placeholder, None)
    # HR's own event about the person stays HR's, naming the person by the placeholder.
    [revoked] = events_of(organization, action=Action.ROLE_REVOKED)
    assert (revoked.actor_label, revoked.target_label) == (hr_admin.email, placeholder)


# Security settings -----------------------------------------------------------------------------------


def test_the_two_factor_policy_change_is_recorded_from_and_to(client_for, hr_admin, organization):
    client_for(hr_admin).post(_url("mfa_policy", organization), {"mfa_required_for": "hr_admins"})

    [event] = events_of(organization, action=Action.SECURITY_CHANGED)
    assert event.details == {"setting": "mfa_required_for", "from": "nobody", "to": "hr_admins"}


def test_a_domain_claimed_and_withdrawn_are_recorded(client_for, hr_admin, organization):
    from accounts.models import EmailDomain

    client = client_for(hr_admin)
    client.post(_url("security_sso_claim_domain", organization), {"domain": "acme.example"})
    with tenant_context(organization):
        domain = EmailDomain.objects.get()
    client.post(_url("security_sso_withdraw_domain", organization, domain_id=domain.pk))

    events = events_of(organization, action=Action.SECURITY_CHANGED)
    assert [(e.target_label, e.details["change"]) for e in events] == [
        ("acme.example", "claimed"),
        ("acme.example", "withdrawn"),
    ]


def test_sso_settings_saved_are_recorded_with_the_fields_changed_never_the_secret(
    client_for, hr_admin, organization
):
    response = client_for(hr_admin).post(
        _url("security_sso", organization),
        {
            "idp-name": "Acme Okta",
            "idp-protocol": "oidc",
            "idp-server_url": "https://acme.okta.example",
            "idp-client_id": "binome",
            "idp-client_secret": "s3cret-value",
            "idp-jit": "as_role",
            "idp-jit_role": "mentee",
            "idp-enabled": "on",
        },
    )

    assert response.status_code == 302
    [event] = events_of(organization, action=Action.SSO_CHANGED)
    assert {"name", "server_url", "client_secret", "enabled"} <= set(event.details["changed"])
    assert event.details["enabled"] is True
    assert "s3cret-value" not in str(event.details) + event.target_label


def test_an_mfa_reset_is_recorded_about_the_member(client_for, hr_admin, organization):
    from tests.accounts.mfa_helpers import enrol_totp

    person = member(organization, Role.MENTEE, email="lost-phone@acme.example")
    enrol_totp(person)
    client_for(hr_admin).post(
        _url("mfa_reset_member", organization, user_id=person.pk),
        {"reason": "lost their phone", "confirm": "on"},
    )
    events = events_of(organization, action=Action.MFA_RESET)
    assert [(e.actor_id, e.target_id) for e in events] == [(hr_admin.pk, str(person.pk))]


def test_nothing_recorded_in_one_organisation_shows_in_another(organization, other_organization):
    from organizations.audit import record

    record(Action.EXPORT, organization=organization)
    assert events_of(other_organization) == []
    with tenant_context(other_organization):
        assert not AuditEvent.objects.exists()
