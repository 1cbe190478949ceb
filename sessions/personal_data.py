"""What sessions hold about a person: what hangs on their pairs, their calendar feeds, their private notes."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from accounts import privacy
from pairing.personal_data import pair_export

from .models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Challenge,
    CohortAttendance,
    CohortSession,
    Delegation,
    Endorsement,
    Goal,
    GoalProgress,
    PrivateNote,
    RecurringSlot,
    Session,
    SharedResource,
)


@pair_export(covers=[Goal, GoalProgress, Session, ActionItem, SharedResource, PrivateNote, Challenge])
def _pair_workspaces(user, pair_ids):
    workspaces = _Workspaces.of(
        goals=Goal.objects.filter(pair__in=pair_ids)
        .select_related("objective")
        .prefetch_related(
            "skills", Prefetch("progress", queryset=GoalProgress.objects.order_by("recorded_on", "pk"))
        ),
        sessions=Session.objects.filter(pair__in=pair_ids)
        .select_related("module")
        .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk")))
        .order_by("starts_at", "pk"),
        action_items=ActionItem.objects.filter(pair__in=pair_ids)
        .select_related("owner")
        .order_by("created_at", "pk"),
        resources=SharedResource.objects.filter(pair__in=pair_ids)
        .select_related("added_by")
        .order_by("created_at", "pk"),
        challenges=Challenge.objects.filter(pair__in=pair_ids)
        .select_related("module", "owner")
        .order_by("created_at", "pk"),
        # The author's own notes only: the partner's note on the same session is never read.
        own_notes={note.session_id: note for note in PrivateNote.objects.filter(author=user)},
    )
    return workspaces.extra


@dataclass
class _Workspaces:
    """What hangs on the person's pairs, grouped by pair (and action items by session)."""

    goals: dict = field(default_factory=lambda: defaultdict(list))
    sessions: dict = field(default_factory=lambda: defaultdict(list))
    session_actions: dict = field(default_factory=lambda: defaultdict(list))
    pair_actions: dict = field(default_factory=lambda: defaultdict(list))
    resources: dict = field(default_factory=lambda: defaultdict(list))
    challenges: dict = field(default_factory=lambda: defaultdict(list))
    own_notes: dict = field(default_factory=dict)

    @classmethod
    def of(cls, *, goals, sessions, action_items, resources, challenges, own_notes):
        workspaces = cls(own_notes=own_notes)
        for challenge in challenges:
            workspaces.challenges[challenge.pair_id].append(challenge)
        for goal in goals:
            workspaces.goals[goal.pair_id].append(goal)
        for session in sessions:
            workspaces.sessions[session.pair_id].append(session)
        for action in action_items:
            if action.session_id:
                workspaces.session_actions[action.session_id].append(action)
            else:
                workspaces.pair_actions[action.pair_id].append(action)
        for resource in resources:
            workspaces.resources[resource.pair_id].append(resource)
        return workspaces

    def extra(self, pair):
        return {
            "goals": [_goal(goal) for goal in self.goals[pair.pk]],
            "sessions": [self._session(session) for session in self.sessions[pair.pk]],
            "action_items": [_action(action) for action in self.pair_actions[pair.pk]],
            "shared_space": [
                {
                    "kind": resource.kind,
                    "title": resource.title,
                    "url": resource.url,
                    "body": resource.body,
                    "added_by": resource.added_by.display_name if resource.added_by else None,
                    "created_at": resource.created_at,
                }
                for resource in self.resources[pair.pk]
            ],
            # The mentee's commitments, which the mentor also read: part of both people's pair.
            "try_it_challenges": [
                {
                    "challenge": challenge.text,
                    "by": challenge.owner.display_name,
                    "module": challenge.module.title if challenge.module else None,
                    "due_date": challenge.due_date,
                    "status": challenge.status,
                    "reflection": challenge.reflection,
                    "answered_at": challenge.answered_at,
                    "created_at": challenge.created_at,
                }
                for challenge in self.challenges[pair.pk]
            ],
        }

    def _session(self, session):
        note = self.own_notes.get(session.pk)
        return {
            "starts_at": session.starts_at,
            "duration_minutes": session.duration_minutes,
            "time_zone": session.time_zone,
            "status": session.status,
            "format": session.format,
            "location": session.location,
            "agenda": [item.text for item in session.agenda_items.all()],
            "actual_minutes": session.actual_minutes,
            "topics": session.topics,
            "shared_notes": session.shared_notes,
            "usefulness": session.usefulness,
            "cancel_reason": session.cancel_reason,
            "curriculum_module": session.module.title if session.module else None,
            "action_items": [_action(action) for action in self.session_actions[session.pk]],
            "my_private_note": note.text if note else None,
        }


def _action(action):
    return {
        "title": action.title,
        "owner": action.owner.display_name,
        "due_date": action.due_date,
        "done_at": action.done_at,
    }


def _goal(goal):
    return {
        "title": goal.title,
        "description": goal.description,
        "programme_objective": goal.objective.name if goal.objective else None,
        "skills": sorted(skill.name for skill in goal.skills.all()),
        "target_date": goal.target_date,
        "measured_as": goal.scale,
        "progress": [
            {"date": point.recorded_on, "value": point.value, "note": point.note}
            for point in goal.progress.all()
        ],
    }


# The feed's token is a credential, not information about the person: dates only.
@privacy.export("calendar_feeds", position=80, covers=[CalendarFeed])
def _calendar_feeds(user):
    def entry(feed):
        return {"created_at": feed.created_at, "revoked_at": feed.revoked_at}

    return list(CalendarFeed.objects.filter(user=user).order_by("created_at", "pk")), entry


@privacy.export("delegations", position=87, covers=[Delegation])
def _delegations(user):
    def entry(delegation):
        return {
            "executive": delegation.executive.email,
            "assistant": delegation.assistant.email,
            "since": delegation.created_at,
        }

    delegations = Delegation.objects.filter(Q(executive=user) | Q(assistant=user)).select_related(
        "executive", "assistant"
    )
    return list(delegations.order_by("created_at", "pk")), entry


@privacy.erase
def _delete_delegations(*, user, now):
    Delegation.objects.filter(Q(executive=user) | Q(assistant=user)).delete()


@privacy.erase
def _delete_private_notes(*, user, now):
    PrivateNote.objects.filter(author=user).delete()


@privacy.erase
def _forget_challenge_words(*, user, now):
    # The words are the person's; whether a practice was adopted stays, unnamed, for the programme's counts.
    Challenge.objects.filter(owner=user).update(text="", reflection="")


# What the person wrote about their mentor, for the mentor's attestation.
@privacy.export("endorsements_given", position=85, covers=[Endorsement])
def _endorsements_given(user):
    def entry(endorsement):
        return {
            "mentor": endorsement.pair.mentor.user.display_name,
            "text": endorsement.text,
            "show_topics": endorsement.show_topics,
            "given_at": endorsement.given_at,
        }

    endorsements = Endorsement.objects.filter(pair__mentee__user=user).select_related("pair__mentor__user")
    return list(endorsements.order_by("given_at", "pk")), entry


# Given by the person, or about them: neither stays once their account is gone.
@privacy.erase
def _delete_endorsements(*, user, now):
    Endorsement.objects.filter(Q(pair__mentee__user=user) | Q(pair__mentor__user=user)).delete()


# A junior mentor's attendance at their cohort's group sessions: what HR recorded, or the excuse they gave.
@privacy.export("cohort_attendance", position=46, covers=[CohortAttendance])
def _cohort_attendance(user):
    def entry(row):
        session = row.cohort_session
        return {
            "programme": session.programme.name,
            "session": session.title,
            "kind": session.kind,
            "starts_at": session.starts_at,
            "attendance": row.status,
            "said_in_advance": row.in_advance,
        }

    rows = CohortAttendance.objects.filter(participant__user=user).select_related("cohort_session__programme")
    return list(rows.order_by("cohort_session__starts_at", "pk")), entry


privacy.not_exported(
    CohortSession,
    why="a group session HR planned for a programme's mentors: a mentor's attendance at it is exported",
)

privacy.not_exported(
    RecurringSlot,
    why="a pair's standing slot: the sessions it planned are in the export; who set it up is bookkeeping",
)
