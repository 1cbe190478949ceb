"""Finding a pairing object for the signed-in member: within their organisation, or 404."""

from typing import TypeVar

from django.db.models import Model, Q
from django.shortcuts import get_object_or_404

from organizations.access import Member
from programmes.models import Participant, Programme

from .models import MatchingRound, Pair, PairingRule

_M = TypeVar("_M", bound=Model)


def access_programme(member: Member, programme_id: int) -> Programme:
    """A programme of the member's organisation (HR pages; the view checked the capability)."""
    return get_object_or_404(Programme.objects.filter(organization=member.organization), pk=programme_id)


def access_round(member: Member, round_id: int) -> MatchingRound:
    return get_object_or_404(
        MatchingRound.objects.filter(organization=member.organization).select_related("programme"),
        pk=round_id,
    )


def access_pair(member: Member, pair_id: int) -> Pair:
    """Any pair of the organisation, for HR."""
    return get_object_or_404(
        Pair.objects.filter(organization=member.organization).select_related(
            "programme", "matching_round", "mentor__user", "mentee__user"
        ),
        pk=pair_id,
    )


def access_rule(member: Member, rule_id: int) -> PairingRule:
    return get_object_or_404(
        PairingRule.objects.filter(organization=member.organization).select_related("programme"),
        pk=rule_id,
    )


def access_own_pair(member: Member, pair_id: int) -> Pair:
    """A pair the member is part of, once HR has published it (drafts stay invisible)."""
    return get_object_or_404(
        Pair.objects.filter(organization=member.organization)
        .filter(Q(mentor__user=member.user) | Q(mentee__user=member.user))
        .exclude(matching_round__status=MatchingRound.Status.DRAFT)
        .select_related("programme", "mentor__user", "mentee__user"),
        pk=pair_id,
    )


def access_own_enrolment(member: Member, programme_id: int) -> Participant:
    """The member's own mentee enrolment in a programme."""
    return get_object_or_404(
        Participant.objects.filter(organization=member.organization).select_related("programme"),
        user=member.user,
        role=Participant.Role.MENTEE,
        programme_id=programme_id,
    )
