"""The one way into a pair's workspace: only its mentor and mentee, within the current organisation.

And the rules of who does what in a pair, which the programme sets (roles inverted): who plans the
sessions (``can_schedule``) and who writes their agenda (``can_edit_agenda``). An executive's assistant
plans with the executive's rights and reaches dates and places only, through ``delegated_pairs``.

In a programme's cross phase (the senior mentors the junior) both rules turn round: the side that did not
plan now plans, the side that did not write the agenda now writes it (``Programme.holder``). Who does what
follows the phase the programme is in today.
"""

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from organizations.access import Member
from organizations.models import Membership
from organizations.roles import Capability, Role
from pairing.models import Pair
from programmes.models import MIRRORED, Side

from .models import ActionItem, Challenge, Delegation, Goal, Session, SharedResource

if TYPE_CHECKING:
    from accounts.models import User

SCHEDULES = "scheduled_by"
WRITES_AGENDA = "agenda_by"


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


# Who does what in a pair -------------------------------------------------------------------------------


def holders(pair: Pair, responsibility: str) -> list["User"]:
    """The pair's people who hold ``responsibility`` (``SCHEDULES`` or ``WRITES_AGENDA``): mentor first."""
    programme = pair.programme
    return [
        participant.user
        for participant, role in ((pair.mentor, Side.MENTOR), (pair.mentee, Side.MENTEE))
        if programme.side_holds(responsibility, role)
    ]


def schedulers(pair: Pair) -> list["User"]:
    """Who plans the pair's sessions, as the programme says (the assistants of these act for them)."""
    return holders(pair, SCHEDULES)


def agenda_owners(pair: Pair) -> list["User"]:
    """Who writes the agenda of the pair's sessions, as the programme says."""
    return holders(pair, WRITES_AGENDA)


def _active_delegations() -> QuerySet[Delegation]:
    """Delegations whose assistant still holds the assistant role (removing the role ends them too)."""
    return Delegation.objects.filter(
        Exists(
            Membership.objects.filter(
                organization=OuterRef("organization"), user=OuterRef("assistant"), role=Role.ASSISTANT
            )
        )
    )


def is_assistant_for(pair: Pair, user: "User") -> bool:
    """Whether ``user`` plans for one of the pair's schedulers, by delegation."""
    executives = [person.pk for person in schedulers(pair)]
    return (
        bool(executives) and _active_delegations().filter(assistant=user, executive__in=executives).exists()
    )


def executives_assisted_by(pair: Pair, user: "User") -> list["User"]:
    """The pair's schedulers for whom ``user`` plans, by an active delegation."""
    executives = {person.pk: person for person in schedulers(pair)}
    if not executives:
        return []
    assisted = _active_delegations().filter(assistant=user, executive__in=list(executives))
    return [executives[pk] for pk in assisted.values_list("executive_id", flat=True)]


def assistants_of(pair: Pair) -> list["User"]:
    """The assistants who plan for one of the pair's schedulers (each once)."""
    executives = [person.pk for person in schedulers(pair)]
    if not executives:
        return []
    delegations = _active_delegations().filter(executive__in=executives).select_related("assistant")
    return list({delegation.assistant_id: delegation.assistant for delegation in delegations}.values())


def can_schedule(pair: Pair, user: "User", *, may_assist: bool = True) -> bool:
    """Whether ``user`` may plan, move and recur the pair's sessions: a person on the side the programme
    names (the senior mentee by default), or the assistant of one. The pair must be active.

    ``may_assist=False`` when the caller knows that ``user`` holds no assistant role in the pair's
    organisation (the signed-in member's roles say so): no delegation of theirs is active, and the
    lookup is spared."""
    if pair.status != Pair.Status.ACTIVE:
        return False
    if any(person.pk == user.pk for person in schedulers(pair)):
        return True
    return may_assist and is_assistant_for(pair, user)


def can_cancel(pair: Pair, user: "User") -> bool:
    """Both people can call a session off (with a reason, the partner is told); and whoever plans it."""
    return user.pk in (pair.mentor.user_id, pair.mentee.user_id) or can_schedule(pair, user)


def can_edit_agenda(pair: Pair, user: "User") -> bool:
    """Whether ``user`` may write the agenda of the pair's sessions: the side the programme names (the
    junior mentor by default). Never an assistant: an agenda is the pair's content."""
    return pair.status == Pair.Status.ACTIVE and any(person.pk == user.pk for person in agenda_owners(pair))


# An assistant's reach: dates and places ---------------------------------------------------------------


def executives_of(member: Member) -> QuerySet[Delegation]:
    """The member's delegations as an assistant, with the executives (empty without the assistant role)."""
    if not member.has_role(Role.ASSISTANT):
        return Delegation.objects.none()
    return Delegation.objects.filter(organization=member.organization, assistant=member.user).select_related(
        "executive"
    )


def delegated_pairs(member: Member) -> QuerySet[Pair]:
    """The active pairs where an executive who delegated to the member plans the sessions."""
    executives = executives_of(member).values("executive_id")
    today = timezone.localdate()
    in_cross_phase = Q(programme__cross_phase=True, programme__cross_start_date__lte=today)

    def plans_as(side: Side) -> Q:
        # The programme's setting in the reverse phase, its mirror in the cross phase (Programme.holder).
        reverse = ~in_cross_phase & Q(programme__scheduled_by__in=[side, Side.BOTH])
        cross = in_cross_phase & Q(programme__scheduled_by__in=[MIRRORED[side], Side.BOTH])
        return reverse | cross

    plans_as_mentee = Q(mentee__user__in=executives) & plans_as(Side.MENTEE)
    plans_as_mentor = Q(mentor__user__in=executives) & plans_as(Side.MENTOR)
    return (
        Pair.objects.filter(organization=member.organization, status=Pair.Status.ACTIVE)
        .filter(plans_as_mentee | plans_as_mentor)
        .select_related("programme", "mentor__user", "mentee__user", "mentor__person", "mentee__person")
    )


def access_delegated_pair(member: Member, pair_id: int) -> Pair:
    """A pair the member plans for as an assistant; Http404 otherwise."""
    return get_object_or_404(delegated_pairs(member), pk=pair_id)


def access_delegated_session(member: Member, session_id: int) -> Session:
    """A session of a pair the member plans for as an assistant; Http404 otherwise."""
    return get_object_or_404(
        Session.objects.filter(pair__in=delegated_pairs(member)).select_related(
            "pair__programme", "pair__mentor__user", "pair__mentee__user"
        ),
        pk=session_id,
    )


def access_own_delegation(member: Member, delegation_id: int) -> Delegation:
    """A delegation the member granted as an executive, or any of the organisation's for HR; else 404."""
    delegations = Delegation.objects.filter(organization=member.organization)
    if not member.can(Capability.MANAGE_MEMBERS):
        delegations = delegations.filter(executive=member.user)
    return get_object_or_404(delegations.select_related("executive", "assistant"), pk=delegation_id)
