"""Provisioning from the organisation's directory: tokens, people, their groups (roles), deprovisioning.

Every function runs inside the organisation's tenant context (the SCIM views set it from the token) and
writes only that organisation's rows. The account (``accounts.User``) is looked up by address to link
it, and created when there is none; nothing of it is read back into a response and nothing of it is
changed, so that provisioning an address with an account elsewhere reveals and changes nothing there.
"""

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext
from scim2_models import (
    InvalidValueException,
    MutabilityException,
    NotFoundException,
    PreconditionFailedException,
    UniquenessException,
)

from organizations import audit
from organizations.audit import Action, ActorKind
from organizations.models import Membership, Organization
from organizations.roles import Role
from organizations.services import end_access, record_person, roles_removed
from organizations.tenancy import tenant_context
from organizations.validators import no_control_characters
from programmes.models import Participant, Programme
from programmes.services import withdraw

from .models import ScimIdentity, ScimToken

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


@dataclass(frozen=True)
class GroupSpec:
    id: str
    role: str
    display_name: str


# The directory's groups are Binôme's roles. Their ids and names are fixed and in English: a directory
# matches groups by name, so they must not change with the page's language. The mentor and mentee pools
# are the people HR may enrol as mentors and as mentees (the roles Role.MENTOR and Role.MENTEE).
GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec("hr-admins", Role.HR_ADMIN, "HR admins"),
    GroupSpec("executives", Role.EXECUTIVE, "Executives"),
    GroupSpec("mentor-pool", Role.MENTOR, "Mentor pool"),
    GroupSpec("mentee-pool", Role.MENTEE, "Mentee pool"),
)
GROUPS_BY_ID = {group.id: group for group in GROUPS}
GROUPS_BY_ROLE = {group.role: group for group in GROUPS}


@dataclass
class UserData:
    """What a SCIM User resource says, as Binôme keeps it."""

    user_name: str
    external_id: str = ""
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    title: str = ""
    department: str = ""
    employee_number: str = ""
    manager_id: str = ""
    emails: list[dict[str, Any]] = field(default_factory=list)
    active: bool = True

    @property
    def primary_email(self) -> str:
        primary = [entry for entry in self.emails if entry.get("primary")]
        chosen = (primary or self.emails or [{}])[0].get("value") or ""
        return chosen.strip().lower()


@dataclass(frozen=True)
class Directory:
    """Who is provisioning: the token, and the request it came with (for the audit trail)."""

    token: ScimToken
    request: "HttpRequest | None" = None

    @property
    def organization(self) -> Organization:
        return self.token.organization

    def record(self, action: Action, *, target: Any = None, target_label: str = "", **details: Any) -> None:
        audit.record(
            action,
            organization=self.organization,
            actor_kind=ActorKind.DIRECTORY,
            actor_label=self.token.name,
            target=target,
            target_label=target_label,
            details={"token": self.token.name, **details},
            request=self.request,
        )


# Tokens ------------------------------------------------------------------------------------------------


def issue_token(
    *,
    organization: Organization,
    name: str,
    created_by: "User | None" = None,
    request: "HttpRequest | None" = None,
) -> tuple[ScimToken, str]:
    """Create a provisioning token for the organisation's directory; the secret is returned once."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": gettext("Please give the token a name.")})
    no_control_characters(name)
    with tenant_context(organization), transaction.atomic():
        token, secret = ScimToken.issue(organization=organization, name=name[:100], created_by=created_by)
        audit.record(
            Action.SCIM_TOKEN_CREATED,
            organization=organization,
            actor=created_by,
            target=token,
            details={"name": token.name, "begins_with": token.hint},
            request=request,
        )
    return token, secret


def revoke_token(
    *, token: ScimToken, revoked_by: "User | None" = None, request: "HttpRequest | None" = None
) -> None:
    """The token stops working at once; revoking it again does nothing."""
    if not token.is_active:
        return
    with tenant_context(token.organization), transaction.atomic():
        token.revoke()
        audit.record(
            Action.SCIM_TOKEN_REVOKED,
            organization=token.organization,
            actor=revoked_by,
            target=token,
            details={"name": token.name, "begins_with": token.hint},
            request=request,
        )


# Users ---------------------------------------------------------------------------------------------------


def _clean(data: UserData) -> None:
    data.user_name = (data.user_name or "").strip()
    if not data.user_name:
        raise InvalidValueException(detail="userName is required")
    limits = {
        "user_name": 254,
        "external_id": 254,
        "given_name": 150,
        "family_name": 150,
        "display_name": 254,
        "title": 120,
        "department": 120,
        "employee_number": 64,
    }
    for name, limit in limits.items():
        value = getattr(data, name) or ""
        if len(value) > limit:
            raise InvalidValueException(detail=f"{name} is longer than {limit} characters")
        try:
            no_control_characters(value)
        except ValidationError:
            raise InvalidValueException(detail=f"{name} holds control characters") from None
        setattr(data, name, value)
    for entry in data.emails:
        try:
            validate_email(entry.get("value") or "")
        except ValidationError:
            raise InvalidValueException(detail="emails holds an invalid address") from None
    if sum(1 for entry in data.emails if entry.get("primary")) > 1:
        raise InvalidValueException(detail="Only one e-mail address may be primary")


def _account_address(data: UserData) -> str:
    address = data.primary_email or data.user_name.lower()
    try:
        validate_email(address)
    except ValidationError:
        raise InvalidValueException(
            detail="Binôme needs an e-mail address: in emails, or as the userName"
        ) from None
    return address


def _check_unique(data: UserData, *, identity: ScimIdentity | None = None) -> None:
    others = ScimIdentity.objects.all()
    if identity is not None:
        others = others.exclude(pk=identity.pk)
    if others.filter(user_name__iexact=data.user_name).exists():
        raise UniquenessException(detail="userName is already in use")
    if data.external_id and others.filter(external_id=data.external_id).exists():
        raise UniquenessException(detail="externalId is already in use")


def _manager(data: UserData, identity: ScimIdentity | None = None) -> ScimIdentity | None:
    if not data.manager_id:
        return None
    manager = identity_by_id(data.manager_id)
    if manager is None:
        raise InvalidValueException(detail="manager does not name a User of this organisation")
    if identity is not None and manager.pk == identity.pk:
        raise InvalidValueException(detail="A User cannot be their own manager")
    return manager


def identity_by_id(scim_id: str, *, lock: bool = False) -> ScimIdentity | None:
    """The current organisation's User resource with this id, or None (any other organisation's too)."""
    try:
        value = uuid.UUID(str(scim_id))
    except ValueError:
        return None
    queryset = ScimIdentity.objects.select_related("person", "user", "manager__person", "organization")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.filter(scim_id=value).first()


def _write_identity(identity: ScimIdentity, data: UserData, manager: ScimIdentity | None) -> None:
    identity.user_name = data.user_name
    identity.external_id = data.external_id
    identity.display_name = data.display_name
    identity.title = data.title
    identity.department = data.department
    identity.employee_number = data.employee_number
    identity.manager = manager
    identity.emails = data.emails
    identity.email = data.primary_email


def _share_profile(identity: ScimIdentity) -> None:
    """The directory's department, title and manager reach the person's profiles in the programmes that
    are not closed (a closed programme is history)."""
    Participant.objects.filter(user_id=identity.user_id).exclude(
        programme__status=Programme.Status.CLOSED
    ).update(
        department=identity.department,
        job_title=identity.title,
        manager_id=identity.manager.user_id if identity.manager else None,
    )


@transaction.atomic
def create_user(*, directory: Directory, data: UserData) -> ScimIdentity:
    """Provision a person: link the account of their address (or create one with no password: they sign
    in through single sign-on or set a password from a reset e-mail), write the organisation's record of
    them, and the directory's resource. Their roles come with the groups."""
    _clean(data)
    address = _account_address(data)
    _check_unique(data)
    manager = _manager(data)
    User = get_user_model()
    user = User.objects.filter(email__iexact=address).first()
    if user is None:
        user = User.objects.create_user(
            email=address,
            password=None,
            language=directory.organization.default_language,
            time_zone=directory.organization.time_zone,
        )
    elif ScimIdentity.objects.filter(user=user).exists():
        raise UniquenessException(detail="A User with this e-mail address already exists")
    identity = ScimIdentity(organization=directory.organization, user=user, active=data.active)
    _write_identity(identity, data, manager)
    try:
        with transaction.atomic():
            identity.save()
    except IntegrityError:
        raise UniquenessException(detail="This User already exists") from None
    record_person(
        organization=directory.organization,
        user=user,
        first_name=data.given_name,
        last_name=data.family_name,
        blank_keeps=False,
    )
    _share_profile(identity)
    directory.record(
        Action.SCIM_PROVISIONED, target=identity, user_name=identity.user_name, active=identity.active
    )
    if not data.active:
        # Provisioned inactive: whatever roles the account already held here are set aside.
        deprovision(directory=directory, identity=identity)
    return identity


def check_version(identity: ScimIdentity, if_match: str | None) -> None:
    """RFC 7644 §3.14: a change made with ``If-Match`` applies only to the version the client read."""
    if not if_match or if_match.strip() == "*":
        return
    wanted = {tag.strip() for tag in if_match.split(",")}
    if identity.etag not in wanted and identity.etag.removeprefix("W/") not in wanted:
        raise PreconditionFailedException(detail="The User changed since this version was read")


@transaction.atomic
def replace_user(*, directory: Directory, identity: ScimIdentity, data: UserData) -> ScimIdentity:
    """PUT (and PATCH, once applied): the resource becomes what the directory sent.

    ``active`` false deprovisions, true after false reactivates. The account's own address stays the
    person's: the directory's addresses are kept as its own.
    """
    _clean(data)
    if data.emails or not identity.emails:
        _account_address(data)
    _check_unique(data, identity=identity)
    manager = _manager(data, identity)
    was_active = identity.active
    _write_identity(identity, data, manager)
    identity.version = F("version") + 1
    try:
        with transaction.atomic():
            identity.save()
    except IntegrityError:
        raise UniquenessException(detail="userName or externalId is already in use") from None
    identity.refresh_from_db(fields=["version", "updated_at"])
    record_person(
        organization=directory.organization,
        user=identity.user,
        first_name=data.given_name,
        last_name=data.family_name,
        blank_keeps=False,
    )
    _share_profile(identity)
    if was_active and not data.active:
        deprovision(directory=directory, identity=identity)
    elif data.active and not was_active:
        reactivate(directory=directory, identity=identity)
    return identity


def deprovision(*, directory: Directory, identity: ScimIdentity) -> None:
    """The directory says the person left (``active`` false): their access to the organisation ends at
    once. Their roles are set aside for a reactivation, their live pairs end as a withdrawal (the partner
    is told), and they are signed out everywhere, their calendar feed and survey links revoked. Idempotent.
    """
    organization = directory.organization
    held = set(Membership.objects.filter(user_id=identity.user_id).values_list("role", flat=True))
    roles = sorted(set(identity.suspended_roles) | held)
    ScimIdentity.objects.filter(pk=identity.pk).update(active=False, suspended_roles=roles)
    identity.active, identity.suspended_roles = False, roles
    participations = (
        Participant.objects.filter(user_id=identity.user_id)
        .exclude(status=Participant.Status.WITHDRAWN)
        .exclude(programme__status=Programme.Status.CLOSED)
        .select_related("programme", "organization", "user")
    )
    for participant in participations:
        # As if they withdrew: pairing ends their live pairs and tells each partner.
        withdraw(participant=participant)
    end_access(organization=organization, user=identity.user, reason="deprovisioned by the directory")
    directory.record(Action.SCIM_DEPROVISIONED, target=identity, user_name=identity.user_name, roles=roles)


def reactivate(*, directory: Directory, identity: ScimIdentity) -> None:
    """The person is back (``active`` true after false): their roles return, not their old pairs (their
    participations stay withdrawn; HR enrols them again)."""
    roles = [role for role in identity.suspended_roles if role in Role.values]
    for role in roles:
        Membership.objects.get_or_create(organization=directory.organization, user=identity.user, role=role)
    ScimIdentity.objects.filter(pk=identity.pk).update(active=True, suspended_roles=[])
    identity.active, identity.suspended_roles = True, []
    directory.record(
        Action.SCIM_PROVISIONED, target=identity, user_name=identity.user_name, reactivated=True, roles=roles
    )


@transaction.atomic
def delete_user(*, directory: Directory, identity: ScimIdentity) -> None:
    """DELETE: the person is deprovisioned and the resource goes. The organisation's record of the person
    stays, so that past pairs keep their names; a new provisioning of the address starts afresh."""
    if identity.active or Membership.objects.filter(user_id=identity.user_id).exists():
        deprovision(directory=directory, identity=identity)
    directory.record(Action.SCIM_DEPROVISIONED, target=identity, user_name=identity.user_name, deleted=True)
    identity.delete()


# Groups --------------------------------------------------------------------------------------------------


def group_member_ids(group: GroupSpec) -> set[str]:
    """The User ids (SCIM) of the people the directory provisioned who are in ``group``."""
    holders = Membership.objects.filter(role=group.role).values("user_id")
    active = ScimIdentity.objects.filter(active=True, user_id__in=holders).values_list("scim_id", flat=True)
    suspended = [
        scim_id
        for scim_id, roles in ScimIdentity.objects.filter(active=False).values_list(
            "scim_id", "suspended_roles"
        )
        if group.role in roles
    ]
    return {str(value) for value in [*active, *suspended]}


@transaction.atomic
def set_group_members(*, directory: Directory, group: GroupSpec, member_ids: set[str]) -> None:
    """The group holds exactly these Users: the role is given to those who lack it and taken from the
    others. Only people the directory provisioned are touched: a member HR invited by hand keeps their
    role whatever the directory says."""
    identities = {}
    for scim_id in member_ids:
        identity = identity_by_id(scim_id)
        if identity is None:
            raise InvalidValueException(detail=f"members: no User {scim_id} in this organisation")
        identities[str(identity.scim_id)] = identity
    current = group_member_ids(group)
    for scim_id in sorted(set(identities) - current):
        _grant(directory, identities[scim_id], group)
    for scim_id in sorted(current - set(identities)):
        identity = identity_by_id(scim_id)
        if identity is not None:
            _revoke(directory, identity, group)


def _grant(directory: Directory, identity: ScimIdentity, group: GroupSpec) -> None:
    if not identity.active:
        roles = sorted({*identity.suspended_roles, group.role})
        ScimIdentity.objects.filter(pk=identity.pk).update(suspended_roles=roles)
        return
    _membership, created = Membership.objects.get_or_create(
        organization=directory.organization, user=identity.user, role=group.role
    )
    if created:
        directory.record(Action.ROLE_GRANTED, target=identity, user_name=identity.user_name, role=group.role)


def _revoke(directory: Directory, identity: ScimIdentity, group: GroupSpec) -> None:
    if not identity.active:
        roles = [role for role in identity.suspended_roles if role != group.role]
        ScimIdentity.objects.filter(pk=identity.pk).update(suspended_roles=roles)
        return
    deleted, _rows = Membership.objects.filter(user=identity.user, role=group.role).delete()
    if deleted:
        roles_removed(
            organization=directory.organization, user=identity.user, reason="directory group removed"
        )
        directory.record(Action.ROLE_REVOKED, target=identity, user_name=identity.user_name, role=group.role)


def refuse_group_change(detail: str) -> None:
    raise MutabilityException(detail=detail)


def not_found() -> NotFoundException:
    return NotFoundException(detail="No such resource")
