"""SAML pages in front of allauth's: the SP metadata any IdP can import, the ACS behind a rate limit, and
the SP certificate for the organisation's admin."""

from allauth.core import ratelimit
from allauth.socialaccount.providers.saml.views import acs as allauth_acs
from django.http import Http404, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from mentoring.downloads import private_download
from organizations.access import MemberRequest, UserRequest, organization_view
from organizations.audit import Action, audited_download
from organizations.roles import Capability

from . import saml, sso
from .models import IdentityProvider


def sp_metadata(request: UserRequest, organization_slug: str) -> HttpResponse:
    """Binôme's SP metadata for the organisation, at allauth's metadata URL, before any IdP is set up."""
    provider = sso.identity_provider_by_slug(organization_slug, protocol=IdentityProvider.Protocol.SAML)
    if provider is None:
        raise Http404
    return HttpResponse(saml.sp_metadata(request, provider), content_type="application/samlmetadata+xml")


@csrf_exempt  # the IdP's form posts here from its own origin; the SAML response is what is checked
def acs(request: UserRequest, organization_slug: str) -> HttpResponseBase:
    """allauth's assertion consumer service, behind the SSO callbacks' rate limit."""
    if not ratelimit.consume(request, action="sso_callback"):
        return ratelimit.respond_429(request)
    return allauth_acs(request, organization_slug=organization_slug)


@organization_view(Capability.MANAGE_SECURITY)
@private_download
@audited_download("SAML service provider certificate", action=Action.DOWNLOAD)
def sp_certificate(request: MemberRequest) -> HttpResponse:
    """The organisation's SP certificate (PEM), for IdPs that take it as a file. Never the key."""
    provider = sso.identity_provider_of(organization=request.organization)
    if provider is None or provider.protocol != IdentityProvider.Protocol.SAML:
        raise Http404
    details = saml.service_provider(request, provider)
    response = HttpResponse(details.certificate, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="binome-sp-{request.organization.slug}.pem"'
    return response
