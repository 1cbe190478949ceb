"""The one way into a pair's workspace: only its mentor and mentee, within the current organisation."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from organizations.access import Member
from pairing.models import Pair

from .models import ActionItem, Challenge, Goal, Session, SharedResource


def pairs_of(member: Member) -> QuerySet[Pair]:
    """The pairs whose space the member may enter: theirs, active or ended, in this organisation."""
    return (
        Pair.objects.filter(organization=member.organization, status__in=Pair.WITH_A_WORKSPACE)
        .filter(Q(mentor__user=member.user) | Q(mentee__user=member.user))
        .select_related("programme", "mentor__user", "mentee__user")
    )


def access_pair(member: Member, pair_id: int) -> Pair:
    """The pair if the member is its mentor or mentee; Http404 otherwise (missing and forbidden alike)."""
    return get_object_or_404(pairs_of(member), pk=pair_id)


def access_session(pair: Pair, session_id: int) -> Session:
    return get_object_or_404(Session.objects.filter(pair=pair), pk=session_id)


def access_goal(pair: Pair, goal_id: int) -> Goal:
    return get_object_or_404(Goal.objects.filter(pair=pair), pk=goal_id)


def access_action_item(pair: Pair, action_id: int) -> ActionItem:
    return get_object_or_404(ActionItem.objects.filter(pair=pair), pk=action_id)


def access_resource(pair: Pair, resource_id: int) -> SharedResource:
    return get_object_or_404(SharedResource.objects.filter(pair=pair), pk=resource_id)


def access_challenge(pair: Pair, challenge_id: int) -> Challenge:
    return get_object_or_404(
        Challenge.objects.filter(pair=pair).select_related("module", "session", "owner"), pk=challenge_id
    )
