"""A person's own data across every organisation: the GDPR right of access (and portability) and the
right to erasure.

Both are about one person and cross organisations by nature, so they run inside ``unscoped`` with
every query filtered on that person. Two rules hold whatever the code around them becomes: a partner's
private notes and another person's survey answers are never read, and a partner appears by name only.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications.models import Notification, Preference
from organizations.models import Invitation, Membership, Organization, Person
from organizations.roles import Role
from organizations.services import end_access, end_account_access
from organizations.tenancy import tenant_context, unscoped
from pairing.models import Pair
from pairing.services import end_live_pairs
from programmes.models import Participant, ParticipantSkill, Programme
from programmes.services import withdraw
from sessions.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Goal,
    GoalProgress,
    PrivateNote,
    Session,
    SharedResource,
)
from surveys.models import Answer, Question, SurveyResponse

EXPORT_FORMAT = "binome-personal-data/1"
ACCESS_REASON = "a person's own data export (GDPR right of access)"
ERASURE_REASON = "a person's erasure of their own data (GDPR right to erasure)"


def placeholder_email(user):
    """A unique address that can never receive mail (.invalid is reserved by RFC 2606)."""
    return f"deleted-{user.pk}@binome.invalid"


# Right of access ----------------------------------------------------------------------------------


def personal_data(*, user):
    """Everything Binôme keeps about ``user``, in every organisation they belong or belonged to.

    A fixed number of queries whatever the number of organisations, pairs or sessions.
    """
    with unscoped(ACCESS_REASON):
        pairs_of_user = Pair.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))
        pair_ids = pairs_of_user.values("pk")
        rows = {
            "memberships": list(Membership.objects.filter(user=user).order_by("created_at", "pk")),
            "participations": list(
                Participant.objects.filter(user=user)
                .select_related("programme", "manager")
                .prefetch_related(
                    Prefetch(
                        "skills",
                        queryset=ParticipantSkill.objects.select_related("skill").order_by("skill__name"),
                    )
                )
                .order_by("created_at", "pk")
            ),
            "pairs": list(
                pairs_of_user.select_related("programme", "mentor__user", "mentee__user").order_by(
                    "created_at", "pk"
                )
            ),
            "goals": list(
                Goal.objects.filter(pair__in=pair_ids)
                .select_related("objective")
                .prefetch_related(
                    "skills",
                    Prefetch("progress", queryset=GoalProgress.objects.order_by("recorded_on", "pk")),
                )
            ),
            "sessions": list(
                Session.objects.filter(pair__in=pair_ids)
                .prefetch_related(
                    Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk"))
                )
                .order_by("starts_at", "pk")
            ),
            "action_items": list(
                ActionItem.objects.filter(pair__in=pair_ids)
                .select_related("owner")
                .order_by("created_at", "pk")
            ),
            "resources": list(
                SharedResource.objects.filter(pair__in=pair_ids)
                .select_related("added_by")
                .order_by("created_at", "pk")
            ),
            # The author's own notes only: the partner's note on the same session is never read.
            "own_notes": {note.session_id: note for note in PrivateNote.objects.filter(author=user)},
            # Responses of the person's own participations only; nobody else's answers are read.
            "responses": list(
                SurveyResponse.objects.filter(participant__user=user)
                .select_related("template__programme")
                .prefetch_related(
                    Prefetch(
                        "answers",
                        queryset=Answer.objects.select_related("question", "skill").order_by(
                            "question__position", "question_id", "pk"
                        ),
                    )
                )
                .order_by("sent_at", "pk")
            ),
            "notifications": list(Notification.objects.filter(recipient=user).order_by("due_at", "pk")),
            "preferences": list(Preference.objects.filter(user=user)),
            "calendar_feeds": list(CalendarFeed.objects.filter(user=user).order_by("created_at", "pk")),
            "invitations": list(Invitation.objects.filter(email__iexact=user.email).order_by("created_at")),
            "records": list(Person.objects.filter(user=user)),
        }
    email_addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "account": _account(user, email_addresses),
        "organisations": _organisations(user, rows),
    }


def personal_data_json(*, user):
    return json.dumps(personal_data(user=user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _account(user, email_addresses):
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "language": user.language,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in email_addresses
        ],
    }


def _by_organisation(items):
    grouped = defaultdict(list)
    for item in items:
        grouped[item.organization_id].append(item)
    return grouped


def _organisations(user, rows):
    sections = {
        "roles": _by_organisation(rows["memberships"]),
        "participations": _by_organisation(rows["participations"]),
        "pairs": _by_organisation(rows["pairs"]),
        "responses": _by_organisation(rows["responses"]),
        "notifications": _by_organisation(rows["notifications"]),
        "preferences": _by_organisation(rows["preferences"]),
        "calendar_feeds": _by_organisation(rows["calendar_feeds"]),
        "invitations": _by_organisation(rows["invitations"]),
        "records": _by_organisation(rows["records"]),
    }
    organization_ids = set().union(*(grouped.keys() for grouped in sections.values()))
    organizations = Organization.objects.filter(pk__in=organization_ids).order_by("name", "pk")
    workspaces = _Workspaces.of(rows)
    sections_by_organization = []
    for organization in organizations:
        # People (partners, managers, authors) appear under the names this organisation holds.
        with tenant_context(organization):
            sections_by_organization.append(_organisation(organization, user, sections, workspaces))
    return sections_by_organization


def _organisation(organization, user, sections, workspaces):
    return {
        "name": organization.name,
        "slug": organization.slug,
        # What the organisation's HR holds under the person's name (it may differ from the account's).
        "name_on_record": [
            {"first_name": record.first_name, "last_name": record.last_name}
            for record in sections["records"][organization.pk]
        ],
        "roles": [
            {"role": membership.role, "since": membership.created_at}
            for membership in sections["roles"][organization.pk]
        ],
        "invitations": [
            {
                "role": invitation.role,
                "sent_at": invitation.sent_at or invitation.created_at,
                "accepted_at": invitation.accepted_at,
                "revoked_at": invitation.revoked_at,
            }
            for invitation in sections["invitations"][organization.pk]
        ],
        "programme_participations": [
            _participation(participant) for participant in sections["participations"][organization.pk]
        ],
        "pairs": [_pair(pair, user, workspaces) for pair in sections["pairs"][organization.pk]],
        "survey_responses": [_response(response) for response in sections["responses"][organization.pk]],
        "notifications": [
            {
                "kind": notification.kind,
                "subject": notification.subject,
                "status": notification.status,
                "due_at": notification.due_at,
                "delivered_at": notification.delivered_at,
                "read_at": notification.read_at,
            }
            for notification in sections["notifications"][organization.pk]
        ],
        "notification_preferences": [
            {
                "muted_kinds": preference.muted_kinds,
                "quiet_start": preference.quiet_start,
                "quiet_end": preference.quiet_end,
            }
            for preference in sections["preferences"][organization.pk]
        ],
        # The feed's token is a credential, not information about the person: dates only.
        "calendar_feeds": [
            {"created_at": feed.created_at, "revoked_at": feed.revoked_at}
            for feed in sections["calendar_feeds"][organization.pk]
        ],
    }


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
        "enrolled_at": participant.enrolled_at,
        "withdrawn_at": participant.withdrawn_at,
        "skills": [{"skill": entry.skill.name, "level": entry.level} for entry in participant.skills.all()],
    }


@dataclass
class _Workspaces:
    """What hangs on the person's pairs, grouped by pair (and action items by session)."""

    goals: dict = field(default_factory=lambda: defaultdict(list))
    sessions: dict = field(default_factory=lambda: defaultdict(list))
    session_actions: dict = field(default_factory=lambda: defaultdict(list))
    pair_actions: dict = field(default_factory=lambda: defaultdict(list))
    resources: dict = field(default_factory=lambda: defaultdict(list))
    own_notes: dict = field(default_factory=dict)

    @classmethod
    def of(cls, rows):
        workspaces = cls(own_notes=rows["own_notes"])
        for goal in rows["goals"]:
            workspaces.goals[goal.pair_id].append(goal)
        for session in rows["sessions"]:
            workspaces.sessions[session.pair_id].append(session)
        for action in rows["action_items"]:
            if action.session_id:
                workspaces.session_actions[action.session_id].append(action)
            else:
                workspaces.pair_actions[action.pair_id].append(action)
        for resource in rows["resources"]:
            workspaces.resources[resource.pair_id].append(resource)
        return workspaces


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


def _session(session, workspaces):
    note = workspaces.own_notes.get(session.pk)
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
        "action_items": [_action(action) for action in workspaces.session_actions[session.pk]],
        "my_private_note": note.text if note else None,
    }


def _pair(pair, user, workspaces):
    mine, partner = (
        (pair.mentor, pair.mentee) if pair.mentor.user_id == user.pk else (pair.mentee, pair.mentor)
    )
    return {
        "programme": pair.programme.name,
        "my_role": mine.role,
        "partner": partner.user.display_name,
        "status": pair.status,
        "proposed_at": pair.created_at,
        "started_at": pair.started_at,
        "ended_at": pair.ended_at,
        "end_reason": pair.end_reason,
        "decline_reason": pair.decline_reason if pair.declined_by_id == user.pk else "",
        "goals": [_goal(goal) for goal in workspaces.goals[pair.pk]],
        "sessions": [_session(session, workspaces) for session in workspaces.sessions[pair.pk]],
        "action_items": [_action(action) for action in workspaces.pair_actions[pair.pk]],
        "shared_space": [
            {
                "kind": resource.kind,
                "title": resource.title,
                "url": resource.url,
                "body": resource.body,
                "added_by": resource.added_by.display_name if resource.added_by else None,
                "created_at": resource.created_at,
            }
            for resource in workspaces.resources[pair.pk]
        ],
    }


def _response(response):
    template = response.template
    return {
        "survey": template.title,
        "programme": template.programme.name,
        "moment": template.moment,
        "sent_at": response.sent_at,
        "answered_at": response.answered_at,
        "answers": [
            {
                "question": answer.question.text,
                "skill": answer.skill.name if answer.skill else None,
                "number": answer.number,
                "text": answer.text,
                "shared_anonymously": answer.shared_anonymously,
            }
            for answer in response.answers.all()
        ],
    }


# Right to erasure ---------------------------------------------------------------------------------


def erasure_refusal(user):
    """Why the person's account cannot be erased now, or None.

    The last HR admin of an organisation cannot leave it: nobody would be left to run it.
    """
    with unscoped(ERASURE_REASON):
        other_admins = Membership.objects.filter(
            organization_id=OuterRef("pk"), role=Role.HR_ADMIN, user__is_active=True
        ).exclude(user=user)
        alone = list(
            Organization.objects.filter(
                pk__in=Membership.objects.filter(user=user, role=Role.HR_ADMIN).values("organization_id")
            )
            .exclude(Exists(other_admins))
            .order_by("name")
            .values_list("name", flat=True)
        )
    if not alone:
        return None
    return gettext(
        "You are the only HR admin of %(organisations)s. Make a colleague HR admin there first: the "
        "organisation cannot be left without anyone to run it."
    ) % {"organisations": ", ".join(alone)}


@transaction.atomic
def erase_personal_data(*, user):
    """Erase the person from Binôme (GDPR right to erasure), in every organisation, all or nothing.

    Refused with ``ValidationError`` for the last HR admin of an organisation. Their live pairs end and
    the pairs' planned sessions are cancelled (the partner's calendar gets the cancellation), their
    participations are withdrawn and their profiles emptied, their private notes, free-text survey
    answers, notifications, preferences and e-mail addresses are deleted, their calendar feeds revoked
    and their memberships removed. The user row stays, anonymised, so that the partner's session
    history still holds together and shows "Deleted user". Numeric survey answers stay, anonymous.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.erased_at is not None:
        return user
    refusal = erasure_refusal(user)
    if refusal:
        raise ValidationError(refusal)
    now = timezone.now()
    with unscoped(ERASURE_REASON):
        organization_ids = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
        organization_ids |= set(
            Participant.objects.filter(user=user).values_list("organization_id", flat=True)
        )
    for organization in Organization.objects.filter(pk__in=organization_ids):
        with tenant_context(organization):
            _leave_programmes(organization, user)
            # Memberships go, and with them the feed, survey links and pending invitations there.
            end_access(organization=organization, user=user, reason="account erased")
    # Then everywhere at once, for what no membership holds any more (open sign-ins, stray invitations).
    end_account_access(user=user, reason="account erased")
    with unscoped(ERASURE_REASON):
        PrivateNote.objects.filter(author=user).delete()
        # Numeric and choice answers stay in the aggregates; free text could say who wrote it.
        Answer.objects.filter(response__participant__user=user, question__type=Question.Type.TEXT).delete()
        Notification.objects.filter(recipient=user).delete()
        # Invitations e-mailed to the address before it had an account (address-only outbox rows).
        Notification.objects.filter(recipient=None, address__iexact=user.email).delete()
        Preference.objects.filter(user=user).delete()
        Invitation.objects.filter(email__iexact=user.email).update(email=placeholder_email(user))
        Person.objects.filter(user=user).update(first_name="", last_name="", updated_at=now)
    EmailAddress.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.first_name = user.last_name = ""
    user.email = placeholder_email(user)
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.erased_at = now
    user.save()
    return user


def _leave_programmes(organization, user):
    """End the person's live pairs and withdraw them from every programme of the current organisation."""
    # Stored text that HR and the partner read, in the organisation's language, and without the name.
    with translation.override(organization.default_language):
        reason = gettext("A participant deleted their account.")
    # Ending a pair cancels its planned sessions too (sessions listen to pair_ended).
    end_live_pairs(user=user, reason=reason)
    participations = Participant.objects.filter(user=user).select_related("programme")
    closed = Programme.Status.CLOSED
    for participant in participations:
        # A closed programme is history: the participation stays as it ended.
        if participant.status != Participant.Status.WITHDRAWN and participant.programme.status != closed:
            withdraw(participant=participant)
    participations.update(
        job_title="", location="", hopes="", interests=[], languages=[], availability=[], manager=None
    )
