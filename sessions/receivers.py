from django.utils import translation
from django.utils.translation import gettext

from . import services


def cancel_sessions_of_ended_pair(sender, pair, **kwargs):
    """A pair that ended (withdrawal, HR, rotation) meets no more: its planned sessions leave both
    calendars, and no reminder goes out for them."""
    with translation.override(pair.organization.default_language):
        reason = gettext("The pair has ended.")
    services.cancel_upcoming_sessions(pair=pair, reason=reason)
