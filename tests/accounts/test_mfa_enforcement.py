"""A member an organisation's policy covers is held at the door of its pages until they add a second factor;
their account pages, signing out and the setup itself stay open."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import MfaPolicy
from organizations.roles import Role
from tests.factories import MembershipFactory, member

from .mfa_helpers import enrol_totp, set_policy

REQUIRED = reverse("mfa_required")

# Every role under "HR admins and executives": two are held, two are not.
HELD = {Role.HR_ADMIN: True, Role.EXECUTIVE: True, Role.MENTOR: False, Role.MENTEE: False}


@pytest.mark.parametrize("role", list(HELD))
def test_each_role_is_held_as_the_policy_says(client_for, organization, role):
    set_policy(organization, MfaPolicy.HR_ADMINS_AND_EXECUTIVES)
    client = client_for(member(organization, role))
    response = client.get("/o/acme/")
    if HELD[role]:
        assert response.status_code == 302
        assert response["Location"] == REQUIRED
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", list(HELD))
def test_everyone_is_held_under_everyone(client_for, organization, role):
    set_policy(organization, MfaPolicy.EVERYONE)
    response = client_for(member(organization, role)).get("/o/acme/notifications/")
    assert response.status_code == 302
    assert response["Location"] == REQUIRED


@pytest.mark.parametrize("role", list(HELD))
def test_nobody_is_held_when_the_policy_asks_nothing(client_for, organization, role):
    response = client_for(member(organization, role)).get("/o/acme/")
    assert response.status_code == 200


@pytest.mark.parametrize("role", list(HELD))
def test_an_enrolled_member_goes_in(client_for, organization, role):
    set_policy(organization, MfaPolicy.EVERYONE)
    person = member(organization, role)
    enrol_totp(person)
    assert client_for(person).get("/o/acme/").status_code == 200


def test_every_organisation_page_is_held_not_only_the_home(client_for, hr_admin, organization):
    set_policy(organization, MfaPolicy.HR_ADMINS)
    client = client_for(hr_admin)
    for path in ("/o/acme/members/", "/o/acme/security/mfa/", "/o/acme/programmes/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, REQUIRED), path


def test_a_held_member_keeps_their_account_pages_and_sign_out(client_for, hr_admin, organization):
    set_policy(organization, MfaPolicy.HR_ADMINS)
    client = client_for(hr_admin)
    for name in ("preferences", "my_data", "mfa_index", "mfa_required", "account_email"):
        assert client.get(reverse(name)).status_code == 200, name
    # The setup pages themselves (allauth may first ask for the password again: never our door).
    for name in ("mfa_activate_totp", "mfa_add_webauthn"):
        response = client.get(reverse(name))
        assert response.status_code in (200, 302), name
        assert response.get("Location") != REQUIRED
    assert client.get("/healthz").status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get("/o/acme/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_door_names_the_organisations_and_returns_there_once_enrolled(client_for, hr_admin, organization):
    set_policy(organization, MfaPolicy.HR_ADMINS)
    client = client_for(hr_admin)
    client.get("/o/acme/members/")
    page = client.get(REQUIRED)
    assert b"Acme" in page.content
    assert reverse("mfa_activate_totp").encode() in page.content
    enrol_totp(hr_admin)
    page = client.get(REQUIRED)
    assert b'href="/o/acme/members/"' in page.content
    assert client.get("/o/acme/members/").status_code == 200


def test_the_strictest_organisation_holds_the_person_in_the_others_too(
    client, organization, other_organization
):
    set_policy(other_organization, MfaPolicy.EVERYONE)
    person = member(organization, Role.HR_ADMIN)
    MembershipFactory(organization=other_organization, user=person, role=Role.MENTEE)
    client.force_login(person)
    response = client.get("/o/acme/")
    assert (response.status_code, response["Location"]) == (302, REQUIRED)
    assert client.get(f"/o/{other_organization.slug}/").status_code == 302
    assert b"Globex" in client.get(REQUIRED).content


def test_a_policy_set_while_signed_in_applies_on_the_next_visit(client_for, executive, organization):
    client = client_for(executive)
    assert client.get("/o/acme/").status_code == 200
    set_policy(organization, MfaPolicy.HR_ADMINS_AND_EXECUTIVES)
    assert client.get("/o/acme/").status_code == 302


def test_a_policy_eased_elsewhere_lets_the_person_in(client, organization, other_organization):
    set_policy(other_organization, MfaPolicy.EVERYONE)
    person = member(organization, Role.MENTEE)
    MembershipFactory(organization=other_organization, user=person, role=Role.MENTEE)
    client.force_login(person)
    assert client.get("/o/acme/").status_code == 302
    set_policy(other_organization, MfaPolicy.NOBODY)
    assert client.get("/o/acme/").status_code == 200


def test_an_outsider_gets_404_not_the_door(client_for, organization, other_organization):
    set_policy(other_organization, MfaPolicy.EVERYONE)
    set_policy(organization, MfaPolicy.EVERYONE)
    outsider = member(organization, Role.MENTEE)
    assert client_for(outsider).get(f"/o/{other_organization.slug}/").status_code == 404


def test_the_door_costs_no_query_when_the_policy_asks_nothing(client_for, mentee_user, organization):
    client = client_for(mentee_user)
    client.get("/o/acme/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/o/acme/").status_code == 200
    assert not any("mfa_authenticator" in query["sql"] for query in queries.captured_queries)


def test_a_person_who_must_keep_a_factor_cannot_switch_off_their_last(client_for, organization):
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    set_policy(organization, MfaPolicy.EVERYONE)
    person = member(organization, Role.MENTEE)
    enrol_totp(person)
    totp = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    assert not get_adapter().can_delete_authenticator(totp)
    set_policy(organization, MfaPolicy.NOBODY)
    assert get_adapter().can_delete_authenticator(totp)
