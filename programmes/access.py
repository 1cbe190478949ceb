"""A programme's objects for the signed-in member: the object, or 404 (missing and forbidden alike)."""

from typing import TypeVar

from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404

from organizations.access import Member
from organizations.roles import Capability

from .models import CurriculumModule, Participant, ParticipantImport, Programme, Resource, Skill

_M = TypeVar("_M", bound=Model)


def access_programme(member: Member, programme_id: int) -> Programme:
    """A programme of the member's organisation, for HR pages."""
    if not member.can(Capability.MANAGE_PROGRAMMES):
        raise Http404
    return get_object_or_404(Programme.objects.filter(organization=member.organization), pk=programme_id)


def access_participant(member: Member, programme: Programme, participant_id: int) -> Participant:
    if not member.can(Capability.MANAGE_PROGRAMMES):
        raise Http404
    return get_object_or_404(
        Participant.objects.filter(organization=member.organization, programme=programme).select_related(
            "user", "person", "manager", "programme"
        ),
        pk=participant_id,
    )


def access_import(member: Member, programme: Programme, import_id: int) -> ParticipantImport:
    if not member.can(Capability.MANAGE_PROGRAMMES):
        raise Http404
    return get_object_or_404(
        ParticipantImport.objects.filter(organization=member.organization, programme=programme),
        pk=import_id,
    )


def access_skill(member: Member, skill_id: int) -> Skill:
    if not member.can(Capability.MANAGE_PROGRAMMES):
        raise Http404
    return get_object_or_404(Skill.objects.filter(organization=member.organization), pk=skill_id)


def access_own_participation(member: Member, programme_id: int) -> tuple[Programme, Participant | None]:
    """The programme (or 404) and the member's own participation in it (None if they have none)."""
    programme = get_object_or_404(Programme.objects.filter(organization=member.organization), pk=programme_id)
    participant = Participant.objects.filter(programme=programme, user=member.user).first()
    return programme, participant


def access_resource(member: Member, programme_id: int, resource_id: int) -> Resource:
    """A resource HR manages, or one meant for the member's role in a programme they take part in."""
    resource = get_object_or_404(
        Resource.objects.filter(organization=member.organization, programme_id=programme_id).select_related(
            "programme"
        ),
        pk=resource_id,
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


def access_module(member: Member, programme: Programme, module_id: int) -> CurriculumModule:
    """A curriculum module of a programme HR manages (the programme was loaded by ``access_programme``)."""
    if not member.can(Capability.MANAGE_PROGRAMMES):
        raise Http404
    return get_object_or_404(
        CurriculumModule.objects.filter(organization=member.organization, programme=programme), pk=module_id
    )
