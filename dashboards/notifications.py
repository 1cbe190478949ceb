"""HR's nudge to a pair, through the outbox: one row per person, in their language, after their quiet
hours, unless they muted "Reminder from the programme team"."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.registry import Message, notification_kind, renderer
from notifications.services import notify
from organizations.tenancy import current_organization
from pairing.models import Pair

from .models import Nudge

HR_NUDGE = notification_kind("hr_nudge", gettext_lazy("Reminder from the programme team"), position=45)


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
