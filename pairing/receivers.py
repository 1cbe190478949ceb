from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from . import services
from .models import Pair


def end_pairs_of_withdrawn_participant(sender, participant, **kwargs):
    """Someone who leaves a programme leaves their pairs too; the partner is free for the next run."""
    organization = participant.organization
    live_pairs = Pair.objects.filter(
        Q(mentor=participant) | Q(mentee=participant), status__in=Pair.LIVE
    ).select_for_update()
    # The reason is stored text that HR reads, in the organisation's language.
    with translation.override(organization.default_language):
        reason = gettext("%(name)s withdrew from the programme.") % {
            "name": participant.user.get_full_name() or participant.user.email
        }
    for pair in live_pairs:
        services.end_pair(pair=pair, reason=reason)
