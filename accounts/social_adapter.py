"""allauth's social accounts, fed from the organisations' own identity providers.

``list_apps``/``get_app`` build unsaved ``SocialApp`` objects from ``IdentityProvider`` rows, so nothing
is configured in the Django admin and a change on the security page applies to the next sign-in.
``pre_social_login`` applies Binôme's rules (``accounts.sso.admit``) before allauth signs anyone in,
and answers "Test connection" round trips with the claims page instead of a sign-in.
"""

from collections.abc import Callable

from allauth.account.internal.emailkit import valid_email_or_none
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.shortcuts import redirect, render

from organizations.validators import single_line

from . import sso
from .models import IdentityProvider
from .sso_http import sso_session

# The key under the provider's redirect state (kept in the session by allauth until the callback)
# that marks a round trip started by "Test connection".
TEST_CONNECTION = "binome_test_connection"
# The invitation whose link started the round trip (an organisation that requires SSO).
INVITATION = "binome_invitation"


def oidc_app(provider: IdentityProvider) -> SocialApp:
    return SocialApp(
        provider="openid_connect",
        provider_id=provider.provider_id,
        name=provider.name,
        client_id=provider.client_id,
        secret=provider.client_secret,
        settings={
            "server_url": provider.server_url,
            # Never let an e-mail claim sign into an existing account: accounts.sso decides.
            "email_authentication": False,
            "verified_email": False,
            # Not on the shared sign-in page: people reach their IdP by typing their address.
            "hidden": True,
        },
    )


# How each protocol's allauth app is built from an IdentityProvider. The SAML runtime registers its
# builder here (allauth's SAML provider finds its app by ``provider="saml", client_id=<organisation slug>``).
APP_BUILDERS: dict[str, Callable[[IdentityProvider], SocialApp]] = {IdentityProvider.Protocol.OIDC: oidc_app}


def build_app(provider: IdentityProvider) -> SocialApp | None:
    """The allauth app for an organisation's IdP; None for a protocol nobody registered a builder for."""
    builder = APP_BUILDERS.get(provider.protocol)
    return builder(provider) if builder else None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_requests_session(self):
        return sso_session()

    def list_apps(self, request, provider=None, client_id=None):
        # Only a lookup by provider id finds an app: listing every organisation's IdP (allauth's
        # provider buttons, "openid_connect" as a whole) would show who Binôme's customers are.
        if not provider:
            return []
        if provider == "saml" and client_id:
            found = sso.identity_provider_by_slug(client_id, protocol=IdentityProvider.Protocol.SAML)
        else:
            found = sso.identity_provider_by_provider_id(provider)
        testing = (
            found is not None and request is not None and request.session.get(TEST_CONNECTION) == found.pk
        )
        if found is None or not (found.enabled or testing):
            return []
        app = build_app(found)
        if app is None or (client_id and app.client_id != client_id):
            return []
        return [app]

    def is_open_for_signup(self, request, sociallogin):
        # pre_social_login has already created or linked the account when the policy allows it.
        return True

    def is_auto_signup_allowed(self, request, sociallogin):
        return True

    def pre_social_login(self, request, sociallogin):
        provider = sso.identity_provider_by_provider_id(sociallogin.account.provider)
        if provider is None:
            raise ImmediateHttpResponse(redirect("account_login"))
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # Identities are linked by signing in through the organisation's IdP only, never attached
            # to whichever account happens to be signed in.
            raise ImmediateHttpResponse(redirect("home"))
        data = sociallogin.state.get("data") or {}
        if data.get(TEST_CONNECTION):
            raise ImmediateHttpResponse(self._test_connection_result(request, provider, sociallogin))
        assertion = assertion_of(sociallogin)
        linked = sociallogin.user if sociallogin.is_existing else None
        try:
            user = sso.admit(
                provider=provider, assertion=assertion, linked_user=linked, invitation_id=data.get(INVITATION)
            )
        except sso.SignInRefused as refusal:
            raise ImmediateHttpResponse(
                render(
                    request,
                    "accounts/sso/refused.html",
                    {"message": refusal.message, "provider": provider},
                    status=403,
                )
            ) from None
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        messages.error(request, _authentication_error_message())
        super().on_authentication_error(request, provider, error, exception, extra_context)

    def _test_connection_result(self, request, provider, sociallogin):
        organization = provider.organization
        if request.session.get(TEST_CONNECTION) != provider.pk:
            # A round trip marked as a test, but not started from this browser's security page.
            return redirect("account_login")
        del request.session[TEST_CONNECTION]
        claims = claims_of(sociallogin)
        return render(
            request,
            "accounts/security/test_connection.html",
            {
                "organization": organization,
                "provider": provider,
                "subject": sociallogin.account.uid,
                "claims": sorted(claims.items()),
                "assertion": assertion_of(sociallogin),
            },
        )


def claims_of(sociallogin) -> dict:
    """What the IdP returned: userinfo (OIDC) or the ID token's claims, as allauth kept them."""
    extra = sociallogin.account.extra_data or {}
    claims = {}
    for part in ("id_token", "userinfo"):
        if isinstance(extra.get(part), dict):
            claims.update(extra[part])
    claims = claims or dict(extra)
    # SAML attributes are lists of values (allauth keeps python3-saml's): shown one line each.
    return {
        name: ", ".join(map(str, value)) if isinstance(value, list) else value
        for name, value in claims.items()
    }


def assertion_of(sociallogin) -> sso.Assertion:
    """What the IdP asserted, from what allauth extracted (the same for every protocol)."""
    claims = claims_of(sociallogin)
    addresses = sociallogin.email_addresses
    # allauth filled an unsaved user from the response; a linked one is the account as stored.
    fresh = sociallogin.user if sociallogin.user is not None and sociallogin.user.pk is None else None
    email = (addresses[0].email if addresses else "") or (fresh.email if fresh else "") or claims.get("email")
    return sso.Assertion(
        subject=sociallogin.account.uid,
        email=valid_email_or_none(str(email or "")) or "",
        email_verified=any(address.verified for address in addresses) or claims.get("email_verified") is True,
        first_name=_name(claims.get("given_name") or (fresh.first_name if fresh else "")),
        last_name=_name(claims.get("family_name") or (fresh.last_name if fresh else "")),
    )


def _name(value) -> str:
    # Names reach e-mail subjects and calendar attendees: one line, within the field's length.
    return single_line(value)[:150]


def _authentication_error_message():
    from django.utils.translation import gettext

    return gettext(
        "The sign-in with your identity provider did not complete. Try again, or ask your IT team."
    )
