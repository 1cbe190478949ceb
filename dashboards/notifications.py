"""HR's nudge to a pair, through the outbox: one row per person, in their language, after their quiet
hours, unless they muted "Reminder from the programme team". And the executives' monthly summary: the
figures of their dashboard, counts only, on the first Monday of the month."""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from notifications.registry import Message, notification_kind, periodic_planner, renderer
from notifications.services import natural_key, notify, plan
from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import current_organization
from pairing.models import Pair
from sessions import access as pair_access
from sessions.models import Session

from .models import Nudge

HR_NUDGE = notification_kind("hr_nudge", gettext_lazy("Reminder from the programme team"), position=45)
EXECUTIVE_SUMMARY = notification_kind(
    "executive_summary", gettext_lazy("Monthly programme summary"), position=115, roles={Role.EXECUTIVE}
)
SUMMARY_HOUR = 8


def executive_summary_key(user, local):
    """One summary per executive and month (the month of ``local``, a moment in the organisation's zone)."""
    return natural_key(EXECUTIVE_SUMMARY, f"{local.year}-{local.month:02d}", recipient=user)


@periodic_planner
def plan_executive_summary(organization, now):
    """On the first Monday of the month, from 08:00 in the organisation's zone, each executive's summary."""
    local = now.astimezone(zoneinfo.ZoneInfo(organization.time_zone))
    if local.weekday() != 0 or local.day > 7 or local.hour < SUMMARY_HOUR:
        return
    for membership in Membership.objects.filter(role=Role.EXECUTIVE).select_related("user"):
        plan(
            organization=organization,
            recipient=membership.user,
            kind=EXECUTIVE_SUMMARY,
            key=executive_summary_key(membership.user, local),
            due_at=now,
        )


@renderer(EXECUTIVE_SUMMARY)
def render_executive_summary(row):
    """Counts only, as the dashboard shows them: no person is named in an executive's e-mail."""
    organization = current_organization()
    since = row.due_at - timedelta(days=30)
    pairs = Pair.objects.filter(status__in=Pair.LIVE).count()
    sessions = Session.objects.filter(
        status=Session.Status.HELD, starts_at__gte=since, starts_at__lt=row.due_at
    ).count()
    url = f"{settings.SITE_URL}/o/{organization.slug}/dashboard/"
    return Message(
        subject=_("%(organization)s: your mentoring summary") % {"organization": organization.name},
        paragraphs=[
            ngettext("%(count)s pair is under way.", "%(count)s pairs are under way.", pairs)
            % {"count": formats.number_format(pairs)},
            ngettext(
                "%(count)s session was held over the last 30 days.",
                "%(count)s sessions were held over the last 30 days.",
                sessions,
            )
            % {"count": formats.number_format(sessions)},
        ],
        action_url=url,
        action_label=_("Open the dashboard"),
    )


def notify_nudge(nudge):
    """Plan the nudge's e-mail to the mentor and the mentee (once each, under ``nudge:<id>``); it goes
    out once the caller's transaction commits."""
    pair = nudge.pair
    notify(
        organization=nudge.organization,
        recipients=[pair.mentor.user, pair.mentee.user],
        kind=HR_NUDGE,
        key=f"nudge:{nudge.pk}",
        object_id=nudge.pk,
    )


@renderer(HR_NUDGE)
def render_nudge(row):
    nudge = (
        Nudge.objects.filter(pk=row.object_id)
        .select_related("pair__mentor__user", "pair__mentee__user", "pair__programme")
        .first()
    )
    # Held past quiet hours, the pair may have ended meanwhile: a reminder to meet is then pointless.
    if nudge is None or nudge.pair.status not in Pair.CONFIRMED:
        return None
    pair, organization = nudge.pair, current_organization()
    person = row.recipient
    partner = pair.mentee.user if pair.mentor.user_id == person.pk else pair.mentor.user
    url = f"{settings.SITE_URL}/o/{organization.slug}/"
    context = {
        "organization": organization,
        "programme": pair.programme,
        "person": person,
        "partner": partner,
        "reasons": nudge.reasons,
        # "Agree on a date" asks who plans (as the programme says, in its phase) to pick it.
        "plans": any(planner.pk == person.pk for planner in pair_access.schedulers(pair)),
        "url": url,
    }

    def record_sent(moment):
        Nudge.objects.filter(pk=nudge.pk, sent_at=None).update(sent_at=moment)

    return Message(
        subject=render_to_string("dashboards/email/nudge_subject.txt", context),
        text=render_to_string("dashboards/email/nudge.txt", context),
        html=render_to_string("dashboards/email/nudge.html", context),
        action_url=url,
        action_label=_("Open Binôme"),
        on_sent=record_sent,
    )
