from django.utils import translation
from django.utils.translation import gettext

from organizations.roles import PAIR_ROLES, Role
from organizations.tenancy import tenant_context

from . import services
from .models import Delegation


def cancel_sessions_of_ended_pairs(sender, pairs, **kwargs):
    """Pairs that ended (withdrawal, HR, rotation) meet no more: their planned sessions leave both
    calendars, and no reminder goes out for them. One call for the whole batch (a rotation's pairs)."""
    with translation.override(pairs[0].organization.default_language):
        reason = gettext("The pair has ended.")
    services.cancel_upcoming_sessions(pairs=pairs, reason=reason)


def revoke_feed_when_access_ends(sender, user, organization, roles_left, **kwargs):
    """The calendar feed shows a pair's sessions, partner and video link: it goes with the last pair role."""
    if organization is None:
        services.revoke_calendar_feeds_everywhere(user=user)
    elif not roles_left & PAIR_ROLES:
        with tenant_context(organization):
            services.revoke_calendar_feed(organization=organization, user=user)


def end_delegations_when_access_ends(sender, user, organization, roles_left, **kwargs):
    """An assistant who lost the role plans for nobody any more, and a person who left the organisation
    delegates nothing: the rows go. (Access already ended with the role: ``access`` reads the membership.)"""
    if organization is None:
        return
    with tenant_context(organization):
        if Role.ASSISTANT not in roles_left:
            Delegation.objects.filter(assistant=user).delete()
        if not roles_left:
            Delegation.objects.filter(executive=user).delete()


def invite_late_mentor_to_the_cohort(sender, participant, **kwargs):
    """A mentor who enrols once the cohort's sessions are planned is invited to those still ahead."""
    from .cohort import invite_to_upcoming

    invite_to_upcoming(participant=participant)


def uninvite_withdrawn_mentor_from_the_cohort(sender, participant, **kwargs):
    """A mentor who leaves the programme gets the cancellation of the cohort's sessions still ahead."""
    from .cohort import uninvite_from_upcoming

    uninvite_from_upcoming(participant=participant)
