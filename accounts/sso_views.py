"""Single sign-on pages: the organisation's security settings, the e-mail-first sign-in, break-glass."""

import logging

import requests
from allauth.core import ratelimit
from allauth.core.internal import ratelimit as ratelimit_impl
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.openid_connect.views import callback as oidc_callback
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations import audit
from organizations.access import MemberRequest, UserRequest, organization_view
from organizations.audit import Action
from organizations.models import Invitation
from organizations.roles import Capability

from . import saml, sso
from .backends import BREAK_GLASS_ATTRIBUTE
from .models import EmailDomain, IdentityProvider
from .social_adapter import INVITATION, TEST_CONNECTION, build_app
from .sso_forms import BreakGlassForm, DomainClaimForm, EmailFirstForm, IdentityProviderForm

logger = logging.getLogger(__name__)


@organization_view(Capability.MANAGE_SECURITY)
def security_overview(request: MemberRequest) -> HttpResponse:
    organization = request.organization
    return render(
        request,
        "accounts/security/overview.html",
        {
            "provider": sso.identity_provider_of(organization=organization),
            "domains": sso.organization_domains(organization=organization),
        },
    )


def allow_form_to_idp(response: HttpResponseBase, provider: IdentityProvider | None) -> None:
    """Let this page's forms lead to the IdP (CSP form-action is checked on every redirect they follow)."""
    origin = sso.idp_origin(provider) if provider is not None else None
    if origin:
        response._csp_update = {"form-action": [origin]}  # type: ignore[attr-defined]


@organization_view(Capability.MANAGE_SECURITY)
def sso_settings(request: MemberRequest) -> HttpResponse:
    organization = request.organization
    provider = sso.identity_provider_of(organization=organization) or IdentityProvider(
        organization=organization
    )
    form = IdentityProviderForm(request.POST or None, request.FILES or None, instance=provider, prefix="idp")
    if request.method == "POST" and form.is_valid():
        try:
            sso.save_identity_provider(provider=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            audit.record(
                Action.SSO_CHANGED,
                organization=organization,
                actor=request.user,
                target=form.instance,
                target_label=str(form.instance.get_protocol_display()),
                details={
                    "changed": sorted(form.changed_data),
                    "enabled": bool(getattr(form.instance, "enabled", False)),
                },
                request=request,
            )
            messages.success(request, _("Single sign-on settings saved."))
            return redirect("security_sso", org_slug=organization.slug)
    response = render(request, "accounts/security/sso.html", _sso_context(request, form, DomainClaimForm()))
    allow_form_to_idp(response, sso.identity_provider_of(organization=organization))
    return response


def _sso_context(request: MemberRequest, form: IdentityProviderForm, domain_form: DomainClaimForm) -> dict:
    provider = form.instance
    return {
        "form": form,
        "domain_form": domain_form,
        "provider": provider if provider.pk else None,
        # SAML: what the IdP must know of Binôme (entity id, ACS URL, metadata and certificate).
        "service_provider": saml.service_provider(request, provider)
        if provider.pk and provider.protocol == IdentityProvider.Protocol.SAML
        else None,
        "can_test": bool(provider.pk) and build_app(provider) is not None,
        "domains": sso.organization_domains(organization=request.organization),
        "redirect_uri": request.build_absolute_uri(
            reverse("openid_connect_callback", kwargs={"provider_id": provider.provider_id})
        )
        if provider.pk and provider.protocol == IdentityProvider.Protocol.OIDC
        else None,
    }


@organization_view(Capability.MANAGE_SECURITY)
@require_POST
def claim_domain(request: MemberRequest) -> HttpResponse:
    organization = request.organization
    domain_form = DomainClaimForm(request.POST)
    if domain_form.is_valid():
        try:
            claimed = sso.claim_domain(
                organization=organization, domain=domain_form.cleaned_data["domain"], claimed_by=request.user
            )
        except ValidationError as error:
            domain_form.add_error("domain", error)
        else:
            audit.record(
                Action.SECURITY_CHANGED,
                organization=organization,
                actor=request.user,
                target=claimed,
                target_label=domain_form.cleaned_data["domain"],
                details={"setting": "email_domain", "change": "claimed"},
                request=request,
            )
            messages.success(request, _("Domain claimed: platform staff will confirm it."))
            return redirect("security_sso", org_slug=organization.slug)
    provider = sso.identity_provider_of(organization=organization) or IdentityProvider(
        organization=organization
    )
    form = IdentityProviderForm(instance=provider, prefix="idp")
    return render(request, "accounts/security/sso.html", _sso_context(request, form, domain_form), status=400)


@organization_view(Capability.MANAGE_SECURITY)
@require_POST
def withdraw_domain(request: MemberRequest, domain_id: int) -> HttpResponse:
    domain = get_object_or_404(EmailDomain, pk=domain_id)
    sso.withdraw_domain(organization=request.organization, domain=domain)
    audit.record(
        Action.SECURITY_CHANGED,
        organization=request.organization,
        actor=request.user,
        target=domain,
        target_label=domain.domain,
        details={"setting": "email_domain", "change": "withdrawn"},
        request=request,
    )
    messages.success(request, _("Domain withdrawn."))
    return redirect("security_sso", org_slug=request.organization.slug)


def _to_identity_provider(request, provider: IdentityProvider, **redirect_arguments) -> HttpResponseBase:
    """The browser sent on to the IdP; a page that says so if the server cannot reach the IdP.

    Starting an OpenID sign-in fetches the issuer's discovery document: an IdP that is down, or an address
    Binôme refuses to connect to (mentoring/outbound.py), would otherwise be a server error.
    """
    social = get_social_adapter().get_provider(request, provider.provider_id)
    try:
        return social.redirect(request, process=AuthProcess.LOGIN, **redirect_arguments)
    except requests.RequestException as error:
        logger.warning("identity provider unreachable provider=%s error=%s", provider.pk, error)
        return render(
            request,
            "accounts/sso/refused.html",
            {
                "title": _("Sign-in unavailable"),
                "message": _(
                    "Your organisation's sign-in service cannot be reached just now. Try again in a few "
                    "minutes; if it lasts, tell your HR team."
                ),
            },
            status=502,
        )


@organization_view(Capability.MANAGE_SECURITY)
@require_POST
def test_connection(request: MemberRequest) -> HttpResponseBase:
    """A real round trip to the IdP that ends on the claims page and signs nobody in."""
    provider = sso.identity_provider_of(organization=request.organization)
    if provider is None or build_app(provider) is None:
        messages.error(request, _("Save the identity provider's settings first."))
        return redirect("security_sso", org_slug=request.organization.slug)
    # The session flag lets the adapter find the (possibly still disabled) provider, and proves the
    # round trip was started here; the state's data marks this one round trip as a test.
    request.session[TEST_CONNECTION] = provider.pk
    return _to_identity_provider(request, provider, data={TEST_CONNECTION: True})


# -- Signing in ---------------------------------------------------------------------------------------


def sign_in(request: UserRequest) -> HttpResponseBase:
    """E-mail first: an address in a confirmed domain with an IdP goes there; any other gets a password.

    The answer depends on the domain only, never on whether the address has an account.
    """
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = EmailFirstForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="sso_email_first"):
            return ratelimit.respond_429(request)
        email = form.cleaned_data["email"].strip().lower()
        provider = sso.identity_provider_for_email(email)
        if provider is not None and not request.POST.get("continue"):
            # A page of our own between the address and the IdP: the browser's CSP (form-action) lets
            # a form lead only to the origins its page names, and only now is the IdP known.
            response = render(
                request,
                "accounts/sso/continue.html",
                {"email": email, "provider": provider, "next": next_url},
            )
            allow_form_to_idp(response, provider)
            return response
        if provider is not None:
            extra = {}
            if provider.protocol == IdentityProvider.Protocol.OIDC:
                extra["auth_params"] = {"login_hint": email}
            return _to_identity_provider(request, provider, next_url=next_url or None, **extra)
        return render(request, "accounts/sso/password.html", {"email": email, "next": next_url})
    return render(request, "accounts/sso/sign_in.html", {"form": form, "next": next_url})


def invitation_through_sso(request: UserRequest, invitation: Invitation) -> HttpResponseBase | None:
    """An invitee of an organisation that requires SSO joins through its IdP, not with a new password
    (registered in ``organizations.views.INVITATION_ROUTES``)."""
    provider = sso.password_refused_for(invitation.email)
    if provider is None or provider.organization_id != invitation.organization_id:
        return None
    if request.method == "POST" and request.POST.get("sso"):
        extra = {}
        if provider.protocol == IdentityProvider.Protocol.OIDC:
            extra["auth_params"] = {"login_hint": invitation.email}
        return _to_identity_provider(request, provider, data={INVITATION: invitation.pk}, **extra)
    response = render(
        request, "accounts/sso/invitation.html", {"invitation": invitation, "provider": provider}
    )
    allow_form_to_idp(response, provider)
    return response


def oidc_sso_callback(request: UserRequest, provider_id: str) -> HttpResponseBase:
    """allauth's OpenID Connect callback, behind a rate limit per address."""
    # The IdP sends the browser back with a GET, which allauth's public helper never limits.
    if not ratelimit_impl.consume(request, app="allauth.account", action="sso_callback", limit_get=True):
        return ratelimit.respond_429(request)
    return oidc_callback(request, provider_id)


def break_glass(request: UserRequest) -> HttpResponseBase:
    """Platform staff sign in with a password past "SSO required"; every use is recorded."""
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if not ratelimit.consume(request, action="break_glass", key=email):
            return ratelimit.respond_429(request)
        setattr(request, BREAK_GLASS_ATTRIBUTE, True)
        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if user is None or not user.is_staff:
            form.add_error(None, _("This page is for platform staff: the address or password is wrong."))
        else:
            sso.record_break_glass(user=user, email=email, reason=form.cleaned_data["reason"])
            login(request, user, backend="accounts.backends.ModelBackend")
            messages.warning(request, _("Break-glass sign-in recorded."))
            return redirect("admin:index")
    return render(request, "accounts/sso/break_glass.html", {"form": form})
