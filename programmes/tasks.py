from celery import shared_task

from organizations.models import Invitation
from organizations.signals import invitations_issued
from organizations.tasks import in_tenant

from . import imports


@shared_task(acks_late=True)
@in_tenant
def send_import_invitations(organization, invitation_ids):
    """Deploy compatibility only, to be removed with the next release: an import's invitations the
    previous release queued. Nothing enqueues this any more: they go to the outbox, one row each."""
    pending = list(
        Invitation.objects.filter(pk__in=invitation_ids, accepted_at=None, revoked_at=None).values_list(
            "pk", flat=True
        )
    )
    if pending:
        invitations_issued.send(sender=Invitation, organization=organization, invitation_ids=pending)


@shared_task
def purge_old_imports():
    """Beat, daily: uploaded files' rows (names, e-mails, managers) are not kept longer than needed."""
    return imports.purge_old_imports()
