from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from celery import shared_task

from .models import Invitation, Organization
from .signals import invitations_issued
from .tenancy import tenant_context

P = ParamSpec("P")
R = TypeVar("R")


def in_tenant(
    task_function: Callable[Concatenate[Organization, P], R],
) -> Callable[Concatenate[int, P], R | None]:
    """Run a task body inside the organisation passed as its first argument, then reset.

    Tasks never inherit a tenant from whoever enqueued them: the organisation travels as an id.
    """

    @wraps(task_function)
    def wrapper(organization_id: int, *args: P.args, **kwargs: P.kwargs) -> R | None:
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            return None
        with tenant_context(organization):
            return task_function(organization, *args, **kwargs)

    return wrapper


@shared_task(acks_late=True)
@in_tenant
def send_invitation_email(organization: Organization, invitation_id: int) -> None:
    """Deploy compatibility only, to be removed with the next release: an invitation the previous release
    queued before the outbox took invitations over. Nothing enqueues this any more: it hands the
    invitation to the outbox (``invitations_issued``), which e-mails it once, if it is still pending."""
    if Invitation.objects.filter(pk=invitation_id, accepted_at=None, revoked_at=None).exists():
        invitations_issued.send(sender=Invitation, organization=organization, invitation_ids=[invitation_id])


@shared_task
def purge_audit_events() -> int:
    """Beat, daily: audit events are kept for their organisation's retention, then deleted."""
    from .services import purge_audit_events as purge

    return purge()
