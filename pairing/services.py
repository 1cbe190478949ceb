"""Matching rounds and pairs: the actions that change them.

``load_problem`` turns a programme's enrolled participants into engine profiles and hard constraints
in a fixed number of queries; ``run_matching`` and the HR review actions build on it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.l10n import pick
from organizations import audit
from programmes.models import Participant, ParticipantSkill, Programme, Skill
from programmes.services import start_requirement

from . import engine, notifications
from .models import MatchingRound, MatchingSettings, Pair, PairingRule
from .signals import pair_accepted, pairs_ended, pairs_published

if TYPE_CHECKING:
    from accounts.models import User

ROTATION_END_REASON = "rotation"


def matching_settings_for(programme: Programme) -> MatchingSettings:
    settings, _created = MatchingSettings.objects.get_or_create(programme=programme)
    return settings


def weights_of(settings: MatchingSettings) -> engine.Weights:
    return engine.Weights(
        skills=settings.weight_skills,
        interests=settings.weight_interests,
        languages=settings.weight_languages,
        availability=settings.weight_availability,
        time_zone=settings.weight_time_zone,
        diversity=settings.weight_diversity,
    )


@dataclass
class Problem:
    """A programme's matching problem as the engine needs it, plus what the explanations need."""

    programme: Programme
    weights: engine.Weights
    participants: dict  # participant id -> Participant (enrolled, with user)
    profiles: dict  # participant id -> engine.Profile
    mentors: list  # profiles free to take mentees (capacity > 0)
    mentees: list  # profiles without a live pair outside the draft round
    forbidden: engine.Forbidden  # every enrolled mentor × mentee: the reason a couple is ruled out
    locked: list = field(default_factory=list)
    skill_names: dict = field(default_factory=dict)
    skill_levels: dict = field(default_factory=dict)  # participant id -> {skill id: level}


def meeting_date(programme: Programme, today: date | None = None) -> date:
    """The day whose UTC offsets the matching uses: when the new pairs start meeting.

    Pairs matched before the programme starts meet from its start date; pairs matched while it runs
    (a rotation, late joiners) meet from today. Either way it is never past the programme's end.
    """
    today = today or timezone.localdate()
    return min(max(today, programme.start_date), programme.end_date)


@start_requirement
def a_programme_runs_with_a_pair(programme: Programme) -> str | None:
    """A programme starts running once it has a pair (proposed, accepted or active) to run with."""
    if not Pair.objects.filter(programme=programme, status__in=Pair.LIVE).exists():
        return gettext("The programme cannot start running with no pair: match people first.")
    return None


@functools.lru_cache(maxsize=1024)
def utc_offset_hours(time_zone: str, on_date: date) -> float:
    """The zone's UTC offset in hours at noon UTC on ``on_date`` (0 for an unknown zone).

    Cached per (zone, date): a zone's offset changes with the date (daylight saving time), so a
    process that lives across a DST change keeps using the offset of the day that matters.
    """
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return 0.0
    noon = datetime.combine(on_date, time(12), tzinfo=UTC)
    offset = noon.astimezone(zone).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def _chain(user_id: int, manager_of: Mapping[int, int | None]) -> list[int]:
    """Every manager above ``user_id``, as far as the organisation knows them (cycle-safe)."""
    seen = []
    current = manager_of.get(user_id)
    while current is not None and current not in seen and current != user_id:
        seen.append(current)
        current = manager_of.get(current)
    return seen


def load_problem(*, programme: Programme, draft_round: MatchingRound | None = None) -> Problem:
    """The programme's enrolled people, their profiles and every hard constraint, in seven queries."""
    settings = matching_settings_for(programme)
    participants = _enrolled_participants(programme)
    skill_levels = _skill_levels(programme, participants)
    taken_mentees, mentor_load, locked = _live_pairs(programme, draft_round)
    profiles = _profiles(programme, participants, skill_levels, mentor_load)
    mentors = [
        profiles[pk]
        for pk, p in participants.items()
        if p.role == Participant.Role.MENTOR and profiles[pk].capacity > 0
    ]
    mentees = [
        profiles[pk]
        for pk, p in participants.items()
        if p.role == Participant.Role.MENTEE and pk not in taken_mentees
    ]

    by_user: dict[int, list[Participant]] = {}
    for participant in participants.values():
        by_user.setdefault(participant.user_id, []).append(participant)
    forbidden = engine.Forbidden(
        [pk for pk, p in participants.items() if p.role == Participant.Role.MENTOR],
        [pk for pk, p in participants.items() if p.role == Participant.Role.MENTEE],
    )
    _forbid_reporting_lines(forbidden, participants, by_user)
    _forbid_former_partners(forbidden, by_user)
    if settings.across_departments_only:
        _forbid_same_department(forbidden, profiles)
    _apply_pairing_rules(forbidden, locked, programme, participants, taken_mentees)

    return Problem(
        programme=programme,
        weights=weights_of(settings),
        participants=participants,
        profiles=profiles,
        mentors=mentors,
        mentees=mentees,
        forbidden=forbidden,
        locked=locked,
        skill_names=_skill_names(skill_levels),
        skill_levels=skill_levels,
    )


def _enrolled_participants(programme):
    """{participant id: participant} for the programme's enrolled people, with their user."""
    return {
        participant.pk: participant
        for participant in Participant.objects.filter(
            programme=programme, status=Participant.Status.ENROLLED
        ).select_related("user")
    }


def _skill_levels(programme, participants):
    """{participant id: {skill id: level}} for every enrolled participant (empty when they listed none)."""
    skill_levels = {pk: {} for pk in participants}
    for participant_id, skill_id, level in ParticipantSkill.objects.filter(
        participant__programme=programme, participant__status=Participant.Status.ENROLLED
    ).values_list("participant_id", "skill_id", "level"):
        skill_levels[participant_id][skill_id] = level
    return skill_levels


def _live_pairs(programme, draft_round):
    """What the programme's live pairs take: (mentees taken, {mentor id: mentees}, locked couples).

    The draft round's own proposals take nobody (they are being replaced); only its locked couples
    are kept, to be proposed again.
    """
    live = Pair.objects.filter(programme=programme, status__in=Pair.LIVE).values_list(
        "mentor_id", "mentee_id", "matching_round_id", "locked"
    )
    taken_mentees, mentor_load, locked = set(), {}, []
    for mentor_id, mentee_id, round_id, is_locked in live:
        if draft_round is not None and round_id == draft_round.pk:
            if is_locked:
                locked.append((mentor_id, mentee_id))
            continue
        taken_mentees.add(mentee_id)
        mentor_load[mentor_id] = mentor_load.get(mentor_id, 0) + 1
    return taken_mentees, mentor_load, locked


def _profiles(programme, participants, skill_levels, mentor_load):
    """{participant id: engine.Profile}, each mentor's capacity net of the mentees they already have."""
    offset_date = meeting_date(programme)
    profiles = {}
    for pk, participant in participants.items():
        capacity = (
            programme.mentor_capacity - mentor_load.get(pk, 0)
            if participant.role == Participant.Role.MENTOR
            else 1
        )
        profiles[pk] = engine.Profile(
            id=pk,
            skills=skill_levels[pk],
            interests=frozenset(str(value).strip().lower() for value in participant.interests or []),
            languages=frozenset(str(value).strip().lower() for value in participant.languages or []),
            availability=frozenset(participant.availability or []),
            utc_offset_hours=utc_offset_hours(participant.time_zone, offset_date),
            department=(participant.department or "").strip().lower(),
            capacity=capacity,
        )
    return profiles


def _forbid_reporting_lines(forbidden, participants, by_user):
    """Forbid each couple where one reports to the other, up the chain, through every participant row
    of the organisation."""
    manager_of = dict(
        Participant.objects.filter(manager__isnull=False)
        .order_by("created_at")
        .values_list("user_id", "manager_id")
    )
    mentor_ids, mentee_ids = [], []
    for participant in participants.values():
        for boss_id in _chain(participant.user_id, manager_of):
            for boss in by_user.get(boss_id, []):
                if participant.role != boss.role:
                    mentor, mentee = (
                        (participant, boss)
                        if participant.role == Participant.Role.MENTOR
                        else (boss, participant)
                    )
                    mentor_ids.append(mentor.pk)
                    mentee_ids.append(mentee.pk)
    forbidden.forbid(mentor_ids, mentee_ids, engine.REPORTING_LINE)


def _forbid_former_partners(forbidden, by_user):
    """Forbid former partners, in any programme of the organisation, and couples one of them declined."""
    past = Pair.objects.filter(status__in=Pair.OVER).values_list("mentor__user_id", "mentee__user_id")
    mentor_ids, mentee_ids = [], []
    for mentor_user_id, mentee_user_id in past:
        for mentor in by_user.get(mentor_user_id, []):
            for mentee in by_user.get(mentee_user_id, []):
                if mentor.role == Participant.Role.MENTOR and mentee.role == Participant.Role.MENTEE:
                    mentor_ids.append(mentor.pk)
                    mentee_ids.append(mentee.pk)
    forbidden.forbid(mentor_ids, mentee_ids, engine.FORMER_PARTNERS, keep_earlier=True)


def _forbid_same_department(forbidden, profiles):
    """The programme pairs across departments only: one mask over every couple, whatever their number."""
    mentors = [profiles[pk] for pk in forbidden.mentor_ids.tolist()]
    mentees = [profiles[pk] for pk in forbidden.mentee_ids.tolist()]
    forbidden.forbid_where(engine.departments_mask(mentors, mentees), engine.SAME_DEPARTMENT)


def _apply_pairing_rules(forbidden, locked, programme, participants, taken_mentees):
    """HR's rules: "never together" forbids a couple; "must pair" lifts any ban on it and locks it in,
    unless the mentee is taken or already locked with someone."""
    for kind, mentor_id, mentee_id in PairingRule.objects.filter(programme=programme).values_list(
        "kind", "mentor_id", "mentee_id"
    ):
        if kind == PairingRule.Kind.NEVER:
            forbidden.forbid([mentor_id], [mentee_id], engine.NEVER_TOGETHER)
        elif mentee_id not in taken_mentees and mentor_id in participants and mentee_id in participants:
            forbidden.allow([mentor_id], [mentee_id])
            if all(mentee_id != locked_mentee for _, locked_mentee in locked):
                locked.append((mentor_id, mentee_id))


def _skill_names(skill_levels):
    skill_ids = {skill_id for levels in skill_levels.values() for skill_id in levels}
    rows = Skill.objects.filter(pk__in=skill_ids).values_list("pk", "name", "name_en")
    # Both languages: the explanation picks the reader's when it is shown.
    return {pk: (french, english) for pk, french, english in rows}


def explanation(
    problem: Problem, mentor_id: int, mentee_id: int, breakdown: dict[str, Any]
) -> dict[str, Any]:
    """What a pair has in common, stored with the pair so the explanation survives profile edits."""
    mentor, mentee = problem.profiles[mentor_id], problem.profiles[mentee_id]
    common = engine.explain(mentor, mentee)
    return {
        "criteria": breakdown,
        "skills": sorted(
            (
                {
                    "name": pick(*problem.skill_names.get(skill_id, ("", ""))),
                    "mentor_level": mentor.skills[skill_id],
                    "mentee_level": mentee.skills[skill_id],
                }
                for skill_id in common["skills"]
            ),
            key=lambda entry: (-entry["mentee_level"] * entry["mentor_level"], entry["name"]),
        ),
        "interests": common["interests"],
        "languages": common["languages"],
        "availability": common["availability"],
        "same_department": common["same_department"],
    }


def _next_round_number(programme: Programme) -> int:
    latest = MatchingRound.objects.filter(programme=programme).aggregate(latest=Max("number"))["latest"]
    return (latest or 0) + 1


@transaction.atomic
def run_matching(
    *, programme: Programme, created_by: User | None = None, is_rotation: bool = False
) -> MatchingRound:
    """Propose the best pairs for the programme in its draft round (created if none is open).

    Running again keeps the locked proposals and replaces the others.
    """
    if programme.status not in (Programme.Status.MATCHING, Programme.Status.RUNNING, Programme.Status.OPEN):
        raise ValidationError(_("Matching runs for programmes that are open, matching or running."))
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    matching_round = MatchingRound.objects.filter(
        programme=programme, status=MatchingRound.Status.DRAFT
    ).first()
    if matching_round is None:
        matching_round = MatchingRound.objects.create(
            programme=programme,
            number=_next_round_number(programme),
            created_by=created_by,
            is_rotation=is_rotation,
        )
    return _solve(matching_round)


def _solve(matching_round: MatchingRound) -> MatchingRound:
    programme = matching_round.programme
    Pair.objects.filter(matching_round=matching_round, status=Pair.Status.PROPOSED, locked=False).delete()
    problem = load_problem(programme=programme, draft_round=matching_round)
    # Locked couples stay in the problem (so the engine scores them) even when a mentor is otherwise full.
    mentee_ids = {profile.id for profile in problem.mentees}
    mentor_ids = {profile.id for profile in problem.mentors}
    mentees = problem.mentees + [
        problem.profiles[mentee_id]
        for mentee_id in {mentee_id for _, mentee_id in problem.locked} - mentee_ids
        if mentee_id in problem.profiles
    ]
    mentors = problem.mentors + [
        problem.profiles[mentor_id]
        for mentor_id in {mentor_id for mentor_id, _ in problem.locked} - mentor_ids
        if mentor_id in problem.profiles
    ]
    result = engine.match(mentors, mentees, problem.weights, problem.forbidden, problem.locked)
    existing = {
        (pair.mentor_id, pair.mentee_id): pair
        for pair in Pair.objects.filter(matching_round=matching_round, status=Pair.Status.PROPOSED)
    }
    new_pairs, kept_pairs = [], []
    for assignment in result.assignments:
        breakdown = explanation(problem, assignment.mentor_id, assignment.mentee_id, assignment.breakdown)
        pair = existing.get((assignment.mentor_id, assignment.mentee_id))
        if pair is not None:
            pair.score, pair.score_breakdown, pair.locked = assignment.score, breakdown, True
            kept_pairs.append(pair)
            continue
        new_pairs.append(
            Pair(
                organization=programme.organization,
                programme=programme,
                matching_round=matching_round,
                mentor_id=assignment.mentor_id,
                mentee_id=assignment.mentee_id,
                score=assignment.score,
                score_breakdown=breakdown,
                locked=assignment.locked,
            )
        )
    # One statement each, however many proposals are kept or new.
    Pair.objects.bulk_update(kept_pairs, ["score", "score_breakdown", "locked"])
    Pair.objects.bulk_create(new_pairs)
    matching_round.unmatched = [
        {"participant_id": person.participant_id, "role": person.role, "reason": person.reason}
        for person in result.unmatched
    ]
    matching_round.last_run_at = timezone.now()
    matching_round.save(update_fields=["unmatched", "last_run_at"])
    return matching_round


def _require_draft(pair_or_round: Pair | MatchingRound) -> MatchingRound:
    matching_round = (
        pair_or_round if isinstance(pair_or_round, MatchingRound) else pair_or_round.matching_round
    )
    if matching_round is None or matching_round.status != MatchingRound.Status.DRAFT:
        raise ValidationError(_("This round is published: its proposals can no longer change."))
    return matching_round


@transaction.atomic
def rerun_round(*, matching_round: MatchingRound) -> MatchingRound:
    """Run the optimiser again around the locked proposals."""
    _require_draft(matching_round)
    return _solve(matching_round)


def set_locked(*, pair: Pair, locked: bool) -> Pair:
    """Keep (or release) a proposal when the optimiser runs again."""
    _require_draft(pair)
    pair.locked = locked
    pair.save(update_fields=["locked"])
    return pair


@transaction.atomic
def exclude_pair(*, pair: Pair, excluded_by: User | None = None) -> None:
    """Remove a proposal and never propose that couple again in this programme."""
    _require_draft(pair)
    # A draft proposal always belongs to the round under review.
    assert pair.matching_round is not None
    PairingRule.objects.update_or_create(
        programme=pair.programme,
        mentor=pair.mentor,
        mentee=pair.mentee,
        defaults={
            "kind": PairingRule.Kind.NEVER,
            "note": _("Excluded during the review of round %(number)s")
            % {"number": pair.matching_round.number},
            "created_by": excluded_by,
        },
    )
    pair.delete()


@transaction.atomic
def swap_mentees(*, first: Pair, second: Pair) -> tuple[Pair, Pair]:
    """Exchange the mentees of two proposals of the same draft round; both become locked."""
    matching_round = _require_draft(first)
    if second.matching_round_id != matching_round.pk or first.pk == second.pk:
        raise ValidationError(_("Choose two different proposals of this round."))
    problem = load_problem(programme=first.programme, draft_round=matching_round)
    new_couples = [(first.mentor_id, second.mentee_id), (second.mentor_id, first.mentee_id)]
    scored = []
    for mentor_id, mentee_id in new_couples:
        mentor, mentee = problem.profiles.get(mentor_id), problem.profiles.get(mentee_id)
        if mentor is None or mentee is None:
            raise ValidationError(_("One of these people is no longer enrolled."))
        matrix = engine.score([mentor], [mentee], problem.weights)
        if not matrix.shared_language[0, 0]:
            raise ValidationError(
                _("%(mentor)s and %(mentee)s share no language.") % _names(problem, mentor_id, mentee_id)
            )
        if (mentor_id, mentee_id) in problem.forbidden:
            raise ValidationError(
                _("%(mentor)s and %(mentee)s cannot be paired: %(reason)s")
                % {
                    **_names(problem, mentor_id, mentee_id),
                    "reason": CONSTRAINT_LABELS[problem.forbidden[(mentor_id, mentee_id)]],
                }
            )
        breakdown = matrix.breakdown(0, 0)
        scored.append(
            (round(float(matrix.total[0, 0]), 1), explanation(problem, mentor_id, mentee_id, breakdown))
        )
    first_mentee, second_mentee = first.mentee_id, second.mentee_id
    # Free the mentees first: one live pair per mentee is a database constraint.
    Pair.objects.filter(pk__in=[first.pk, second.pk]).update(status=Pair.Status.DECLINED)
    for pair, mentee_id, (score, breakdown) in (
        (first, second_mentee, scored[0]),
        (second, first_mentee, scored[1]),
    ):
        pair.mentee_id = mentee_id
        pair.score, pair.score_breakdown, pair.locked = score, breakdown, True
        pair.status = Pair.Status.PROPOSED
        pair.save(update_fields=["mentee", "score", "score_breakdown", "locked", "status"])
    return first, second


def _names(problem: Problem, mentor_id: int, mentee_id: int) -> dict[str, User]:
    return {
        "mentor": problem.participants[mentor_id].user,
        "mentee": problem.participants[mentee_id].user,
    }


@transaction.atomic
def publish_round(*, matching_round: MatchingRound) -> MatchingRound:
    """Make the round's proposals visible to the people concerned and tell them, after commit."""
    _require_draft(matching_round)
    pairs = list(
        Pair.objects.filter(matching_round=matching_round, status=Pair.Status.PROPOSED).select_related(
            "mentor", "mentee"
        )
    )
    if not pairs:
        raise ValidationError(_("There is no proposal to publish."))
    matching_round.status = MatchingRound.Status.PUBLISHED
    matching_round.published_at = timezone.now()
    matching_round.save(update_fields=["status", "published_at"])
    for pair in pairs:
        notifications.notify_pair_published(pair)
    pairs_published.send(sender=Pair, pairs=pairs)
    return matching_round


def side_of(pair: Pair, user: User) -> str:
    if pair.mentor.user_id == user.pk:
        return Participant.Role.MENTOR
    if pair.mentee.user_id == user.pk:
        return Participant.Role.MENTEE
    raise ValidationError(_("This pair is not yours."))


@transaction.atomic
def accept_pair(*, pair: Pair, user: User) -> Pair:
    """One side says yes; when both have, the pair is accepted (and active if the programme runs)."""
    pair = Pair.objects.select_for_update().select_related("mentor", "mentee", "programme").get(pk=pair.pk)
    if pair.status != Pair.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been answered."))
    now = timezone.now()
    if side_of(pair, user) == Participant.Role.MENTOR:
        pair.mentor_accepted_at = pair.mentor_accepted_at or now
    else:
        pair.mentee_accepted_at = pair.mentee_accepted_at or now
    if pair.mentor_accepted_at and pair.mentee_accepted_at:
        pair.status = Pair.Status.ACCEPTED
        if pair.programme.status == Programme.Status.RUNNING:
            pair.status, pair.started_at = Pair.Status.ACTIVE, now
        notifications.notify_pair_accepted(pair)
    pair.save(update_fields=["mentor_accepted_at", "mentee_accepted_at", "status", "started_at"])
    if pair.status != Pair.Status.PROPOSED:
        pair_accepted.send(sender=Pair, pair=pair)
    return pair


@transaction.atomic
def decline_pair(*, pair: Pair, user: User, reason: str) -> Pair:
    """One side says no, with a reason for HR; both are free for the next run, never re-proposed together."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please say why, so HR can find a better match.")})
    pair = Pair.objects.select_for_update().select_related("mentor", "mentee").get(pk=pair.pk)
    side_of(pair, user)
    if pair.status != Pair.Status.PROPOSED:
        raise ValidationError(_("This proposal has already been answered."))
    pair.status = Pair.Status.DECLINED
    pair.declined_by = user
    pair.decline_reason = reason[:300]
    pair.save(update_fields=["status", "declined_by", "decline_reason"])
    notifications.notify_pair_declined(pair, declined_by=user)
    return pair


@transaction.atomic
def start_accepted_pairs(*, programme: Programme) -> int:
    """The programme has begun: every accepted pair becomes active. Returns how many started."""
    return Pair.objects.filter(programme=programme, status=Pair.Status.ACCEPTED).update(
        status=Pair.Status.ACTIVE, started_at=timezone.now()
    )


@transaction.atomic
def end_pair(*, pair: Pair, reason: str) -> Pair:
    """End a live pair with a reason; the pair-ended hook (``pairs_ended``) fires."""
    if pair.status not in Pair.LIVE:
        raise ValidationError(_("This pair has already ended."))
    _end_pairs([pair], reason=reason)
    return pair


def _end_pairs(pairs: list[Pair], *, reason: str) -> None:
    """End live ``pairs`` of the current organisation together, in a fixed number of statements whatever
    their number: one update, one ``pairs_ended`` signal, one insert of everyone's e-mails.

    The caller loads them with their organisation and people (``organization``, ``mentor__user``,
    ``mentee__user``), locked when they may race.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")})
    if not pairs:
        return
    now, reason = timezone.now(), reason[:300]
    Pair.objects.filter(pk__in=[pair.pk for pair in pairs]).update(
        status=Pair.Status.ENDED, ended_at=now, end_reason=reason
    )
    for pair in pairs:
        pair.status, pair.ended_at, pair.end_reason = Pair.Status.ENDED, now, reason
    pairs_ended.send(sender=Pair, pairs=pairs)
    notifications.notify_pairs_ended(pairs)


def _live_pairs_locked(whose: Q) -> list[Pair]:
    return list(
        Pair.objects.filter(whose, status__in=Pair.LIVE)
        .select_for_update(of=("self",))
        .select_related("organization", "mentor__user", "mentee__user")
        .order_by("pk")
    )


@transaction.atomic
def end_live_pairs(*, reason: str, participant: Participant | None = None, user: User | None = None) -> int:
    """End every live pair of one participant, or of one person in every programme (current organisation).

    For people leaving: a withdrawal, an erased account. Returns how many pairs ended.
    """
    if participant is not None:
        whose = Q(mentor=participant) | Q(mentee=participant)
    else:
        whose = Q(mentor__user=user) | Q(mentee__user=user)
    live_pairs = _live_pairs_locked(whose)
    _end_pairs(live_pairs, reason=reason)
    return len(live_pairs)


@transaction.atomic
def open_rotation_round(*, programme: Programme, created_by: User | None = None) -> MatchingRound:
    """End the current pairs (the pair-ended hook fires once for them all) and propose new ones, never
    with former partners."""
    if MatchingRound.objects.filter(programme=programme, status=MatchingRound.Status.DRAFT).exists():
        raise ValidationError(_("A round is already under review for this programme."))
    _end_pairs(_live_pairs_locked(Q(programme=programme)), reason=ROTATION_END_REASON)
    return run_matching(programme=programme, created_by=created_by, is_rotation=True)


@transaction.atomic
def add_rule(
    *,
    programme: Programme,
    kind: str,
    mentor: Participant,
    mentee: Participant,
    note: str = "",
    created_by: User | None = None,
) -> PairingRule:
    """Record an HR "never together" or "must pair" decision for the next runs."""
    if kind not in PairingRule.Kind.values:
        raise ValidationError({"kind": _("Unknown rule.")})
    if mentor.programme_id != programme.pk or mentee.programme_id != programme.pk:
        raise ValidationError(_("Both people must take part in this programme."))
    if mentor.role != Participant.Role.MENTOR or mentee.role != Participant.Role.MENTEE:
        raise ValidationError(_("Choose a mentor and a mentee."))
    if (
        kind == PairingRule.Kind.MUST
        and PairingRule.objects.filter(programme=programme, kind=PairingRule.Kind.MUST, mentee=mentee)
        .exclude(mentor=mentor)
        .exists()
    ):
        raise ValidationError(_('This mentee already has a "must pair" rule.'))
    rule, _created = PairingRule.objects.update_or_create(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        defaults={"kind": kind, "note": note, "created_by": created_by},
    )
    return rule


def delete_rule(*, rule: PairingRule) -> None:
    rule.delete()


@transaction.atomic
def choose_mentor(*, mentee: Participant, mentor_id: int) -> Pair:
    """Self-service: the mentee picks one of their suggested mentors; the mentor is asked to accept."""
    settings = matching_settings_for(mentee.programme)
    if settings.mode != MatchingSettings.Mode.SELF_SERVICE:
        raise ValidationError(_("In this programme, HR proposes the pairs."))
    if Pair.objects.filter(programme=mentee.programme, mentee=mentee, status__in=Pair.LIVE).exists():
        raise ValidationError(_("You already have a mentor in this programme."))
    offered = {suggestion.mentor.pk: suggestion for suggestion in suggestions_for(mentee=mentee)}
    if mentor_id not in offered:
        raise ValidationError(_("This mentor is no longer available: please choose again."))
    suggestion = offered[mentor_id]
    pair = Pair.objects.create(
        programme=mentee.programme,
        mentor=suggestion.mentor,
        mentee=mentee,
        score=suggestion.score,
        score_breakdown=suggestion.explanation,
        chosen_by_mentee=True,
        mentee_accepted_at=timezone.now(),
    )
    notifications.notify_pair_published(pair, only_mentor=True)
    return pair


@dataclass
class Suggestion:
    mentor: Participant
    score: float
    explanation: dict


def suggestions_for(*, mentee: Participant, limit: int = 3) -> list[Suggestion]:
    """The mentee's best mentors with room left, by score, for a self-service choice."""
    problem = load_problem(programme=mentee.programme)
    profile = problem.profiles.get(mentee.pk)
    if profile is None:
        return []
    ranked = engine.suggestions(problem.mentors, profile, problem.weights, problem.forbidden, limit=limit)
    return [
        Suggestion(
            problem.participants[mentor_id], score, explanation(problem, mentor_id, mentee.pk, breakdown)
        )
        for mentor_id, score, breakdown in ranked
    ]


CONSTRAINT_LABELS = {
    engine.REPORTING_LINE: _("one is in the other's reporting line"),
    engine.FORMER_PARTNERS: _("they were partners before"),
    engine.NEVER_TOGETHER: _('HR rule "never together"'),
    engine.SAME_DEPARTMENT: _("they work in the same department, and the programme pairs across departments"),
}


@transaction.atomic
def waive_preparation(*, pair: Pair, by: Any, request: Any = None) -> Pair:
    """HR lets the pair plan its first session before both people finished their preparation; who and
    when is kept on the pair and in the audit trail. Idempotent."""
    if pair.status not in Pair.CONFIRMED and pair.status != Pair.Status.PROPOSED:
        raise ValidationError(_("This pair is over: there is nothing to waive."))
    if pair.preparation_waived_at is not None:
        return pair
    pair.preparation_waived_at = timezone.now()
    pair.preparation_waived_by = by
    pair.save(update_fields=["preparation_waived_at", "preparation_waived_by"])
    audit.record(
        audit.Action.PREPARATION_WAIVED,
        organization=pair.organization,
        actor=by,
        target=pair,
        details={
            "mentor_prepared": pair.mentor.is_prepared,
            "mentee_prepared": pair.mentee.is_prepared,
        },
        request=request,
    )
    return pair
