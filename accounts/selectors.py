"""What the account pages read about the person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from .models import SignedInSession
from .services import session_store

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .models import User


def open_sign_ins(*, user: User) -> list[SignedInSession]:
    """The person's sign-ins whose session is still open, newest first.

    A row outlives its session when the session expires or is cleared: those are left out. With the
    database session engines that is one query on the session table, whatever the number of sign-ins.
    """
    rows: QuerySet[SignedInSession] = SignedInSession.objects.filter(user=user).order_by("-created_at")
    store = session_store()
    get_model_class = getattr(store, "get_model_class", None)
    if get_model_class is None:
        return [row for row in rows if store().exists(row.session_key)]
    sign_ins = list(rows)
    open_keys = set(
        get_model_class()
        .objects.filter(session_key__in=[row.session_key for row in sign_ins], expire_date__gt=timezone.now())
        .values_list("session_key", flat=True)
    )
    return [row for row in sign_ins if row.session_key in open_keys]


def organization_ids_of(*, user: User) -> set[int]:
    """The organisations the person is a member of (any role), for the events recorded in each one."""
    from organizations.models import Membership
    from organizations.tenancy import unscoped

    with unscoped("a person's own memberships, for the events recorded in each of their organisations"):
        return set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
