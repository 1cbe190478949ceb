"""The mentors' cohort: HR's group sessions of a programme's junior mentors, their invitations through the
outbox with an .ics, and their attendance."""

import datetime
import zoneinfo

import icalendar
import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from notifications.models import Notification
from organizations.tenancy import tenant_context
from programmes import services as programme_services
from programmes.models import Participant, Programme
from sessions import cohort
from sessions.calendar import cohort_ics, cohort_uid
from sessions.models import CohortAttendance, CohortSession
from sessions.notifications import COHORT_INVITATION
from tests.factories import (
    CohortSessionFactory,
    ParticipantFactory,
    ProgrammeFactory,
    UserFactory,
    in_days,
)

from ..notifications.helpers import rows
from .calendar_readers import every_reading

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def programme(organization):
    return ProgrammeFactory(organization=organization, name="Pilot")


@pytest.fixture
def mentors(organization, programme):
    people = [
        UserFactory(email="lea@acme.example", first_name="Léa", time_zone="Europe/Paris", language="fr"),
        UserFactory(email="sam@acme.example", first_name="Sam", time_zone="America/New_York", language="en"),
    ]
    return [
        ParticipantFactory(
            organization=organization, programme=programme, user=user, role=Participant.Role.MENTOR
        )
        for user in people
    ]


def _plan(programme, **overrides):
    fields = {
        "programme": programme,
        "kind": CohortSession.Kind.DEBRIEF,
        "title": "Quarterly debrief",
        "starts_at": in_days(10, hour=17, minute=0),
        "duration_minutes": 90,
        "time_zone": "Europe/Paris",
        "location": "Salle Lumière",
        "description": "What works, what does not.",
    }
    fields.update(overrides)
    return cohort.schedule_cohort_sessions(**fields)


def _ics(message):
    (filename, content, mimetype) = message.attachments[0]
    return filename, mimetype, content


def _event(content):
    return next(iter(icalendar.Calendar.from_ical(content).walk("VEVENT")))


# Scheduling -------------------------------------------------------------------------------------------------


def test_a_series_every_three_months_runs_to_the_programmes_end(organization, programme):
    programme.end_date = datetime.date(2027, 6, 30)
    programme.save()
    with (
        time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)),
        tenant_context(organization),
    ):
        planned = _plan(programme, starts_at=datetime.datetime(2027, 1, 14, 17, tzinfo=PARIS), every_months=3)
    local = [session.starts_at.astimezone(PARIS) for session in planned]
    assert [(moment.date(), moment.hour) for moment in local] == [
        (datetime.date(2027, 1, 14), 17),
        (datetime.date(2027, 4, 14), 17),  # after the clocks went forward: still 17:00 in Paris
    ]
    assert len({session.series for session in planned}) == 1
    assert planned[0].series is not None


def test_a_monthly_series_keeps_the_last_day_of_shorter_months():
    first = datetime.datetime(2027, 1, 31, 17, tzinfo=PARIS)
    starts = cohort.series_starts(first, every_months=1, until=datetime.date(2027, 4, 30))
    assert [start.date() for start in starts] == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 31),
        datetime.date(2027, 4, 30),
    ]


def test_it_refuses_a_session_in_the_past(organization, programme):
    with tenant_context(organization), pytest.raises(ValidationError):
        _plan(programme, starts_at=timezone.now() - datetime.timedelta(hours=1))


def test_it_refuses_a_session_over_eight_hours(organization, programme):
    with tenant_context(organization), pytest.raises(ValidationError):
        _plan(programme, duration_minutes=481)


def test_it_refuses_a_series_starting_after_the_programmes_end(organization, programme):
    with tenant_context(organization), pytest.raises(ValidationError):
        _plan(
            programme,
            starts_at=datetime.datetime.combine(
                programme.end_date + datetime.timedelta(days=3), datetime.time(17), tzinfo=PARIS
            ),
            every_months=3,
        )


def test_it_refuses_a_closed_programme(organization, programme):
    programme.status = Programme.Status.CLOSED
    programme.save()
    with tenant_context(organization), pytest.raises(ValidationError):
        _plan(programme)


# Invitations ------------------------------------------------------------------------------------------------


def test_every_enrolled_mentor_is_invited_with_an_ics(
    organization, programme, mentors, mentee_user, django_capture_on_commit_callbacks
):
    ParticipantFactory(organization=organization, programme=programme, user=mentee_user)
    ParticipantFactory(
        organization=organization, programme=programme, role=Participant.Role.MENTOR, invited=True
    )
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        (planned,) = _plan(programme)
    sent = rows(organization, kind=COHORT_INVITATION)
    assert sorted(row.recipient.email for row in sent) == ["lea@acme.example", "sam@acme.example"]
    assert {row.status for row in sent} == {Notification.Status.SENT}
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        filename, mimetype, content = _ics(message)
        assert filename == f"cohort-{planned.uid}.ics"
        assert mimetype == "text/calendar; charset=utf-8; method=REQUEST"
        calendar = icalendar.Calendar.from_ical(content)
        assert calendar["METHOD"] == "REQUEST"
        event = _event(content)
        assert event["UID"] == cohort_uid(planned)
        assert event["SEQUENCE"] == 0
        assert event["SUMMARY"] == "Quarterly debrief"
        assert event["LOCATION"] == "Salle Lumière"
        # Only the recipient is named: no mentor receives the others' addresses.
        assert not isinstance(event["ATTENDEE"], list)
        assert str(event["ATTENDEE"]) == f"mailto:{message.to[0]}"


def test_each_mentor_reads_the_time_in_their_own_zone_and_language(
    organization, programme, mentors, django_capture_on_commit_callbacks
):
    starts_at = datetime.datetime(2027, 3, 4, 17, 0, tzinfo=PARIS)
    with time_machine.travel(datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.UTC)):
        with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
            _plan(programme, starts_at=starts_at)
    by_address = {message.to[0]: message for message in mail.outbox}
    french, english = by_address["lea@acme.example"], by_address["sam@acme.example"]
    assert "jeudi 4 mars 2027, 17:00 (Europe/Paris)" in french.body
    assert "Thursday 4 March 2027, 11:00 (America/New_York)" in english.body
    assert "Quarterly debrief" in english.subject


def test_a_move_bumps_the_sequence_and_reaches_every_calendar(
    organization, programme, mentors, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        with django_capture_on_commit_callbacks(execute=True):
            (planned,) = _plan(programme)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            moved = cohort.change_cohort_session(
                cohort_session=planned,
                title="Quarterly debrief",
                starts_at=planned.starts_at + datetime.timedelta(days=1),
                duration_minutes=60,
                time_zone="Europe/Paris",
                location="Teams",
            )
    assert moved.sequence == 1
    assert len(mail.outbox) == 2
    event = _event(_ics(mail.outbox[0])[2])
    assert event["UID"] == cohort_uid(planned)
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").astimezone(datetime.UTC) == moved.starts_at.astimezone(datetime.UTC)


def test_a_cancelled_session_sends_the_cancel_of_the_same_event(
    organization, programme, mentors, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        with django_capture_on_commit_callbacks(execute=True):
            (planned,) = _plan(programme)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            cohort.cancel_cohort_session(cohort_session=planned)
    assert len(mail.outbox) == 2
    filename, mimetype, content = _ics(mail.outbox[0])
    assert mimetype == "text/calendar; charset=utf-8; method=CANCEL"
    assert icalendar.Calendar.from_ical(content)["METHOD"] == "CANCEL"
    event = _event(content)
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (cohort_uid(planned), 1, "CANCELLED")


def test_an_invitation_of_a_version_since_changed_is_skipped(organization, programme, mentors):
    with tenant_context(organization):
        (planned,) = _plan(programme)  # not committed yet: its rows wait
        cohort.cancel_cohort_session(cohort_session=planned)
    from notifications.registry import RENDERERS

    (request, *_rest) = rows(organization, kind=COHORT_INVITATION, data__method="REQUEST")
    with tenant_context(organization):
        assert RENDERERS[COHORT_INVITATION](request) is None


def test_a_mentor_enrolled_later_is_invited_to_the_sessions_still_ahead(
    organization, programme, mentors, django_capture_on_commit_callbacks
):
    programme.status = Programme.Status.OPEN
    programme.save()
    newcomer = UserFactory(email="nina@acme.example")
    with tenant_context(organization):
        past = CohortSessionFactory(organization=organization, programme=programme, held=True)
        (ahead,) = _plan(programme)
        with django_capture_on_commit_callbacks(execute=True):
            programme_services.enrol(
                programme=programme, user=newcomer, role=Participant.Role.MENTOR, charter_accepted=True
            )
    invited = rows(organization, kind=COHORT_INVITATION, recipient=newcomer)
    assert [row.object_id for row in invited] == [ahead.pk]
    assert past.pk != ahead.pk


def test_a_mentee_enrolled_later_is_not_invited(organization, programme, mentors):
    programme.status = Programme.Status.OPEN
    programme.save()
    mentee = UserFactory(email="exec@acme.example")
    with tenant_context(organization):
        _plan(programme)
        programme_services.enrol(
            programme=programme, user=mentee, role=Participant.Role.MENTEE, charter_accepted=True
        )
    assert rows(organization, kind=COHORT_INVITATION, recipient=mentee) == []


def test_a_mentor_who_withdraws_receives_the_cancel_of_the_sessions_ahead(organization, programme, mentors):
    with tenant_context(organization):
        (ahead,) = _plan(programme)
        programme_services.withdraw(participant=mentors[0])
    cancels = rows(organization, kind=COHORT_INVITATION, recipient=mentors[0].user, data__method="CANCEL")
    assert [row.object_id for row in cancels] == [ahead.pk]


# The calendar file ------------------------------------------------------------------------------------------


def test_the_ics_reads_the_same_in_icalendar_vobject_and_icaljs(organization, programme):
    # Across the autumn change: planned in summer time for a date in winter time.
    with (
        time_machine.travel(datetime.datetime(2026, 10, 1, 8, tzinfo=datetime.UTC)),
        tenant_context(organization),
    ):
        session = CohortSessionFactory(
            organization=organization,
            programme=programme,
            starts_at=datetime.datetime(2026, 11, 5, 17, 30, tzinfo=PARIS),
            duration_minutes=120,
        )
        with translation.override("fr"):
            ics = cohort_ics(session, method="REQUEST")
    expected = [(cohort_uid(session), "2026-11-05T16:30:00Z", "2026-11-05T18:30:00Z", "CONFIRMED")]
    for reader, reading in every_reading(ics).items():
        assert reading == expected, reader


def test_a_cancelled_sessions_ics_reads_as_cancelled_everywhere(organization, programme):
    with tenant_context(organization):
        session = CohortSessionFactory(organization=organization, programme=programme)
        ics = cohort_ics(session, method="CANCEL")
    for reader, reading in every_reading(ics).items():
        assert [instance[3] for instance in reading] == ["CANCELLED"], reader


def test_the_ics_keeps_text_inert(organization, programme):
    with tenant_context(organization):
        session = CohortSessionFactory(
            organization=organization,
            programme=programme,
            description="Line one\r\nATTENDEE:mailto:x@evil.example",
        )
        event = _event(cohort_ics(session, method="REQUEST"))
    assert event.get("ATTENDEE") is None
    assert "\n" not in str(event["DESCRIPTION"])


# Attendance -------------------------------------------------------------------------------------------------


def test_hr_records_attendance_and_the_rates_follow(organization, programme, mentors):
    third = ParticipantFactory(organization=organization, programme=programme, role=Participant.Role.MENTOR)
    with tenant_context(organization):
        training = CohortSessionFactory(organization=organization, programme=programme, held=True)
        debrief = CohortSessionFactory(
            organization=organization, programme=programme, starts_at=in_days(-2, hour=17, minute=0)
        )
        cohort.record_attendance(
            cohort_session=training,
            statuses={
                mentors[0].pk: CohortAttendance.Status.PRESENT,
                mentors[1].pk: CohortAttendance.Status.PRESENT,
                third.pk: CohortAttendance.Status.ABSENT,
            },
        )
        cohort.record_attendance(
            cohort_session=debrief,
            statuses={
                mentors[0].pk: CohortAttendance.Status.PRESENT,
                mentors[1].pk: CohortAttendance.Status.EXCUSED,
                third.pk: CohortAttendance.Status.ABSENT,
            },
        )
        rates = {row.pk: cohort.session_rate(row) for row in cohort.cohort_sessions(programme)}
        by_mentor = {row.mentor.pk: row for row in cohort.mentors_attendance(programme)}
    assert rates[training.pk] == pytest.approx(200 / 3)
    assert rates[debrief.pk] == pytest.approx(100 / 3)
    assert (by_mentor[mentors[0].pk].present, by_mentor[mentors[0].pk].rate) == (2, 100)
    assert (
        by_mentor[mentors[1].pk].present,
        by_mentor[mentors[1].pk].excused,
        by_mentor[mentors[1].pk].rate,
    ) == (
        1,
        1,
        50,
    )
    assert (by_mentor[third.pk].absent, by_mentor[third.pk].rate) == (2, 0)


def test_a_session_not_recorded_has_no_rate_and_counts_for_nobody(organization, programme, mentors):
    with tenant_context(organization):
        session = CohortSessionFactory(organization=organization, programme=programme, held=True)
        (row,) = cohort.cohort_sessions(programme)
        assert cohort.session_rate(row) is None
        assert all(item.recorded == 0 for item in cohort.mentors_attendance(programme))
        assert session.attendance_recorded_at is None


def test_attendance_waits_for_the_session_to_start(organization, programme, mentors):
    with tenant_context(organization):
        session = CohortSessionFactory(organization=organization, programme=programme)
        with pytest.raises(ValidationError):
            cohort.record_attendance(cohort_session=session, statuses={mentors[0].pk: "present"})


def test_only_the_programmes_mentors_can_be_recorded(organization, programme, mentors, mentee_user):
    mentee = ParticipantFactory(organization=organization, programme=programme, user=mentee_user)
    other_mentor = ParticipantFactory(organization=organization, role=Participant.Role.MENTOR)
    with tenant_context(organization):
        session = CohortSessionFactory(organization=organization, programme=programme, held=True)
        for intruder in (mentee, other_mentor):
            with pytest.raises(ValidationError):
                cohort.record_attendance(cohort_session=session, statuses={intruder.pk: "present"})
        with pytest.raises(ValidationError):
            cohort.record_attendance(cohort_session=session, statuses={mentors[0].pk: "asleep"})


def test_a_mentor_excuses_themself_in_advance_and_can_take_it_back(organization, programme, mentors):
    with tenant_context(organization):
        session = CohortSessionFactory(organization=organization, programme=programme)
        row = cohort.excuse_in_advance(cohort_session=session, mentor=mentors[0], excused=True)
        assert (row.status, row.in_advance) == (CohortAttendance.Status.EXCUSED, True)
        (listed,) = cohort.cohort_sessions(programme)
        assert listed.excused == 1
        cohort.excuse_in_advance(cohort_session=session, mentor=mentors[0], excused=False)
        assert not CohortAttendance.objects.filter(cohort_session=session).exists()


def test_a_mentor_cannot_excuse_themself_after_the_start_or_for_another_programme(
    organization, programme, mentors
):
    with tenant_context(organization):
        held = CohortSessionFactory(organization=organization, programme=programme, held=True)
        with pytest.raises(ValidationError):
            cohort.excuse_in_advance(cohort_session=held, mentor=mentors[0], excused=True)
        elsewhere = CohortSessionFactory(organization=organization)
        with pytest.raises(PermissionDenied):
            cohort.excuse_in_advance(cohort_session=elsewhere, mentor=mentors[0], excused=True)


def test_a_session_that_started_can_be_neither_moved_nor_cancelled(organization, programme):
    with tenant_context(organization):
        held = CohortSessionFactory(organization=organization, programme=programme, held=True)
        with pytest.raises(ValidationError):
            cohort.cancel_cohort_session(cohort_session=held)
        with pytest.raises(ValidationError):
            cohort.change_cohort_session(
                cohort_session=held,
                title="Later",
                starts_at=in_days(3),
                duration_minutes=60,
                time_zone="Europe/Paris",
            )


def test_a_mentors_attendance_is_in_their_personal_data(organization, programme, mentors):
    from accounts.personal_data import personal_data

    with tenant_context(organization):
        session = CohortSessionFactory(
            organization=organization, programme=programme, held=True, title="Kick-off"
        )
        cohort.record_attendance(
            cohort_session=session, statuses={mentors[0].pk: "present", mentors[1].pk: "absent"}
        )
    (acme,) = personal_data(user=mentors[0].user)["organisations"]
    assert [(row["session"], row["attendance"]) for row in acme["cohort_attendance"]] == [
        ("Kick-off", "present")
    ]


def test_the_cohort_form_refuses_a_time_the_clocks_skip(organization, hr_admin):
    from sessions.forms import CohortSessionForm

    def form(**values):
        data = {
            "kind": CohortSession.Kind.DEBRIEF,
            "title": "Débrief",
            "date": "2027-03-28",
            "start_time": "02:30",
            "duration_minutes": "60",
            "time_zone": "Europe/Paris",
            "location": "Salle 4",
            **values,
        }
        return CohortSessionForm(data, user=hr_admin, organization=organization)

    with tenant_context(organization):
        skipped = form()
        assert not skipped.is_valid()
        (message,) = skipped.errors["start_time"]
        assert "2:30" in message and "3:30" in message and "clocks go forward" in message
        assert form(start_time="03:30").is_valid(), form(start_time="03:30").errors
