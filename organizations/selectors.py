from collections.abc import Mapping
from itertools import groupby
from typing import Any

from django.db.models import QuerySet

from .models import Invitation, Membership, Organization, Person
from .people import learn_names
from .tenancy import tenant_context


def members_with_roles(*, organization: Organization) -> list[dict[str, Any]]:
    """One entry per person with the list of their roles, ordered by name."""
    memberships = (
        Membership.objects.filter(organization=organization)
        .select_related("user", "person")
        .order_by("person__last_name", "person__first_name", "user__email", "role")
    )
    learn_names((membership.user_id, membership.person) for membership in memberships)
    return [
        {"user": user, "roles": [membership.role for membership in group]}
        for user, group in groupby(memberships, key=lambda membership: membership.user)
    ]


def pending_invitations(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization=organization, accepted_at=None, revoked_at=None
    ).select_related("invited_by")


def names_on_record(*, organization: Organization, email: str) -> Mapping[str, object] | None:
    """The first and last name ``organization`` holds for the address, for a form's initial values."""
    with tenant_context(organization):
        record = Person.objects.filter(user__email__iexact=email).values("first_name", "last_name").first()
    return record
