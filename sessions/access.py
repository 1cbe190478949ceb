"""The one way into a pair's workspace: only its mentor and mentee, within the current organisation."""

from django.db.models import Q, QuerySet
from django.http import Http404

from organizations.access import Member
from pairing.models import Pair

from .models import ActionItem, Goal, Session, SharedResource

PAIR_STATUSES_WITH_A_SPACE = [Pair.Status.ACTIVE, Pair.Status.ENDED]


def pairs_of(member: Member) -> QuerySet[Pair]:
    """The pairs whose space the member may enter: theirs, active or ended, in this organisation."""
    return (
        Pair.objects.filter(organization=member.organization, status__in=PAIR_STATUSES_WITH_A_SPACE)
        .filter(Q(mentor__user=member.user) | Q(mentee__user=member.user))
        .select_related("programme", "mentor__user", "mentee__user")
    )


def access_pair(member: Member, pair_id: int) -> Pair:
    """The pair if the member is its mentor or mentee; Http404 otherwise (missing and forbidden alike)."""
    pair = pairs_of(member).filter(pk=pair_id).first()
    if pair is None:
        raise Http404
    return pair


def access_session(pair: Pair, session_id: int) -> Session:
    session = Session.objects.filter(pair=pair, pk=session_id).first()
    if session is None:
        raise Http404
    return session


def access_goal(pair: Pair, goal_id: int) -> Goal:
    goal = Goal.objects.filter(pair=pair, pk=goal_id).first()
    if goal is None:
        raise Http404
    return goal


def access_action_item(pair: Pair, action_id: int) -> ActionItem:
    action = ActionItem.objects.filter(pair=pair, pk=action_id).first()
    if action is None:
        raise Http404
    return action


def access_resource(pair: Pair, resource_id: int) -> SharedResource:
    resource = SharedResource.objects.filter(pair=pair, pk=resource_id).first()
    if resource is None:
        raise Http404
    return resource
