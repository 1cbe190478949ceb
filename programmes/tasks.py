from celery import shared_task

from organizations.tasks import in_tenant, send_invitation_email

from . import imports


@shared_task(acks_late=True)
@in_tenant
def send_import_invitations(organization, invitation_ids):
    """Fan the invitations of one import out as one task each, so each e-mail retries on its own."""
    for invitation_id in invitation_ids:
        send_invitation_email.delay(organization.pk, invitation_id)


@shared_task
def purge_old_imports():
    """Beat, daily: uploaded files' rows (names, e-mails, managers) are not kept longer than needed."""
    return imports.purge_old_imports()
