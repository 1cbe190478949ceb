import pytest
from django.core import mail
from django.test import Client

from organizations.models import Invitation, Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import InvitationFactory


def url(organization):
    return f"/o/{organization.slug}/members/"


def test_hr_admin_sees_the_members(client_for, hr_admin, mentor_user, organization):
    response = client_for(hr_admin).get(url(organization))
    assert response.status_code == 200
    assert mentor_user.email in response.content.decode()


def test_mentor_is_refused_the_members_page(client_for, mentor_user, organization):
    assert client_for(mentor_user).get(url(organization)).status_code == 403


def test_executive_is_refused_the_members_page(client_for, executive, organization):
    assert client_for(executive).get(url(organization)).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, organization):
    response = client.get(url(organization))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_hr_admin_invites_someone_and_the_email_goes_out(
    client_for, hr_admin, organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr_admin).post(
            url(organization), {"email": "New@Acme.example", "role": Role.MENTOR}
        )
    assert response.status_code == 302
    with tenant_context(organization):
        invitation = Invitation.objects.get()
    assert invitation.email == "new@acme.example"
    assert len(mail.outbox) == 1
    assert "/invitations/" in mail.outbox[0].body
    assert organization.name in mail.outbox[0].subject


def test_an_invalid_invitation_re_renders_with_the_error(client_for, hr_admin, organization):
    response = client_for(hr_admin).post(url(organization), {"email": "not-an-email", "role": Role.MENTOR})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    with tenant_context(organization):
        assert not Invitation.objects.exists()


def test_inviting_an_existing_member_with_the_same_role_is_refused(
    client_for, hr_admin, mentor_user, organization
):
    response = client_for(hr_admin).post(url(organization), {"email": mentor_user.email, "role": Role.MENTOR})
    assert response.status_code == 200
    assert "already a member" in response.content.decode()


def test_inviting_twice_resends_the_same_invitation(
    client_for, hr_admin, organization, django_capture_on_commit_callbacks
):
    client = client_for(hr_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(organization), {"email": "a@acme.example", "role": Role.MENTEE})
        client.post(url(organization), {"email": "a@acme.example", "role": Role.MENTEE})
    with tenant_context(organization):
        assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 2


def test_hr_admin_withdraws_an_invitation(client_for, hr_admin, organization):
    invitation = InvitationFactory(organization=organization)
    client_for(hr_admin).post(f"/o/{organization.slug}/members/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_hr_admin_removes_a_role_but_not_their_own_hr_role(client_for, hr_admin, mentor_user, organization):
    client = client_for(hr_admin)
    client.post(f"/o/{organization.slug}/members/{mentor_user.pk}/roles/mentor/remove/")
    client.post(f"/o/{organization.slug}/members/{hr_admin.pk}/roles/hr_admin/remove/")
    with tenant_context(organization):
        assert not Membership.objects.filter(user=mentor_user).exists()
        assert Membership.objects.filter(user=hr_admin, role=Role.HR_ADMIN).exists()


def test_a_person_in_two_organisations_switches_between_them(organization, other_organization, mentor_user):
    from tests.factories import MembershipFactory

    MembershipFactory(organization=other_organization, user=mentor_user, role=Role.MENTEE)
    client = Client()
    client.force_login(mentor_user)
    page = client.get(f"/o/{organization.slug}/").content.decode()
    assert f'href="/o/{other_organization.slug}/"' in page
    assert client.get(f"/o/{other_organization.slug}/").status_code == 200
    # The home page goes back to the organisation used last.
    assert client.get("/")["Location"] == f"/o/{other_organization.slug}/"


@pytest.mark.parametrize("people", [5, 50])
def test_the_members_page_runs_the_same_queries_whatever_the_number_of_members(
    people, client_for, hr_admin, organization, django_assert_num_queries
):
    from tests.factories import member

    for index in range(people):
        member(organization, Role.MENTOR, Role.MENTEE, email=f"p{index}@acme.example")
    client = client_for(hr_admin)
    client.get(url(organization))  # warm the session
    # session, user with the memberships and their organisations (the switcher's too), members, invitations
    with django_assert_num_queries(4):
        assert client.get(url(organization)).status_code == 200
