"""An HR admin resets the second factors of a member who lost them: their own organisation's members only,
never platform staff, recorded under the organisation's name, and the person is signed out everywhere."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import MfaReset
from organizations.roles import Role
from organizations.tenancy import tenant_context, unscoped
from tests.factories import MembershipFactory, member

from .mfa_helpers import enrol_totp


def _url(organization, user):
    return reverse("mfa_reset_member", kwargs={"org_slug": organization.slug, "user_id": user.pk})


@pytest.fixture
def lost_phone(organization):
    person = member(organization, Role.MENTEE, email="lost@acme.example")
    enrol_totp(person)
    return person


def _resets():
    with unscoped("the test reads every organisation's resets"):
        return list(MfaReset.objects.all())


def test_hr_confirms_then_resets(client_for, hr_admin, organization, lost_phone):
    client = client_for(hr_admin)
    page = client.get(_url(organization, lost_phone))
    assert page.status_code == 200
    assert b"lost@acme.example" in page.content
    assert Authenticator.objects.filter(user=lost_phone).count() == 2

    response = client.post(_url(organization, lost_phone), {"reason": "Phone stolen, confirmed by a call"})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_policy", kwargs={"org_slug": "acme"})
    assert not Authenticator.objects.filter(user=lost_phone).exists()
    [reset] = _resets()
    assert (reset.organization, reset.member, reset.reset_by) == (organization, lost_phone, hr_admin)
    assert reset.reason == "Phone stolen, confirmed by a call"
    assert reset.authenticators_removed == 2
    page = client.get(reverse("mfa_policy", kwargs={"org_slug": "acme"}))
    assert "Phone stolen, confirmed by a call" in page.content.decode()


def test_a_reset_needs_a_reason(client_for, hr_admin, organization, lost_phone):
    response = client_for(hr_admin).post(_url(organization, lost_phone), {"reason": " "})
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=lost_phone).exists()
    assert _resets() == []


def test_a_reset_signs_the_person_out_everywhere(client, client_for, hr_admin, organization, lost_phone):
    from django.test import Client

    phone, laptop = Client(), Client()
    phone.force_login(lost_phone)
    laptop.force_login(lost_phone)
    assert Session.objects.count() == 2

    client_for(hr_admin).post(_url(organization, lost_phone), {"reason": "lost"})

    assert phone.get("/o/acme/").status_code == 302
    assert "_auth_user_id" not in phone.session
    assert "_auth_user_id" not in laptop.session


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.MENTOR, Role.MENTEE])
def test_other_roles_may_not_reset(client_for, organization, lost_phone, role):
    client = client_for(member(organization, role))
    assert client.get(_url(organization, lost_phone)).status_code == 403
    assert client.post(_url(organization, lost_phone), {"reason": "x"}).status_code == 403
    assert Authenticator.objects.filter(user=lost_phone).exists()


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.MENTOR, Role.MENTEE])
def test_other_roles_may_not_open_the_policy_page(client_for, organization, role):
    client = client_for(member(organization, role))
    assert client.get("/o/acme/security/mfa/").status_code == 403
    assert client.post("/o/acme/security/mfa/", {"mfa_required_for": "nobody"}).status_code == 403


def test_hr_of_another_organisation_gets_404(client_for, organization, other_organization, lost_phone):
    globex_hr = member(other_organization, Role.HR_ADMIN)
    client = client_for(globex_hr)
    # Under Acme's slug: Globex's HR is no member there.
    assert client.post(_url(organization, lost_phone), {"reason": "x"}).status_code == 404
    # Under Globex's own slug, Acme's member is not one of Globex's.
    assert client.post(_url(other_organization, lost_phone), {"reason": "x"}).status_code == 404
    assert client.get(_url(other_organization, lost_phone)).status_code == 404
    assert Authenticator.objects.filter(user=lost_phone).exists()


def test_a_member_of_both_is_reset_by_either_and_the_record_names_which(
    client_for, organization, other_organization, lost_phone
):
    MembershipFactory(organization=other_organization, user=lost_phone, role=Role.MENTOR)
    globex_hr = member(other_organization, Role.HR_ADMIN)
    client_for(globex_hr).post(_url(other_organization, lost_phone), {"reason": "lost"})
    [reset] = _resets()
    assert reset.organization == other_organization
    # Acme's page does not list Globex's action.
    with tenant_context(organization):
        assert not MfaReset.objects.exists()


def test_staff_and_superusers_are_never_reset_by_an_organisation(client_for, hr_admin, organization):
    for flags in ({"is_staff": True}, {"is_superuser": True}):
        person = member(organization, Role.MENTEE, **flags)
        enrol_totp(person)
        client = client_for(hr_admin)
        page = client.get(_url(organization, person))
        assert b"Platform staff" in page.content
        assert client.post(_url(organization, person), {"reason": "x"}).status_code == 403
        assert Authenticator.objects.filter(user=person).exists()


def test_hr_cannot_reset_themselves(client_for, hr_admin, organization):
    enrol_totp(hr_admin)
    response = client_for(hr_admin).post(_url(organization, hr_admin), {"reason": "x"})
    assert response.status_code == 403
    assert Authenticator.objects.filter(user=hr_admin).exists()


def test_the_members_page_offers_the_reset(client_for, hr_admin, organization, lost_phone):
    page = client_for(hr_admin).get("/o/acme/members/").content.decode()
    assert _url(organization, lost_phone) in page
    assert _url(organization, hr_admin) not in page


def test_hr_sets_the_policy_and_sees_who_must_enrol(client_for, hr_admin, organization, executive):
    enrol_totp(hr_admin)
    client = client_for(hr_admin)
    response = client.post("/o/acme/security/mfa/", {"mfa_required_for": "hr_admins_executives"})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.mfa_required_for == "hr_admins_executives"
    page = client.get("/o/acme/security/mfa/").content.decode()
    assert "1 of the 2 members the policy covers has not enrolled yet." in page
    assert "exec@acme.example" in page
    assert "hr@acme.example" not in page.split('id="mfa-pending-count"')[1].split("</section>")[0]


def test_an_unknown_policy_is_refused_by_the_form(client_for, hr_admin, organization):
    response = client_for(hr_admin).post("/o/acme/security/mfa/", {"mfa_required_for": "interns"})
    assert response.status_code == 200
    organization.refresh_from_db()
    assert organization.mfa_required_for == "nobody"


def test_the_summary_card_links_to_the_page(rf, hr_admin, organization):
    from django.template.loader import render_to_string

    html = render_to_string("accounts/security/_mfa_summary.html", {"current_organization": organization})
    assert "/o/acme/security/mfa/" in html
    assert render_to_string("accounts/security/_mfa_summary.html", {}).strip() == ""


@pytest.mark.parametrize("count", [2, 20])
def test_the_policy_page_query_count_does_not_grow(
    client_for, hr_admin, organization, count, django_assert_num_queries
):
    from .mfa_helpers import set_policy

    set_policy(organization, "everyone")
    enrol_totp(hr_admin)
    for _ in range(count):
        member(organization, Role.MENTEE)
    client = client_for(hr_admin)
    client.get("/o/acme/security/mfa/")
    with django_assert_num_queries(7):
        response = client.get("/o/acme/security/mfa/")
    assert len(response.context["status"].pending) == count


def test_staff_read_the_resets_in_the_admin_and_nobody_rewrites_them(
    admin_client, hr_admin, organization, lost_phone
):
    from accounts import mfa

    with tenant_context(organization):
        reset = mfa.reset_mfa(organization=organization, member=lost_phone, reset_by=hr_admin, reason="lost")
    assert (
        f"/admin/accounts/mfareset/{reset.pk}/change/"
        in admin_client.get("/admin/accounts/mfareset/").content.decode()
    )
    page = admin_client.get(f"/admin/accounts/mfareset/{reset.pk}/change/")
    assert page.status_code == 200
    assert "lost" in page.content.decode()
    assert admin_client.get("/admin/accounts/mfareset/add/").status_code == 403
    admin_client.post(f"/admin/accounts/mfareset/{reset.pk}/change/", {"reason": "rewritten"})
    with tenant_context(organization):
        assert MfaReset.objects.get().reason == "lost"
