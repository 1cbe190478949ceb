"""The monthly e-mail of the programme impact report, through the outbox.

On the first of the month, from 08:00 in the organisation's time zone, each subscriber who may still read
the dashboard gets one e-mail per subscription and month (the natural key holds the month): run the
planner twice, or every hour of the day, and one e-mail goes out. It carries the report's headline
figures over the twelve months up to the end of the previous month, the link to the report and its
spreadsheet, in the recipient's language, under the same privacy threshold as the page.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.registry import Message, notification_kind, periodic_planner, renderer
from notifications.services import natural_key, plan_all, planned
from organizations.tenancy import current_organization

from . import board_report, subscriptions
from .filters import DashboardFilters
from .models import ReportSubscription

BOARD_REPORT = notification_kind(
    "board_report",
    gettext_lazy("Monthly programme impact report"),
    position=116,
    roles=subscriptions.READER_ROLES,
)
REPORT_HOUR = 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def board_report_key(subscription, local):
    """One e-mail per subscription and month (the month of ``local``, in the organisation's zone)."""
    return natural_key(
        BOARD_REPORT,
        "subscription",
        subscription.pk,
        f"{local.year}-{local.month:02d}",
        recipient=subscription.user,
    )


@periodic_planner
def plan_board_reports(organization, now):
    """On the first of the month from 08:00, the month's report for every subscriber who may read it."""
    local = now.astimezone(zoneinfo.ZoneInfo(organization.time_zone))
    if local.day != 1 or local.hour < REPORT_HOUR:
        return
    plan_all(
        planned(
            organization=organization,
            recipient=subscription.user,
            kind=BOARD_REPORT,
            key=board_report_key(subscription, local),
            due_at=now,
            object_id=subscription.pk,
        )
        for subscription in subscriptions.readers_subscriptions()
    )


def report_filters(organization, subscription, due_at):
    """The twelve months up to the end of the month before ``due_at``, for the subscription's programme."""
    local = due_at.astimezone(zoneinfo.ZoneInfo(organization.time_zone))
    end = local.date().replace(day=1) - datetime.timedelta(days=1)
    return DashboardFilters.default(organization, now=due_at, programme_id=subscription.programme_id, end=end)


@renderer(BOARD_REPORT)
def render_board_report(row):
    """The headline figures as the report shows them, the link to it and its XLSX; None (not sent) when
    the subscription ended or the recipient may no longer read the dashboard."""
    organization = current_organization()
    subscription = (
        ReportSubscription.objects.filter(pk=row.object_id, user=row.recipient)
        .select_related("programme")
        .first()
    )
    if subscription is None or not subscriptions.may_read(user=row.recipient):
        return None
    filters = report_filters(organization, subscription, row.due_at)
    report = board_report.build(organization=organization, filters=filters)
    board = report.board
    programme = board.programme_name or _("all programmes")
    path = reverse("impact_report", kwargs={"org_slug": organization.slug})
    url = f"{settings.SITE_URL}{path}?{urlencode(filters.as_query())}"
    period = _("from %(start)s to %(end)s") % {
        "start": formats.date_format(filters.start, "DATE_FORMAT"),
        "end": formats.date_format(filters.end, "DATE_FORMAT"),
    }
    paragraphs = [
        _("The impact report of %(programme)s at %(organization)s, %(period)s.")
        % {"programme": programme, "organization": organization.name, "period": period},
        *(
            _("%(figure)s: %(value)s")
            % {"figure": item.label, "value": board_report.headline_text(board, item)}
            for item in report.headlines()
        ),
        _(
            "A figure computed over fewer than %(minimum)s people is hidden. The full report and its spreadsheet "
            "(attached) explain each figure."
        )
        % {"minimum": board.minimum},
        _(
            "You receive this e-mail because you subscribed to this report. To stop it, use the button on the "
            "report page or the unsubscribe link below."
        ),
    ]
    generated_on = row.due_at.astimezone(zoneinfo.ZoneInfo(organization.time_zone)).date()
    filename = f"binome-{organization.slug}-impact-report-{generated_on.isoformat()}.xlsx"
    return Message(
        subject=_("Impact report: %(programme)s") % {"programme": programme},
        paragraphs=paragraphs,
        action_url=url,
        action_label=_("Open the report"),
        attachments=[(filename, board_report.to_xlsx(report, generated_on=generated_on), XLSX)],
    )
