"""The organisation's security pages (/o/<slug>/security/...): HR admins only, 404 to outsiders."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils import timezone

from accounts import sso
from accounts.admin import EmailDomainAdmin
from accounts.models import EmailDomain, IdentityProvider
from organizations.roles import Role
from organizations.tenancy import tenant_context, unscoped
from tests.factories import UserFactory, member

PAGES = ["security/", "security/sso/"]


@pytest.mark.parametrize("page", PAGES)
def test_an_hr_admin_sees_the_page(client, organization, hr_admin, page):
    client.force_login(hr_admin)
    assert client.get(f"/o/{organization.slug}/{page}").status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", [Role.MENTOR, Role.MENTEE, Role.EXECUTIVE])
def test_every_other_role_is_refused(client, organization, role, page):
    client.force_login(member(organization, role))
    assert client.get(f"/o/{organization.slug}/{page}").status_code == 403
    assert (
        client.post(f"/o/{organization.slug}/security/sso/domains/", {"domain": "x.example"}).status_code
        == 403
    )


@pytest.mark.parametrize("page", [*PAGES, "security/sso/test/", "security/sso/domains/"])
def test_another_organisations_hr_admin_gets_404(client, organization, other_organization, page):
    client.force_login(member(other_organization, Role.HR_ADMIN))
    assert client.get(f"/o/{organization.slug}/{page}").status_code == 404
    assert client.post(f"/o/{organization.slug}/{page}").status_code == 404


def test_the_hr_admin_sets_up_oidc(client, organization, hr_admin):
    client.force_login(hr_admin)
    response = client.post(
        f"/o/{organization.slug}/security/sso/",
        {
            "idp-name": "Acme Okta",
            "idp-protocol": "oidc",
            "idp-server_url": "https://acme.okta.example",
            "idp-client_id": "binome",
            "idp-client_secret": "s3cret",
            "idp-jit": "as_role",
            "idp-jit_role": "mentee",
            "idp-enabled": "on",
        },
    )
    assert response.status_code == 302
    with tenant_context(organization):
        provider = IdentityProvider.objects.get()
    assert (provider.name, provider.client_secret, provider.jit_role) == ("Acme Okta", "s3cret", "mentee")
    page = client.get(f"/o/{organization.slug}/security/sso/").content.decode()
    assert f"/accounts/oidc/{provider.provider_id}/login/callback/" in page
    assert "s3cret" not in page


def test_an_empty_secret_keeps_the_stored_one(client, organization, hr_admin):
    with tenant_context(organization):
        IdentityProvider.objects.create(
            organization=organization,
            name="Okta",
            server_url="https://o.example",
            client_id="c",
            client_secret="kept",
        )
    client.force_login(hr_admin)
    client.post(
        f"/o/{organization.slug}/security/sso/",
        {
            "idp-name": "Okta 2",
            "idp-protocol": "oidc",
            "idp-server_url": "https://o.example",
            "idp-client_id": "c",
            "idp-jit": "off",
        },
    )
    with tenant_context(organization):
        assert IdentityProvider.objects.get().client_secret == "kept"


def test_joining_as_a_role_needs_the_role(client, organization, hr_admin):
    client.force_login(hr_admin)
    response = client.post(
        f"/o/{organization.slug}/security/sso/",
        {"idp-name": "Okta", "idp-protocol": "oidc", "idp-jit": "as_role", "idp-jit_role": ""},
    )
    assert response.status_code == 200
    assert "Choose the role people join with." in response.content.decode()


def test_the_saml_metadata_file_is_kept(client, organization, hr_admin):
    client.force_login(hr_admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.idp.saml import idp_metadata_xml

    # Real IdP metadata: the form reads it (accounts.saml) before keeping it.
    metadata = idp_metadata_xml("https://idp.acme.example/", "https://idp.acme.example/sso").encode()
    client.post(
        f"/o/{organization.slug}/security/sso/",
        {
            "idp-name": "ADFS",
            "idp-protocol": "saml",
            "idp-jit": "off",
            "idp-metadata_file": SimpleUploadedFile("idp.xml", metadata, content_type="text/xml"),
        },
    )
    with tenant_context(organization):
        assert IdentityProvider.objects.get().metadata_xml == metadata.decode()


class TestDomains:
    def test_hr_claims_a_domain_that_routes_nobody_until_confirmed(self, client, organization, hr_admin):
        client.force_login(hr_admin)
        response = client.post(f"/o/{organization.slug}/security/sso/domains/", {"domain": "@Acme.Example"})
        assert response.status_code == 302
        with tenant_context(organization):
            claimed = EmailDomain.objects.get()
        assert (claimed.domain, claimed.claimed_by, claimed.confirmed_at) == ("acme.example", hr_admin, None)
        assert sso.confirmed_domain("someone@acme.example") is None

    def test_a_domain_confirmed_by_another_organisation_cannot_be_claimed(
        self, client, organization, other_organization, hr_admin
    ):
        with tenant_context(other_organization):
            EmailDomain.objects.create(
                organization=other_organization, domain="acme.example", confirmed_at=timezone.now()
            )
        client.force_login(hr_admin)
        response = client.post(f"/o/{organization.slug}/security/sso/domains/", {"domain": "acme.example"})
        assert response.status_code == 400
        with tenant_context(organization):
            assert not EmailDomain.objects.exists()

    def test_staff_confirm_in_the_admin_and_who_and_when_are_recorded(self, organization, hr_admin):
        claimed = sso.claim_domain(organization=organization, domain="acme.example", claimed_by=hr_admin)
        staff = UserFactory(is_staff=True, is_superuser=True)
        request = RequestFactory().post("/admin/")
        request.user = staff
        request.session = {}
        request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
        admin = EmailDomainAdmin(EmailDomain, site)
        with unscoped("test"):
            admin.confirm(request, EmailDomain.objects.filter(pk=claimed.pk))
            claimed.refresh_from_db()
        assert claimed.confirmed_by == staff and claimed.confirmed_at is not None
        assert sso.confirmed_domain("x@acme.example") == claimed

    def test_only_staff_confirm(self, organization, hr_admin):
        claimed = sso.claim_domain(organization=organization, domain="acme.example", claimed_by=hr_admin)
        with pytest.raises(Exception, match="staff"):
            sso.confirm_domain(domain=claimed, confirmed_by=hr_admin)

    def test_two_organisations_cannot_both_confirm_one_domain(
        self, organization, other_organization, hr_admin
    ):
        staff = UserFactory(is_staff=True)
        first = sso.claim_domain(organization=organization, domain="shared.example", claimed_by=hr_admin)
        second = sso.claim_domain(
            organization=other_organization, domain="shared.example", claimed_by=hr_admin
        )
        sso.confirm_domain(domain=first, confirmed_by=staff)
        with pytest.raises(Exception, match="Another organisation"):
            sso.confirm_domain(domain=second, confirmed_by=staff)

    def test_hr_withdraws_a_domain(self, client, organization, hr_admin):
        claimed = sso.claim_domain(organization=organization, domain="acme.example", claimed_by=hr_admin)
        client.force_login(hr_admin)
        client.post(f"/o/{organization.slug}/security/sso/domains/{claimed.pk}/withdraw/")
        with tenant_context(organization):
            assert not EmailDomain.objects.exists()
