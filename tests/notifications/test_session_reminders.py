"""Session reminders 24 h and 1 h before, and "log your session": time travel with time-machine."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from notifications.models import Notification
from organizations.tenancy import tenant_context
from sessions.models import Session
from sessions.notifications import SESSION_LOG, SESSION_REMINDER_1H
from tests.factories import SessionFactory

from .helpers import rows, run_dispatcher

UTC = dt.UTC
MONDAY_9 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(organization):
    with time_machine.travel(MONDAY_9, tick=False):
        return SessionFactory(organization=organization, starts_at=MONDAY_9 + dt.timedelta(days=2, hours=5))


def _subjects():
    return [message.subject for message in mail.outbox]


def test_nothing_is_planned_for_a_session_more_than_25_hours_away(session, organization):
    with time_machine.travel(MONDAY_9, tick=False):
        run_dispatcher()
    assert rows(organization) == []
    assert mail.outbox == []


def test_the_day_before_reminder_goes_to_both_people_24_hours_before(session, organization):
    with time_machine.travel(session.starts_at - dt.timedelta(hours=25), tick=False):
        run_dispatcher()
        assert mail.outbox == []
    with time_machine.travel(session.starts_at - dt.timedelta(hours=24), tick=False):
        run_dispatcher()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [session.pair.mentor.user.email, session.pair.mentee.user.email]
    )
    assert all("Tomorrow: your session with" in subject for subject in _subjects())
    assert all(subject.startswith("Acme · ") for subject in _subjects())
    session_page = f"/o/acme/pairs/{session.pair_id}/sessions/{session.pk}/"
    assert all(session_page in message.body for message in mail.outbox)


def test_the_one_hour_reminder_goes_one_hour_before_and_only_once(session, organization):
    with time_machine.travel(session.starts_at - dt.timedelta(hours=25), tick=False):
        run_dispatcher()
    with time_machine.travel(session.starts_at - dt.timedelta(hours=24), tick=False):
        run_dispatcher()
    mail.outbox.clear()
    with time_machine.travel(session.starts_at - dt.timedelta(minutes=61), tick=False):
        run_dispatcher()
        assert mail.outbox == []
    with time_machine.travel(session.starts_at - dt.timedelta(minutes=60), tick=False):
        run_dispatcher()
        run_dispatcher()
    assert len(mail.outbox) == 2
    assert all("In one hour" in subject for subject in _subjects())


def test_the_reminder_shows_the_time_in_each_recipients_time_zone(session, organization):
    mentee = session.pair.mentee.user
    mentee.time_zone = "America/New_York"
    mentee.save()
    with time_machine.travel(session.starts_at - dt.timedelta(hours=24), tick=False):
        run_dispatcher()
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    # 14:00 UTC on 4 March: 9 a.m. in New York, 3 p.m. in Paris.
    assert session.starts_at.astimezone(zoneinfo.ZoneInfo("America/New_York")).hour == 9
    assert "4 March 2026, 09:00 (America/New_York)" in by_recipient[mentee.email]
    assert "4 March 2026, 15:00 (Europe/Paris)" in by_recipient[session.pair.mentor.user.email]


def test_the_reminder_is_in_the_recipients_language(session, organization):
    mentee = session.pair.mentee.user
    mentee.language = "fr"
    mentee.save()
    with time_machine.travel(session.starts_at - dt.timedelta(hours=24), tick=False):
        run_dispatcher()
    french = next(message for message in mail.outbox if message.to == [mentee.email])
    assert "Demain" in french.subject
    english = next(message for message in mail.outbox if message.to != [mentee.email])
    assert "Tomorrow" in english.subject


def test_a_rescheduled_session_gets_no_stale_reminder_and_a_fresh_one(session, organization):
    with time_machine.travel(session.starts_at - dt.timedelta(hours=25), tick=False):
        run_dispatcher()
    new_start = session.starts_at + dt.timedelta(days=1)
    with tenant_context(organization):
        Session.objects.filter(pk=session.pk).update(starts_at=new_start, sequence=1)
    with time_machine.travel(session.starts_at - dt.timedelta(hours=1), tick=False):
        run_dispatcher()
    assert mail.outbox == []
    stale = rows(organization, planned_sequence=0)
    assert {row.status for row in stale} == {Notification.Status.SKIPPED}
    with time_machine.travel(new_start - dt.timedelta(hours=1), tick=False):
        run_dispatcher()
    assert len(mail.outbox) == 4  # the new day-before and one-hour reminders, to both people
    assert {row.status for row in rows(organization, planned_sequence=1)} == {Notification.Status.SENT}


def test_a_cancelled_session_gets_no_reminder(session, organization):
    with time_machine.travel(session.starts_at - dt.timedelta(hours=25), tick=False):
        run_dispatcher()
    with tenant_context(organization):
        Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED, sequence=1)
    with time_machine.travel(session.starts_at - dt.timedelta(hours=1), tick=False):
        run_dispatcher()
    assert mail.outbox == []


def test_a_session_scheduled_at_short_notice_gets_only_the_one_hour_reminder(organization):
    with time_machine.travel(MONDAY_9, tick=False):
        session = SessionFactory(organization=organization, starts_at=MONDAY_9 + dt.timedelta(hours=5))
        run_dispatcher()
    with time_machine.travel(session.starts_at - dt.timedelta(hours=1), tick=False):
        run_dispatcher()
    assert {row.kind for row in rows(organization)} == {SESSION_REMINDER_1H}
    assert len(mail.outbox) == 2


def test_an_unlogged_session_gets_a_log_reminder_after_it_ends(session, organization):
    end = session.starts_at + dt.timedelta(minutes=session.duration_minutes)
    with time_machine.travel(end + dt.timedelta(minutes=10), tick=False):
        run_dispatcher()
        assert [row.kind for row in rows(organization, kind=SESSION_LOG)] == [SESSION_LOG] * 2
        assert mail.outbox == []
    with time_machine.travel(end + dt.timedelta(minutes=30), tick=False):
        run_dispatcher()
    assert len(mail.outbox) == 2
    assert all("How did your session" in subject for subject in _subjects())
    log_form = f"/o/acme/pairs/{session.pair_id}/sessions/{session.pk}/log/"
    assert all(log_form in message.body for message in mail.outbox)


def test_a_session_logged_in_time_gets_no_log_reminder(session, organization):
    end = session.starts_at + dt.timedelta(minutes=session.duration_minutes)
    with time_machine.travel(end + dt.timedelta(minutes=10), tick=False):
        run_dispatcher()
    with tenant_context(organization):
        Session.objects.filter(pk=session.pk).update(status=Session.Status.HELD, logged_at=end)
    with time_machine.travel(end + dt.timedelta(hours=1), tick=False):
        run_dispatcher()
    assert mail.outbox == []
