"""Who is asking, in which organisation: the one gate every organisation page goes through."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

from .models import Membership, Organization
from .roles import Capability, capabilities_of
from .tenancy import keeping_scope, tenant_context, unscoped

if TYPE_CHECKING:
    from accounts.models import User  # a type only: the one name the layering lets organizations see


@dataclass(frozen=True)
class Member:
    """The signed-in person as a member of one organisation, with every role they hold there."""

    user: "User"
    organization: Organization
    roles: frozenset[str]
    # Every organisation the person belongs to, by name (the switcher's list), when ``get_member`` read
    # them with the roles; None when the member was made without them.
    organizations: tuple[Organization, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_of(self.roles)

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def has_role(self, role: str) -> bool:
        return role in self.roles


class UserRequest(HttpRequest):
    """The type of a request, for annotations: its user is the project's user model, or anonymous."""

    user: "User | AnonymousUser"


class MemberRequest(HttpRequest):
    """The type of a request inside ``organization_view``, for annotations: it carries the member."""

    user: "User"
    member: Member
    organization: Organization


View = Callable[..., HttpResponseBase]

# A session opened through one organisation's identity provider reaches that organisation only: the
# IdP vouches for nobody elsewhere. accounts sets it at an SSO sign-in (the key is spelt here because
# organizations imports no app above it).
SSO_SESSION_KEY = "sso_organization_id"

# A gate may hold a member at the door of every organisation page (a second factor to enrol first): it
# answers None to let them in, or the response to give instead. The apps above organizations register
# theirs at start-up (accounts.mfa), so that this module never imports them.
MemberGate = Callable[[HttpRequest, Member], HttpResponseBase | None]
MEMBER_GATES: list[MemberGate] = []


def member_gate(gate: MemberGate) -> MemberGate:
    """Register ``gate`` for every organisation page (idempotent)."""
    if gate not in MEMBER_GATES:
        MEMBER_GATES.append(gate)
    return gate


# A person's own memberships, read across their organisations in one query: the page's organisation and
# their roles there, and the switcher's list.
OWN_MEMBERSHIPS_REASON = "who is asking: a person's own memberships, with their organisations"

# Where the request's authentication leaves the memberships it read with the person (``read_person``).
READ_WITH_PERSON = "_own_memberships_read_with_person"


def _own_memberships(user_id: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user_id=user_id)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )


def read_person(user_id: Any) -> tuple[Any, list[Membership]]:
    """The person with that id and every membership of theirs, in one query when they have any (the
    memberships, each with its organisation and the person): None and [] when there is no such person.

    What a signed-in request's authentication reads (``accounts.backends``), so that an organisation page
    takes its member from it (``get_member(..., read_with_person=True)``) instead of a query of its own.
    Filtered on the person, like ``get_member``'s own read.
    """
    with unscoped(OWN_MEMBERSHIPS_REASON):
        memberships = list(_own_memberships(user_id).select_related("user"))
    if not memberships:
        return None, []
    person = memberships[0].user
    for membership in memberships:
        membership.user = person
    return person, memberships


def get_member(
    user: "User | AnonymousUser", organization_slug: str, *, read_with_person: bool = False
) -> Member:
    """The user's membership of the organisation with that slug, or 404 (missing or not a member).

    One query reads every membership of the person with its organisation: the roles in this one, and
    every organisation of theirs for the switcher (``Member.organizations``), filtered on the person, so
    that the bypass of row security it needs shows nobody else's rows. With ``read_with_person``, the
    memberships the request's authentication read with the person are taken instead, when it did
    (``read_person``): only where nothing since could have changed them (before the view runs).
    """
    if not user.is_authenticated:
        raise Http404
    memberships = getattr(user, READ_WITH_PERSON, None) if read_with_person else None
    if memberships is None:
        with unscoped(OWN_MEMBERSHIPS_REASON):
            memberships = list(_own_memberships(user.pk))
    organizations: dict[int, Organization] = {}
    roles = set()
    for membership in memberships:
        organization = organizations.setdefault(membership.organization_id, membership.organization)
        if organization.slug == organization_slug:
            roles.add(membership.role)
            here = organization
    if not roles:
        raise Http404
    return Member(
        user=user, organization=here, roles=frozenset(roles), organizations=tuple(organizations.values())
    )


def organization_view(capability: Capability) -> Callable[[View], View]:
    """Guard a view under ``/o/<org_slug>/``: outsiders get 404, members without the capability 403.

    A member a registered gate holds (``member_gate``) gets the gate's answer instead, whatever the page.

    The view runs inside the organisation's tenant context and receives ``request.member``.
    """

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: MemberRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # The memberships read with the person a moment ago: only middleware ran since, none of which
            # changes them.
            member = get_member(request.user, org_slug, read_with_person=True)
            if request.session.get(SSO_SESSION_KEY, member.organization.pk) != member.organization.pk:
                raise Http404
            for gate in MEMBER_GATES:
                held = gate(request, member)
                if held is not None:
                    return held
            if not member.can(capability):
                raise PermissionDenied
            request.member = member
            request.organization = member.organization
            if request.session.get("last_organization") != member.organization.slug:
                request.session["last_organization"] = member.organization.slug
            with tenant_context(member.organization):
                return view(request, *args, **kwargs)

        wrapper.required_capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator


def organizations_of(user: "User | AnonymousUser", session: Any = None) -> QuerySet[Organization]:
    """Every organisation the user belongs to, for the switcher; with the request's ``session``, only
    those it may open (a session opened through an organisation's IdP opens that one only).

    On an organisation's page the member already holds them (``switcher_organizations``)."""
    if not user.is_authenticated:
        return Organization.objects.none()
    with unscoped("the organisation switcher lists the user's own memberships"):
        own_memberships = Membership.objects.filter(user=user).values("organization_id")
        # Read where it is shown (a template), and the memberships' rows are visible there too.
        organizations = keeping_scope(Organization.objects.filter(pk__in=own_memberships).order_by("name"))
    scoped_to = session.get(SSO_SESSION_KEY) if session is not None else None
    return organizations.filter(pk=scoped_to) if scoped_to is not None else organizations


def switcher_organizations(member: Member, session: Any = None) -> list[Organization] | None:
    """``organizations_of`` from what ``get_member`` read, or None when the member does not hold them."""
    if member.organizations is None:
        return None
    scoped_to = session.get(SSO_SESSION_KEY) if session is not None else None
    return [o for o in member.organizations if scoped_to is None or o.pk == scoped_to]
