"""Every message the pairing app sends, in one place, and the digest's people without a pair.

They go through the notifications outbox: one row per person under a natural key (``pair:<id>``), so
publishing or accepting twice sends nothing twice; delivery happens after the transaction commits, in
the recipient's language, and shows in their in-app list; people can mute each kind.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.registry import Message, digest_section, notification_kind, renderer
from notifications.rendering import organization_url
from notifications.services import Notice, notify, notify_all

from . import selectors
from .models import Pair

PAIR_PUBLISHED = notification_kind("pair_published", gettext_lazy("New pair announced"), position=70)
PAIR_ACCEPTED = notification_kind("pair_accepted", gettext_lazy("Pair accepted"), position=80)
PAIR_DECLINED = notification_kind("pair_declined", gettext_lazy("Pair declined"), position=90)
PAIR_ENDED = notification_kind("pair_ended", gettext_lazy("Pair ended"), position=100)


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
    recipients = [pair.mentor.user] if only_mentor else pair.people()
    _notify(pair, PAIR_PUBLISHED, recipients)


def notify_pair_accepted(pair):
    """Both said yes."""
    _notify(pair, PAIR_ACCEPTED, pair.people())


def notify_pair_declined(pair, *, declined_by):
    """One said no: the other person learns it (the reason stays with HR)."""
    others = [user for user in pair.people() if user.pk != declined_by.pk]
    _notify(pair, PAIR_DECLINED, others)


def notify_pairs_ended(pairs):
    """The pairs have ended (HR, rotation, a withdrawal): both people of each hear it from Binôme, not by
    silence. One insert for them all; the pairs, of one organisation, come with it and their people."""
    if not pairs:
        return
    notify_all(
        organization=pairs[0].organization,
        kind=PAIR_ENDED,
        notices=[
            Notice(recipients=pair.people(), key=f"pair:{pair.pk}", object_id=pair.pk) for pair in pairs
        ],
    )


PAIR_SUBJECTS = {
    PAIR_PUBLISHED: lambda: _("Your match in %(programme)s"),
    PAIR_ACCEPTED: lambda: _("Your pair is confirmed in %(programme)s"),
    PAIR_DECLINED: lambda: _("Your match in %(programme)s will not go ahead"),
    PAIR_ENDED: lambda: _("Your pair with %(partner)s has ended"),
}


@renderer(PAIR_PUBLISHED)
@renderer(PAIR_ACCEPTED)
@renderer(PAIR_DECLINED)
@renderer(PAIR_ENDED)
def render_pair_message(row):
    pair = (
        Pair.objects.filter(pk=row.object_id)
        .select_related("programme", "mentor__user", "mentee__user")
        .first()
    )
    if pair is None:
        return None
    partner = pair.partner_of(row.recipient)
    names = {"partner": partner.get_full_name() or partner.email, "programme": pair.programme.name}
    if row.kind == PAIR_ACCEPTED:
        # The decline reason stays with HR: the other person only learns that the pair will not go ahead.
        paragraphs = [
            _("You and %(partner)s both accepted: your pair is confirmed. Plan your first meeting soon.")
            % names
        ]
        action_url, action_label = organization_url("pair_space", pair_id=pair.pk), _("Open the pair")
    elif row.kind == PAIR_ENDED:
        # The reason HR typed may not be meant for the pair: it stays with HR.
        paragraphs = [
            _("Your pair with %(partner)s in %(programme)s has ended; its planned sessions are cancelled.")
            % names,
            _("Thank you for the time you gave each other. HR will tell you about what comes next."),
        ]
        action_url, action_label = organization_url("my_programmes"), _("My programmes")
    elif row.kind == PAIR_DECLINED:
        paragraphs = [
            _(
                "The match with %(partner)s will not go ahead. HR will propose a new partner in the next round."
            )
            % names
        ]
        action_url, action_label = organization_url("my_matches"), _("See my matches")
    else:
        paragraphs = [
            _("You have been matched with %(partner)s in %(programme)s.") % names,
            _("Read their profile, then accept or decline this match."),
        ]
        action_url, action_label = organization_url("my_matches"), _("Accept or decline this match")
    return Message(
        subject=PAIR_SUBJECTS[row.kind]() % names,
        paragraphs=paragraphs,
        action_url=action_url,
        action_label=action_label,
    )


UNMATCHED_LISTED = 100


@digest_section(position=20)
def digest_unmatched(organization, now):
    lines = [
        _("%(person)s (%(programme)s, %(role)s)")
        % {
            "person": participant.user,
            "programme": participant.programme.name,
            "role": participant.get_role_display(),
        }
        for participant in selectors.unmatched_participants().select_related("user", "programme")[
            :UNMATCHED_LISTED
        ]
    ]
    return _("People without a pair"), lines
