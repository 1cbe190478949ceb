"""Survey windows found closed, every hour: one event each, with counts only.

A survey window is what one template of a programme (baseline, mid-programme or final; pulse surveys go
one by one after sessions and have none) sent: it closes when the last of its links expires. If the
template is sent again later (someone joined late), the window closes again, later, with its new counts: a
new event. Windows that closed in the last ``LOOK_BACK`` are looked at, so that a missed hour (a worker
down) still sends its events; each is planned once under its natural key.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Max, Min, Q

from notifications.registry import periodic_planner
from surveys.models import SurveyResponse, SurveyTemplate

from .events import Event
from .models import Endpoint
from .services import Occurrence, emit

LOOK_BACK = timedelta(days=3)


def response_counts(*, sent: int, answered: int, minimum: int) -> dict:
    """The window's counts, or none of them when fewer people than the organisation's threshold got it
    (as on the dashboard: a count over a handful of people would tell who answered)."""
    if sent < minimum:
        return {"hidden": True, "sent": None, "answered": None, "response_rate": None}
    return {
        "hidden": False,
        "sent": sent,
        "answered": answered,
        "response_rate": round(100 * answered / sent, 1) if sent else None,
    }


@periodic_planner
def plan_survey_window_events(organization, now):
    if not Endpoint.objects.filter(is_active=True).exists():
        return
    windows = (
        SurveyResponse.objects.exclude(template__moment=SurveyTemplate.Moment.PULSE)
        .values("template_id", "template__programme_id", "template__moment", "template__audience")
        .annotate(
            opened_at=Min("sent_at"),
            closed_at=Max("expires_at"),
            sent=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
        )
        .filter(closed_at__lte=now, closed_at__gt=now - LOOK_BACK)
        .order_by("template_id")
    )
    for window in windows:
        data = {
            "survey": {
                "template_id": window["template_id"],
                "programme_id": window["template__programme_id"],
                "moment": window["template__moment"],
                "audience": window["template__audience"],
                "opened_at": window["opened_at"].isoformat(),
                "closed_at": window["closed_at"].isoformat(),
            },
            "responses": response_counts(
                sent=window["sent"], answered=window["answered"], minimum=organization.minimum_group_size
            ),
        }
        key = f"template:{window['template_id']}:closed:{window['closed_at'].isoformat()}"
        emit(
            organization=organization,
            occurrences=[Occurrence(Event.SURVEY_WINDOW_CLOSED, key, data)],
            created_before=window["closed_at"],
        )
