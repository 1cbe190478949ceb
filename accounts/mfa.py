"""Two-factor authentication: who must enrol, the door that holds them until they have, and HR's reset.

The factors themselves (TOTP apps, recovery codes, WebAuthn passkeys and security keys) are allauth.mfa's.
What Binôme adds is each organisation's policy (``Organization.mfa_required_for``): a person must enrol
when any organisation they belong to requires it for a role they hold there. The account is one and
global, so the strictest of their organisations decides, and one enrolment satisfies them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from organizations.access import Member
from organizations.models import MFA_POLICY_ROLES, Membership, MfaPolicy, Organization
from organizations.tenancy import unscoped

from . import services, signals
from .models import MfaReset

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

    from .models import User

# Recovery codes only back up another factor: on their own they are no enrolment.
ENROLLING_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
# The organisations whose policy made this person enrol, worked out once when they sign in (every
# organisation of theirs is then known); the organisation of the page is always checked afresh.
SESSION_KEY = "mfa_required_by"
CROSS_ORGANISATION_REASON = "which of a person's own organisations require two-factor authentication"


# Selectors -----------------------------------------------------------------------------------------


def _requiring_memberships() -> Q:
    """Memberships whose role the organisation's policy covers, as one condition over the join."""
    condition = Q(pk__in=[])
    for policy, roles in MFA_POLICY_ROLES.items():
        if roles:
            condition |= Q(organization__mfa_required_for=policy, role__in=roles)
    return condition


def organizations_requiring_mfa(*, user: User) -> list[Organization]:
    """The person's organisations whose policy requires a second factor of them, by name."""
    with unscoped(CROSS_ORGANISATION_REASON):
        ids = Membership.objects.filter(_requiring_memberships(), user=user).values("organization_id")
        return list(Organization.objects.filter(pk__in=ids).order_by("name"))


def is_enrolled(*, user: User) -> bool:
    return Authenticator.objects.filter(user=user, type__in=ENROLLING_TYPES).exists()


def must_enrol(*, user: User) -> bool:
    """Whether the person still has to add a second factor: one of their organisations requires it."""
    return bool(organizations_requiring_mfa(user=user)) and not is_enrolled(user=user)


@dataclass(frozen=True)
class EnrolmentStatus:
    required: int
    pending: list[User]


def enrolment_status(*, organization: Organization) -> EnrolmentStatus:
    """How many members the organisation's policy covers, and who among them has not enrolled yet."""
    from django.contrib.auth import get_user_model

    roles = MfaPolicy.roles_covered(organization.mfa_required_for)
    covered = get_user_model().objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(organization=organization, role__in=roles).values("user_id"),
    )
    enrolled = Authenticator.objects.filter(user=OuterRef("pk"), type__in=ENROLLING_TYPES)
    pending = list(covered.exclude(Exists(enrolled)).order_by("email"))
    return EnrolmentStatus(required=covered.count(), pending=pending)


def resets_of(*, organization: Organization, limit: int = 50) -> list[MfaReset]:
    return list(
        MfaReset.objects.filter(organization=organization).select_related("member", "reset_by")[:limit]
    )


# The door --------------------------------------------------------------------------------------------


def remember_requirement(*, request: HttpRequest, user: User) -> None:
    """At sign-in: note which of the person's organisations require a second factor of them."""
    request.session[SESSION_KEY] = [
        organization.slug for organization in organizations_requiring_mfa(user=user)
    ]


def enrolment_gate(request: HttpRequest, member: Member) -> HttpResponseBase | None:
    """Hold a member who must enrol at the door of every organisation page, and show them how.

    Free for everyone else: the page's organisation and the member's roles there are already loaded, and
    the other organisations were looked at when they signed in. A person a policy covers costs one query
    a page: whether they still hold a factor (they may have removed their last one in this session).
    """
    required_here = MfaPolicy.requires(member.organization.mfa_required_for, member.roles)
    if not required_here and not request.session.get(SESSION_KEY):
        return None
    if is_enrolled(user=member.user):
        return None
    if not required_here:
        # Enrolled nowhere yet: the policy elsewhere may have eased since they signed in.
        remember_requirement(request=request, user=member.user)
        if not request.session[SESSION_KEY]:
            return None
    request.session["mfa_next"] = request.get_full_path()
    return redirect("mfa_required")


# Services --------------------------------------------------------------------------------------------


@transaction.atomic
def set_mfa_policy(*, organization: Organization, policy: str) -> Organization:
    """Set which members of the organisation must enrol; they are held at its door from their next visit."""
    organization.mfa_required_for = policy
    organization.full_clean()
    organization.save(update_fields=["mfa_required_for"])
    return organization


def reset_refusal(*, organization: Organization, member: User, reset_by: User) -> str | None:
    """Why ``reset_by`` may not reset ``member``'s second factors, or None.

    The account is shared by every organisation of the person: HR of one may act on its own members
    only, never on platform staff, and never on themselves (recovery codes, or another HR admin, serve).
    """
    if member.pk == reset_by.pk:
        return _(
            "Use your recovery codes, or ask another HR admin, to reset your own two-factor authentication."
        )
    if member.is_staff or member.is_superuser:
        return _("Platform staff manage their own two-factor authentication.")
    if not Membership.objects.filter(organization=organization, user=member).exists():
        return _("This person is not a member of the organisation.")
    return None


@transaction.atomic
def reset_mfa(*, organization: Organization, member: User, reset_by: User, reason: str) -> MfaReset:
    """Remove every second factor of a member who lost theirs, record it, and sign them out everywhere.

    They sign in again with their password and, where a policy requires it, enrol a new factor before
    they reach the organisation's pages. The person is told by e-mail (``signals.mfa_reset``). Refused (``ValidationError``) as ``reset_refusal`` says.
    """
    refusal = reset_refusal(organization=organization, member=member, reset_by=reset_by)
    if refusal:
        raise ValidationError(refusal)
    removed, _by_model = Authenticator.objects.filter(user=member).delete()
    record = MfaReset(
        organization=organization,
        member=member,
        reset_by=reset_by,
        reason=reason.strip(),
        authenticators_removed=removed,
    )
    record.full_clean()
    record.save()
    services.sign_out_everywhere(user=member)
    signals.mfa_reset.send(sender=MfaReset, reset=record)
    return record
