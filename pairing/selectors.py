"""Read-only queries of the pairing pages, each in a bounded number of queries."""

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from programmes.models import Participant, Programme
from programmes.services import ENROLMENT_STATUSES

from . import engine
from .models import MatchingRound, MatchingSettings, Pair, PairingRule

UNMATCHED_LABELS = {
    engine.NO_SHARED_LANGUAGE: _("No shared language with anyone on the other side."),
    engine.ALL_EXCLUDED: _("Every possible partner is excluded (reporting line, former partner or HR rule)."),
    engine.NO_CAPACITY: _("No compatible mentor has capacity left."),
    engine.TAKEN_BY_OTHERS: _("Every place with a compatible mentor went to a better-scoring mentee."),
    engine.NO_MENTEE_LEFT: _("Every compatible mentee already has a mentor."),
    engine.NO_COMPATIBLE_MENTEE: _("No compatible mentee was left for this mentor."),
}

CRITERIA_LABELS = {
    "skills": _("Skills"),
    "interests": _("Interests"),
    "languages": _("Languages"),
    "availability": _("Availability"),
    "time_zone": _("Time zone"),
    "diversity": _("Department diversity"),
}


def programmes_for_matching():
    """Every programme of the organisation with its matching figures, newest first."""
    return Programme.objects.annotate(
        enrolled_mentors=Count(
            "participants",
            filter=Q(
                participants__role=Participant.Role.MENTOR, participants__status=Participant.Status.ENROLLED
            ),
            distinct=True,
        ),
        enrolled_mentees=Count(
            "participants",
            filter=Q(
                participants__role=Participant.Role.MENTEE, participants__status=Participant.Status.ENROLLED
            ),
            distinct=True,
        ),
        live_pairs=Count("pairs", filter=Q(pairs__status__in=Pair.LIVE), distinct=True),
    ).order_by("-start_date", "name")


def programme_pairs(*, programme):
    """The programme's pairs outside draft rounds (published, chosen, answered, ended), newest first."""
    return (
        Pair.objects.filter(programme=programme)
        .exclude(matching_round__status=MatchingRound.Status.DRAFT)
        .select_related("mentor__user", "mentee__user", "matching_round", "declined_by")
        .order_by("status", "-created_at")
    )


def rounds_of(*, programme):
    return (
        MatchingRound.objects.filter(programme=programme)
        .annotate(proposals=Count("pairs"))
        .order_by("-number")
    )


def draft_round(*, programme):
    return MatchingRound.objects.filter(programme=programme, status=MatchingRound.Status.DRAFT).first()


def rules_of(*, programme):
    return PairingRule.objects.filter(programme=programme).select_related("mentor__user", "mentee__user")


def round_proposals(*, matching_round):
    return (
        Pair.objects.filter(matching_round=matching_round)
        .select_related("mentor__user", "mentee__user")
        .order_by("-locked", "-score")
    )


def unmatched_people(*, matching_round):
    """The people the round left without a partner, with the engine's reason in words."""
    reasons = {entry["participant_id"]: entry for entry in matching_round.unmatched}
    people = Participant.objects.filter(pk__in=reasons).select_related("user")
    return [
        {
            "participant": participant,
            "role": participant.get_role_display(),
            "reason": UNMATCHED_LABELS.get(
                reasons[participant.pk]["reason"], reasons[participant.pk]["reason"]
            ),
        }
        for participant in sorted(people, key=lambda p: (p.role, str(p.user)))
    ]


def criteria_rows(pair):
    """The score breakdown in display order, with labels."""
    criteria = (pair.score_breakdown or {}).get("criteria", {})
    return [(CRITERIA_LABELS[name], criteria.get(name, 0)) for name in engine.CRITERIA]


def my_pairs(*, user):
    """The signed-in person's pairs in this organisation that they may see (never HR's drafts)."""
    return (
        Pair.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))
        .exclude(matching_round__status=MatchingRound.Status.DRAFT)
        .select_related("mentor__user", "mentee__user", "programme", "mentor", "mentee")
        .order_by("-created_at")
    )


def self_service_enrolments(*, user):
    """The person's mentee enrolments in self-service programmes where they have no live pair yet."""
    self_service = MatchingSettings.objects.filter(mode=MatchingSettings.Mode.SELF_SERVICE).values(
        "programme_id"
    )
    paired = Pair.objects.filter(mentee__user=user, status__in=Pair.LIVE).values("mentee_id")
    return (
        Participant.objects.filter(
            user=user,
            role=Participant.Role.MENTEE,
            status=Participant.Status.ENROLLED,
            programme_id__in=self_service,
            programme__status__in=[Programme.Status.MATCHING, Programme.Status.RUNNING],
        )
        .exclude(pk__in=paired)
        .select_related("programme")
    )


def rotation_due(*, programme, now):
    """Whether the programme's current pairs have run their rotation period (and no round is open)."""
    if not programme.rotation_months:
        return False
    if MatchingRound.objects.filter(programme=programme, status=MatchingRound.Status.DRAFT).exists():
        return False
    started = Pair.objects.filter(programme=programme, status=Pair.Status.ACTIVE).aggregate(
        first=Min("started_at")
    )
    first = started["first"]
    return first is not None and first + relativedelta(months=programme.rotation_months) <= now


def unmatched_participants():
    """People waiting for a partner: enrolled in a programme that enrols, matches or runs, with no live
    pair (``Pair.LIVE``: proposed, accepted or active). The one definition, for the HR digest and the
    operations page (which adds its filters on top)."""
    live = Pair.objects.filter(status__in=Pair.LIVE).filter(
        Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk"))
    )
    return Participant.objects.filter(
        status=Participant.Status.ENROLLED, programme__status__in=ENROLMENT_STATUSES
    ).exclude(Exists(live))
