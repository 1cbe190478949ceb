import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from organizations import services
from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import DEFAULT_PASSWORD, UserFactory

ACCEPT = {
    "first_name": "Claire",
    "last_name": "Dubois",
    "password1": DEFAULT_PASSWORD,
    "password2": DEFAULT_PASSWORD,
}


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Invite someone and return the link from the e-mail, as the invitee would."""

    def send(organization, email="claire@acme.example", role=Role.HR_ADMIN):
        with django_capture_on_commit_callbacks(execute=True):
            services.invite_member(organization=organization, email=email, role=role)
        return re.search(r"/invitations/[^/\s]+/", mail.outbox[-1].body).group(0)

    return send


def test_a_new_person_sets_a_password_and_lands_in_the_organisation(client, organization, invite):
    link = invite(organization)
    assert client.get(link).status_code == 200
    response = client.post(link, ACCEPT)
    assert response["Location"] == f"/o/{organization.slug}/"
    user = get_user_model().objects.get(email="claire@acme.example")
    assert user.check_password(DEFAULT_PASSWORD)
    assert user.emailaddress_set.get().verified
    with tenant_context(organization):
        assert Membership.objects.filter(user=user, role=Role.HR_ADMIN).exists()
    assert client.get(f"/o/{organization.slug}/members/").status_code == 200


def test_a_weak_password_is_refused_and_nothing_is_created(client, organization, invite):
    link = invite(organization)
    response = client.post(link, {**ACCEPT, "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not get_user_model().objects.filter(email="claire@acme.example").exists()


def test_a_wrong_token_gets_a_clear_page(client, db):
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_an_expired_link_gets_a_clear_page(client, organization, invite, settings):
    with time_machine.travel("2026-01-01 10:00 +0000"):
        link = invite(organization)
    with time_machine.travel(f"2026-01-{1 + settings.INVITATION_MAX_AGE_DAYS + 1:02d} 10:00 +0000"):
        response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_used_link_gets_a_clear_page(client, organization, invite):
    link = invite(organization)
    client.post(link, ACCEPT)
    response = Client().post(link, ACCEPT)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_a_withdrawn_invitation_gets_a_clear_page(client, organization, invite):
    link = invite(organization)
    with tenant_context(organization):
        from organizations.models import Invitation

        services.revoke_invitation(invitation=Invitation.objects.get())
    response = client.get(link)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_an_existing_person_is_asked_to_sign_in_then_joins(client, organization, invite):
    user = UserFactory(email="known@acme.example")
    link = invite(organization, email="known@acme.example", role=Role.MENTOR)
    assert "Sign in" in client.get(link).content.decode()
    client.force_login(user)
    response = client.post(link)
    assert response["Location"] == f"/o/{organization.slug}/"
    with tenant_context(organization):
        assert Membership.objects.filter(user=user, role=Role.MENTOR).exists()


def test_someone_signed_in_with_another_address_cannot_take_the_invitation(client, organization, invite):
    link = invite(organization, email="claire@acme.example")
    client.force_login(UserFactory(email="intruder@acme.example"))
    response = client.post(link)
    assert response.status_code == 410
    with tenant_context(organization):
        assert not Membership.objects.exists()
