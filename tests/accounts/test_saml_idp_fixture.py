"""The test IdP and allauth's SAML provider understand each other.

allauth's SAML views, for an organisation's SAML IdentityProvider (client_id = the organisation's slug, as
allauth's SAML URLs expect), sign a person in through the real pysaml2 IdP: the proof the fixture is a
faithful IdP, and that a mis-signed answer is refused.
"""

import pytest
import requests
from allauth.socialaccount.models import SocialAccount

from accounts.models import IdentityProvider
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import member
from tests.idp.saml import (
    answer_of_idp,
    forms_of,
    post_to_acs,
    saml_identity_provider,
    self_signed_certificate,
    sign_in_with_client,
)

LOGIN = "/accounts/saml/acme/login/"


@pytest.fixture
def client(client, settings):
    """python3-saml refuses single-label hosts such as ``testserver`` in SP URLs: a dotted one."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "binome.test"]
    client.defaults["HTTP_HOST"] = "binome.test"
    return client


@pytest.fixture
def claire(saml_idp, organization, client):
    provider = saml_identity_provider(organization, saml_idp)
    person = member(organization, Role.MENTEE, email="claire@acme.example")
    SocialAccount.objects.create(user=person, provider=provider.provider_id, uid="claire-0001")
    saml_idp.trust_sp(client.get("/accounts/saml/acme/metadata/").content)
    saml_idp.add_user("claire", subject="claire-0001", attributes={"email": ["claire@acme.example"]})
    return person


def test_the_idp_publishes_its_metadata(saml_idp):
    response = requests.get(saml_idp.metadata_url, timeout=10)

    assert response.status_code == 200
    assert saml_idp.entity_id in response.text
    assert saml_idp.certificate in response.text


def test_a_person_known_by_their_subject_signs_in_through_the_idp(client, saml_idp, claire):
    finish = sign_in_with_client(client, saml_idp, LOGIN, "claire")

    assert finish.status_code == 302
    assert int(client.session["_auth_user_id"]) == claire.pk
    assert saml_idp.assertions[-1].destination == "http://binome.test/accounts/saml/acme/acs/"


def test_a_wrong_password_at_the_idp_sends_nothing(client, saml_idp, claire):
    to_idp = client.post(LOGIN)
    page = requests.get(to_idp["Location"], timeout=10)
    assert "Sign in at the IdP" in page.text
    fields = {**forms_of(page.text)[0]["fields"], "username": "claire", "password": "wrong"}
    answer = requests.post(f"{saml_idp.base_url}/login", data=fields, timeout=10)

    assert "Wrong username or password" in answer.text
    assert saml_idp.assertions == []


def test_an_unsigned_response_is_refused(client, saml_idp, claire):
    saml_idp.sign_response = saml_idp.sign_assertion = False

    finish = sign_in_with_client(client, saml_idp, LOGIN, "claire")

    assert "_auth_user_id" not in client.session
    assert finish.status_code == 401  # allauth's authentication error page


def test_a_response_signed_with_another_key_is_refused(client, saml_idp, claire, organization):
    # The SP trusts a metadata file naming another certificate: the IdP's real signature cannot match.
    _, foreign_certificate = self_signed_certificate("not-the-idp")
    foreign_body = "".join(foreign_certificate.splitlines()[1:-1])
    with tenant_context(organization):
        IdentityProvider.objects.update(
            metadata_url="", metadata_xml=saml_idp.metadata().replace(saml_idp.certificate, foreign_body)
        )

    finish = sign_in_with_client(client, saml_idp, LOGIN, "claire")

    assert "_auth_user_id" not in client.session
    assert finish.status_code == 401


def test_an_assertion_signed_alone_is_accepted_as_entra_id_sends_it(client, saml_idp, claire):
    saml_idp.sign_response = False

    sign_in_with_client(client, saml_idp, LOGIN, "claire")

    assert int(client.session["_auth_user_id"]) == claire.pk


def test_a_signed_response_around_an_unsigned_assertion_is_refused(client, saml_idp, claire):
    saml_idp.sign_assertion = False

    finish = sign_in_with_client(client, saml_idp, LOGIN, "claire")

    assert finish.status_code == 401
    assert "_auth_user_id" not in client.session


def test_a_captured_answer_cannot_be_replayed(client, saml_idp, claire):
    answer = answer_of_idp(client, saml_idp, LOGIN, "claire")
    post_to_acs(client, answer)
    assert int(client.session["_auth_user_id"]) == claire.pk
    client.logout()

    replayed = post_to_acs(client, answer)

    assert replayed.status_code in (401, 403)
    assert "_auth_user_id" not in client.session


def test_an_answer_for_another_organisations_acs_is_refused(client, saml_idp, claire, other_organization):
    # Globex's SP trusts the same IdP; Acme's answer (audience and destination Acme's) is posted to Globex.
    globex = saml_identity_provider(other_organization, saml_idp)
    bob = member(other_organization, Role.MENTEE, email="bob@globex.example")
    SocialAccount.objects.create(user=bob, provider=globex.provider_id, uid="claire-0001")
    saml_idp.trust_sp(client.get("/accounts/saml/globex/metadata/").content)
    answer = answer_of_idp(client, saml_idp, LOGIN, "claire")
    answer["action"] = answer["action"].replace("/saml/acme/", "/saml/globex/")

    finish = post_to_acs(client, answer)

    assert finish.status_code in (401, 403)
    assert "_auth_user_id" not in client.session
