"""Reading the directory's resources: Users and Groups as SCIM models, pages of them."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from scim2_models import GroupMember, GroupMembership, Meta

from organizations.models import Membership

from .models import ScimIdentity, ScimToken
from .resources import Email, EnterpriseUser, Group, Manager, Name, User
from .services import GROUPS, GROUPS_BY_ROLE, GroupSpec, UserData


def tokens() -> QuerySet[ScimToken]:
    return ScimToken.objects.select_related("created_by").order_by("-created_at")


def identities() -> QuerySet[ScimIdentity]:
    return ScimIdentity.objects.select_related("person", "user", "manager__person")


def roles_of(identities: Iterable[ScimIdentity]) -> dict[int, set[str]]:
    """The roles each person holds (or, deprovisioned, had): one query for a whole page."""
    rows = list(identities)
    roles: dict[int, set[str]] = defaultdict(set)
    active_users = [identity.user_id for identity in rows if identity.active]
    if active_users:
        for user_id, role in Membership.objects.filter(user_id__in=active_users).values_list(
            "user_id", "role"
        ):
            roles[user_id].add(role)
    for identity in rows:
        if not identity.active:
            roles[identity.user_id] = set(identity.suspended_roles)
    return roles


def users_page(condition: Q, *, start_index: int, count: int) -> tuple[int, list[ScimIdentity]]:
    queryset = identities().filter(condition).order_by("created_at", "pk")
    total = queryset.count()
    if count <= 0:
        return total, []
    return total, list(queryset[start_index - 1 : start_index - 1 + count])


def _name(identity: ScimIdentity) -> tuple[str, str]:
    person = identity.person
    return (person.first_name, person.last_name) if person is not None else ("", "")


def user_resource(identity: ScimIdentity, *, base_url: str, roles: set[str]) -> User:
    given, family = _name(identity)
    location = f"{base_url}/Users/{identity.scim_id}"
    user = User(
        id=str(identity.scim_id),
        external_id=identity.external_id or None,
        user_name=identity.user_name,
        name=Name(given_name=given or None, family_name=family or None) if given or family else None,
        display_name=identity.display_name or None,
        title=identity.title or None,
        active=identity.active,
        emails=[Email.model_validate(entry) for entry in identity.emails] or None,
        groups=[
            GroupMembership(
                value=GROUPS_BY_ROLE[role].id,
                ref=f"{base_url}/Groups/{GROUPS_BY_ROLE[role].id}",
                display=GROUPS_BY_ROLE[role].display_name,
                type="direct",
            )
            for role in sorted(roles)
            if role in GROUPS_BY_ROLE
        ]
        or None,
        meta=Meta(
            resource_type="User",
            created=identity.created_at,
            last_modified=identity.updated_at,
            location=location,
            version=identity.etag,
        ),
    )
    manager = identity.manager
    if identity.department or identity.employee_number or manager is not None:
        user[EnterpriseUser] = EnterpriseUser(
            employee_number=identity.employee_number or None,
            department=identity.department or None,
            manager=Manager(
                value=str(manager.scim_id),
                ref=f"{base_url}/Users/{manager.scim_id}",
                display_name=manager.display_name
                or (manager.person.full_name if manager.person else None)
                or None,
            )
            if manager is not None
            else None,
        )
    return user


def user_data(resource: User) -> UserData:
    """What Binôme keeps of a User resource the directory sent."""
    enterprise = resource[EnterpriseUser]
    emails: list[dict[str, Any]] = []
    for entry in resource.emails or []:
        emails.append(entry.model_dump(scim_ctx=None, exclude_none=True, mode="json"))
    name = resource.name
    manager = enterprise.manager if enterprise is not None else None
    return UserData(
        user_name=resource.user_name or "",
        external_id=resource.external_id or "",
        given_name=(name.given_name if name else None) or "",
        family_name=(name.family_name if name else None) or "",
        display_name=resource.display_name or "",
        title=resource.title or "",
        department=(enterprise.department if enterprise else None) or "",
        employee_number=(enterprise.employee_number if enterprise else None) or "",
        manager_id=(manager.value if manager else None) or "",
        emails=emails,
        active=resource.active if resource.active is not None else True,
    )


def group_resource(group: GroupSpec, *, base_url: str, members: bool = True) -> Group:
    resource = Group(
        id=group.id,
        display_name=group.display_name,
        meta=Meta(resource_type="Group", location=f"{base_url}/Groups/{group.id}"),
    )
    if members:
        resource.members = [
            GroupMember(
                value=str(identity.scim_id),
                ref=f"{base_url}/Users/{identity.scim_id}",
                type="User",
                display=identity.display_name or identity.user_name,
            )
            for identity in group_members(group)
        ] or None
    return resource


def group_members(group: GroupSpec) -> list[ScimIdentity]:
    holders = Membership.objects.filter(role=group.role).values("user_id")
    members = list(ScimIdentity.objects.filter(active=True, user_id__in=holders).order_by("created_at", "pk"))
    members += [
        identity
        for identity in ScimIdentity.objects.filter(active=False)
        .exclude(suspended_roles=[])
        .order_by("created_at", "pk")
        if group.role in identity.suspended_roles
    ]
    return members


def all_groups() -> tuple[GroupSpec, ...]:
    return GROUPS
