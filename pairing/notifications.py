"""Every e-mail the pairing app sends, in one place so that a notifications app can take it over.

Services call ``notify_*``; the message goes out from a Celery task after the transaction commits,
rendered in the recipient's own language, as text and HTML.
"""

from django.db import transaction

PUBLISHED = "published"
ACCEPTED = "accepted"
DECLINED = "declined"
EVENTS = (PUBLISHED, ACCEPTED, DECLINED)


def _enqueue(pair, event, recipients):
    from .tasks import send_pair_email

    organization_id = pair.organization_id
    for user_id in recipients:
        transaction.on_commit(
            lambda user_id=user_id: send_pair_email.delay(organization_id, pair.pk, event, user_id)
        )


def notify_pair_published(pair, *, only_mentor=False):
    """A proposal is visible: both people (or only the mentor, when the mentee chose them) are told."""
    recipients = [pair.mentor.user_id] if only_mentor else [pair.mentor.user_id, pair.mentee.user_id]
    _enqueue(pair, PUBLISHED, recipients)


def notify_pair_accepted(pair):
    """Both said yes."""
    _enqueue(pair, ACCEPTED, [pair.mentor.user_id, pair.mentee.user_id])


def notify_pair_declined(pair, *, declined_by):
    """One said no: the other person learns it (the reason stays with HR)."""
    others = [user_id for user_id in (pair.mentor.user_id, pair.mentee.user_id) if user_id != declined_by.pk]
    _enqueue(pair, DECLINED, others)
