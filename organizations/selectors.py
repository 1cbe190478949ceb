from itertools import groupby

from .models import Invitation, Membership


def members_with_roles(*, organization):
    """One entry per person with the list of their roles, ordered by name."""
    memberships = (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email", "role")
    )
    return [
        {"user": user, "roles": [membership.role for membership in group]}
        for user, group in groupby(memberships, key=lambda membership: membership.user)
    ]


def pending_invitations(*, organization):
    return Invitation.objects.filter(
        organization=organization, accepted_at=None, revoked_at=None
    ).select_related("invited_by")
