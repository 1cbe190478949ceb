"""Text people write stays text: markup typed by HR or a participant is shown escaped on every page.

One organisation is filled with a markup marker in every text field a person can write (one marker per
field, so a failure names the field), then every page of the project is requested as the HR admin, the
executive, the mentor and the mentee of a pair, and every HTML e-mail the product sends is rendered. No
page or e-mail may carry a marker as live markup; each marker must show, escaped, somewhere.

The list of fields is checked against the models: a new text field fails this test until it is seeded
here or declared as not written by people.
"""

import csv
import io
import re
from datetime import timedelta
from itertools import product

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from accounts.models import BreakGlassSignIn, EmailDomain, IdentityProvider, MfaReset
from dashboards import services as dashboard_services
from dashboards.notifications import EXECUTIVE_SUMMARY
from notifications import tasks as notification_tasks
from notifications.handlers import HR_DIGEST
from notifications.mfa import MFA_RESET
from notifications.models import Notification
from notifications.registry import kind_values
from notifications.services import natural_key, plan
from notifications.tokens import unsubscribe_token
from organizations import audit
from organizations import services as organization_services
from organizations.models import Person
from organizations.roles import Role
from organizations.tenancy import tenant_context
from pairing.models import MatchingRound, Pair, PairingRule
from pairing.notifications import PAIR_ACCEPTED, PAIR_DECLINED, PAIR_ENDED, PAIR_PUBLISHED
from programmes import imports
from programmes.models import (
    CurriculumModule,
    Objective,
    Participant,
    ParticipantSkill,
    Programme,
    Resource,
    Skill,
)
from sessions.models import (
    ActionItem,
    AgendaItem,
    Challenge,
    Goal,
    GoalProgress,
    PrivateNote,
    Session,
    SharedResource,
)
from sessions.notifications import (
    ASSISTANT_PAIR_INACTIVE,
    CHALLENGE_DUE,
    PAIR_INACTIVE,
    SESSION_LOG,
    SESSION_REMINDER_1H,
    SESSION_REMINDER_24H,
    notify_session_invitations,
)
from surveys.models import Answer, Question, SurveyResponse, SurveyTemplate
from surveys.notifications import SURVEY_INVITATION, SURVEY_REMINDER
from surveys.tokens import response_token
from tests.factories import PairFactory as NotificationPairFactory
from tests.factories import SessionFactory as NotificationSessionFactory
from tests.factories import member

from .test_isolation import ALL_ROUTES, _url

PROJECT_APPS = {
    "accounts",
    "organizations",
    "programmes",
    "pairing",
    "mentoring_sessions",
    "surveys",
    "notifications",
    "dashboards",
}

# Text fields no person types: validated formats, tokens, keys and what the code itself writes.
NOT_WRITTEN_BY_PEOPLE = {
    "accounts.User.password",
    "accounts.User.email",  # an e-mail address, validated as one everywhere it is entered
    "organizations.Organization.slug",
    "organizations.Organization.brand_colour",  # #RRGGBB, validated
    "organizations.Invitation.email",
    "programmes.Participant.time_zone",  # chosen in a list of zones
    "programmes.Resource.url",  # a validated http(s) URL
    "programmes.ParticipantImport.notice",  # the code's own encoding notice
    "programmes.ParticipantImport.delimiter",  # one of , ; and tab, found by the code
    # An Excel tab name: its 31 characters hold no marker; test_import_file_language.py checks it inert.
    "programmes.ParticipantImport.sheet",
    "mentoring_sessions.RecurringSlot.time_zone",
    "mentoring_sessions.Session.time_zone",
    "mentoring_sessions.CohortSession.time_zone",
    "mentoring_sessions.SharedResource.url",  # a validated http(s) URL
    "mentoring_sessions.CalendarFeed.token",
    "accounts.SignedInSession.session_key",
    "organizations.AuditEvent.target_type",  # a model's label, written by the code
    "organizations.AuditEvent.target_id",  # a primary key
    "surveys.SurveyResponse.key",
    "notifications.Notification.kind",  # a value some app declares (registry.notification_kind)
    "notifications.Notification.key",
    "notifications.Notification.address",  # an invitation's address, validated as one when invited
    "notifications.Notification.last_error",
    "notifications.Notification.skip_reason",
    "notifications.Notification.claimed_by",  # a worker's host, process and run
    "notifications.OutboxPause.last_error",  # the mail relay's answer, shown on no page
    "notifications.Notification.subject",  # rendered from the names seeded here
    "notifications.Notification.action_url",
    "accounts.IdentityProvider.server_url",  # a validated URL
    "accounts.IdentityProvider.metadata_url",  # a validated URL
    "accounts.IdentityProvider.client_secret",  # never shown back, not even to the HR admin who typed it
    "accounts.IdentityProvider.sp_private_key",  # made by Binôme (accounts.saml), never shown anywhere
    "accounts.IdentityProvider.sp_certificate",  # made by Binôme, PEM: base64 and dashes only
    "accounts.EmailDomain.domain",  # validated as a domain when claimed
    "accounts.BreakGlassSignIn.email",  # an e-mail address, validated as one
    "notifications.Notification.subject_language",  # a language code, set by the outbox
    # The English twins of fields seeded here: shown instead of them, through the same templates and
    # mentoring.l10n.localized, to a reader of the other language; this walk reads in one language only.
    "programmes.Skill.name_en",
    "programmes.Skill.description_en",
    "programmes.Objective.name_en",
    "programmes.Programme.charter_en",
    "surveys.SurveyTemplate.title_en",
    "surveys.SurveyTemplate.introduction_en",
    "surveys.Question.text_en",
    "surveys.Question.choices_en",
    # Each version's copy of its template's title and introduction, typed in the same form, validated
    # alike and shown through the same templates (for an earlier version, in its place).
    "surveys.SurveyVersion.title",
    "surveys.SurveyVersion.title_en",
    "surveys.SurveyVersion.introduction",
    "surveys.SurveyVersion.introduction_en",
}

# Written by people but, by design, shown on no HTML page and in no e-mail.
NEVER_DISPLAYED = {
    "pairing.Pair.end_reason": "HR's reason for ending a pair stays in the database",
    "accounts.IdentityProvider.metadata_xml": "the IdP's metadata is read by the SAML runtime, not shown",
    "accounts.BreakGlassSignIn.reason": "staff's reason for a break-glass sign-in is shown only in the admin",
}

LIVE_MARKUP = re.compile(
    r"<script>alert\(\"([\w.]+)\"\)|<form action=//evil-([\w.]+)|<b onmouseover=\"?x-([\w.]+)"
)
ESCAPED_MARKUP = re.compile(r"&lt;script&gt;alert\((?:&quot;|&#x27;|\")([\w.]+)(?:&quot;|&#x27;|\")\)")


def marked(field, *, compact=False):
    """A value that would run a script, add a form and an event handler if it were rendered as HTML.

    ``compact`` leaves the form out, for fields whose length limit (150 for names) the full value passes.
    """
    if compact:
        return f'<script>alert("{field}")</script><b onmouseover=x-{field}>'
    return f'<script>alert("{field}")</script><form action=//evil-{field}><b onmouseover=x-{field}>'


def _text_fields():
    fields = set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                fields.add(f"{model._meta.app_label}.{model.__name__}.{field.name}")
            elif isinstance(field, models.JSONField):
                fields.add(f"{model._meta.app_label}.{model.__name__}.{field.name}")
    return fields


# JSON fields: those holding text people wrote are seeded; the others hold the code's own values.
JSON_NOT_WRITTEN_BY_PEOPLE = {
    "programmes.Participant.availability",  # slot codes from a fixed list
    "pairing.MatchingRound.unmatched",
    "pairing.Pair.score_breakdown",
    "notifications.Notification.data",
    "notifications.Preference.muted_kinds",
    "dashboards.Nudge.reasons",
    "programmes.ParticipantImport.merged_cells",  # cell ranges such as "B2:B4", written by the code
}


def _max_length(label):
    app_label, model_name, field_name = label.split(".")[:3]
    try:
        field = apps.get_model(app_label, model_name)._meta.get_field(field_name)
    except (LookupError, FieldDoesNotExist):
        return None
    return getattr(field, "max_length", None)


class World:
    """An organisation where every text a person can write carries its field's marker."""

    def __init__(self):
        self.fields = set()

    def mark(self, field, *, compact=False):
        self.fields.add(field)
        value = marked(field, compact=compact)
        limit = _max_length(field)
        if limit and len(value) > limit:  # PostgreSQL refuses what SQLite would store
            value = marked(field, compact=True)
        if limit and len(value) > limit:
            value = f'<script>alert("{field}")</script>'
        assert not limit or len(value) <= limit, f"{field}: no marker fits in {limit} characters"
        return value


def _person(world, organization, label, *roles, email):
    user = member(
        organization,
        *roles,
        email=email,
        first_name=world.mark(f"accounts.User.first_name.{label}", compact=True),
        last_name=world.mark(f"accounts.User.last_name.{label}", compact=True),
    )
    # What the organisation's pages and e-mails show: its own record of the person.
    with tenant_context(organization):
        Person.objects.filter(user=user).update(
            first_name=world.mark(f"organizations.Person.first_name.{label}", compact=True),
            last_name=world.mark(f"organizations.Person.last_name.{label}", compact=True),
        )
    return user


def _participant(world, programme, user, role, label):
    participant = Participant.objects.create(
        organization=programme.organization,
        programme=programme,
        user=user,
        role=role,
        status=Participant.Status.ENROLLED,
        department=world.mark(f"programmes.Participant.department.{label}"),
        job_title=world.mark(f"programmes.Participant.job_title.{label}"),
        location=world.mark(f"programmes.Participant.location.{label}"),
        hopes=world.mark(f"programmes.Participant.hopes.{label}"),
        languages=["fr", world.mark(f"programmes.Participant.languages.{label}")],
        interests=[world.mark(f"programmes.Participant.interests.{label}")],
        availability=["tue-lunch"],
        enrolled_at=timezone.now(),
    )
    return participant


def _build(world, organization):  # noqa: PLR0915 - one scene, told in order
    now = timezone.now()
    organization.name = world.mark("organizations.Organization.name")
    organization.minimum_group_size = 2
    organization.save()
    people = {
        "hr": _person(world, organization, "hr", Role.HR_ADMIN, email="hr@acme.example"),
        "executive": _person(world, organization, "executive", Role.EXECUTIVE, email="exec@acme.example"),
        "mentor": _person(world, organization, "mentor", Role.MENTOR, email="mentor@acme.example"),
        "mentee": _person(world, organization, "mentee", Role.MENTEE, email="mentee@acme.example"),
        "mentee2": _person(world, organization, "mentee2", Role.MENTEE, email="mentee2@acme.example"),
    }
    with tenant_context(organization):
        # HR's reason for resetting a member's second factors, shown on the organisation's MFA page.
        mfa_reset = MfaReset.objects.create(
            organization=organization,
            member=people["mentee2"],
            reset_by=people["hr"],
            reason=world.mark("accounts.MfaReset.reason"),
        )
        skill = Skill.objects.create(
            organization=organization,
            name=world.mark("programmes.Skill.name"),
            description=world.mark("programmes.Skill.description"),
        )
        objective = Objective.objects.create(
            organization=organization, name=world.mark("programmes.Objective.name")
        )
        programme = Programme.objects.create(
            organization=organization,
            name=world.mark("programmes.Programme.name"),
            description=world.mark("programmes.Programme.description"),
            charter=world.mark("programmes.Programme.charter"),
            start_date=timezone.localdate() - timedelta(days=60),
            end_date=timezone.localdate() + timedelta(days=300),
            status=Programme.Status.RUNNING,
        )
        programme.objectives.add(objective)
        programme_resource = Resource.objects.create(
            organization=organization,
            programme=programme,
            title=world.mark("programmes.Resource.title"),
            url="https://example.com/guide",
        )
        Resource.objects.create(
            organization=organization,
            programme=programme,
            title="Slides",
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="slides.pdf"),
            original_name=world.mark("programmes.Resource.original_name"),
        )
        mentor = _participant(world, programme, people["mentor"], Participant.Role.MENTOR, "mentor")
        mentee = _participant(world, programme, people["mentee"], Participant.Role.MENTEE, "mentee")
        mentee2 = _participant(world, programme, people["mentee2"], Participant.Role.MENTEE, "mentee2")
        for participant in (mentor, mentee, mentee2):
            ParticipantSkill.objects.create(organization=organization, participant=participant, skill=skill)

        upload = io.StringIO()
        columns = ("first_name", "last_name", "department", "job_title", "location", "skills")
        writer = csv.writer(upload)
        # Two columns the import does not know: their headers show on the preview as ignored.
        unknown = [
            world.mark(f"programmes.ParticipantImport.{field}") for field in ("headers", "ignored_columns")
        ]
        writer.writerow(["email", "role", "languages", *columns, *unknown])
        writer.writerow(
            [
                "new@acme.example",
                "mentor",
                "fr",
                *(world.mark(f"programmes.ParticipantImport.rows.{column}") for column in columns),
                "",
                "",
            ]
        )
        filename = world.mark("programmes.ParticipantImport.filename").replace("/", "_") + ".csv"
        participant_import = imports.prepare_import(
            programme=programme,
            upload=SimpleUploadedFile(filename, upload.getvalue().encode()),
            uploaded_by=people["hr"],
        )

        pair = Pair.objects.create(
            organization=organization,
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            status=Pair.Status.ACTIVE,
            started_at=now - timedelta(days=40),
        )
        Pair.objects.create(
            organization=organization,
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            status=Pair.Status.ENDED,
            ended_at=now - timedelta(days=50),
            end_reason=world.mark("pairing.Pair.end_reason"),
        )
        Pair.objects.create(
            organization=organization,
            programme=programme,
            mentor=mentor,
            mentee=mentee2,
            status=Pair.Status.DECLINED,
            declined_by=people["mentee2"],
            decline_reason=world.mark("pairing.Pair.decline_reason"),
        )
        matching_round = MatchingRound.objects.create(
            organization=organization, programme=programme, number=1
        )
        proposal = Pair.objects.create(
            organization=organization,
            programme=programme,
            matching_round=matching_round,
            mentor=mentor,
            mentee=mentee2,
            status=Pair.Status.PROPOSED,
        )
        rule = PairingRule.objects.create(
            organization=organization,
            programme=programme,
            kind=PairingRule.Kind.NEVER,
            mentor=mentor,
            mentee=mentee2,
            note=world.mark("pairing.PairingRule.note"),
        )

        goal = Goal.objects.create(
            organization=organization,
            pair=pair,
            objective=objective,
            title=world.mark("mentoring_sessions.Goal.title"),
            description=world.mark("mentoring_sessions.Goal.description"),
            created_by=people["mentee"],
        )
        goal.skills.add(skill)
        module = CurriculumModule.objects.create(
            organization=organization,
            programme=pair.programme,
            **{
                name: world.mark(f"programmes.CurriculumModule.{name}")
                for name in ["title", "title_en", "objectives", "objectives_en", "agenda", "agenda_en"]
                + ["resources", "resources_en", "challenge", "challenge_en"]
            },
        )
        held = Session.objects.create(
            organization=organization,
            pair=pair,
            module=module,
            starts_at=now - timedelta(days=7),
            duration_minutes=45,
            status=Session.Status.HELD,
            logged_at=now - timedelta(days=6),
            actual_minutes=45,
            topics=world.mark("mentoring_sessions.Session.topics"),
            shared_notes=world.mark("mentoring_sessions.Session.shared_notes"),
            usefulness=4,
            format=Session.Format.IN_PERSON,
            location=world.mark("mentoring_sessions.Session.location"),
        )
        challenge = Challenge.objects.create(
            organization=organization,
            pair=pair,
            session=held,
            module=module,
            owner=pair.mentee.user,
            text=world.mark("mentoring_sessions.Challenge.text"),
            reflection=world.mark("mentoring_sessions.Challenge.reflection"),
            due_date=timezone.localdate(),
        )
        GoalProgress.objects.create(
            organization=organization,
            goal=goal,
            recorded_on=timezone.localdate() - timedelta(days=6),
            value=3,
            note=world.mark("mentoring_sessions.GoalProgress.note"),
            session=held,
        )
        PrivateNote.objects.create(
            organization=organization,
            session=held,
            author=people["mentee"],
            text=world.mark("mentoring_sessions.PrivateNote.text"),
        )
        upcoming = Session.objects.create(
            organization=organization, pair=pair, starts_at=now + timedelta(hours=30), duration_minutes=45
        )
        AgendaItem.objects.create(
            organization=organization,
            session=upcoming,
            goal=goal,
            text=world.mark("mentoring_sessions.AgendaItem.text"),
        )
        cancelled = Session.objects.create(
            organization=organization,
            pair=pair,
            starts_at=now + timedelta(days=20),
            duration_minutes=45,
            status=Session.Status.CANCELLED,
            cancelled_at=now,
            cancel_reason=world.mark("mentoring_sessions.Session.cancel_reason"),
        )
        action = ActionItem.objects.create(
            organization=organization,
            pair=pair,
            session=held,
            owner=people["mentee"],
            title=world.mark("mentoring_sessions.ActionItem.title"),
        )
        resource = SharedResource.objects.create(
            organization=organization,
            pair=pair,
            kind=SharedResource.Kind.LINK,
            title=world.mark("mentoring_sessions.SharedResource.title"),
            url="https://example.com/read",
            body=world.mark("mentoring_sessions.SharedResource.body"),
            added_by=people["mentor"],
        )

        template = SurveyTemplate.objects.create(
            organization=organization,
            programme=programme,
            moment=SurveyTemplate.Moment.MIDPOINT,
            audience=SurveyTemplate.Audience.MENTEE,
            title=world.mark("surveys.SurveyTemplate.title"),
            introduction=world.mark("surveys.SurveyTemplate.introduction"),
        )
        text_question = Question.objects.create(
            organization=organization,
            template=template,
            position=1,
            text=world.mark("surveys.Question.text"),
            type=Question.Type.TEXT,
            required=False,
        )
        Question.objects.create(
            organization=organization,
            template=template,
            position=2,
            text="Which practice?",
            type=Question.Type.CHOICE,
            choices=[world.mark("surveys.Question.choices")],
            required=False,
        )
        Question.objects.create(
            organization=organization, template=template, position=3, text="Skills", type=Question.Type.SKILLS
        )
        open_response = SurveyResponse.objects.create(
            organization=organization,
            template=template,
            participant=mentee,
            pair=pair,
            key="midpoint:participant:open",
            sent_at=now,
            expires_at=now + timedelta(days=30),
        )
        comment = world.mark("surveys.Answer.text")
        for number, participant in enumerate((mentee, mentee2, mentor)):
            answered = SurveyResponse.objects.create(
                organization=organization,
                template=template,
                participant=participant,
                key=f"midpoint:participant:answered:{number}",
                sent_at=now - timedelta(days=3),
                expires_at=now + timedelta(days=27),
                answered_at=now - timedelta(days=2),
            )
            Answer.objects.create(
                organization=organization,
                response=answered,
                question=text_question,
                text=comment,
                shared_anonymously=True,
            )

        invitation = organization_services.invite_member(
            organization=organization, email="invitee@acme.example", role=Role.MENTOR, invited_by=people["hr"]
        )
        # Disabled, so that allauth's own login and callback pages answer 404 instead of calling the IdP.
        identity_provider = IdentityProvider.objects.create(
            organization=organization,
            name=world.mark("accounts.IdentityProvider.name"),
            server_url="https://idp.acme.example",
            client_id=world.mark("accounts.IdentityProvider.client_id"),
            metadata_xml=world.mark("accounts.IdentityProvider.metadata_xml"),
        )
        domain = EmailDomain.objects.create(organization=organization, domain="acme.example")
        # The audit trail shows what people typed: a token's name, an object's label, an export's filters.
        audit.record(
            audit.Action.EXPORT,
            organization=organization,
            actor_kind=audit.ActorKind.API_KEY,
            actor_label=world.mark("organizations.AuditEvent.actor_label"),
            target_label=world.mark("organizations.AuditEvent.target_label"),
            details={"department": world.mark("organizations.AuditEvent.details")},
        )
        from webhooks.models import Endpoint
        from webhooks.secrets import encrypt

        endpoint = Endpoint.objects.create(
            organization=organization,
            url="https://hooks.acme.example/binome",
            description=world.mark("webhooks.Endpoint.description"),
            events=["pair.ended"],
            secret=encrypt("whsec_x"),
            secret_hint="whsec_x",
        )
        # The mentor's outcomes and the executive's endorsement, on HR's outcomes page, the dashboard and
        # the mentor's attestation.
        from programmes.models import MentorOutcome, OutcomeBaseline
        from sessions.models import Endorsement

        MentorOutcome.objects.create(
            participant=mentor, promoted=True, recognition=world.mark("programmes.MentorOutcome.recognition")
        )
        OutcomeBaseline.objects.create(
            programme=programme, promoted=10, population=world.mark("programmes.OutcomeBaseline.population")
        )
        Endorsement.objects.create(
            pair=pair,
            given_by=pair.mentee.user,
            text=world.mark("mentoring_sessions.Endorsement.text"),
            show_topics=True,
        )
        # The mentors' cohort (issue 15): a group session HR wrote, on the cohort pages and its invitation.
        from sessions.models import CohortSession

        cohort_session = CohortSession.objects.create(
            organization=organization,
            programme=pair.programme,
            title=world.mark("mentoring_sessions.CohortSession.title"),
            location=world.mark("mentoring_sessions.CohortSession.location"),
            description=world.mark("mentoring_sessions.CohortSession.description"),
            starts_at=now + timedelta(days=10),
            duration_minutes=90,
        )
    BreakGlassSignIn.objects.create(
        user=people["hr"], email="hr@acme.example", reason=world.mark("accounts.BreakGlassSignIn.reason")
    )

    return {
        "mfa_reset": mfa_reset,
        "people": people,
        "programme": programme,
        "skill": skill,
        "pair": pair,
        "proposal": proposal,
        "round": matching_round,
        "rule": rule,
        "participant": mentee,
        "import": participant_import,
        "resource": programme_resource,
        "shared_resource": resource,
        "goal": goal,
        "action": action,
        "sessions": (held, upcoming, cancelled),
        "module": module,
        "challenge": challenge,
        "template": template,
        "question": text_question,
        "open_response": open_response,
        "invitation": invitation,
        "identity_provider": identity_provider,
        "domain": domain,
        "endpoint": endpoint,
        "cohort_session": cohort_session,
    }


def _send_every_email(organization, scene):
    """Every kind of e-mail the product sends, about the seeded people, programme and pair."""
    people, pair, upcoming = scene["people"], scene["pair"], scene["sessions"][1]
    now = timezone.now()
    with tenant_context(organization):
        for kind in (PAIR_PUBLISHED, PAIR_ACCEPTED, PAIR_DECLINED, PAIR_ENDED):
            for person in (people["mentor"], people["mentee"]):
                plan(
                    organization=organization,
                    recipient=person,
                    kind=kind,
                    key=natural_key(kind, "pair", pair.pk, recipient=person),
                    due_at=now,
                    object_id=pair.pk,
                )
        for kind in (SESSION_REMINDER_24H, SESSION_REMINDER_1H, SESSION_LOG):
            plan(
                organization=organization,
                recipient=people["mentee"],
                kind=kind,
                key=natural_key(kind, "session", upcoming.pk, recipient=people["mentee"]),
                due_at=now,
                object_id=upcoming.pk,
                planned_for=upcoming.starts_at,
                planned_sequence=upcoming.sequence,
            )
        for kind in (SURVEY_INVITATION, SURVEY_REMINDER):
            plan(
                organization=organization,
                recipient=people["mentee"],
                kind=kind,
                key=natural_key(kind, "response", scene["open_response"].pk, recipient=people["mentee"]),
                due_at=now,
                object_id=scene["open_response"].pk,
            )
        plan(
            organization=organization,
            recipient=people["mentee2"],
            kind=MFA_RESET,
            key=natural_key(MFA_RESET, "mfa_reset", scene["mfa_reset"].pk, recipient=people["mentee2"]),
            due_at=now,
            object_id=scene["mfa_reset"].pk,
        )
        plan(
            organization=organization,
            recipient=people["hr"],
            kind=HR_DIGEST,
            key=natural_key(HR_DIGEST, "week", "now", recipient=people["hr"]),
            due_at=now,
        )
        plan(
            organization=organization,
            recipient=people["executive"],
            kind=EXECUTIVE_SUMMARY,
            key=natural_key(EXECUTIVE_SUMMARY, "month", "now", recipient=people["executive"]),
            due_at=now,
        )
        # The impact report's monthly e-mail names the programme HR typed (issue 16).
        from dashboards import subscriptions
        from dashboards.report_notifications import BOARD_REPORT

        board_subscription = subscriptions.subscribe(user=people["executive"], programme=scene["programme"])
        plan(
            organization=organization,
            recipient=people["executive"],
            kind=BOARD_REPORT,
            key=natural_key(
                BOARD_REPORT, "subscription", board_subscription.pk, recipient=people["executive"]
            ),
            due_at=now,
            object_id=board_subscription.pk,
        )
        # The nudge and the calendar invitations through the outbox; the invitation was planned when
        # the scene invited someone. The dispatcher delivers them all (the test's transaction never
        # commits, so the delivery the services enqueue on commit does not run by itself).
        dashboard_services.nudge_pair(
            pair=pair, sent_by=people["hr"], reasons=["no_recent_session", "overdue_logs", "low_rating"]
        )
        plan(
            organization=organization,
            recipient=people["mentee"],
            kind=CHALLENGE_DUE,
            key=natural_key(CHALLENGE_DUE, "challenge", scene["challenge"].pk, recipient=people["mentee"]),
            due_at=now,
            object_id=scene["challenge"].pk,
        )
        # Roles inverted (issue 15): the agenda to prepare, the preparation still to finish, the delegation.
        from programmes.notifications import PREPARATION_REMINDER
        from sessions.models import Delegation
        from sessions.notifications import AGENDA_TO_PREPARE, DELEGATION_GRANTED

        unprepared = NotificationSessionFactory(
            organization=organization, pair=pair, starts_at=now + timedelta(days=3), duration_minutes=45
        )
        plan(
            organization=organization,
            recipient=people["mentor"],
            kind=AGENDA_TO_PREPARE,
            key=natural_key(AGENDA_TO_PREPARE, "session", unprepared.pk, recipient=people["mentor"]),
            due_at=now,
            object_id=unprepared.pk,
            planned_for=unprepared.starts_at,
            planned_sequence=unprepared.sequence,
        )
        plan(
            organization=organization,
            recipient=people["mentee"],
            kind=PREPARATION_REMINDER,
            key=natural_key(
                PREPARATION_REMINDER, "participant", scene["participant"].pk, recipient=people["mentee"]
            ),
            due_at=now,
            object_id=scene["participant"].pk,
        )
        from organizations.models import Membership

        Membership.objects.create(organization=organization, user=people["mentee2"], role=Role.ASSISTANT)
        delegation = Delegation.objects.create(
            organization=organization,
            executive=people["mentee"],
            assistant=people["mentee2"],
            granted_by=people["hr"],
        )
        plan(
            organization=organization,
            recipient=people["mentee2"],
            kind=DELEGATION_GRANTED,
            key=natural_key(DELEGATION_GRANTED, "delegation", delegation.pk, recipient=people["mentee2"]),
            due_at=now,
            object_id=delegation.pk,
        )
        notify_session_invitations([upcoming], "REQUEST")
        from sessions.notifications import notify_cohort_invitations

        notify_cohort_invitations([scene["cohort_session"]], "REQUEST")
        notify_session_invitations([scene["sessions"][2]], "CANCEL")
    notification_tasks.dispatch_notifications()
    with tenant_context(organization):
        delivered = set(
            Notification.objects.filter(status=Notification.Status.SENT).values_list("kind", flat=True)
        )
    # The inactivity nudge needs a pair with nothing planned; it fills the same template with the same names.
    # A webhook carries no text from people at all (tests/webhooks/test_events.py proves it with markers).
    e_mail_kinds = set(kind_values()) - {PAIR_INACTIVE, ASSISTANT_PAIR_INACTIVE, "webhook"}
    with tenant_context(organization):
        left = list(
            Notification.objects.filter(kind__in=e_mail_kinds - delivered).values_list(
                "kind", "status", "last_error"
            )
        )
    assert delivered == e_mail_kinds, f"not delivered: {e_mail_kinds - delivered} {left}"


def _values(scene):
    """The values each URL keyword takes: every seeded object a page may show."""
    held, upcoming, cancelled = scene["sessions"]
    pair_scene = {
        "pair_id": [scene["pair"].pk, scene["proposal"].pk],
        "session_id": [held.pk, upcoming.pk, cancelled.pk],
        "goal_id": [scene["goal"].pk],
        "action_id": [scene["action"].pk],
        "resource_id": [scene["shared_resource"].pk],
        "challenge_id": [scene["challenge"].pk],
    }
    programme_scene = {
        "programme_id": [scene["programme"].pk],
        # The assistant's pages of a session (dates and places only).
        "session_id": [upcoming.pk],
        "participant_id": [scene["participant"].pk],
        "import_id": [scene["import"].pk],
        "resource_id": [scene["resource"].pk],
        "round_id": [scene["round"].pk],
        "rule_id": [scene["rule"].pk],
        "skill_id": [scene["skill"].pk],
        "module_id": [scene["module"].pk],
        "template_id": [scene["template"].pk],
        "question_id": [scene["question"].pk],
        "pair_id": [scene["pair"].pk, scene["proposal"].pk],
        "user_id": [scene["people"]["mentee"].pk],
        "role": [Role.MENTEE],
        "invitation_id": [scene["invitation"].pk],
        "domain_id": [scene["domain"].pk],
        "endpoint_id": [scene["endpoint"].pk],
        "cohort_session_id": [scene["cohort_session"].pk],
        # API keys and SCIM tokens: only their revoke actions (POST) take an id; their names show on the
        # list pages, which the walk visits.
        "key_id": [],
        "token_id": [],
        # Removing a delegation is a POST; the assistant's and executive's names show on the list pages.
        "delegation_id": [],
        "delivery_id": [],
        "provider_id": [scene["identity_provider"].provider_id],
        # allauth's SAML URLs (the organisation's IdP here is OIDC: they answer 404, the SAML pages' own
        # texts are the SP's URLs and certificate, nothing a person types).
        "organization_slug": [scene["identity_provider"].organization.slug],
        # allauth's security-key pages (edit, remove): the person's own keys, none in this scene.
        "pk": [],
    }
    return pair_scene, programme_scene


def _urls(organization, scene):
    pair_scene, programme_scene = _values(scene)
    mentee = scene["people"]["mentee"]
    tokens = {
        "survey_answer": response_token(scene["open_response"]),
        "notification_unsubscribe": unsubscribe_token(
            organization_id=organization.pk, user_id=mentee.pk, kind=PAIR_PUBLISHED
        ),
        "invitation_accept": organization_services.invitation_token(scene["invitation"]),
    }
    urls = []
    for route, name, kwargs in ALL_ROUTES:
        if name == "admin:index" or name in ("account_logout",):
            continue
        if "token" in kwargs:
            if name in tokens:
                urls.append(_url(route, {"token": tokens[name]}))
            continue
        if "key" in kwargs:
            continue  # allauth's own e-mail and password keys: nothing of the organisation
        if route.startswith(("api/", "scim/")):
            continue  # JSON for machines with a key or token, no page: tests/api and tests/scim check them
        values = pair_scene if "/pairs/<int:pair_id>/" in route else programme_scene
        object_kwargs = [kwarg for kwarg in kwargs if kwarg != "org_slug"]
        for combination in product(*(values[kwarg] for kwarg in object_kwargs)):
            urls.append(
                _url(
                    route,
                    {"org_slug": organization.slug, **dict(zip(object_kwargs, combination, strict=True))},
                )
            )
    return urls


def _check(body, where, leaks, shown):
    for match in LIVE_MARKUP.finditer(body):
        leaks.append((where, next(group for group in match.groups() if group)))
    shown.update(ESCAPED_MARKUP.findall(body))


@pytest.mark.django_db
def test_it_renders_every_text_people_write_as_inert_text_on_every_page_and_email(
    client, organization, mailoutbox, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    world = World()
    scene = _build(world, organization)
    _send_every_email(organization, scene)

    leaks, shown = [], set()
    emails = list(mailoutbox)
    html_emails = [message for message in emails if getattr(message, "alternatives", None)]
    # Notifications of every kind but the two inactivity nudges (see above), the nudge to both people, the
    # invitation; the cohort's calendar invitation is plain text with its .ics, as a pair's is (its text is
    # checked below).
    assert len(html_emails) >= len(kind_values()) - 3 + 2 + 1
    for message in emails:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                _check(content, f"e-mail “{message.subject}”", leaks, shown)
        shown.update(re.findall(r"<script>alert\(\"([\w.]+)\"\)", message.body))  # plain text: inert

    urls = _urls(organization, scene)
    for role in ("hr", "executive", "mentor", "mentee"):
        client.force_login(scene["people"][role])
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, f"{url} as {role}: {response.status_code}"
            if response.get("Content-Type", "").startswith("text/html"):
                _check(response.content.decode(), f"{url} as {role}", leaks, shown)
        client.logout()
    for url in urls:
        if "/o/" not in url:
            response = client.get(url)
            if response.get("Content-Type", "").startswith("text/html"):
                _check(response.content.decode(), f"{url} signed out", leaks, shown)

    assert not leaks, "markup rendered live:\n" + "\n".join(
        sorted({f"{field} on {where}" for where, field in leaks})
    )

    shown_fields = {".".join(label.split(".")[:3]) for label in shown}
    seeded_fields = {".".join(label.split(".")[:3]) for label in world.fields}
    missing = seeded_fields - shown_fields - set(NEVER_DISPLAYED)
    assert not missing, f"seeded but shown on no page or e-mail (the walk misses a page?): {sorted(missing)}"

    unaccounted = _text_fields() - seeded_fields - NOT_WRITTEN_BY_PEOPLE - JSON_NOT_WRITTEN_BY_PEOPLE
    assert not unaccounted, (
        f"text fields nobody checked: seed them here or say why not: {sorted(unaccounted)}"
    )


TYPED = 'O\'Brien & "R&D" <Lab>'


def test_it_writes_plain_text_emails_and_their_subjects_as_typed(organization, mailoutbox):
    """Escaping is for HTML: a plain-text part or a subject with ``&amp;`` or ``&#x27;`` misquotes people."""
    organization.name = TYPED
    organization.save()
    hr = member(organization, Role.HR_ADMIN, first_name=TYPED, last_name=TYPED)
    with tenant_context(organization):
        pair = NotificationPairFactory(organization=organization)
        for person in (pair.mentor.user, pair.mentee.user):
            person.first_name = person.last_name = TYPED
            person.save()
            Person.objects.filter(user=person).update(first_name=TYPED, last_name=TYPED)
        pair.programme.name = TYPED
        pair.programme.save()
        session = NotificationSessionFactory(organization=organization, pair=pair, location=TYPED)
        plan(
            organization=organization,
            recipient=pair.mentee.user,
            kind=PAIR_PUBLISHED,
            key=natural_key(PAIR_PUBLISHED, "pair", pair.pk, recipient=pair.mentee.user),
            due_at=timezone.now(),
            object_id=pair.pk,
        )
        dashboard_services.nudge_pair(pair=pair, sent_by=hr, reasons=["no_recent_session"])
        organization_services.invite_member(
            organization=organization, email="new@acme.example", role=Role.MENTOR, invited_by=hr
        )
        notify_session_invitations([session], "REQUEST")
    notification_tasks.dispatch_notifications()

    assert len(mailoutbox) == 6  # the match, the nudge and the session to both, the invitation
    for message in mailoutbox:
        for text in (message.subject, message.body):
            for entity in ("&amp;", "&#x27;", "&quot;", "&lt;", "&gt;"):
                assert entity not in text, f"“{message.subject}”: {text}"
        assert TYPED in message.body or TYPED in message.subject, message.subject
