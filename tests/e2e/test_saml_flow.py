"""SAML 2.0 single sign-on in Chromium, through the real pysaml2 IdP (tests/idp/saml.py).

The person types their address on Binôme's sign-in page, continues to the IdP's own login page, and the
IdP's signed answer comes back to allauth's ACS through the browser, as with Entra ID, Okta or Google.
"""

import re

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from accounts.models import IdentityProvider
from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, member
from tests.idp.saml import confirm_domain, saml_identity_provider

from .conftest import sign_in


@pytest.fixture
def acme(transactional_db):
    return OrganizationFactory(name="Acme", slug="acme")


def set_up_saml(page, acme, saml_idp, **policy):
    """Acme's IT admin: the IdP's metadata URL in Binôme, Binôme's SP metadata imported at the IdP."""
    provider = saml_identity_provider(acme, saml_idp, name="Acme Okta", **policy)
    confirm_domain(acme, "acme.example")
    saml_idp.trust_sp(
        requests.get(f"{page.live_server_url}/accounts/saml/acme/metadata/", timeout=10).content
    )
    return provider


def through_the_idp(page, email, username):
    page.goto("/accounts/sign-in/")
    page.fill("input[name=email]", email)
    page.get_by_role("button", name="Continue", exact=True).click()
    page.get_by_role("button", name="Continue with Acme Okta").click()
    page.wait_for_selector("text=Test IdP")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "idp-password")
    page.get_by_role("button", name="Sign in at the IdP").click()
    page.wait_for_load_state()


def test_a_member_signs_in_through_the_saml_idp(page, acme, saml_idp, screenshot):
    provider = set_up_saml(page, acme, saml_idp)
    lea = member(acme, Role.MENTOR, email="lea@acme.example", first_name="Léa", last_name="Martin")
    saml_idp.add_user("lea", subject="okta-00u1lea", attributes={"email": ["lea@acme.example"]})

    through_the_idp(page, "lea@acme.example", "lea")

    page.wait_for_url(re.compile(r"/o/acme/$"))
    screenshot("signed-in")
    assert "Léa" in page.content()
    assert SocialAccount.objects.get(user=lea).provider == provider.provider_id
    assert SocialAccount.objects.get(user=lea).uid == "okta-00u1lea"


def test_jit_as_a_role_lets_a_newcomer_join_through_saml(page, acme, saml_idp):
    set_up_saml(page, acme, saml_idp, jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.MENTEE)
    saml_idp.add_user(
        "zoe",
        subject="okta-00u1zoe",
        attributes={"email": ["zoe@acme.example"], "firstName": ["Zoé"], "lastName": ["Roux"]},
    )

    through_the_idp(page, "zoe@acme.example", "zoe")

    page.wait_for_url(re.compile(r"/o/acme/$"))
    assert "Zoé Roux" in page.content()
    with tenant_context(acme):
        assert list(
            Membership.objects.filter(user__email="zoe@acme.example").values_list("role", flat=True)
        ) == [Role.MENTEE]


def test_jit_off_refuses_a_newcomer_through_saml(page, acme, saml_idp, screenshot):
    set_up_saml(page, acme, saml_idp, jit=IdentityProvider.JoinPolicy.OFF)
    saml_idp.add_user("zoe", subject="okta-00u1zoe", attributes={"email": ["zoe@acme.example"]})

    through_the_idp(page, "zoe@acme.example", "zoe")

    refusal = page.locator("#sso-refusal")
    refusal.wait_for()
    screenshot("refused")
    assert "does not let people join through single sign-on" in refusal.inner_text()
    assert not get_user_model().objects.filter(email="zoe@acme.example").exists()


def test_acmes_idp_asserting_a_globex_members_address_gets_nothing_of_globex(page, acme, saml_idp):
    set_up_saml(page, acme, saml_idp, jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.HR_ADMIN)
    globex = OrganizationFactory(name="Globex", slug="globex")
    bob = member(globex, Role.HR_ADMIN, email="bob@globex.example", first_name="Bob")
    # Acme's IdP says "this is bob@globex.example", under an Acme address typed on the sign-in page.
    saml_idp.add_user("mallory", subject="mallory-1", attributes={"email": ["bob@globex.example"]})

    through_the_idp(page, "mallory@acme.example", "mallory")

    page.locator("#sso-refusal").wait_for()
    assert not SocialAccount.objects.filter(user=bob).exists()
    with tenant_context(acme):
        assert not Membership.objects.filter(user=bob).exists()
    page.goto("/o/globex/")
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_hr_tests_the_saml_connection_and_sees_the_attributes(page, acme, saml_idp, screenshot):
    set_up_saml(page, acme, saml_idp)
    member(acme, Role.HR_ADMIN, email="hr@acme.example")
    saml_idp.add_user(
        "zoe", subject="okta-00u1zoe", attributes={"email": ["zoe@acme.example"], "department": ["Data"]}
    )
    sign_in(page, "hr@acme.example", DEFAULT_PASSWORD)

    page.goto("/o/acme/security/sso/")
    assert "/accounts/saml/acme/acs/" in page.locator("#saml-acs-url").inner_text()
    screenshot("settings")
    page.get_by_role("button", name="Test connection").click()
    page.wait_for_selector("text=Test IdP")
    page.fill("input[name=username]", "zoe")
    page.fill("input[name=password]", "idp-password")
    page.get_by_role("button", name="Sign in at the IdP").click()

    page.locator("#claim-subject").wait_for()
    screenshot("test-connection")
    assert page.locator("#claim-subject").inner_text() == "okta-00u1zoe"
    assert "Data" in page.locator("#claims").inner_text()
    assert not get_user_model().objects.filter(email="zoe@acme.example").exists()
