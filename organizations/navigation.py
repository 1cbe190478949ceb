"""The navigation bar's entries: each shown to members whose roles grant its capability, or who hold its
role (a page for one role only, such as the junior mentors' cohort)."""

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Capability, Role

if TYPE_CHECKING:
    from .access import Member

NAVIGATION: list[tuple[Capability | Role, str, Any, Any]] = [
    (
        Capability.MANAGE_MEMBERS,
        "members",
        _("Members"),
        _("Invite colleagues, give them their roles, see who has joined."),
    ),
    (
        Capability.MANAGE_PROGRAMMES,
        "programme_list",
        _("Programmes"),
        _("Set up a programme, bring people in, follow its status."),
    ),
    (
        Capability.MANAGE_PROGRAMMES,
        "skill_list",
        _("Skills"),
        _("The digital skills mentors offer and mentees want to learn."),
    ),
    (
        Capability.PARTICIPATE,
        "my_programmes",
        _("My programmes"),
        _("Enrol, keep your profile up to date, read the charter."),
    ),
    (
        Role.MENTOR,
        "my_cohort",
        _("Mentors' cohort"),
        _("Trainings and debriefs with the other junior mentors, and the resources for mentors."),
    ),
    (
        Capability.MANAGE_PAIRING,
        "matching",
        _("Matching"),
        _("Let the engine propose the best pairs, review them and publish."),
    ),
    (
        Capability.PARTICIPATE,
        "my_matches",
        _("My match"),
        _("The partner proposed to you: accept or decline."),
    ),
    (
        Capability.PARTICIPATE,
        "my_pairs",
        _("My pair"),
        _("Your goals, sessions, notes and take-aways."),
    ),
    (
        Capability.PARTICIPATE,
        "my_assistants",
        _("My assistant"),
        _("Let your assistant plan, move and cancel your sessions: dates and places only."),
    ),
    (
        Capability.SCHEDULE_FOR_EXECUTIVES,
        "assistant_sessions",
        _("Sessions to organise"),
        _("The sessions of the executives you plan for: dates and places."),
    ),
    (
        Capability.VIEW_PAIR_STATISTICS,
        "pairs_overview",
        _("Pairs"),
        _("Sessions planned and held, goals progress: figures, never notes."),
    ),
    (
        Capability.MANAGE_PROGRAMMES,
        "surveys",
        _("Surveys"),
        _("Baseline, pulse, mid-programme and final surveys, and their response rates."),
    ),
    (
        Capability.VIEW_ORGANIZATION,
        "notifications",
        _("Notifications"),
        _("Reminders and news, and which e-mails you want."),
    ),
    (
        Capability.VIEW_DASHBOARD,
        "dashboard",
        _("Dashboard"),
        _("The programme's impact at a glance, for sponsors and the board."),
    ),
    (
        Capability.VIEW_OPERATIONS,
        "operations",
        _("Pairs to follow"),
        _("Pairs at risk, people without a pair, surveys pending: act in one click."),
    ),
    (
        Capability.MANAGE_SECURITY,
        "security_overview",
        _("Security"),
        _("Single sign-on, e-mail domains and how your colleagues sign in."),
    ),
    (
        Capability.MANAGE_INTEGRATIONS,
        "webhooks",
        _("Webhooks"),
        _("Tell your HR system of enrolments, pairs, sessions and surveys as they happen."),
    ),
    (
        Capability.VIEW_AUDIT,
        "audit_trail",
        _("Audit trail"),
        _("Who signed in, changed, exported or opened what, platform staff included."),
    ),
    (
        Capability.MANAGE_SECURITY,
        "api_keys",
        _("API keys"),
        _("Keys for Power BI and your scripts to read programmes and figures through the API."),
    ),
]


def navigation_for(member: "Member") -> list[dict[str, Any]]:
    items = []
    for gate, url_name, label, description in NAVIGATION:
        if isinstance(gate, Capability):
            if not member.can(gate):
                continue
        elif not member.has_role(gate):
            continue
        url = reverse(url_name, kwargs={"org_slug": member.organization.slug})
        items.append({"url": url, "label": label, "description": description})
    return items
