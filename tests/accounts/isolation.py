"""Isolation samples for the account pages that take an object: allauth's security-key pages (``pk``),
the single sign-on pages (``domain_id``) and allauth's OIDC login and callback (``provider_id``)."""

from allauth.mfa.models import Authenticator

from accounts.models import EmailDomain, IdentityProvider
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import member
from tests.isolation import FOREIGN_MARKER


def _security_key_pk(organization):
    """A security key of one of the other organisation's members: no one else may edit or remove it."""
    owner = member(organization, Role.MENTEE, email=f"{FOREIGN_MARKER.lower()}-key@globex.example")
    return Authenticator.objects.create(
        user=owner, type=Authenticator.Type.WEBAUTHN, data={"name": FOREIGN_MARKER, "credential": {}}
    ).pk


def _domain_id(organization):
    with tenant_context(organization):
        return EmailDomain.objects.create(
            organization=organization, domain=f"{FOREIGN_MARKER.lower()}.example"
        ).pk


def _provider_id(organization):
    # Disabled: allauth's login and callback pages answer 404 for it, as for any unknown provider.
    with tenant_context(organization):
        provider = IdentityProvider.objects.create(
            organization=organization,
            name="Globex IdP",
            server_url=f"https://{FOREIGN_MARKER.lower()}.example",
            client_id=FOREIGN_MARKER,
            client_secret=FOREIGN_MARKER,
            enabled=False,
        )
    return provider.provider_id


def _organization_slug(organization):
    # allauth's SAML URLs name the organisation by its slug: Globex has a SAML IdP (from a metadata file,
    # so that no URL is fetched), enabled, so that its sign-in, ACS and metadata pages really answer.
    from tests.idp.saml import idp_metadata_xml

    with tenant_context(organization):
        IdentityProvider.objects.create(
            organization=organization,
            protocol=IdentityProvider.Protocol.SAML,
            name="Globex SAML",
            metadata_xml=idp_metadata_xml("https://idp.globex.example/", "https://idp.globex.example/sso"),
            enabled=True,
        )
    return organization.slug


SAMPLES = {
    "pk": _security_key_pk,
    "domain_id": _domain_id,
    "provider_id": _provider_id,
    "organization_slug": _organization_slug,
}
