from django.utils import translation
from django.utils.translation import gettext

from . import services


def end_pairs_of_withdrawn_participant(sender, participant, **kwargs):
    """Someone who leaves a programme leaves their pairs too; the partner is free for the next run."""
    organization = participant.organization
    # Stored text that HR reads, in the organisation's language; no name in it, so that it says nothing
    # more once the person's account is erased.
    with translation.override(organization.default_language):
        if participant.role == participant.Role.MENTOR:
            reason = gettext("The mentor withdrew from the programme.")
        else:
            reason = gettext("The mentee withdrew from the programme.")
    services.end_live_pairs(participant=participant, reason=reason)
