"""Sign-ins in the trail: in each organisation the person belongs to, or in the SSO one only."""

import pyotp
import pytest
from django.urls import reverse

from organizations.audit import Action, ActorKind
from organizations.roles import Role
from tests.accounts.mfa_helpers import enrol_totp
from tests.factories import DEFAULT_PASSWORD, UserFactory, member
from tests.factories.organizations import MembershipFactory

from .audit_helpers import all_events, events_of

pytestmark = pytest.mark.django_db


def _password_sign_in(client, email, password=DEFAULT_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_a_sign_in_is_recorded_in_each_organisation_of_the_person(client, organization, other_organization):
    person = member(organization, Role.MENTEE, email="camille@acme.example")
    MembershipFactory(organization=other_organization, user=person, role=Role.MENTOR)

    response = _password_sign_in(client, person.email)

    assert response.status_code == 302
    for org in (organization, other_organization):
        [event] = events_of(org, action=Action.SIGN_IN)
        assert (event.actor_id, event.actor_label, event.actor_kind) == (
            person.pk,
            person.email,
            ActorKind.MEMBER,
        )
        assert event.ip_address == "127.0.0.1"


def test_all_the_sign_in_events_of_a_request_cost_one_insert(client, organization, other_organization):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = member(organization, Role.MENTEE, email="camille@acme.example")
    MembershipFactory(organization=other_organization, user=person, role=Role.MENTOR)
    with CaptureQueriesContext(connection) as queries:
        _password_sign_in(client, person.email)
    inserts = [query["sql"] for query in queries if 'INSERT INTO "organizations_auditevent"' in query["sql"]]
    assert len(inserts) == 1


def test_a_failed_sign_in_of_a_known_address_is_recorded_without_signing_in(client, organization):
    person = member(organization, Role.MENTEE, email="camille@acme.example")

    _password_sign_in(client, "Camille@acme.example", password="not-the-password")

    [event] = events_of(organization, action=Action.SIGN_IN_FAILED)
    assert event.actor_label == person.email
    assert "_auth_user_id" not in client.session
    assert events_of(organization, action=Action.SIGN_IN) == []


def test_a_failed_sign_in_for_an_unknown_address_records_nothing(client, organization):
    member(organization, Role.MENTEE, email="camille@acme.example")

    _password_sign_in(client, "nobody@acme.example", password="whatever-it-is")

    assert all_events() == []


def test_a_person_of_no_organisation_leaves_no_event(client):
    UserFactory(email="loner@example.com")
    _password_sign_in(client, "loner@example.com")
    assert all_events() == []


def test_a_second_factor_verified_and_refused_are_recorded(client, organization):
    person = member(organization, Role.HR_ADMIN, email="hr@acme.example")
    secret = enrol_totp(person)
    _password_sign_in(client, person.email)

    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})

    actions = [event.action for event in events_of(organization)]
    assert actions == [Action.MFA_FAILED, Action.MFA_VERIFIED, Action.SIGN_IN]
    assert events_of(organization, action=Action.MFA_VERIFIED)[0].details == {"factor": "totp"}


def test_signing_out_everywhere_is_recorded(client_for, hr_admin, organization):
    client = client_for(hr_admin)
    client.post(reverse("sign_out_everywhere"))
    [event] = events_of(organization, action=Action.SIGN_OUT_EVERYWHERE)
    assert event.actor_id == hr_admin.pk


class TestSingleSignOn:
    def test_an_sso_sign_in_is_recorded_in_that_organisation_only(
        self, client, organization, other_organization, oidc_idp
    ):
        from tests.accounts.test_sso import idp_person, make_idp, sso_sign_in

        make_idp(organization, oidc_idp)
        idp_person(oidc_idp)
        person = member(organization, Role.MENTEE, email="alice@acme.example")
        MembershipFactory(organization=other_organization, user=person, role=Role.MENTOR)

        sso_sign_in(client, oidc_idp, "alice@acme.example")

        assert client.session["_auth_user_id"] == str(person.pk)
        assert [event.action for event in events_of(organization)] == [Action.SIGN_IN]
        assert events_of(other_organization) == []

    def test_joining_on_first_sso_sign_in_is_recorded_as_a_member_added(self, client, organization, oidc_idp):
        from tests.accounts.test_sso import idp_person, make_idp, sso_sign_in

        make_idp(organization, oidc_idp, jit="as_role", jit_role=Role.MENTEE)
        idp_person(oidc_idp, login="newbie")

        sso_sign_in(client, oidc_idp, "newbie@acme.example", login="newbie")

        [event] = events_of(organization, action=Action.MEMBER_ADDED)
        assert (event.target_label, event.details) == (
            "newbie@acme.example",
            {"role": "mentee", "by": "single sign-on"},
        )
