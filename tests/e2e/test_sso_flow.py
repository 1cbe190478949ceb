"""Single sign-on in Chromium, through the real OpenID Connect provider (npm oidc-provider, tests/idp/)."""

import pytest
from django.utils import timezone

from accounts.models import BreakGlassSignIn, EmailDomain, IdentityProvider
from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import DEFAULT_PASSWORD, InvitationFactory, OrganizationFactory, member

from .conftest import sign_in


@pytest.fixture
def acme(transactional_db):
    return OrganizationFactory(name="Acme", slug="acme")


def set_up_idp(page, acme, oidc_idp, **policy):
    with tenant_context(acme):
        provider = IdentityProvider.objects.create(
            organization=acme, name="Acme Entra", server_url=oidc_idp.issuer, enabled=True, **policy
        )
        callback = f"/accounts/oidc/{provider.provider_id}/login/callback/"
        provider.client_id, provider.client_secret = oidc_idp.register_client(
            [f"{page.live_server_url}{callback}"]
        )
        provider.save()
        EmailDomain.objects.create(organization=acme, domain="acme.example", confirmed_at=timezone.now())
    return provider


def idp_knows(oidc_idp, login, **claims):
    oidc_idp.set_accounts(
        {
            login: {
                "sub": f"sub-{login}",
                "email": f"{login}@acme.example",
                "email_verified": True,
                "given_name": login.title(),
                "family_name": "Martin",
                **claims,
            }
        }
    )


def through_the_idp(page, email, login):
    page.goto("/accounts/sign-in/")
    page.fill("input[name=email]", email)
    page.get_by_role("button", name="Continue", exact=True).click()
    page.get_by_role("button", name="Continue with Acme Entra").click()
    page.wait_for_selector("text=Test IdP")
    page.fill("input[name=login]", login)
    page.get_by_role("button", name="Sign in at the IdP").click()
    page.wait_for_load_state()


def test_a_member_signs_in_through_the_oidc_provider(page, acme, oidc_idp, screenshot):
    set_up_idp(page, acme, oidc_idp)
    member(acme, Role.MENTOR, email="lea@acme.example", first_name="Léa", last_name="Martin")
    idp_knows(oidc_idp, "lea")
    through_the_idp(page, "lea@acme.example", "lea")
    page.wait_for_url(f"**/o/{acme.slug}/")
    screenshot("signed-in")
    assert "Léa" in page.content()


def test_jit_as_role_lets_a_newcomer_join(page, acme, oidc_idp):
    set_up_idp(page, acme, oidc_idp, jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.MENTEE)
    idp_knows(oidc_idp, "newcomer")
    through_the_idp(page, "newcomer@acme.example", "newcomer")
    page.wait_for_url(f"**/o/{acme.slug}/")
    with tenant_context(acme):
        assert Membership.objects.filter(user__email="newcomer@acme.example", role=Role.MENTEE).exists()


def test_jit_invited_only_refuses_a_stranger_and_admits_an_invitee(page, acme, oidc_idp):
    set_up_idp(page, acme, oidc_idp, jit=IdentityProvider.JoinPolicy.INVITED)
    idp_knows(oidc_idp, "stranger")
    through_the_idp(page, "stranger@acme.example", "stranger")
    assert "lets in only people it invited" in page.locator("#sso-refusal").inner_text()

    InvitationFactory(organization=acme, email="invitee@acme.example", role=Role.MENTOR)
    page.context.clear_cookies()  # the stranger's session at the IdP, too
    idp_knows(oidc_idp, "invitee")
    through_the_idp(page, "invitee@acme.example", "invitee")
    page.wait_for_url(f"**/o/{acme.slug}/")


def test_jit_off_refuses_a_newcomer(page, acme, oidc_idp):
    set_up_idp(page, acme, oidc_idp, jit=IdentityProvider.JoinPolicy.OFF)
    idp_knows(oidc_idp, "newcomer")
    through_the_idp(page, "newcomer@acme.example", "newcomer")
    assert "does not let people join" in page.locator("#sso-refusal").inner_text()


def test_sso_required_refuses_a_password_and_staff_break_glass_is_recorded(page, acme, oidc_idp):
    set_up_idp(page, acme, oidc_idp, sso_required=True)
    member(acme, Role.HR_ADMIN, email="hr@acme.example", is_staff=True)
    sign_in(page, "hr@acme.example", DEFAULT_PASSWORD)
    assert "continue with Acme Entra" in page.content()
    assert "/accounts/login/" in page.url

    page.goto("/accounts/break-glass/")
    page.fill("input[name=email]", "hr@acme.example")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.fill("textarea[name=reason]", "The IdP is down")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")
    assert BreakGlassSignIn.objects.get().reason == "The IdP is down"


def test_test_connection_shows_the_claims(page, acme, oidc_idp, screenshot):
    set_up_idp(page, acme, oidc_idp)
    member(acme, Role.HR_ADMIN, email="it@elsewhere.example")
    idp_knows(oidc_idp, "probe", given_name="Prosper")
    sign_in(page, "it@elsewhere.example", DEFAULT_PASSWORD)
    page.goto(f"/o/{acme.slug}/security/sso/")
    page.get_by_role("button", name="Test connection").click()
    page.fill("input[name=login]", "probe")
    page.get_by_role("button", name="Sign in at the IdP").click()
    page.wait_for_selector("#claims")
    screenshot("claims")
    assert page.locator("#claim-subject").inner_text() == "sub-probe"
    assert "Prosper" in page.locator("#claims").inner_text()
    page.goto(f"/o/{acme.slug}/security/")
    assert "Single sign-on" in page.content()


def test_an_hr_admin_sets_up_the_idp_in_the_browser(page, acme, oidc_idp, screenshot):
    member(acme, Role.HR_ADMIN, email="hr@elsewhere.example")
    sign_in(page, "hr@elsewhere.example", DEFAULT_PASSWORD)
    page.goto(f"/o/{acme.slug}/security/")
    page.get_by_role("link", name="Single sign-on settings").click()
    page.fill("input[name=idp-name]", "Acme Okta")
    page.fill("input[name=idp-server_url]", oidc_idp.issuer)
    page.fill("input[name=idp-client_id]", "binome")
    page.fill("input[name=idp-client_secret]", "secret-value")
    page.select_option("select[name=idp-jit]", "as_role")
    page.select_option("select[name=idp-jit_role]", "mentee")
    page.check("input[name=idp-enabled]")
    page.get_by_role("button", name="Save").click()
    assert "/accounts/oidc/idp-" in page.locator("#redirect-uri").inner_text()
    page.fill("input[name=domain]", "acme.example")
    page.get_by_role("button", name="Claim this domain").click()
    assert "waiting for confirmation" in page.content()
    screenshot("settings")
    with tenant_context(acme):
        provider = IdentityProvider.objects.get()
    assert (provider.client_secret, provider.jit_role, provider.enabled) == ("secret-value", "mentee", True)


def test_an_invitee_of_an_sso_required_organisation_joins_through_the_idp(page, acme, oidc_idp):
    from organizations.services import invitation_token

    set_up_idp(page, acme, oidc_idp, sso_required=True)
    invitation = InvitationFactory(organization=acme, email="zoe@acme.example", role=Role.MENTOR)
    idp_knows(oidc_idp, "zoe")
    page.goto(f"/invitations/{invitation_token(invitation)}/")
    page.get_by_role("button", name="Continue with Acme Entra").click()
    page.fill("input[name=login]", "zoe")
    page.get_by_role("button", name="Sign in at the IdP").click()
    page.wait_for_url(f"**/o/{acme.slug}/**")
    with tenant_context(acme):
        assert Membership.objects.filter(user__email="zoe@acme.example", role=Role.MENTOR).exists()
