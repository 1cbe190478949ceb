"""A real SAML 2.0 identity provider for the tests: pysaml2's ``saml2.server.Server`` behind a small WSGI app.

It listens on 127.0.0.1 on a free port, signs with a key and certificate made when it starts, and publishes
its metadata at ``/metadata``, as an Entra ID, Okta or Google Workspace tenant would. A test says who may
sign in and what the IdP asserts about them (``add_user``) and which service providers it trusts
(``trust_sp``, with the SP metadata Binôme publishes, as an IT admin would import it). pysaml2 signs and
checks signatures with Debian's ``xmlsec1`` (``apt-get install xmlsec1``; .ci/run does it).

A person signs in at the IdP's own login page (``/sso/redirect``, a username and password form); the IdP
then answers with its auto-submitting HTTP-POST form to the SP's ACS URL, as real IdPs do.
"""

from __future__ import annotations

import datetime
import html
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.attribute_converter import AttributeConverter
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import (
    NAME_FORMAT_URI,
    NAMEID_FORMAT_EMAILADDRESS,
    NAMEID_FORMAT_PERSISTENT,
    NameID,
)
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

PASSWORD_PROTECTED = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def self_signed_certificate(common_name: str) -> tuple[str, str]:
    """A fresh RSA key and a self-signed certificate for it, both PEM: what an IdP signs with."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class IdPUser:
    password: str
    subject: str
    attributes: dict[str, list[str]]
    name_id_format: str = NAMEID_FORMAT_PERSISTENT


@dataclass
class Assertion:
    """What the IdP sent: for tests that check what reached the SP."""

    username: str
    sp_entity_id: str
    destination: str


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@dataclass
class SamlIdP:
    """The running IdP. ``base_url`` and ``metadata_url`` are what an admin would paste into Binôme."""

    directory: Path
    users: dict[str, IdPUser] = field(default_factory=dict)
    assertions: list[Assertion] = field(default_factory=list)
    service_providers: list[str] = field(default_factory=list)
    sign_response: bool = True
    sign_assertion: bool = True

    def __post_init__(self):
        self._httpd = make_server(
            "127.0.0.1", 0, self._app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.entity_id = f"{self.base_url}/metadata"
        self.metadata_url = f"{self.base_url}/metadata"
        self.sso_url = f"{self.base_url}/sso/redirect"
        key_pem, self.certificate_pem = self_signed_certificate(f"127.0.0.1:{self.port}")
        self._key_file = self.directory / "idp.key"
        self._key_file.write_text(key_pem)
        self._cert_file = self.directory / "idp.crt"
        self._cert_file.write_text(self.certificate_pem)
        self.reset()
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def certificate(self) -> str:
        """The certificate's base64 body, as IdP admin consoles show it for copying."""
        return "".join(line for line in self.certificate_pem.splitlines() if "-----" not in line)

    def reset(self):
        """A fresh IdP for the next test: no users, no trusted SPs, the same key and port."""
        self.users = {}
        self.assertions = []
        self.service_providers = []
        self.sign_response = True
        self.sign_assertion = True
        self._server = Server(config=self._config())

    def _config(self) -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "name": "Binôme test IdP",
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{self.base_url}/sso/redirect", BINDING_HTTP_REDIRECT),
                                (f"{self.base_url}/sso/post", BINDING_HTTP_POST),
                            ],
                        },
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_EMAILADDRESS],
                        # A strict IdP, as enterprise ones are: the SP must sign its requests with the key
                        # whose certificate its metadata published.
                        "want_authn_requests_signed": True,
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": 5},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_URI,
                            }
                        },
                    }
                },
                "key_file": str(self._key_file),
                "cert_file": str(self._cert_file),
                "xmlsec_binary": shutil.which("xmlsec1"),
                "accepted_time_diff": 60,
                **({"metadata": {"inline": self.service_providers}} if self.service_providers else {}),
            }
        )
        # Attributes go out under the names the test gives (as Entra ID, Okta or Google Workspace name
        # them), not translated through pysaml2's maps of friendly names to OIDs.
        passthrough = AttributeConverter(NAME_FORMAT_URI)
        passthrough.from_dict({"identifier": NAME_FORMAT_URI, "to": {}, "fro": {}})
        config.attribute_converters = [passthrough]
        return config

    def metadata(self) -> str:
        return create_metadata_string(None, config=self._server.config, valid=24).decode()

    def add_user(
        self, username, *, password="idp-password", subject=None, attributes=None, name_id_format=None
    ):
        """A person the IdP knows; ``attributes`` under the names the IdP asserts them (URIs, as Entra ID)."""
        self.users[username] = IdPUser(
            password=password,
            subject=subject or f"subject-{username}",
            attributes={name: list(values) for name, values in (attributes or {}).items()},
            name_id_format=name_id_format or NAMEID_FORMAT_PERSISTENT,
        )
        return self.users[username]

    def trust_sp(self, metadata_xml: str | bytes):
        """Import an SP's metadata, as an IT admin does in their IdP's console."""
        if isinstance(metadata_xml, bytes):
            metadata_xml = metadata_xml.decode()
        self.service_providers.append(metadata_xml)
        self._server = Server(config=self._config())

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()
        shutil.rmtree(self.directory, ignore_errors=True)

    # The WSGI app ---------------------------------------------------------------------------------------

    def _app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            params = parse_qs(environ["wsgi.input"].read(length).decode(), keep_blank_values=True)
        else:
            params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        form = {name: values[0] for name, values in params.items()}
        try:
            if path == "/metadata":
                return self._respond(
                    start_response, "200 OK", self.metadata(), "application/samlmetadata+xml"
                )
            if path == "/sso/redirect":
                return self._login_page(start_response, form, BINDING_HTTP_REDIRECT)
            if path == "/sso/post" and method == "POST":
                return self._login_page(start_response, form, BINDING_HTTP_POST)
            if path == "/login" and method == "POST":
                return self._login(start_response, form)
        except Exception as error:  # the IdP refuses what it cannot read, as a real one does
            return self._respond(start_response, "400 Bad Request", f"IdP error: {error}", "text/plain")
        return self._respond(start_response, "404 Not Found", "not found", "text/plain")

    def _respond(self, start_response, status, body, content_type):
        data = body.encode()
        start_response(status, [("Content-Type", f"{content_type}; charset=utf-8")])
        return [data]

    def _parse(self, form, binding):
        return self._server.parse_authn_request(
            form["SAMLRequest"],
            binding,
            relay_state=form.get("RelayState"),
            sigalg=form.get("SigAlg"),
            signature=form.get("Signature"),
        )

    def _login_page(self, start_response, form, binding, error=""):
        # The request is checked (signature, known SP) before anyone types a password.
        self._parse(form, binding)
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(form[name])}">'
            # RelayState is signed even when empty: it is kept as it came.
            for name in ("SAMLRequest", "RelayState", "SigAlg", "Signature")
            if name in form
        )
        body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test IdP sign-in</title></head>
<body><h1>Test IdP</h1><p class="error">{html.escape(error)}</p>
<form method="post" action="/login">{hidden}
<input type="hidden" name="binding" value="{html.escape(binding)}">
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in at the IdP</button>
</form></body></html>"""
        return self._respond(start_response, "200 OK", body, "text/html")

    def _login(self, start_response, form):
        binding = form.pop("binding", BINDING_HTTP_REDIRECT)
        user = self.users.get(form.get("username", ""))
        if user is None or user.password != form.get("password"):
            return self._login_page(start_response, form, binding, error="Wrong username or password")
        request = self._parse(form, binding).message
        args = self._server.response_args(request, [BINDING_HTTP_POST])
        name_id = NameID(format=user.name_id_format, text=user.subject)
        response = self._server.create_authn_response(
            user.attributes,
            name_id=name_id,
            authn={"class_ref": PASSWORD_PROTECTED, "authn_auth": self.entity_id},
            sign_response=self.sign_response,
            sign_assertion=self.sign_assertion,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            in_response_to=args["in_response_to"],
            destination=args["destination"],
            sp_entity_id=args["sp_entity_id"],
        )
        self.assertions.append(
            Assertion(
                username=form["username"], sp_entity_id=args["sp_entity_id"], destination=args["destination"]
            )
        )
        http = self._server.apply_binding(
            BINDING_HTTP_POST, str(response), args["destination"], form.get("RelayState", ""), response=True
        )
        return self._respond(start_response, "200 OK", http["data"], "text/html")


def start_idp() -> SamlIdP:
    return SamlIdP(directory=Path(tempfile.mkdtemp(prefix="binome-saml-idp-")))


class _Forms(HTMLParser):
    """The forms of a page: their action and their inputs' values (the IdP's login form, its POST form)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def forms_of(page: str) -> list[dict]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def answer_of_idp(
    client, idp: SamlIdP, login_url: str, username: str, password: str = "idp-password"
) -> dict:
    """Start the SP-initiated flow with Django's test client and sign in at the IdP over real HTTP.

    Returns the IdP's HTTP-POST form (``action``, ``fields``: SAMLResponse, RelayState), not yet posted.
    """
    to_idp = client.post(login_url)
    assert to_idp.status_code == 302, to_idp
    assert to_idp["Location"].startswith(idp.sso_url), to_idp["Location"]
    login_page = requests.get(to_idp["Location"], timeout=10)
    assert login_page.status_code == 200, login_page.text
    fields = forms_of(login_page.text)[0]["fields"]
    fields.update(username=username, password=password)
    answer = requests.post(f"{idp.base_url}/login", data=fields, timeout=10)
    assert answer.status_code == 200, answer.text
    return forms_of(answer.text)[0]


def post_to_acs(client, post_form: dict):
    """What the browser does with the IdP's form: post it to the ACS, follow allauth's one redirect."""
    to_finish = client.post(urlsplit(post_form["action"]).path, post_form["fields"])
    assert to_finish.status_code == 302, to_finish
    return client.get(to_finish["Location"])


def sign_in_with_client(client, idp: SamlIdP, login_url: str, username: str, password: str = "idp-password"):
    """The whole SP-initiated flow; returns the response of allauth's last step (the ACS finish)."""
    return post_to_acs(client, answer_of_idp(client, idp, login_url, username, password))


def saml_identity_provider(organization, idp: SamlIdP, **fields):
    """Binôme's side: the organisation's SAML IdentityProvider pointing at the test IdP's metadata URL."""
    from accounts.models import IdentityProvider
    from organizations.tenancy import tenant_context

    values = {
        "protocol": IdentityProvider.Protocol.SAML,
        "name": f"{organization.name} SSO",
        "enabled": True,
        "metadata_url": idp.metadata_url,
        **fields,
    }
    with tenant_context(organization):
        return IdentityProvider.objects.create(organization=organization, **values)


def confirm_domain(organization, domain):
    from django.utils import timezone

    from accounts.models import EmailDomain
    from organizations.tenancy import tenant_context

    with tenant_context(organization):
        return EmailDomain.objects.create(
            organization=organization, domain=domain, confirmed_at=timezone.now()
        )


def idp_metadata_xml(entity_id: str, sso_url: str) -> str:
    """Metadata of an IdP that is not running, with a fresh signing certificate: for tests that only
    need Binôme to accept an IdP's configuration (the isolation walk)."""
    _, certificate_pem = self_signed_certificate("offline-idp")
    certificate = "".join(line for line in certificate_pem.splitlines() if "-----" not in line)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{html.escape(entity_id)}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>
      <ds:X509Certificate>{certificate}</ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="{html.escape(sso_url)}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""
