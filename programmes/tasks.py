from celery import shared_task

from organizations.tasks import in_tenant, send_invitation_email


@shared_task(acks_late=True)
@in_tenant
def send_import_invitations(organization, invitation_ids):
    """Fan the invitations of one import out as one task each, so each e-mail retries on its own."""
    for invitation_id in invitation_ids:
        send_invitation_email.delay(organization.pk, invitation_id)
