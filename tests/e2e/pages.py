"""Every page a person reads, for each role, in one place: the browser audit walks this list.

``PAGES`` names each HTML page (a URL name) and the roles that read it; ``ARGUMENTS`` says how to fill
each URL keyword from the demo organisation (``seed_demo``), as the person of that role would reach
it. ``NOT_PAGES`` lists the URL names that are not pages to read (POST-only actions, downloads,
secret-token links tested elsewhere), each with why. tests/e2e/test_every_page.py fails when a URL
of the project is in neither list, so a new page joins the audit the day it is added.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from organizations import demo
from organizations.models import Membership, Organization
from organizations.roles import Role
from organizations.tenancy import tenant_context
from pairing.models import MatchingRound, Pair, PairingRule
from programmes.imports import prepare_import
from programmes.models import CurriculumModule, Participant, Programme, Skill
from sessions.models import Challenge, CohortSession, Delegation, Goal, Session
from surveys.models import Question, SurveyResponse, SurveyTemplate
from surveys.tokens import response_token

HR, EXECUTIVE, MENTOR, MENTEE = Role.HR_ADMIN, Role.EXECUTIVE, Role.MENTOR, Role.MENTEE
ASSISTANT = Role.ASSISTANT
EVERYONE = frozenset({HR, EXECUTIVE, MENTOR, MENTEE, ASSISTANT})
PARTICIPANTS = frozenset({MENTOR, MENTEE})

# The demo person who plays each role (seed_demo's printed log-ins); each holds that one role.
PEOPLE = {
    HR: "rh@demo.binome.example",
    EXECUTIVE: "direction@demo.binome.example",
    MENTOR: "lea.martin@demo.binome.example",
    MENTEE: "jean.lefebvre@demo.binome.example",
    ASSISTANT: demo.DEMO_ASSISTANT_EMAIL,
}
PASSWORD = demo.DEMO_PASSWORD


@dataclass(frozen=True)
class Page:
    name: str
    roles: frozenset[str]


PAGES = [
    Page("organization_home", EVERYONE),
    Page("choose_organization", EVERYONE),
    Page("preferences", EVERYONE),
    Page("my_data", EVERYONE),
    Page("delete_account", EVERYONE),
    Page("account_email", EVERYONE),
    Page("account_change_password", EVERYONE),
    Page("mfa_index", EVERYONE),
    Page("notifications", EVERYONE),
    Page("notification_preferences", EVERYONE),
    Page("members", frozenset({HR})),
    Page("mfa_policy", frozenset({HR})),
    Page("security_overview", frozenset({HR})),
    Page("security_sso", frozenset({HR})),
    Page("webhooks", frozenset({HR})),
    Page("webhook_create", frozenset({HR})),
    Page("webhook_detail", frozenset({HR})),
    Page("security_scim", frozenset({HR})),
    Page("audit_trail", frozenset({HR})),
    Page("api_keys", frozenset({HR})),
    Page("mfa_reset_member", frozenset({HR})),
    Page("programme_list", frozenset({HR})),
    Page("programme_create", frozenset({HR})),
    Page("programme_overview", frozenset({HR})),
    Page("programme_edit", frozenset({HR})),
    Page("programme_resources", frozenset({HR})),
    Page("programme_outcomes", frozenset({HR})),
    Page("curriculum", frozenset({HR})),
    Page("module_create", frozenset({HR})),
    Page("module_edit", frozenset({HR})),
    Page("participant_list", frozenset({HR})),
    Page("participant_add", frozenset({HR})),
    Page("participant_detail", frozenset({HR})),
    Page("participant_edit", frozenset({HR})),
    Page("participant_import", frozenset({HR})),
    Page("participant_import_preview", frozenset({HR})),
    Page("skill_list", frozenset({HR})),
    Page("skill_edit", frozenset({HR})),
    Page("matching", frozenset({HR})),
    Page("matching_programme", frozenset({HR})),
    Page("matching_rules", frozenset({HR})),
    Page("matching_settings", frozenset({HR})),
    Page("matching_round", frozenset({HR})),
    Page("pairs_overview", frozenset({HR})),
    Page("surveys", frozenset({HR})),
    Page("survey_template", frozenset({HR})),
    Page("survey_template_edit", frozenset({HR})),
    Page("survey_preview", frozenset({HR})),
    Page("survey_question_edit", frozenset({HR})),
    Page("survey_question_delete", frozenset({HR})),
    Page("operations", frozenset({HR})),
    Page("dashboard", frozenset({HR, EXECUTIVE})),
    Page("dashboard_report", frozenset({HR, EXECUTIVE})),
    Page("programme_health", frozenset({HR, EXECUTIVE})),
    Page("impact_report", frozenset({HR, EXECUTIVE})),
    Page("charter", PARTICIPANTS),
    Page("my_programmes", PARTICIPANTS),
    Page("my_profile", PARTICIPANTS),
    Page("my_matches", PARTICIPANTS),
    Page("calendar_settings", PARTICIPANTS),
    Page("pair_space", PARTICIPANTS),
    Page("session_list", PARTICIPANTS),
    Page("session_detail", PARTICIPANTS),
    # The demo's programme keeps the defaults: the senior mentee plans, the junior mentor writes the agenda.
    Page("session_schedule", frozenset({MENTEE})),
    Page("session_reschedule", frozenset({MENTEE})),
    Page("session_agenda", frozenset({MENTOR})),
    Page("session_log", PARTICIPANTS),
    Page("recurring_slot", frozenset({MENTEE})),
    Page("endorsement", frozenset({MENTEE})),
    Page("mentor_attestation", frozenset({MENTOR})),
    Page("preparation", PARTICIPANTS),
    Page("my_assistants", PARTICIPANTS),
    Page("delegations", frozenset({HR})),
    Page("assistant_sessions", frozenset({ASSISTANT})),
    Page("assistant_schedule", frozenset({ASSISTANT})),
    Page("assistant_reschedule", frozenset({ASSISTANT})),
    Page("goal_detail", PARTICIPANTS),
    Page("goal_edit", PARTICIPANTS),
    Page("goal_create", PARTICIPANTS),
    Page("pair_curriculum", PARTICIPANTS),
    Page("challenge_list", PARTICIPANTS),
    Page("challenge_answer", PARTICIPANTS),
    Page("challenge_create", frozenset({MENTEE})),
    Page("survey_answer", frozenset({MENTEE})),
    Page("cohort", frozenset({HR, MENTOR})),
    Page("cohort_session", frozenset({HR, MENTOR})),
    Page("cohort_session_create", frozenset({HR})),
    Page("cohort_session_edit", frozenset({HR})),
    Page("cohort_attendance", frozenset({HR})),
]

# Pages of a signed-out visitor (the sign-in door and what hangs off it).
SIGNED_OUT_PAGES = ["home", "account_login", "account_reset_password", "account_signup", "sso_sign_in"]

NOT_PAGES = {
    # answers a POST only (a button on one of the pages above)
    **dict.fromkeys(
        [
            "security_sso_claim_domain",
            "survey_question_move",
            "survey_question_duplicate",
            "security_sso_withdraw_domain",
            "security_scim_revoke_token",
            "send_failed_emails_again",
            "nudge_pair",
            "impact_report_subscription",
            "matching_run",
            "matching_start_pairs",
            "matching_end_pair",
            "matching_exclude",
            "matching_lock",
            "matching_publish",
            "matching_rerun",
            "matching_swap",
            "matching_rule_delete",
            "remove_role",
            "revoke_invitation",
            "my_match_accept",
            "my_match_decline",
            "my_match_choose",
            "notifications_mark_read",
            "action_toggle",
            "resource_delete",
            "session_no_show",
            "programme_duplicate",
            "programme_transition",
            "programme_resource_delete",
            "withdraw",
            "participant_withdraw",
            "sign_out_everywhere",
            "set_language",
            "matching_rotation",
            "session_cancel",
            "action_create",
            "resource_create",
            "curriculum_copy_default",
            "module_move",
            "module_duplicate",
            "module_delete",
            "audit_retention",
            "api_key_revoke",
            "delegation_remove",
            "assistant_cancel",
            "matching_waive_preparation",
            "cohort_session_cancel",
            "cohort_excuse",
        ],
        "POST only",
    ),
    # The REST API: JSON for machines (tests/api, fuzzed by Schemathesis from its schema).
    **dict.fromkeys(
        [
            "api_programmes",
            "api_programme",
            "api_participants",
            "api_participant",
            "api_pairs",
            "api_pair",
            "api_sessions",
            "api_session",
            "api_goals",
            "api_goal",
            "api_figures",
            "api_schema",
            "api_not_found",
        ],
        "a machine answer (JSON), tested in tests/api",
    ),
    "api_docs": "drf-spectacular-sidecar's Swagger UI, not our markup; tests/api/test_docs.py checks that it "
    "loads every asset from our origin, with no inline script",
    # a file, not a page
    **dict.fromkeys(
        [
            "dashboard_export_csv",
            "dashboard_export_xlsx",
            "impact_report_xlsx",
            "audit_export",
            "participant_export",
            "resource_download",
            "session_ics",
            "cohort_session_ics",
            "calendar_feed",
            "organization_logo",
            "my_data_download",
            "health",
            "outbox_health",
        ],
        "a download or a machine answer",
    ),
    "admin:index": "Django's admin, staff only",
    # Single sign-on: machine endpoints of the protocols, a download, and the steps of a flow that starts at
    # an identity provider (tests/accounts/test_sso.py, test_saml.py and the browser tests of both flows).
    **dict.fromkeys(
        [
            "openid_connect_callback",
            "openid_connect_login",
            "sso_oidc_callback",
            "saml_acs",
            "saml_finish_acs",
            "saml_login",
            "saml_metadata",
            "saml_sls",
            "sso_saml_acs",
            "sso_saml_metadata",
            "security_sso_test",
            "socialaccount_login_cancelled",
            "socialaccount_login_error",
            "socialaccount_signup",
        ],
        "a protocol endpoint or a step of a sign-in flow started at the identity provider",
    ),
    # SCIM 2.0: a machine endpoint with a bearer token, answering JSON (tests/scim).
    **dict.fromkeys(
        [
            "scim_service_provider_config",
            "scim_resource_types",
            "scim_resource_type",
            "scim_schemas",
            "scim_schema",
            "scim_search",
            "scim_users",
            "scim_users_search",
            "scim_user",
            "scim_groups",
            "scim_groups_search",
            "scim_group",
            "scim_unknown",
        ],
        "the SCIM protocol endpoint: JSON for a directory, with a bearer token (tests/scim)",
    ),
    "security_sso_saml_certificate": "a download (the SP certificate), tested in tests/accounts/test_saml.py",
    "participant_import_rejected": "a download (the rejected rows), tested in tests/programmes",
    "break_glass": "staff only, tested in tests/accounts/test_sso.py",
    **dict.fromkeys(
        ["webhook_rotate", "webhook_delete", "webhook_resend"],
        "a POST-only action on a webhook endpoint (tests/webhooks/test_views.py)",
    ),
    "socialaccount_connections": "allauth's list of linked identities, not linked from any page of ours",
    "invitation_accept": "a secret-token page (tests/organizations/test_invitations.py)",
    "notification_unsubscribe": "a secret-token page (tests/notifications)",
    "account_confirm_email": "allauth's e-mail confirmation key",
    "account_reset_password_from_key": "allauth's password reset key",
    # redirects to a page above: the programme's profile, the person's one pair
    "enrol": "redirects to my_profile once enrolled",
    "my_pairs": "redirects to pair_space for someone with one pair",
    "my_cohort": "redirects to the cohort of a mentor's one programme",
    # allauth pages that redirect away in this set-up (no one reaches them as a page to read)
    **dict.fromkeys(
        [
            "account_logout",
            "account_deleted",
            "account_inactive",
            "account_confirm_login_code",
            "account_email_verification_sent",
            "account_reset_password_done",
            "account_reset_password_from_key_done",
            "account_set_password",
            "account_reauthenticate",
            "mfa_required",
            "mfa_activate_totp",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
            "mfa_list_webauthn",
            "mfa_add_webauthn",
            "mfa_edit_webauthn",
            "mfa_remove_webauthn",
            "mfa_login_webauthn",
            "mfa_reauthenticate_webauthn",
        ],
        "allauth: redirects without a factor or a flow under way (tests/accounts, tests/e2e/test_mfa.py)",
    ),
}


@dataclass
class Visitor:
    organization: Organization
    user: Any
    role: str

    @property
    def participation(self) -> Participant | None:
        return (
            Participant.objects.filter(
                user=self.user, role=self.role, pairs_as_mentor__status=Pair.Status.ACTIVE
            )
            .select_related("programme")
            .first()
            if self.role == MENTOR
            else Participant.objects.filter(
                user=self.user, role=self.role, pairs_as_mentee__status=Pair.Status.ACTIVE
            )
            .select_related("programme")
            .first()
        )


def _programme(visitor: Visitor, values: dict) -> int:
    if visitor.role in PARTICIPANTS:
        return visitor.participation.programme_id
    return Programme.objects.filter(pairs__status=Pair.Status.ACTIVE).distinct().order_by("pk").first().pk


def _pair(visitor: Visitor, values: dict) -> int:
    if visitor.role == ASSISTANT:
        executives = Delegation.objects.filter(assistant=visitor.user).values("executive")
        return (
            Pair.objects.filter(mentee__user__in=executives, status=Pair.Status.ACTIVE)
            .order_by("pk")
            .first()
            .pk
        )
    side = "mentor" if visitor.role == MENTOR else "mentee"
    return Pair.objects.filter(**{side: visitor.participation}, status=Pair.Status.ACTIVE).first().pk


def _session(visitor: Visitor, values: dict) -> int:
    # The assistant's pages name the session alone: one of the executive's planned sessions.
    if "pair_id" not in values:
        sessions = Session.objects.filter(pair_id=_pair(visitor, values), status=Session.Status.SCHEDULED)
        return sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at").first().pk
    return Session.objects.filter(pair_id=values["pair_id"]).order_by("-starts_at").first().pk


def _cohort_session(visitor: Visitor, values: dict) -> int:
    """The demo's held training for its attendance (and for the others), the upcoming debrief to edit."""
    sessions = CohortSession.objects.filter(programme_id=values["programme_id"]).order_by("starts_at", "pk")
    if values.get("page") == "cohort_session_edit":
        return sessions.filter(starts_at__gt=timezone.now()).first().pk
    return sessions.filter(starts_at__lte=timezone.now()).last().pk


def _goal(visitor: Visitor, values: dict) -> int:
    return Goal.objects.filter(pair_id=values["pair_id"]).order_by("pk").first().pk


def _participant(visitor: Visitor, values: dict) -> int:
    return Participant.objects.filter(programme_id=values["programme_id"]).order_by("pk").first().pk


def _import(visitor: Visitor, values: dict) -> int:
    """A preview with valid and invalid rows, wide enough to scroll: what HR meets after an upload."""
    header = "email,first_name,last_name,role,department,job_title,site,manager_email,languages\n"
    rows = [
        "ana.silva@demo.binome.example,Ana,Silva,mentee,Finance,Analyst,Lyon,,fr\n",
        "not-an-address,Bob,,mentor,,,,,\n",
        "li.wei@demo.binome.example,Li,Wei,chief,IT,Developer,Paris,,en\n",
    ]
    upload = SimpleUploadedFile("people.csv", (header + "".join(rows)).encode(), "text/csv")
    programme = Programme.objects.get(pk=values["programme_id"])
    return prepare_import(programme=programme, upload=upload, uploaded_by=visitor.user).pk


def _endpoint(visitor: Visitor, values: dict) -> int:
    """An endpoint with a delivered and a failed event, as HR finds one after a bad night of its receiver."""
    from notifications.models import Notification
    from webhooks.models import Endpoint
    from webhooks.secrets import encrypt

    endpoint = Endpoint.objects.create(
        organization=visitor.organization,
        url="https://hris.demo.binome.example/binome",
        description="HRIS sync",
        events=["pair.accepted", "session.held"],
        secret=encrypt("whsec_demo"),
        secret_hint="whsec_demo",
    )
    for index, status in enumerate([Notification.Status.SENT, Notification.Status.FAILED]):
        Notification.objects.create(
            organization=visitor.organization,
            channel=Notification.Channel.WEBHOOK,
            kind="webhook",
            key=f"webhook:demo-{index}:endpoint:{endpoint.pk}",
            due_at=timezone.now(),
            object_id=endpoint.pk,
            status=status,
            attempts=index + 1,
            last_error="ReceiverError: HTTP 503" if index else "",
            data={
                "event_id": f"00000000-0000-5000-8000-00000000000{index}",
                "event": "pair.accepted",
                "payload": {},
            },
        )
    return endpoint.pk


def _survey_token(visitor: Visitor, values: dict) -> str:
    unanswered = SurveyResponse.objects.filter(answered_at=None, expires_at__gt=timezone.now())
    response = unanswered.filter(participant__user=visitor.user).first() or unanswered.order_by("pk").first()
    if response is None:
        raise LookupError("the demo has no survey waiting for an answer")
    return response_token(response)


ARGUMENTS: dict[str, Callable[[Visitor, dict], Any]] = {
    "programme_id": _programme,
    "pair_id": _pair,
    "session_id": _session,
    "goal_id": _goal,
    "module_id": lambda visitor, values: (
        CurriculumModule.objects.filter(programme_id=values["programme_id"])
        .order_by("position", "pk")
        .first()
        .pk
    ),
    "cohort_session_id": _cohort_session,
    "challenge_id": lambda visitor, values: (
        Challenge.objects.filter(pair_id=values["pair_id"]).order_by("pk").first().pk
    ),
    "participant_id": _participant,
    "import_id": _import,
    "skill_id": lambda visitor, values: Skill.objects.order_by("pk").first().pk,
    "round_id": lambda visitor, values: (
        MatchingRound.objects.filter(programme_id=_programme(visitor, values)).order_by("pk").first().pk
    ),
    "rule_id": lambda visitor, values: PairingRule.objects.order_by("pk").first().pk,
    "template_id": lambda visitor, values: (
        SurveyTemplate.objects.filter(programme_id=_programme(visitor, values)).order_by("pk").first().pk
    ),
    "question_id": lambda visitor, values: (
        Question.objects.filter(template_id=values["template_id"]).order_by("position", "pk").first().pk
    ),
    "user_id": lambda visitor, values: Membership.objects.filter(role=MENTEE).order_by("pk").first().user_id,
    "token": _survey_token,
    "endpoint_id": _endpoint,
}

# The order in which keywords are filled: later ones read earlier ones' values.
_ORDER = ["programme_id", "pair_id", "template_id"]


def urls_for(
    role: str, organization: Organization, user: Any, routes: dict[str, tuple[str, ...]]
) -> list[str]:
    """The URL of every page ``role`` reads, filled for ``user`` in ``organization``.

    ``routes`` maps a URL name to its keywords (tests/test_isolation.py's walk).
    """
    visitor = Visitor(organization=organization, user=user, role=role)
    urls = []
    with tenant_context(organization):
        for page in PAGES:
            if role not in page.roles:
                continue
            kwargs = [kwarg for kwarg in routes[page.name] if kwarg != "org_slug"]
            kwargs.sort(key=lambda kwarg: _ORDER.index(kwarg) if kwarg in _ORDER else len(_ORDER))
            values: dict[str, Any] = {}
            for kwarg in kwargs:
                values[kwarg] = ARGUMENTS[kwarg](visitor, {**values, "page": page.name})
            if "org_slug" in routes[page.name]:
                values["org_slug"] = organization.slug
            urls.append(reverse(page.name, kwargs=values))
    return urls
