"""Monthly e-mails of the programme impact report: who subscribed to which programme's report.

A subscription is the reader's own choice, made on the report page. Only the people who may read the
dashboard (HR admins and executives) subscribe, and the e-mail checks again, when it is planned and when
it is sent, that they still may: someone who lost the role or left the organisation gets nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from organizations.models import Membership
from organizations.roles import Capability, Role, capabilities_of

from .models import ReportSubscription

if TYPE_CHECKING:
    from accounts.models import User
    from programmes.models import Programme

# The roles that may read the dashboard, hence its report (organizations.roles grants VIEW_DASHBOARD).
READER_ROLES = frozenset(role for role in Role if Capability.VIEW_DASHBOARD in capabilities_of([role]))


def is_subscribed(*, user: User, programme_id: int | None) -> bool:
    return ReportSubscription.objects.filter(user=user, programme_id=programme_id).exists()


@transaction.atomic
def subscribe(*, user: User, programme: Programme | None) -> ReportSubscription:
    """Subscribe ``user`` to the monthly report of ``programme`` (None: the whole organisation), once."""
    existing = ReportSubscription.objects.filter(user=user, programme=programme).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ReportSubscription.objects.create(user=user, programme=programme)
    except IntegrityError:  # the same click twice, at the same moment
        return ReportSubscription.objects.get(user=user, programme=programme)


def unsubscribe(*, user: User, programme: Programme | None) -> bool:
    """End the subscription; True when there was one."""
    deleted, _ = ReportSubscription.objects.filter(user=user, programme=programme).delete()
    return bool(deleted)


def readers_subscriptions():
    """The current organisation's subscriptions whose subscriber may still read the dashboard."""
    readers = Membership.objects.filter(role__in=READER_ROLES).values("user")
    return (
        ReportSubscription.objects.filter(user__in=readers).select_related("user", "programme").order_by("pk")
    )


def may_read(*, user: User) -> bool:
    return Membership.objects.filter(user=user, role__in=READER_ROLES).exists()
