"""Single sign-on per organisation: where an address signs in, and who an IdP's sign-in lets in.

The protocol runs in allauth (``allauth.socialaccount``: OpenID Connect here, SAML through its SAML
provider); this module holds Binôme's rules around it, as plain functions that the social adapter, the
sign-in pages and the security pages call:

- ``identity_provider_for_email``: the e-mail-first sign-in sends an address to its organisation's IdP
  only when the domain is *confirmed* by platform staff and the IdP is enabled.
- ``password_refused_for``: "SSO required" keeps passwords away from the organisation's confirmed domains.
- ``admit``: what one IdP's assertion may do. Identities are matched on (provider, subject), which
  allauth stores as ``SocialAccount(provider=idp-<pk>, uid=sub)``; an e-mail claim is only used to link
  or create an account when the IdP is trusted for it, and never reaches an account outside the IdP's
  organisation.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations import audit
from organizations.access import SSO_SESSION_KEY
from organizations.models import Invitation, Membership, Organization
from organizations.services import accept_invitation, normalize_email, record_person
from organizations.tenancy import tenant_context, unscoped

from . import saml
from .models import BreakGlassSignIn, EmailDomain, IdentityProvider

if TYPE_CHECKING:
    from .models import User

PROVIDER_PREFIX = "idp-"
__all__ = ["SSO_SESSION_KEY"]


class SignInRefused(Exception):
    """An IdP's assertion that lets nobody in; ``message`` is shown to the person, translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def domain_of(email: str) -> str:
    return normalize_email(email).rpartition("@")[2]


def identity_provider_by_provider_id(provider_id: str) -> IdentityProvider | None:
    """The provider allauth names ``idp-<pk>``, or None."""
    if not provider_id.startswith(PROVIDER_PREFIX) or not provider_id[len(PROVIDER_PREFIX) :].isdigit():
        return None
    with unscoped("allauth looks an identity provider up by its id"):
        return (
            IdentityProvider.objects.select_related("organization")
            .filter(pk=int(provider_id[len(PROVIDER_PREFIX) :]))
            .first()
        )


def identity_provider_by_slug(organization_slug: str, *, protocol: str) -> IdentityProvider | None:
    """The organisation's IdP of that protocol (allauth's SAML URLs name the organisation by its slug)."""
    with unscoped("allauth looks an identity provider up by its organisation's address"):
        return (
            IdentityProvider.objects.select_related("organization")
            .filter(organization__slug=organization_slug, protocol=protocol)
            .first()
        )


def idp_origin(provider: IdentityProvider) -> str | None:
    """The scheme and host people's browsers are sent to (the issuer's; its sign-in page is there)."""
    if provider.protocol == IdentityProvider.Protocol.SAML:
        url = saml.idp_sso_url(provider)
    else:
        url = provider.server_url
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def enabled_identity_providers(*, protocol: str | None = None) -> list[IdentityProvider]:
    with unscoped("allauth lists the identity providers it may run"):
        providers = IdentityProvider.objects.select_related("organization").filter(enabled=True)
        if protocol:
            providers = providers.filter(protocol=protocol)
        return list(providers)


def confirmed_domain(email: str) -> EmailDomain | None:
    domain = domain_of(email)
    if not domain:
        return None
    with unscoped("the sign-in page looks up which organisation confirmed an address's domain"):
        return (
            EmailDomain.objects.select_related("organization")
            .filter(domain=domain, confirmed_at__isnull=False)
            .first()
        )


def identity_provider_for_email(email: str) -> IdentityProvider | None:
    """The enabled IdP of the organisation that confirmed the address's domain, or None."""
    claimed = confirmed_domain(email)
    if claimed is None:
        return None
    with tenant_context(claimed.organization):
        return IdentityProvider.objects.filter(enabled=True).first()


def password_refused_for(email: str) -> IdentityProvider | None:
    """The IdP an address must use because its organisation requires SSO for the domain, or None."""
    provider = identity_provider_for_email(email)
    return provider if provider is not None and provider.sso_required else None


def check_password_sign_in(email: str) -> None:
    """Raise a ValidationError, pointing to the SSO button, when "SSO required" covers the address.

    For allauth's password sign-in (``AccountAdapter.pre_authenticate``).
    """
    provider = password_refused_for(email or "")
    if provider is not None:
        raise ValidationError(
            _(
                "%(organization)s signs in through %(provider)s, not with a password: on the sign-in page, "
                "type your address and continue with %(provider)s."
            )
            % {"organization": provider.organization.name, "provider": provider.name}
        )


def organization_domains(*, organization: Organization) -> list[EmailDomain]:
    with tenant_context(organization):
        return list(EmailDomain.objects.select_related("confirmed_by").order_by("domain"))


def claim_domain(*, organization: Organization, domain: str, claimed_by: "User") -> EmailDomain:
    """HR claims an e-mail domain for the organisation; it routes nobody until staff confirm it."""
    domain = domain.strip().lower().rstrip(".")
    with tenant_context(organization), transaction.atomic():
        with unscoped("a domain confirmed by another organisation cannot be claimed"):
            taken = EmailDomain.objects.filter(domain=domain, confirmed_at__isnull=False).exists()
        if taken:
            raise ValidationError(_("Another organisation already uses this domain."))
        if EmailDomain.objects.filter(domain=domain).exists():
            raise ValidationError(_("This domain is already claimed."))
        claimed = EmailDomain(organization=organization, domain=domain, claimed_by=claimed_by)
        claimed.full_clean()
        claimed.save()
        return claimed


def withdraw_domain(*, organization: Organization, domain: EmailDomain) -> None:
    """HR gives a domain up: its addresses sign in with passwords again."""
    if domain.organization_id != organization.pk:
        raise ValidationError(_("This domain belongs to another organisation."))
    with tenant_context(organization):
        EmailDomain.objects.filter(pk=domain.pk).delete()


def confirm_domain(*, domain: EmailDomain, confirmed_by: "User") -> EmailDomain:
    """Platform staff confirm a claimed domain (once confirmed, no other organisation can hold it)."""
    if not confirmed_by.is_staff:
        raise ValidationError(_("Only platform staff confirm domains."))
    with unscoped("platform staff confirm a domain"), transaction.atomic():
        claimed = EmailDomain.objects.select_for_update().get(pk=domain.pk)
        if claimed.confirmed_at is not None:
            return claimed
        if EmailDomain.objects.filter(domain=claimed.domain, confirmed_at__isnull=False).exists():
            raise ValidationError(_("Another organisation already uses this domain."))
        claimed.confirmed_by = confirmed_by
        claimed.confirmed_at = timezone.now()
        claimed.save(update_fields=["confirmed_by", "confirmed_at"])
        return claimed


def identity_provider_of(*, organization: Organization) -> IdentityProvider | None:
    with tenant_context(organization):
        return IdentityProvider.objects.first()


def save_identity_provider(*, provider: IdentityProvider) -> IdentityProvider:
    """Validate and save the organisation's IdP settings (the form already set the fields)."""
    with tenant_context(provider.organization), transaction.atomic():
        provider.full_clean(exclude=["organization"])
        provider.save()
        return provider


def record_break_glass(*, user: "User", email: str, reason: str) -> BreakGlassSignIn:
    return BreakGlassSignIn.objects.create(user=user, email=email, reason=reason)


# -- What an IdP's assertion lets in ---------------------------------------------------------------


@dataclass(frozen=True)
class Assertion:
    """What the IdP said, as allauth extracted it."""

    subject: str
    email: str
    email_verified: bool
    first_name: str
    last_name: str


def vouches_for(provider: IdentityProvider, assertion: Assertion) -> bool:
    """Whether the IdP's e-mail claim can link or create an account.

    The IdP must say the address is verified, or the address must be in a domain its organisation
    confirmed (Entra ID sends no ``email_verified``, but staff checked the organisation owns the domain).
    """
    if not assertion.email:
        return False
    if assertion.email_verified:
        return True
    claimed = confirmed_domain(assertion.email)
    return claimed is not None and claimed.organization_id == provider.organization_id


def admit(
    *,
    provider: IdentityProvider,
    assertion: Assertion,
    linked_user: "User | None",
    invitation_id: int | None = None,
) -> "User":
    """The account this assertion signs in, creating or linking it as the JIT policy allows.

    ``linked_user`` is the account already linked to (provider, subject), if any. ``invitation_id`` is
    the invitation whose link started the round trip: it lets its invitee in whatever the JIT policy.
    Raises ``SignInRefused`` with the reason to show; changes nothing then.
    """
    organization = provider.organization
    if not provider.enabled:
        raise SignInRefused(_("Single sign-on is turned off for %(name)s.") % {"name": organization.name})
    with tenant_context(organization), transaction.atomic():
        invited = None
        if invitation_id is not None:
            invited = Invitation.objects.filter(pk=invitation_id, accepted_at=None, revoked_at=None).first()
            if invited is None:
                raise SignInRefused(_("This invitation has already been used or was withdrawn."))
            if normalize_email(assertion.email) != invited.email:
                raise SignInRefused(
                    _("This invitation was sent to another address than the one your identity provider gave.")
                )
        if linked_user is not None:
            if not linked_user.is_active:
                raise SignInRefused(_("This account is deactivated."))
            if invited is None and Membership.objects.filter(user=linked_user).exists():
                return linked_user
            invitation = invited or _pending_invitation(linked_user.email)
            if invitation is None:
                raise SignInRefused(
                    _("You are not a member of %(name)s any more: ask its HR team.")
                    % {"name": organization.name}
                )
            accept_invitation(invitation=invitation, user=linked_user)
            return linked_user

        if not vouches_for(provider, assertion):
            raise SignInRefused(
                _(
                    "Your identity provider did not confirm your e-mail address, so Binôme cannot tell "
                    "which account is yours. Ask your IT team to send a verified e-mail claim."
                )
            )
        email = normalize_email(assertion.email)
        User = get_user_model()
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            # Linking by e-mail only inside the IdP's own organisation: an account that is not a member
            # (nor invited) belongs to someone the organisation has no say over.
            invitation = invited or _pending_invitation(email)
            if not Membership.objects.filter(user=existing).exists() and invitation is None:
                raise SignInRefused(
                    _(
                        "This address already has a Binôme account that is not part of %(name)s. Sign in "
                        "with its password, or ask %(name)s's HR team to invite it."
                    )
                    % {"name": organization.name}
                )
            if not existing.is_active:
                raise SignInRefused(_("This account is deactivated."))
            if invitation is not None:
                accept_invitation(invitation=invitation, user=existing)
            return existing

        if provider.jit == IdentityProvider.JoinPolicy.OFF and invited is None:
            raise SignInRefused(
                _(
                    "%(name)s does not let people join through single sign-on: ask its HR team for an invitation."
                )
                % {"name": organization.name}
            )
        invitation = invited or _pending_invitation(email)
        if provider.jit == IdentityProvider.JoinPolicy.INVITED and invitation is None:
            raise SignInRefused(
                _("%(name)s lets in only people it invited: ask its HR team for an invitation.")
                % {"name": organization.name}
            )
        user = User.objects.create_user(
            email=email,
            password=None,
            first_name=assertion.first_name,
            last_name=assertion.last_name,
            language=organization.default_language,
            time_zone=organization.time_zone,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if invitation is not None:
            accept_invitation(
                invitation=invitation,
                user=user,
                first_name=assertion.first_name,
                last_name=assertion.last_name,
            )
        else:
            Membership.objects.create(organization=organization, user=user, role=provider.jit_role)
            audit.record(
                audit.Action.MEMBER_ADDED,
                organization=organization,
                actor=user,
                actor_kind=audit.ActorKind.MEMBER,
                target=user,
                target_label=email,
                details={"role": provider.jit_role, "by": "single sign-on"},
                request=audit.current_request(),
            )
        record_person(
            organization=organization,
            user=user,
            first_name=assertion.first_name,
            last_name=assertion.last_name,
        )
        return user


def _pending_invitation(email: str) -> Invitation | None:
    """The newest pending invitation of the address in the current organisation."""
    return (
        Invitation.objects.filter(email=normalize_email(email), accepted_at=None, revoked_at=None)
        .order_by("-created_at")
        .first()
    )
