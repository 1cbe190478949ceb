"""The executives' monthly summary: on the first Monday of the month from 08:00 in the organisation's
time zone, counts only, once per month, to executives alone."""

import datetime as dt

import time_machine
from django.core import mail

from dashboards.notifications import EXECUTIVE_SUMMARY
from tests.factories import PairFactory, SessionFactory
from tests.notifications.helpers import rows, run_hourly

FIRST_MONDAY = dt.datetime(2026, 6, 1, 6, 30, tzinfo=dt.UTC)  # 08:30 in Paris (summer time)


def _summaries(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_executives_get_the_summary_on_the_first_monday_morning(organization, executive, hr_admin):
    pair = PairFactory(organization=organization, status="active")
    SessionFactory(
        organization=organization, pair=pair, status="held", starts_at=FIRST_MONDAY - dt.timedelta(days=3)
    )
    with time_machine.travel(FIRST_MONDAY, tick=False):
        run_hourly()
        run_hourly()
    (summary,) = _summaries(executive)
    assert "your mentoring summary" in summary.subject
    assert "1 pair is under way." in summary.body
    assert "1 session was held over the last 30 days." in summary.body
    assert pair.mentor.user.get_full_name() not in summary.body
    assert [row.kind for row in rows(organization, recipient=hr_admin)] != [EXECUTIVE_SUMMARY]
    assert not rows(organization, recipient=hr_admin, kind=EXECUTIVE_SUMMARY)


def test_no_summary_before_eight_nor_on_a_later_monday(organization, executive):
    with time_machine.travel(FIRST_MONDAY - dt.timedelta(hours=1), tick=False):
        run_hourly()
    with time_machine.travel(FIRST_MONDAY + dt.timedelta(days=7), tick=False):
        run_hourly()
    assert _summaries(executive) == []


def test_the_summary_is_rendered_for_a_french_speaking_executive(organization, executive):
    executive.language = "fr"
    executive.save(update_fields=["language"])
    with time_machine.travel(FIRST_MONDAY, tick=False):
        run_hourly()
    (row,) = rows(organization, recipient=executive, kind=EXECUTIVE_SUMMARY)
    assert row.subject
