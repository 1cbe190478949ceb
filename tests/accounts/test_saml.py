"""SAML 2.0 single sign-on per organisation: Binôme's SP, its metadata and key pair, who an assertion
lets in, the settings page and "Test connection", against the real pysaml2 IdP (tests/idp/saml.py)."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import saml
from accounts.models import IdentityProvider
from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context, unscoped
from tests.factories import InvitationFactory, member
from tests.idp.saml import confirm_domain, saml_identity_provider, sign_in_with_client

METADATA = "/accounts/saml/acme/metadata/"
LOGIN = "/accounts/saml/acme/login/"
SETTINGS = "/o/acme/security/sso/"
CERTIFICATE = "/o/acme/security/sso/saml/certificate/"
ENTRA_EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
ENTRA_GIVEN_NAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
ENTRA_SURNAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"


@pytest.fixture
def client(client, settings):
    """python3-saml refuses single-label hosts such as ``testserver`` in SP URLs: a dotted one."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "binome.test"]
    client.defaults["HTTP_HOST"] = "binome.test"
    return client


@pytest.fixture
def provider(organization, saml_idp):
    return saml_identity_provider(organization, saml_idp)


@pytest.fixture
def trusted(client, saml_idp, provider):
    """The IdP imported Binôme's SP metadata, as Acme's IT admin did."""
    saml_idp.trust_sp(client.get(METADATA).content)
    return provider


def _stored(provider):
    with unscoped("the test reads the stored row"):
        return IdentityProvider.objects.get(pk=provider.pk)


def _memberships(user, organization):
    with tenant_context(organization):
        return list(Membership.objects.filter(user=user).values_list("role", flat=True))


# -- Binôme's service provider -------------------------------------------------------------------------


def test_sp_metadata_names_entity_id_acs_and_certificate(client, provider):
    response = client.get(METADATA)

    assert response.status_code == 200
    body = response.content.decode()
    stored = _stored(provider)
    assert 'entityID="http://binome.test/accounts/saml/acme/metadata/"' in body
    assert 'Location="http://binome.test/accounts/saml/acme/acs/"' in body
    assert "".join(stored.sp_certificate.splitlines()[1:-1]) in body
    assert 'AuthnRequestsSigned="true"' in body
    assert 'WantAssertionsSigned="true"' in body
    assert saml.NAMEID_PERSISTENT in body
    assert "PRIVATE KEY" not in body


def test_sp_metadata_is_published_before_any_idp_metadata_is_known(client, organization):
    # The customer's IT imports it to create the application that then gives them the IdP metadata.
    with tenant_context(organization):
        IdentityProvider.objects.create(
            organization=organization, protocol=IdentityProvider.Protocol.SAML, name="Acme SSO"
        )

    response = client.get(METADATA)

    assert response.status_code == 200
    assert "acs/" in response.content.decode()


def test_sp_metadata_is_404_for_an_organisation_without_saml(client, organization, other_organization):
    with tenant_context(organization):
        IdentityProvider.objects.create(
            organization=organization, protocol=IdentityProvider.Protocol.OIDC, name="Acme OIDC"
        )

    assert client.get(METADATA).status_code == 404
    assert client.get("/accounts/saml/globex/metadata/").status_code == 404
    assert client.get("/accounts/saml/nobody/metadata/").status_code == 404


def test_the_sp_key_pair_is_made_once_and_kept(client, provider):
    assert provider.sp_private_key == ""

    client.get(METADATA)
    first = _stored(provider)
    client.get(METADATA)
    second = _stored(provider)

    assert first.sp_private_key.startswith("-----BEGIN PRIVATE KEY-----")
    assert first.sp_certificate.startswith("-----BEGIN CERTIFICATE-----")
    assert (second.sp_private_key, second.sp_certificate) == (first.sp_private_key, first.sp_certificate)


def test_each_organisation_has_its_own_key_pair(client, provider, other_organization, saml_idp):
    other = saml_identity_provider(other_organization, saml_idp)

    client.get(METADATA)
    client.get("/accounts/saml/globex/metadata/")

    assert _stored(provider).sp_private_key != _stored(other).sp_private_key


def test_a_race_to_make_the_key_pair_keeps_the_first_one_stored(provider):
    stale = _stored(provider)
    winner = saml.ensure_sp_key_pair(provider=_stored(provider))

    loser = saml.ensure_sp_key_pair(provider=stale)

    assert loser.sp_private_key == winner.sp_private_key
    assert _stored(provider).sp_certificate == winner.sp_certificate


def test_the_app_asks_for_signed_assertions_and_a_persistent_subject(provider, saml_idp):
    app = saml.build_app(provider)

    assert (app.provider, app.provider_id, app.client_id) == ("saml", provider.provider_id, "acme")
    advanced = app.settings["advanced"]
    assert advanced["want_assertion_signed"] and advanced["authn_request_signed"]
    assert advanced["name_id_format"] == saml.NAMEID_PERSISTENT
    assert "uid" not in app.settings["attribute_mapping"]
    assert app.settings["idp"] == {"metadata_url": saml_idp.metadata_url, "entity_id": None}
    # Fetched by Binôme itself (accounts/saml.py), to public addresses only: allauth finds it in its cache,
    # whole, every signing certificate with it, and never fetches the URL.
    from django.core.cache import cache

    cached = cache.get(f"saml.metadata.{saml_idp.metadata_url}.None")
    assert cached["idp"]["entityId"] == saml_idp.entity_id
    assert saml_idp.certificate in str(cached["idp"])


def test_the_app_reads_the_idp_from_an_uploaded_metadata_file(organization, saml_idp):
    provider = saml_identity_provider(
        organization, saml_idp, metadata_url="", metadata_xml=saml_idp.metadata()
    )

    idp = saml.build_app(provider).settings["idp"]

    assert idp == {
        "entity_id": saml_idp.entity_id,
        "sso_url": saml_idp.sso_url,
        "x509cert": saml_idp.certificate,
    }


# -- Signing in ----------------------------------------------------------------------------------------


def test_the_subject_is_the_nameid_and_signs_into_the_linked_account(client, saml_idp, trusted, organization):
    claire = member(organization, Role.MENTOR, email="claire@acme.example")
    SocialAccount.objects.create(user=claire, provider=trusted.provider_id, uid="entra-oid-0001")
    # Claire's address changed at the IdP: the stable subject still finds her account.
    saml_idp.add_user("claire", subject="entra-oid-0001", attributes={ENTRA_EMAIL: ["c.dubois@acme.example"]})

    sign_in_with_client(client, saml_idp, LOGIN, "claire")

    assert int(client.session["_auth_user_id"]) == claire.pk


def test_an_idp_signs_in_from_an_uploaded_metadata_file(client, saml_idp, organization):
    provider = saml_identity_provider(
        organization, saml_idp, metadata_url="", metadata_xml=saml_idp.metadata()
    )
    saml_idp.trust_sp(client.get(METADATA).content)
    claire = member(organization, Role.MENTOR, email="claire@acme.example")
    SocialAccount.objects.create(user=claire, provider=provider.provider_id, uid="claire-1")
    saml_idp.add_user("claire", subject="claire-1")

    sign_in_with_client(client, saml_idp, LOGIN, "claire")

    assert int(client.session["_auth_user_id"]) == claire.pk


@pytest.mark.parametrize(
    "attributes",
    [
        # Entra ID's default claims
        {ENTRA_EMAIL: ["zoe@acme.example"], ENTRA_GIVEN_NAME: ["Zoé"], ENTRA_SURNAME: ["Roux"]},
        # Okta's and Google Workspace's, as their set-up guides name them
        {"email": ["zoe@acme.example"], "firstName": ["Zoé"], "lastName": ["Roux"]},
    ],
    ids=["entra-id", "okta-google"],
)
def test_jit_as_a_role_creates_the_member_from_the_attributes(
    client, saml_idp, trusted, organization, attributes
):
    with tenant_context(organization):
        IdentityProvider.objects.update(jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.MENTEE)
    confirm_domain(organization, "acme.example")
    saml_idp.add_user("zoe", subject="zoe-persistent-id", attributes=attributes)

    sign_in_with_client(client, saml_idp, LOGIN, "zoe")

    zoe = get_user_model().objects.get(email="zoe@acme.example")
    assert int(client.session["_auth_user_id"]) == zoe.pk
    assert (zoe.first_name, zoe.last_name) == ("Zoé", "Roux")
    assert _memberships(zoe, organization) == [Role.MENTEE]
    assert SocialAccount.objects.get(user=zoe).uid == "zoe-persistent-id"


@pytest.mark.parametrize("invited", [True, False], ids=["invited", "stranger"])
def test_jit_for_invited_people_only_admits_the_invitee(client, saml_idp, trusted, organization, invited):
    with tenant_context(organization):
        IdentityProvider.objects.update(jit=IdentityProvider.JoinPolicy.INVITED)
    confirm_domain(organization, "acme.example")
    if invited:
        InvitationFactory(organization=organization, email="zoe@acme.example", role=Role.EXECUTIVE)
    saml_idp.add_user("zoe", subject="zoe-1", attributes={"email": ["zoe@acme.example"]})

    finish = sign_in_with_client(client, saml_idp, LOGIN, "zoe")

    zoe = get_user_model().objects.filter(email="zoe@acme.example").first()
    if invited:
        assert int(client.session["_auth_user_id"]) == zoe.pk
        assert _memberships(zoe, organization) == [Role.EXECUTIVE]
    else:
        assert finish.status_code == 403
        assert zoe is None


def test_jit_off_refuses_a_newcomer_and_creates_nothing(client, saml_idp, trusted, organization):
    confirm_domain(organization, "acme.example")
    saml_idp.add_user("zoe", subject="zoe-1", attributes={"email": ["zoe@acme.example"]})

    finish = sign_in_with_client(client, saml_idp, LOGIN, "zoe")

    assert finish.status_code == 403
    assert "does not let people join" in finish.content.decode()
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email="zoe@acme.example").exists()
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize(
    "email",
    [
        "bob@globex.example",  # Globex's domain: Acme's IdP does not vouch for it
        "bob@acme.example",  # Acme's domain, but the account is Globex's member only
    ],
)
def test_an_idp_asserting_another_organisations_member_gets_nothing_of_them(
    client, saml_idp, trusted, organization, other_organization, email
):
    with tenant_context(organization):
        IdentityProvider.objects.update(jit=IdentityProvider.JoinPolicy.AS_ROLE, jit_role=Role.HR_ADMIN)
    confirm_domain(organization, "acme.example")
    bob = member(other_organization, Role.HR_ADMIN, email=email)
    saml_idp.add_user("mallory", subject="mallory-1", attributes={"email": [email]})

    finish = sign_in_with_client(client, saml_idp, LOGIN, "mallory")

    assert finish.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
    assert _memberships(bob, organization) == []
    assert _memberships(bob, other_organization) == [Role.HR_ADMIN]


def test_a_disabled_idp_signs_nobody_in(client, saml_idp, trusted, organization):
    claire = member(organization, Role.MENTOR, email="claire@acme.example")
    SocialAccount.objects.create(user=claire, provider=trusted.provider_id, uid="claire-1")
    saml_idp.add_user("claire", subject="claire-1")
    with tenant_context(organization):
        IdentityProvider.objects.update(enabled=False)

    assert client.post(LOGIN).status_code == 404
    assert "_auth_user_id" not in client.session


def test_the_acs_is_rate_limited(client, settings, trusted):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "sso_callback": "2/m/ip"}

    answers = [client.post("/accounts/saml/acme/acs/", {"SAMLResponse": "x"}).status_code for _ in range(3)]

    assert answers == [302, 302, 429]


# -- The settings page, the certificate, Test connection ----------------------------------------------


def test_the_settings_page_shows_what_the_idp_must_know(client_for, hr_admin, provider, client):
    client_for(hr_admin)

    response = client.get(SETTINGS)

    body = response.content.decode()
    assert response.status_code == 200
    assert "http://binome.test/accounts/saml/acme/metadata/" in body
    assert "http://binome.test/accounts/saml/acme/acs/" in body
    assert 'href="http://binome.test/accounts/saml/acme/metadata/"' in body
    assert CERTIFICATE in body
    assert "PRIVATE KEY" not in body
    assert _stored(provider).sp_private_key.splitlines()[1] not in body


def test_before_the_idp_metadata_the_page_shows_the_sp_and_nothing_signs_in(
    client_for, client, hr_admin, organization
):
    with tenant_context(organization):
        IdentityProvider.objects.create(
            organization=organization, protocol=IdentityProvider.Protocol.SAML, name="Acme SSO", enabled=False
        )
    client_for(hr_admin)

    page = client.get(SETTINGS).content.decode()

    assert "http://binome.test/accounts/saml/acme/acs/" in page
    assert "Test connection" not in page
    assert client.post(LOGIN).status_code == 404


def test_the_certificate_downloads_for_hr(client_for, client, provider, hr_admin):
    client_for(hr_admin)

    response = client.get(CERTIFICATE)

    assert response.status_code == 200
    assert response.content.decode() == _stored(provider).sp_certificate
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.MENTOR, Role.MENTEE])
def test_the_certificate_is_refused_to_other_roles(client_for, client, provider, organization, role):
    client_for(member(organization, role, email=f"{role}@acme.example"))

    assert client.get(CERTIFICATE).status_code == 403


def test_the_certificate_is_404_to_another_organisations_hr(client_for, client, provider, outsider):
    client_for(outsider)

    assert client.get(CERTIFICATE).status_code == 404


def test_the_certificate_is_404_without_a_saml_idp(client_for, client, hr_admin):
    client_for(hr_admin)

    assert client.get(CERTIFICATE).status_code == 404


def _settings_form(saml_idp, **fields):
    return {
        "idp-name": "Acme SSO",
        "idp-protocol": "saml",
        "idp-metadata_url": saml_idp.metadata_url,
        "idp-jit": "off",
        "idp-enabled": "on",
        **fields,
    }


def test_hr_sets_saml_up_with_a_metadata_url(client_for, client, hr_admin, organization, saml_idp):
    client_for(hr_admin)

    response = client.post(SETTINGS, _settings_form(saml_idp))

    assert response.status_code == 302
    with tenant_context(organization):
        stored = IdentityProvider.objects.get()
    assert (stored.protocol, stored.metadata_url, stored.enabled) == ("saml", saml_idp.metadata_url, True)


def test_hr_sets_saml_up_with_a_metadata_file(client_for, client, hr_admin, organization, saml_idp):
    client_for(hr_admin)
    upload = SimpleUploadedFile("idp.xml", saml_idp.metadata().encode(), "text/xml")

    response = client.post(
        SETTINGS, _settings_form(saml_idp, **{"idp-metadata_url": "", "idp-metadata_file": upload})
    )

    assert response.status_code == 302
    with tenant_context(organization):
        assert saml_idp.entity_id in IdentityProvider.objects.get().metadata_xml


def test_a_metadata_file_and_url_together_are_refused(client_for, client, hr_admin, organization, saml_idp):
    client_for(hr_admin)
    upload = SimpleUploadedFile("idp.xml", saml_idp.metadata().encode(), "text/xml")

    response = client.post(SETTINGS, _settings_form(saml_idp, **{"idp-metadata_file": upload}))

    assert response.status_code == 200
    assert "not both" in response.content.decode()
    with tenant_context(organization):
        assert not IdentityProvider.objects.exists()


def test_an_unreadable_metadata_url_is_refused_on_save(client_for, client, hr_admin, organization, saml_idp):
    client_for(hr_admin)

    response = client.post(
        SETTINGS, _settings_form(saml_idp, **{"idp-metadata_url": f"{saml_idp.base_url}/nothing"})
    )

    assert response.status_code == 200
    assert "metadata could not be read" in response.content.decode()
    with tenant_context(organization):
        assert not IdentityProvider.objects.exists()


def test_test_connection_shows_the_attributes_and_signs_nobody_in(
    client_for, client, hr_admin, trusted, saml_idp, organization
):
    with tenant_context(organization):
        IdentityProvider.objects.update(enabled=False)  # tested before it is turned on
    saml_idp.add_user(
        "zoe", subject="zoe-nameid", attributes={"email": ["zoe@acme.example"], "department": ["IT", "Data"]}
    )
    client_for(hr_admin)

    finish = sign_in_with_client(client, saml_idp, "/o/acme/security/sso/test/", "zoe")

    body = finish.content.decode()
    assert finish.status_code == 200
    assert "zoe-nameid" in body
    assert "zoe@acme.example" in body
    assert "IT, Data" in body
    assert int(client.session["_auth_user_id"]) == hr_admin.pk
    assert not get_user_model().objects.filter(email="zoe@acme.example").exists()
    assert not SocialAccount.objects.exists()


def test_the_idp_metadata_is_fetched_once_for_many_sign_ins(client, saml_idp, trusted, organization):
    claire = member(organization, Role.MENTOR, email="claire@acme.example")
    SocialAccount.objects.create(user=claire, provider=trusted.provider_id, uid="claire-1")
    saml_idp.add_user("claire", subject="claire-1")
    fetched = []
    original = saml_idp._app

    def counting(environ, start_response):
        if environ["PATH_INFO"] == "/metadata":
            fetched.append(1)
        return original(environ, start_response)

    saml_idp._httpd.set_app(counting)
    try:
        for _ in range(2):
            sign_in_with_client(client, saml_idp, LOGIN, "claire")
            client.logout()
    finally:
        saml_idp._httpd.set_app(original)

    assert len(fetched) == 1


def test_the_sp_metadata_costs_a_fixed_number_of_queries(client, provider):
    client.get(METADATA)  # the key pair is made on first use

    with CaptureQueriesContext(connection) as queries:
        client.get(METADATA)

    assert len(queries) <= 2
