"""The server never fetches what HR types on the SSO page from inside its own network (server-side request
forgery): an OpenID issuer, its token endpoint, a SAML metadata URL, or any redirect they answer with.

The identity providers of the suite run on 127.0.0.1, which the suite allows (tests/conftest.py); these tests
turn production's refusal back on. Real HTTP servers on loopback addresses count what reached them.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from accounts.models import IdentityProvider
from mentoring import outbound
from organizations.tenancy import tenant_context
from tests.accounts.test_saml import SETTINGS as SAML_SETTINGS
from tests.accounts.test_saml import _settings_form
from tests.accounts.test_sso import make_idp


class _Server:
    """An HTTP server on a loopback address that records each path asked and may redirect."""

    def __init__(self, host="127.0.0.1", redirect_to=None):
        self.paths = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                server.paths.append(self.path)
                if redirect_to:
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                    self.end_headers()
                    return
                body = b"internal secret"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def internal():
    server = _Server()
    yield server
    server.stop()


@pytest.fixture
def refusing(settings):
    settings.SSO_ALLOW_PRIVATE_NETWORKS = False


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fd00::1",
        "::ffff:127.0.0.1",
    ],
)
def test_private_and_internal_addresses_are_not_public(address):
    assert not outbound.is_public(address)


def test_a_public_address_is_public():
    assert outbound.is_public("93.184.216.34")


def test_the_guarded_session_refuses_a_loopback_server_before_sending_anything(internal):
    with (
        pytest.raises(requests.ConnectionError, match="private or internal network"),
        outbound.guarded_session(allow_private=False, timeout=5) as session,
    ):
        session.get(f"{internal.url}/latest/meta-data/")

    assert internal.paths == []


def test_a_name_that_resolves_inside_is_refused_as_well(internal):
    port = internal.httpd.server_address[1]
    with (
        pytest.raises(requests.ConnectionError, match="private or internal network"),
        outbound.guarded_session(allow_private=False, timeout=5) as session,
    ):
        session.get(f"http://localhost:{port}/")

    assert internal.paths == []


def test_a_redirect_from_an_allowed_host_into_the_network_is_refused(monkeypatch):
    inside = _Server("127.0.0.1")
    # 127.0.0.2 plays a public identity provider that answers with a redirect into the network.
    outside = _Server("127.0.0.2", redirect_to=f"{inside.url}/latest/meta-data/")
    monkeypatch.setattr(outbound, "is_public", lambda address: address == "127.0.0.2")
    try:
        with (
            pytest.raises(requests.ConnectionError, match="private or internal network"),
            outbound.guarded_session(allow_private=False, timeout=5) as session,
        ):
            session.get(f"{outside.url}/.well-known/openid-configuration")
        assert outside.paths == ["/.well-known/openid-configuration"]
        assert inside.paths == []
    finally:
        inside.stop()
        outside.stop()


def test_the_setting_lets_an_intranet_identity_provider_through(internal):
    with outbound.guarded_session(allow_private=True, timeout=5) as session:
        assert session.get(f"{internal.url}/metadata").text == "internal secret"


def test_hr_cannot_save_a_saml_metadata_url_inside_the_network(
    client_for, client, hr_admin, organization, saml_idp, internal, refusing
):
    client_for(hr_admin)

    response = client.post(
        SAML_SETTINGS, _settings_form(saml_idp, **{"idp-metadata_url": f"{internal.url}/metadata"})
    )

    assert response.status_code == 200
    assert "private or internal network address" in response.content.decode()
    assert internal.paths == []
    with tenant_context(organization):
        assert not IdentityProvider.objects.exists()


def test_hr_cannot_save_an_openid_issuer_inside_the_network(
    client_for, client, hr_admin, organization, refusing
):
    client_for(hr_admin)

    response = client.post(
        "/o/acme/security/sso/",
        {
            "idp-name": "Acme Entra",
            "idp-protocol": "oidc",
            "idp-server_url": "https://127.0.0.1:8443/tenant",
            "idp-client_id": "binome",
            "idp-client_secret": "s3cret",
            "idp-jit": "off",
            "idp-enabled": "on",
        },
    )

    assert response.status_code == 200
    assert "private or internal network address" in response.content.decode()
    with tenant_context(organization):
        assert not IdentityProvider.objects.exists()


def test_a_stored_issuer_that_now_points_inside_is_not_fetched_at_sign_in(
    client, organization, internal, settings
):
    # Saved while it was allowed, or while its name resolved outside: the sign-in checks again.
    organization.name = "Acme"
    organization.save()
    provider = make_idp(organization, _Issuer(internal.url))
    settings.SSO_ALLOW_PRIVATE_NETWORKS = False

    response = client.post("/accounts/sign-in/", {"email": "someone@acme.example", "continue": "1"})

    assert response.status_code == 502
    assert "cannot be reached" in response.content.decode()
    assert internal.paths == []
    assert provider.server_url.startswith(internal.url)


class _Issuer:
    """What make_idp needs of an OpenID provider, pointing at the internal server."""

    def __init__(self, url):
        self.issuer = f"{url}/tenant"

    def register_client(self, redirect_uris):
        return "binome", "s3cret"


def test_a_stored_metadata_url_that_now_points_inside_signs_nobody_in_and_fetches_nothing(
    client, organization, internal, settings
):
    with tenant_context(organization):
        IdentityProvider.objects.create(
            organization=organization,
            name="Acme SSO",
            protocol=IdentityProvider.Protocol.SAML,
            metadata_url=f"{internal.url}/metadata",
            enabled=True,
        )
    settings.SSO_ALLOW_PRIVATE_NETWORKS = False

    response = client.get(f"/accounts/saml/{organization.slug}/login/")

    assert response.status_code in (302, 404)
    assert internal.paths == []
