"""Finding a pairing object for the signed-in member: within their organisation, or 404."""

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from organizations.access import Member
from programmes.models import Participant, Programme

from .models import MatchingRound, Pair, PairingRule

_M = TypeVar("_M", bound=Model)


def _one(queryset: QuerySet[_M], pk: int) -> _M:
    item = queryset.filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def access_programme(member: Member, programme_id: int) -> Programme:
    """A programme of the member's organisation (HR pages; the view checked the capability)."""
    return _one(Programme.objects.filter(organization=member.organization), programme_id)


def access_round(member: Member, round_id: int) -> MatchingRound:
    return _one(
        MatchingRound.objects.filter(organization=member.organization).select_related("programme"), round_id
    )


def access_pair(member: Member, pair_id: int) -> Pair:
    """Any pair of the organisation, for HR."""
    return _one(
        Pair.objects.filter(organization=member.organization).select_related(
            "programme", "matching_round", "mentor__user", "mentee__user"
        ),
        pair_id,
    )


def access_rule(member: Member, rule_id: int) -> PairingRule:
    return _one(
        PairingRule.objects.filter(organization=member.organization).select_related("programme"), rule_id
    )


def access_own_pair(member: Member, pair_id: int) -> Pair:
    """A pair the member is part of, once HR has published it (drafts stay invisible)."""
    return _one(
        Pair.objects.filter(organization=member.organization)
        .filter(Q(mentor__user=member.user) | Q(mentee__user=member.user))
        .exclude(matching_round__status=MatchingRound.Status.DRAFT)
        .select_related("programme", "mentor__user", "mentee__user"),
        pair_id,
    )


def access_own_enrolment(member: Member, programme_id: int) -> Participant:
    """The member's own mentee enrolment in a programme."""
    enrolment = (
        Participant.objects.filter(
            organization=member.organization,
            user=member.user,
            role=Participant.Role.MENTEE,
            programme_id=programme_id,
        )
        .select_related("programme")
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment
