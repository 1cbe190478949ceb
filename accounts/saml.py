"""SAML 2.0 single sign-on: an organisation's ``IdentityProvider`` as allauth's SAML app.

The protocol is allauth's SAML provider (``allauth.socialaccount.providers.saml``, on python3-saml): this
module only says how it is set up for one organisation.

- allauth's SAML URLs carry the app's ``client_id``: it is the organisation's slug
  (``/accounts/saml/<slug>/login/``, ``acs/``, ``metadata/``); the linked identities are stored under the
  provider's ``provider_id`` (``idp-<pk>``), so a subject asserted by one organisation's IdP never matches
  an identity of another's.
- The IdP is read from its metadata, by URL or from the file the admin uploaded, parsed here with
  python3-saml's metadata parser. The URL is fetched here (never by allauth or python3-saml, whose fetches
  follow redirects anywhere): through the SSO session, to public addresses only, cached for four hours so
  that certificate rollovers are followed.
- The subject is the NameID, asked for in the persistent format: e-mail and names come from the
  attributes, under the names Entra ID, Okta and Google Workspace send by default.
- Binôme signs its requests and wants signed assertions, with a key pair of its own per organisation,
  made on first use and kept on the ``IdentityProvider``.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from allauth.socialaccount.models import SocialApp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from mentoring.outbound import refusal_in
from organizations.tenancy import unscoped

from .models import IdentityProvider
from .sso_http import sso_session

logger = logging.getLogger(__name__)

PROVIDER = "saml"
NAMEID_PERSISTENT = OneLogin_Saml2_Constants.NAMEID_PERSISTENT

# allauth's attribute mapping: for each field, the attribute names tried in turn. No "uid": the subject
# is then the NameID (allauth's fallback), which IdPs keep stable when it is persistent; an attribute
# such as a user principal name can be renamed by the customer's IT.
ATTRIBUTE_MAPPING = {
    "email": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",  # Entra ID
        "email",  # Okta and Google Workspace, as their set-up guides name it
        "mail",
        "urn:oid:0.9.2342.19200300.100.1.3",
    ],
    "first_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",  # Entra ID
        "firstName",  # Okta, Google Workspace
        "first_name",
        "givenName",
        "urn:oid:2.5.4.42",
    ],
    "last_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",  # Entra ID
        "lastName",  # Okta, Google Workspace
        "last_name",
        "sn",
        "urn:oid:2.5.4.4",
    ],
}

SP_CERTIFICATE_YEARS = 10
METADATA_TIMEOUT_SECONDS = 10
METADATA_MAX_BYTES = 1024 * 1024
# allauth's own cache time for metadata read by URL: an IdP's new signing certificate is seen within it.
METADATA_CACHE_SECONDS = 4 * 60 * 60


@dataclass(frozen=True)
class ServiceProvider:
    """What the organisation's IT admin copies into their IdP."""

    entity_id: str
    acs_url: str
    metadata_url: str
    certificate: str


@dataclass(frozen=True)
class IdPDetails:
    entity_id: str
    sso_url: str
    certificate: str
    slo_url: str = ""
    # python3-saml's whole reading of the metadata (every signing certificate, for a rollover).
    parsed: dict = field(default_factory=dict, compare=False)


def _generate_key_pair(common_name: str) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * SP_CERTIFICATE_YEARS))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


def ensure_sp_key_pair(*, provider: IdentityProvider) -> IdentityProvider:
    """The provider with its SP key and certificate, made and stored the first time they are needed.

    Two requests may race to make them: the conditional update lets one win, and both use its pair.
    """
    if provider.sp_private_key and provider.sp_certificate:
        return provider
    key, certificate = _generate_key_pair(f"Binôme SAML SP {provider.organization.slug}")
    with unscoped("the SP key pair is stored on the row allauth's request already found"):
        IdentityProvider.objects.filter(pk=provider.pk, sp_private_key="").update(
            sp_private_key=key, sp_certificate=certificate
        )
        stored = IdentityProvider.objects.values("sp_private_key", "sp_certificate").get(pk=provider.pk)
    provider.sp_private_key = stored["sp_private_key"]
    provider.sp_certificate = stored["sp_certificate"]
    return provider


def fetch_metadata(url: str) -> str:
    """The metadata document at ``url``, through the SSO session; ``RefusedDestination`` or an error if not."""
    with sso_session() as session:
        answer = session.get(url, stream=True, timeout=METADATA_TIMEOUT_SECONDS)
        answer.raise_for_status()
        body = answer.raw.read(METADATA_MAX_BYTES + 1, decode_content=True)
    if len(body) > METADATA_MAX_BYTES:
        raise ValueError("metadata larger than 1 MB")
    return body.decode("utf-8")


def read_idp_metadata(*, url: str = "", xml: str = "") -> IdPDetails:
    """The IdP's entity id, sign-on URL and signing certificate from its metadata, or a ValidationError.

    The form calls it before saving, so the admin learns at once that a URL or a file is unusable.
    """
    try:
        if url:
            xml = fetch_metadata(url)
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml)
    except Exception as error:  # unreachable, not XML, not metadata: python3-saml raises many kinds
        refusal = refusal_in(error)
        if refusal is not None:
            raise ValidationError(str(refusal)) from None
        raise ValidationError(_("The identity provider's metadata could not be read.")) from None
    idp = parsed.get("idp") or {}
    certificate = idp.get("x509cert") or next(iter(idp.get("x509certMulti", {}).get("signing", [])), "")
    sso_url = (idp.get("singleSignOnService") or {}).get("url", "")
    if not idp.get("entityId") or not sso_url or not certificate:
        raise ValidationError(
            _("The metadata names no identity provider with a sign-on URL and a signing certificate.")
        )
    return IdPDetails(
        entity_id=idp["entityId"],
        sso_url=sso_url,
        certificate=certificate,
        slo_url=(idp.get("singleLogoutService") or {}).get("url", ""),
        parsed=parsed,
    )


def _metadata_by_url(url: str) -> IdPDetails | None:
    key = "binome.saml.metadata." + hashlib.sha256(url.encode()).hexdigest()
    details = cache.get(key)
    if details is None:
        try:
            details = read_idp_metadata(url=url)
        except ValidationError as error:
            # Not cached: the next sign-in tries again once the IdP is back.
            logger.warning("SAML metadata unreadable url=%s error=%s", url, " ".join(error.messages))
            return None
        cache.set(key, details, METADATA_CACHE_SECONDS)
    return details


def _details(provider: IdentityProvider) -> IdPDetails | None:
    # The URL first: it follows the IdP's certificate rollovers, a file does not.
    if provider.metadata_url:
        return _metadata_by_url(provider.metadata_url)
    if not provider.metadata_xml:
        return None
    try:
        return read_idp_metadata(xml=provider.metadata_xml)
    except ValidationError:
        return None  # the form refuses such a file; a row written some other way runs no sign-in


def _idp_settings(provider: IdentityProvider) -> dict[str, Any] | None:
    """allauth's ``idp`` settings, or None while no usable metadata is at hand."""
    details = _details(provider)
    if details is None:
        return None
    if provider.metadata_url:
        # allauth reads a metadata URL's settings from its cache before it would fetch them itself (with
        # redirects followed anywhere): the cache is filled here with what Binôme fetched, so that allauth
        # keeps every signing certificate the metadata lists (an IdP's rollover) and never fetches.
        cache.set(f"saml.metadata.{provider.metadata_url}.None", details.parsed, METADATA_CACHE_SECONDS)
        return {"metadata_url": provider.metadata_url, "entity_id": None}
    settings = {"entity_id": details.entity_id, "sso_url": details.sso_url, "x509cert": details.certificate}
    if details.slo_url:
        settings["slo_url"] = details.slo_url
    return settings


def idp_sso_url(provider: IdentityProvider) -> str:
    """Where the IdP signs people in (its sign-on service), read from its metadata; "" if unreadable.

    The sign-in pages name its origin in their CSP (form-action), so that their form may lead there.
    """
    details = _details(provider)
    return details.sso_url if details else ""


def _advanced(provider: IdentityProvider) -> dict[str, Any]:
    return {
        "private_key": provider.sp_private_key,
        "x509cert": provider.sp_certificate,
        "name_id_format": NAMEID_PERSISTENT,
        "authn_request_signed": True,
        "want_assertion_signed": True,
        # Entra ID and Google Workspace sign the assertion only, by default: the envelope may be unsigned.
        "want_message_signed": False,
        # The attributes may be missing: accounts.sso then says which one, instead of a protocol error.
        "want_attribute_statement": False,
        "reject_idp_initiated_sso": True,
        "strict": True,
        # python3-saml's check of URL shapes would refuse http://localhost:8000 (`make run`) and an
        # intranet IdP such as https://adfs/: the signatures, not the host names, are what is trusted.
        "allow_single_label_domains": True,
    }


def app_settings(provider: IdentityProvider, idp: dict[str, Any]) -> dict[str, Any]:
    """allauth's SAML settings for the provider (its SP key pair must exist: see ensure_sp_key_pair)."""
    return {
        "idp": idp,
        "attribute_mapping": ATTRIBUTE_MAPPING,
        "advanced": _advanced(provider),
        # Not on the shared sign-in page: people reach their IdP by typing their address.
        "hidden": True,
    }


def build_app(provider: IdentityProvider) -> SocialApp | None:
    """The unsaved allauth app for an organisation's SAML IdP; None until its metadata is given."""
    idp = _idp_settings(provider)
    if idp is None:
        return None
    provider = ensure_sp_key_pair(provider=provider)
    return SocialApp(
        provider=PROVIDER,
        provider_id=provider.provider_id,
        name=provider.name,
        client_id=provider.organization.slug,
        settings=app_settings(provider, idp),
    )


def service_provider(request: HttpRequest, provider: IdentityProvider) -> ServiceProvider:
    """Binôme's SP details for the organisation, as its IdP must know them."""
    provider = ensure_sp_key_pair(provider=provider)
    slug = provider.organization.slug
    metadata_url = request.build_absolute_uri(reverse("saml_metadata", args=[slug]))
    return ServiceProvider(
        # allauth's default entity id: the metadata URL, which the IdP can also fetch.
        entity_id=metadata_url,
        acs_url=request.build_absolute_uri(reverse("saml_acs", args=[slug])),
        metadata_url=metadata_url,
        certificate=provider.sp_certificate,
    )


def sp_metadata(request: HttpRequest, provider: IdentityProvider) -> str:
    """The SP metadata XML, made by python3-saml from allauth's SP settings.

    Unlike allauth's own metadata view it needs no IdP: the customer's IT imports it to *create* the
    application that then gives them the IdP metadata.
    """
    from allauth.socialaccount.providers.saml.utils import build_sp_config

    provider = ensure_sp_key_pair(provider=provider)
    advanced = _advanced(provider)
    config = {
        "strict": True,
        "security": {
            "authnRequestsSigned": advanced["authn_request_signed"],
            "wantAssertionsSigned": advanced["want_assertion_signed"],
            "allowSingleLabelDomains": advanced["allow_single_label_domains"],
        },
        "sp": build_sp_config(request, {"advanced": advanced}, provider.organization.slug),
    }
    saml_settings = OneLogin_Saml2_Settings(settings=config, sp_validation_only=True)
    metadata = saml_settings.get_sp_metadata()
    errors = saml_settings.validate_metadata(metadata)
    if errors:
        raise ValueError(f"invalid SP metadata: {errors}")
    return metadata.decode() if isinstance(metadata, bytes) else metadata
