"""The reminder to finish one's preparation (the charter, the module for one's side, the pledge), sent
through the outbox at most once a week to each enrolled person who has not, while their programme runs."""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.registry import Message, notification_kind, periodic_planner, renderer
from notifications.rendering import organization_url
from notifications.services import natural_key, plan

from .models import Participant, Programme
from .selectors import PREPARED

PREPARATION_REMINDER = notification_kind(
    "preparation_reminder", gettext_lazy("Reminder to finish your preparation"), position=5
)
# A person who just enrolled gets a day to prepare before the first reminder.
GRACE = timedelta(days=1)
LIVE_PROGRAMMES = [Programme.Status.OPEN, Programme.Status.MATCHING, Programme.Status.RUNNING]


def participants_to_remind(*, now):
    return (
        Participant.objects.filter(
            status=Participant.Status.ENROLLED,
            programme__status__in=LIVE_PROGRAMMES,
            enrolled_at__lte=now - GRACE,
        )
        .exclude(PREPARED)
        .select_related("user")
    )


@periodic_planner
def plan_preparation_reminders(organization, now):
    """Once per ISO week and person (the natural key), whatever the number of hourly runs."""
    year, week, _weekday = now.isocalendar()
    for participant in participants_to_remind(now=now):
        plan(
            organization=organization,
            recipient=participant.user,
            kind=PREPARATION_REMINDER,
            key=natural_key(
                PREPARATION_REMINDER,
                "participant",
                participant.pk,
                "week",
                f"{year}-{week}",
                recipient=participant.user,
            ),
            due_at=now,
            object_id=participant.pk,
        )


@renderer(PREPARATION_REMINDER)
def render_preparation_reminder(row):
    participant = (
        Participant.objects.filter(pk=row.object_id, status=Participant.Status.ENROLLED)
        .select_related("programme")
        .first()
    )
    if participant is None or participant.is_prepared or participant.programme.status not in LIVE_PROGRAMMES:
        return None
    return Message(
        subject=_("Finish your preparation for %(programme)s") % {"programme": participant.programme.name},
        paragraphs=[
            _(
                "Before your first session, read the charter, the short guide for your side and take the "
                "confidentiality pledge: %(done)s of 3 steps done."
            )
            % {"done": participant.preparation_steps_done},
            _("Your pair's first session can be planned once both of you are ready."),
        ],
        action_url=organization_url("preparation", programme_id=participant.programme_id),
        action_label=_("Finish my preparation"),
    )
