from celery import shared_task

from notifications.services import deliver_due
from organizations.tasks import in_tenant

from .models import Session
from .notifications import notify_session_invitations


@shared_task(acks_late=True)
@in_tenant
def send_session_invitations(organization, session_ids, method):
    """Deploy compatibility only, to be removed with the next release: calendar invitations the previous
    release queued before the outbox took them over. Nothing enqueues this any more. They go through
    the outbox at the sessions' current version, so running it twice sends nothing twice."""
    sessions = list(
        Session.objects.filter(pk__in=session_ids).select_related("pair__mentor__user", "pair__mentee__user")
    )
    notify_session_invitations(sessions, method)
    deliver_due(organization=organization)
