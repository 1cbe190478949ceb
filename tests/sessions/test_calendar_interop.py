"""Calendar files read the same by icalendar, vobject and ical.js: wall-clock times on both sides of
the October 2026 and March 2027 changes, the repeated hour, the skipped hour, and a weekly slot as one
recurring event with its skipped dates and its moved and cancelled sessions.

ical.js needs `npm ci` at the repository root (CI runs it); without it those readings are skipped."""

import datetime
import zoneinfo

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from organizations.tenancy import tenant_context
from sessions import services
from sessions.calendar import feed_ics, in_series, invitation_ics, series_uid, session_uid
from sessions.forms import SessionForm
from sessions.models import RecurringSlot, Session
from tests.factories import PairFactory, SessionFactory

from .calendar_readers import every_reading, with_icalendar, with_vobject

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = datetime.UTC


def _paris(*args, fold=0):
    return datetime.datetime(*args, tzinfo=PARIS, fold=fold)


def _z(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _expected(sessions):
    return sorted(
        (
            series_uid(session.recurring_slot) if in_series(session) else session_uid(session),
            _z(session.starts_at),
            _z(session.ends_at),
            "CANCELLED" if session.status == Session.Status.CANCELLED else "CONFIRMED",
        )
        for session in sessions
    )


def _assert_read_as(ics, sessions):
    expected = sorted(_expected(sessions), key=lambda instance: (instance[1], instance[0]))
    for parser, reading in every_reading(ics).items():
        assert reading == expected, parser


@pytest.fixture
def long_pair(organization, mentor_user, mentee_user):
    """A pair whose programme runs through both changes of the clocks, planned on 1 October 2026."""
    with time_machine.travel(datetime.datetime(2026, 10, 1, 8, tzinfo=UTC)):
        yield PairFactory(
            organization=organization,
            mentor__user=mentor_user,
            mentee__user=mentee_user,
            programme__start_date=datetime.date(2026, 9, 1),
            programme__end_date=datetime.date(2027, 4, 15),
        )


def _session(organization, pair, starts_at, minutes=45, **kwargs):
    return SessionFactory(
        organization=organization,
        pair=pair,
        starts_at=starts_at,
        duration_minutes=minutes,
        time_zone="Europe/Paris",
        **kwargs,
    )


def test_lunchtime_sessions_read_1230_in_paris_on_both_sides_of_both_changes(organization, long_pair):
    with tenant_context(organization):
        sessions = [
            _session(organization, long_pair, _paris(*day, 12, 30))
            for day in [(2026, 10, 20), (2026, 10, 27), (2027, 3, 23), (2027, 3, 30)]
        ]
        ics = feed_ics(sessions, name="Binôme")
    # 10:30 UTC in summer, 11:30 UTC in winter: every parser sees 12:30 on a Paris clock.
    assert [_z(session.starts_at)[11:16] for session in sessions] == ["10:30", "11:30", "11:30", "10:30"]
    _assert_read_as(ics, sessions)


def test_the_vtimezone_is_written_as_yearly_rules_not_lists_of_dates(organization, long_pair):
    with tenant_context(organization):
        ics = invitation_ics(_session(organization, long_pair, _paris(2027, 3, 30, 12, 30)), method="REQUEST")
    (zone,) = icalendar.Calendar.from_ical(ics).walk("VTIMEZONE")
    rules = {component.name: component["RRULE"].to_ical().decode() for component in zone.subcomponents}
    assert rules == {
        "DAYLIGHT": "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "STANDARD": "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    }
    assert b"RDATE" not in ics


@pytest.mark.parametrize("fold", [0, 1], ids=["first 02:30 (summer time)", "second 02:30 (winter time)"])
def test_a_session_in_the_repeated_hour_ends_after_it_starts(organization, long_pair, fold):
    starts_at = _paris(2026, 10, 25, 2, 30, fold=fold)
    with tenant_context(organization):
        session = _session(organization, long_pair, starts_at)
        ics = invitation_ics(session, method="REQUEST")
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=45)
    assert _z(event.decoded("DTSTART")) == _z(starts_at)
    _assert_read_as(ics, [session])


def test_a_session_just_after_the_skipped_hour_reads_0330(organization, long_pair):
    with tenant_context(organization):
        session = _session(organization, long_pair, _paris(2027, 3, 28, 3, 30))
        ics = invitation_ics(session, method="REQUEST")
    assert b"DTSTART;TZID=Europe/Paris:20270328T033000" in ics
    _assert_read_as(ics, [session])


def _form(pair, user, **values):
    data = {"date": "2027-03-28", "start_time": "02:30", "time_zone": "Europe/Paris", "format": "video"}
    data["duration_minutes"] = "45"
    data.update(values)
    return SessionForm(data, pair=pair, user=user)


def test_the_session_form_refuses_a_time_the_clocks_skip_and_proposes_the_shifted_one(
    organization, long_pair, mentee_user
):
    with tenant_context(organization):
        form = _form(long_pair, mentee_user)
        assert not form.is_valid()
        (message,) = form.errors["start_time"]
        assert "2:30" in message and "3:30" in message and "clocks go forward" in message
        assert _form(long_pair, mentee_user, start_time="03:30").is_valid()
        # The same wall-clock time in a zone without that change is fine.
        assert _form(long_pair, mentee_user, time_zone="Asia/Tokyo").is_valid()


def test_the_session_form_refusal_reads_french(organization, long_pair, mentee_user):
    from django.utils import translation

    with tenant_context(organization), translation.override("fr"):
        form = _form(long_pair, mentee_user)
        assert not form.is_valid()
        assert "03:30" in form.errors["start_time"][0]


def _weekly_slot(pair, by, **kwargs):
    values = {
        "weekday": 1,
        "start_time": datetime.time(12, 30),
        "interval_weeks": 1,
        "duration_minutes": 45,
        "time_zone": "Europe/Paris",
        "starts_on": datetime.date(2026, 10, 13),
    }
    values.update(kwargs)
    return services.create_recurring_slot(pair=pair, by=by, **values)


def test_a_weekly_slot_is_one_recurring_event_across_both_changes(
    organization, long_pair, mentee_user, mentor_user, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        other = PairFactory(organization=organization, programme=long_pair.programme, mentor=long_pair.mentor)
        busy = _session(organization, other, _paris(2026, 11, 3, 12), minutes=60)
        with django_capture_on_commit_callbacks(execute=True):
            result = _weekly_slot(long_pair, mentee_user)
        sessions = list(Session.objects.filter(recurring_slot=result.slot).select_related("recurring_slot"))
    assert [skipped for skipped, conflict in result.skipped] == [_paris(2026, 11, 3, 12, 30)]
    assert result.skipped[0][1] == busy
    assert len(sessions) == 26  # Tuesdays from 13 October 2026 to 13 April 2027, but 3 November
    assert len(mail.outbox) == 2
    (attachment,) = mail.outbox[0].attachments
    ics = attachment[1].encode() if isinstance(attachment[1], str) else attachment[1]
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == series_uid(result.slot)
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["TU"]
    assert [value.dt for value in event["EXDATE"].dts] == [_paris(2026, 11, 3, 12, 30)]
    _assert_read_as(ics, sessions)
    assert {_z(session.starts_at)[11:16] for session in sessions} == {"10:30", "11:30"}


def test_moving_or_cancelling_a_session_of_a_series_updates_that_occurrence(
    organization, long_pair, mentee_user, django_capture_on_commit_callbacks, client
):
    with tenant_context(organization):
        with django_capture_on_commit_callbacks(execute=True):
            slot = _weekly_slot(long_pair, mentee_user).slot
        moved, cancelled = Session.objects.filter(recurring_slot=slot).order_by("starts_at")[1:3]
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.reschedule_session(
                session=moved,
                by=mentee_user,
                starts_at=_paris(2026, 10, 22, 9),
                duration_minutes=30,
                time_zone="Europe/Paris",
                format="video",
                location="",
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_session(session=cancelled, by=mentee_user, reason="Travel")
        sent = [message for message in mail.outbox if message.to == ["mentee@acme.example"]]
        updates = [icalendar.Calendar.from_ical(message.attachments[0][1]) for message in sent]
        assert [update["METHOD"] for update in updates] == ["REQUEST", "CANCEL"]
        for update, session in zip(updates, [moved, cancelled], strict=True):
            (event,) = update.walk("VEVENT")
            assert event["UID"] == series_uid(slot)
            assert event["SEQUENCE"] == 1
            assert event.decoded("RECURRENCE-ID") == session.occurrence_starts_at
        sessions = list(Session.objects.filter(recurring_slot=slot).select_related("recurring_slot"))
        feed = services.create_calendar_feed(organization=organization, user=mentee_user)
    for update, session in zip(updates, [moved, cancelled], strict=True):
        _assert_read_as(update.to_ical(), [session])
    response = client.get(reverse("calendar_feed", kwargs={"token": feed.token}))
    assert response.status_code == 200
    _assert_read_as(response.content, sessions)
    (master,) = [
        event for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT") if "RRULE" in event
    ]
    assert master["SEQUENCE"] == 1  # the series moved on with its sessions


def test_ending_the_pair_cancels_the_series_occurrences_in_one_file(
    organization, long_pair, mentee_user, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        with django_capture_on_commit_callbacks(execute=True):
            slot = _weekly_slot(long_pair, mentee_user, starts_on=datetime.date(2027, 3, 1)).slot
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            count = services.cancel_upcoming_sessions(pairs=[long_pair], reason="Rotation")
        sessions = list(Session.objects.filter(recurring_slot=slot).select_related("recurring_slot"))
    assert count == len(sessions) == 7
    message = next(message for message in mail.outbox if message.to == ["mentor@acme.example"])
    (attachment,) = message.attachments
    calendar = icalendar.Calendar.from_ical(attachment[1])
    assert calendar["METHOD"] == "CANCEL"
    assert {str(event["UID"]) for event in calendar.walk("VEVENT")} == {series_uid(slot)}
    _assert_read_as(calendar.to_ical(), sessions)


def test_a_slot_planned_before_series_existed_keeps_an_event_per_session(organization, long_pair):
    with tenant_context(organization):
        session = _session(organization, long_pair, _paris(2026, 10, 27, 12, 30))
        session.recurring_slot = RecurringSlot.objects.create(
            organization=organization,
            pair=long_pair,
            weekday=1,
            start_time=datetime.time(12, 30),
            duration_minutes=45,
            starts_on=datetime.date(2026, 10, 27),
            uid=None,
        )
        session.save()
        ics = feed_ics([session], name="Binôme")
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert event["UID"] == session_uid(session) and "RECURRENCE-ID" not in event
    assert with_icalendar(ics) == with_vobject(ics) == _expected([session])


@pytest.mark.parametrize(
    "starts_on, date",
    [(datetime.date(2026, 10, 18), "25 October 2026"), (datetime.date(2027, 3, 21), "28 March 2027")],
    ids=["repeated hour", "skipped hour"],
)
def test_a_slot_meeting_when_the_clocks_change_is_refused(
    organization, long_pair, mentee_user, starts_on, date
):
    with tenant_context(organization), pytest.raises(ValidationError) as refused:
        _weekly_slot(long_pair, mentee_user, weekday=6, start_time=datetime.time(2, 30), starts_on=starts_on)
    assert date in refused.value.message_dict["start_time"][0]
    with tenant_context(organization):
        assert not Session.objects.exists()
    # An hour later, it is a slot like any other.
    with tenant_context(organization):
        _weekly_slot(long_pair, mentee_user, weekday=6, start_time=datetime.time(3, 30), starts_on=starts_on)
