from celery import shared_task

from notifications.services import deliver_due
from organizations.tasks import in_tenant

from .models import Nudge
from .notifications import notify_nudge


@shared_task(acks_late=True)
@in_tenant
def send_nudge_email(organization, nudge_id):
    """Deploy compatibility only, to be removed with the next release: a nudge the previous release
    queued before the outbox took it over. Nothing enqueues this any more. The nudge goes through the
    outbox under its natural key, so a nudge already planned, or this task run twice, sends nothing twice.
    """
    nudge = Nudge.objects.filter(pk=nudge_id, sent_at=None).select_related("pair__mentor__user").first()
    if nudge is None:
        return
    notify_nudge(nudge)
    deliver_due(organization=organization)
