from typing import Any

from . import audit, services
from .models import Invitation
from .tenancy import tenant_context


def organization_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    services.allow_organization_deletion(organization=instance)


def record_invitations_sent(sender: Any, organization: Any, invitation_ids: list[int], **kwargs: Any) -> None:
    """Every invitation issued (or issued again), one event each, whatever issued it: one read, one INSERT."""
    request = audit.current_request()
    actor = getattr(request, "user", None) if request is not None else None
    with tenant_context(organization):
        invitations = list(Invitation.objects.filter(pk__in=invitation_ids).only("pk", "email", "role"))
    events = [
        audit._event(
            audit.Action.INVITATION_SENT,
            organization_id=organization.pk,
            actor=actor,
            actor_kind=None,
            actor_label="",
            target=invitation,
            target_label=invitation.email,
            details={"role": invitation.role},
            request=request,
            organization=organization,
        )
        for invitation in invitations
    ]
    audit.append(events)
