"""Every message the pairing app sends, in one place.

They go through the notifications outbox: one row per person under a natural key (``pair:<id>``), so
publishing or accepting twice sends nothing twice; delivery happens after the transaction commits, in
the recipient's language, and shows in their in-app list; people can mute each kind.
"""

from notifications.models import Kind
from notifications.services import notify


def _notify(pair, kind, recipients):
    notify(
        organization=pair.organization,
        recipients=recipients,
        kind=kind,
        key=f"pair:{pair.pk}",
        object_id=pair.pk,
    )


def notify_pair_published(pair, *, only_mentor=False):
    """A proposal is visible: both people (or only the mentor, when the mentee chose them) are told."""
    recipients = [pair.mentor.user] if only_mentor else [pair.mentor.user, pair.mentee.user]
    _notify(pair, Kind.PAIR_PUBLISHED, recipients)


def notify_pair_accepted(pair):
    """Both said yes."""
    _notify(pair, Kind.PAIR_ACCEPTED, [pair.mentor.user, pair.mentee.user])


def notify_pair_declined(pair, *, declined_by):
    """One said no: the other person learns it (the reason stays with HR)."""
    others = [user for user in (pair.mentor.user, pair.mentee.user) if user.pk != declined_by.pk]
    _notify(pair, Kind.PAIR_DECLINED, others)


def notify_pair_ended(pair):
    """The pair has ended (HR, rotation, a withdrawal): both people hear it from Binôme, not by silence."""
    _notify(pair, Kind.PAIR_ENDED, [pair.mentor.user, pair.mentee.user])
