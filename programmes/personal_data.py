"""What programmes hold about a person: their participations, in the export and in the erasure."""

from django.db.models import Prefetch

from accounts import privacy

from .models import OUTCOMES, MentorOutcome, Participant, ParticipantImport, ParticipantSkill, Programme
from .services import withdraw


@privacy.export("programme_participations", position=40, covers=[Participant])
def _participations(user):
    participations = (
        Participant.objects.filter(user=user)
        .select_related("programme", "manager")
        .prefetch_related(
            Prefetch(
                "skills", queryset=ParticipantSkill.objects.select_related("skill").order_by("skill__name")
            )
        )
        .order_by("created_at", "pk")
    )
    return list(participations), _participation


def _participation(participant):
    return {
        "programme": participant.programme.name,
        "role": participant.role,
        "status": participant.status,
        "department": participant.department,
        "job_title": participant.job_title,
        "location": participant.location,
        "languages": participant.languages,
        "interests": participant.interests,
        "hopes": participant.hopes,
        "availability": participant.availability,
        "time_zone": participant.time_zone,
        "manager": participant.manager.display_name if participant.manager else None,
        "charter_accepted_at": participant.charter_accepted_at,
        "preparation_module_read_at": participant.module_read_at,
        "confidentiality_pledge_at": participant.pledge_accepted_at,
        "enrolled_at": participant.enrolled_at,
        "withdrawn_at": participant.withdrawn_at,
        "skills": [{"skill": entry.skill.name, "level": entry.level} for entry in participant.skills.all()],
    }


@privacy.held_in
def _organizations_with_participations(user):
    return Participant.objects.filter(user=user).values_list("organization_id", flat=True)


# After pairing's step (order 10): the pairs end as an erased account's, not as a withdrawal's.
@privacy.leave(order=20)
def _withdraw_from_programmes(*, organization, user, reason):
    """Withdraw the person from every programme of the current organisation and empty their profiles."""
    participations = Participant.objects.filter(user=user).select_related("programme")
    closed = Programme.Status.CLOSED
    for participant in participations:
        # A closed programme is history: the participation stays as it ended.
        if participant.status != Participant.Status.WITHDRAWN and participant.programme.status != closed:
            withdraw(participant=participant)
    participations.update(
        job_title="", location="", hopes="", interests=[], languages=[], availability=[], manager=None
    )
    # What HR recorded of the person's career since they mentored leaves with them.
    MentorOutcome.objects.filter(participant__user=user).delete()


# What HR recorded of the person's career since they mentored: theirs to read, and gone when they leave.
@privacy.export("mentor_outcomes", position=45, covers=[MentorOutcome])
def _mentor_outcomes(user):
    def entry(outcome):
        return {
            "programme": outcome.participant.programme.name,
            **{name: getattr(outcome, name) for name in OUTCOMES},
            "recognition": outcome.recognition,
            "updated_at": outcome.updated_at,
        }

    outcomes = MentorOutcome.objects.filter(participant__user=user).select_related("participant__programme")
    return list(outcomes.order_by("participant__created_at", "pk")), entry


privacy.not_exported(
    ParticipantImport,
    why="who uploaded a participant file is HR's record of its own work, not information about them",
)
