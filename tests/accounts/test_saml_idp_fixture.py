"""The test IdP and allauth's SAML provider understand each other, with nothing of Binôme's own in between.

A SocialApp configured by hand for Acme (client_id = the organisation's slug, as allauth's SAML URLs
expect) signs a person in through the real pysaml2 IdP: the proof the fixture is a faithful IdP.
"""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.sites.models import Site

from tests.factories import UserFactory
from tests.saml_idp import self_signed_certificate, sign_in_with_client


@pytest.fixture
def client(client, settings):
    """python3-saml refuses single-label hosts such as ``testserver`` in SP URLs: a dotted one."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "binome.test"]
    client.defaults["HTTP_HOST"] = "binome.test"
    return client


@pytest.fixture
def acme_app(saml_idp, organization):
    key, certificate = self_signed_certificate("binome-sp-acme")
    app = SocialApp.objects.create(
        provider="saml",
        provider_id="saml-acme",
        name="Acme",
        client_id="acme",
        settings={
            "idp": {"entity_id": saml_idp.entity_id, "metadata_url": saml_idp.metadata_url},
            "attribute_mapping": {"email": "mail", "first_name": "givenName", "last_name": "sn"},
            "advanced": {
                "private_key": key,
                "x509cert": certificate,
                "authn_request_signed": True,
                "want_assertion_signed": True,
                "want_message_signed": True,
            },
        },
    )
    app.sites.add(Site.objects.get_current())
    return app


def test_allauth_publishes_sp_metadata_the_idp_accepts(client, saml_idp, acme_app):
    response = client.get("/accounts/saml/acme/metadata/")

    assert response.status_code == 200
    saml_idp.trust_sp(response.content)
    assert "http://binome.test/accounts/saml/acme/acs/" in response.content.decode()


def test_a_person_known_by_their_subject_signs_in_through_the_idp(client, saml_idp, acme_app):
    person = UserFactory(email="claire@acme.example")
    SocialAccount.objects.create(user=person, provider="saml-acme", uid="claire-0001")
    saml_idp.trust_sp(client.get("/accounts/saml/acme/metadata/").content)
    saml_idp.add_user(
        "claire", subject="claire-0001", attributes={"mail": ["claire@acme.example"], "givenName": ["Claire"]}
    )

    finish = sign_in_with_client(client, saml_idp, "/accounts/saml/acme/login/", "claire")

    assert finish.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk
    assert saml_idp.assertions[-1].destination == "http://binome.test/accounts/saml/acme/acs/"


def test_an_unsigned_response_is_refused(client, saml_idp, acme_app):
    person = UserFactory(email="claire@acme.example")
    SocialAccount.objects.create(user=person, provider="saml-acme", uid="claire-0001")
    saml_idp.trust_sp(client.get("/accounts/saml/acme/metadata/").content)
    saml_idp.add_user("claire", subject="claire-0001")
    saml_idp.sign_response = saml_idp.sign_assertion = False

    finish = sign_in_with_client(client, saml_idp, "/accounts/saml/acme/login/", "claire")

    assert "_auth_user_id" not in client.session
    assert finish.status_code == 401  # allauth's authentication error page
