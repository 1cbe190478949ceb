from collections.abc import Mapping
from itertools import groupby
from typing import Any

from django.db.models import QuerySet

from .models import AuditEvent, Invitation, Membership, Organization, Person
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


def audit_events(*, organization: Organization, filters: Mapping[str, Any]) -> QuerySet[AuditEvent]:
    """The organisation's audit events matching ``filters`` (``AuditFilterForm.chosen``), newest first.

    Dates are days in the reader's time zone (the active one), from the start of ``start`` to the end of
    ``end``. One query whatever the number of events read: nothing is joined or loaded per row.
    """
    from datetime import datetime, time, timedelta

    from django.db.models import Q
    from django.utils import timezone

    from . import audit

    events = AuditEvent.objects.filter(organization=organization)
    zone = timezone.get_current_timezone()
    if filters.get("start"):
        events = events.filter(occurred_at__gte=datetime.combine(filters["start"], time.min, tzinfo=zone))
    if filters.get("end"):
        after = datetime.combine(filters["end"] + timedelta(days=1), time.min, tzinfo=zone)
        events = events.filter(occurred_at__lt=after)
    if filters.get("category"):
        events = events.filter(action__in=sorted(audit.CATEGORY_ACTIONS.get(filters["category"], ())))
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("actor_kind"):
        events = events.filter(actor_kind=filters["actor_kind"])
    if filters.get("who"):
        events = events.filter(actor_label__icontains=filters["who"])
    if filters.get("target"):
        term = filters["target"]
        events = events.filter(
            Q(target_label__icontains=term) | Q(target_type=term.lower()) | Q(target_id=term)
        )
    return events.order_by("-occurred_at", "-id")
