"""The one kind this app plans and renders itself: the weekly HR digest, made of the sections other apps
register (``registry.digest_section``)."""

import zoneinfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import current_organization

from .registry import Message, digest_sections, notification_kind, periodic_planner, renderer
from .rendering import organization_url
from .services import natural_key, plan

HR_DIGEST = notification_kind(
    "hr_digest", gettext_lazy("Weekly HR digest"), position=110, roles={Role.HR_ADMIN}
)
DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 8


@periodic_planner
def plan_hr_digest(organization, now):
    local = now.astimezone(zoneinfo.ZoneInfo(organization.time_zone))
    if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
        return
    year, week, _day = local.isocalendar()
    admins = Membership.objects.filter(role=Role.HR_ADMIN).select_related("user")
    for membership in admins:
        plan(
            organization=organization,
            recipient=membership.user,
            kind=HR_DIGEST,
            key=natural_key(HR_DIGEST, f"{year}-W{week:02d}", recipient=membership.user),
            due_at=now,
        )


@renderer(HR_DIGEST)
def render_hr_digest(row):
    organization = current_organization()
    sections = [section(organization, row.due_at) for section in digest_sections()]
    return Message(
        subject=_("Your weekly reverse-mentoring digest"),
        paragraphs=[_("What needs your attention this week:")],
        sections=[(title, lines or [_("Nothing to report.")]) for title, lines in sections],
        action_url=organization_url("operations"),
        action_label=_("Open the pairs to follow"),
    )
