"""Who may do what, in one place. Views ask for a capability; roles grant capabilities.

Deny by default: a capability no role lists is granted to nobody.
"""

from collections.abc import Iterable
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HR_ADMIN = "hr_admin", _("HR admin")
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    EXECUTIVE = "executive", _("Executive")
    # An executive's assistant: plans, moves and cancels the sessions of the executives who delegated it,
    # and sees their dates and places only (sessions.access.delegated_pairs).
    ASSISTANT = "assistant", _("Assistant")


class Capability(StrEnum):
    VIEW_ORGANIZATION = "view_organization"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_PROGRAMMES = "manage_programmes"
    MANAGE_PAIRING = "manage_pairing"
    VIEW_PAIR_STATISTICS = "view_pair_statistics"
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_OPERATIONS = "view_operations"
    PARTICIPATE = "participate"
    # The organisation's sign-in rules: SSO, two-factor policy, resets of a member's second factor.
    MANAGE_SECURITY = "manage_security"
    # The organisation's integrations: webhook endpoints (and the machine credentials of SCIM and the API).
    MANAGE_INTEGRATIONS = "manage_integrations"
    # The organisation's audit trail: read it, export it (its reading is itself recorded).
    VIEW_AUDIT = "view_audit"
    # Scheduling on behalf of the executives who delegated it: dates and places, never a pair's content.
    SCHEDULE_FOR_EXECUTIVES = "schedule_for_executives"


ROLE_CAPABILITIES: dict[str, set[Capability]] = {
    Role.HR_ADMIN: {
        Capability.VIEW_ORGANIZATION,
        Capability.MANAGE_MEMBERS,
        Capability.MANAGE_PROGRAMMES,
        Capability.MANAGE_PAIRING,
        Capability.VIEW_PAIR_STATISTICS,
        Capability.VIEW_DASHBOARD,
        Capability.VIEW_OPERATIONS,
        Capability.MANAGE_SECURITY,
        Capability.MANAGE_INTEGRATIONS,
        Capability.VIEW_AUDIT,
    },
    Role.EXECUTIVE: {Capability.VIEW_ORGANIZATION, Capability.VIEW_DASHBOARD},
    Role.MENTOR: {Capability.VIEW_ORGANIZATION, Capability.PARTICIPATE},
    Role.MENTEE: {Capability.VIEW_ORGANIZATION, Capability.PARTICIPATE},
    Role.ASSISTANT: {Capability.VIEW_ORGANIZATION, Capability.SCHEDULE_FOR_EXECUTIVES},
}


def capabilities_of(roles: Iterable[str]) -> frozenset[Capability]:
    granted: set[Capability] = set()
    for role in roles:
        granted |= ROLE_CAPABILITIES.get(role, set())
    return frozenset(granted)


# The roles that put a person in pairs: only these see sessions, partners, feeds and surveys.
PAIR_ROLES = frozenset({Role.MENTOR, Role.MENTEE})
