"""A programme's objects for the signed-in member: the object, or 404 (missing and forbidden alike)."""

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from organizations.access import Member
from organizations.roles import Capability

from .models import Participant, ParticipantImport, Programme, Resource, Skill

_M = TypeVar("_M", bound=Model)


def _get(queryset: QuerySet[_M], pk: int) -> _M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def access_programme(member: Member, programme_id: int) -> Programme:
    """A programme of the member's organisation, for HR pages."""
    if not member.can(Capability.MANAGE_PROGRAMMES):
        raise Http404
    return _get(Programme.objects.filter(organization=member.organization), programme_id)


def access_participant(member: Member, programme: Programme, participant_id: int) -> Participant:
    if not member.can(Capability.MANAGE_PROGRAMMES):
        raise Http404
    return _get(
        Participant.objects.filter(organization=member.organization, programme=programme).select_related(
            "user", "person", "manager", "programme"
        ),
        participant_id,
    )


def access_import(member: Member, programme: Programme, import_id: int) -> ParticipantImport:
    if not member.can(Capability.MANAGE_PROGRAMMES):
        raise Http404
    return _get(
        ParticipantImport.objects.filter(organization=member.organization, programme=programme), import_id
    )


def access_skill(member: Member, skill_id: int) -> Skill:
    if not member.can(Capability.MANAGE_PROGRAMMES):
        raise Http404
    return _get(Skill.objects.filter(organization=member.organization), skill_id)


def access_own_participation(member: Member, programme_id: int) -> tuple[Programme, Participant | None]:
    """The programme (or 404) and the member's own participation in it (None if they have none)."""
    programme = _get(Programme.objects.filter(organization=member.organization), programme_id)
    participant = Participant.objects.filter(programme=programme, user=member.user).first()
    return programme, participant


def access_resource(member: Member, programme_id: int, resource_id: int) -> Resource:
    """A resource HR manages, or one meant for the member's role in a programme they take part in."""
    resource = _get(
        Resource.objects.filter(organization=member.organization, programme_id=programme_id).select_related(
            "programme"
        ),
        resource_id,
    )
    if member.can(Capability.MANAGE_PROGRAMMES):
        return resource
    participant = (
        Participant.objects.filter(programme=resource.programme, user=member.user)
        .exclude(status=Participant.Status.WITHDRAWN)
        .first()
    )
    if participant is None or not resource.is_for(participant.role):
        raise Http404
    return resource
