import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from organizations.tenancy import tenant_context
from sessions import services
from sessions.models import AgendaItem, Session
from tests.factories import GoalFactory, PairFactory, SessionFactory, in_days

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _schedule(pair, by, starts_at, duration=45, **extra):
    return services.schedule_session(
        pair=pair, by=by, starts_at=starts_at, duration_minutes=duration, time_zone="Europe/Paris", **extra
    )


def _form_data(starts_at, duration=45, **extra):
    local = starts_at.astimezone(PARIS)
    return {
        "date": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": duration,
        "time_zone": "Europe/Paris",
        "format": "video",
        "location": "https://meet.example/abc",
        "agenda-TOTAL_FORMS": 3,
        "agenda-INITIAL_FORMS": 0,
        **extra,
    }


def test_the_mentor_schedules_a_session_with_an_agenda_and_both_get_the_invitation(
    pair, organization, mentor_user, client_for, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        goal = GoalFactory(organization=organization, pair=pair, title="Use Teams well")
    url = reverse("session_schedule", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    data = _form_data(in_days(3), **{"agenda-0-text": "Teams channels", "agenda-0-goal": goal.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentor_user).post(url, data)
    assert response.status_code == 302
    with tenant_context(organization):
        session = Session.objects.get()
        item = AgendaItem.objects.get()
    assert session.starts_at == in_days(3)
    assert (item.text, item.goal) == ("Teams channels", goal)
    assert sorted(message.to[0] for message in mail.outbox) == ["mentee@acme.example", "mentor@acme.example"]
    assert mail.outbox[0].attachments[0][2].startswith("text/calendar")


def test_the_start_time_is_read_in_the_chosen_time_zone(pair, organization, mentee_user, client_for):
    url = reverse("session_schedule", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    day = in_days(5).date()
    data = _form_data(in_days(5), time_zone="America/New_York", start_time="09:00")
    client_for(mentee_user).post(url, data)
    with tenant_context(organization):
        session = Session.objects.get()
    assert session.starts_at == datetime.datetime.combine(
        day, datetime.time(9), tzinfo=zoneinfo.ZoneInfo("America/New_York")
    )
    assert session.time_zone == "America/New_York"


@pytest.mark.parametrize("duration", [29, 61])
def test_the_form_refuses_a_duration_outside_the_programme_bounds(
    pair, organization, mentee_user, client_for, duration
):
    url = reverse("session_schedule", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    response = client_for(mentee_user).post(url, _form_data(in_days(3), duration=duration))
    assert response.status_code == 200
    assert response.context["form"].errors["duration_minutes"]
    with tenant_context(organization):
        assert not Session.objects.exists()


def test_the_service_follows_the_programmes_own_bounds(pair, organization, mentee_user):
    pair.programme.session_max_minutes = 90
    pair.programme.save()
    with tenant_context(organization):
        assert _schedule(pair, mentee_user, in_days(3), duration=90).duration_minutes == 90
        with pytest.raises(ValidationError):
            _schedule(pair, mentee_user, in_days(4), duration=25)


@pytest.mark.parametrize("duration", [10, 150])
def test_the_database_refuses_a_session_outside_the_absolute_bounds(pair, organization, duration):
    with tenant_context(organization), pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(pair=pair, starts_at=in_days(3), duration_minutes=duration)


def test_it_refuses_a_session_that_overlaps_another_of_the_same_pair(pair, organization, mentee_user):
    with tenant_context(organization):
        _schedule(pair, mentee_user, in_days(3))
        with pytest.raises(ValidationError, match="already has a session"):
            _schedule(pair, mentee_user, in_days(3) + datetime.timedelta(minutes=30))


def test_it_refuses_a_session_that_overlaps_the_mentors_session_with_another_mentee(
    pair, organization, mentee_user, mentor_user, client_for
):
    with tenant_context(organization):
        other = PairFactory(organization=organization, programme=pair.programme, mentor=pair.mentor)
        SessionFactory(
            organization=organization, pair=other, starts_at=in_days(3, 12, 0), duration_minutes=60
        )
    url = reverse("session_schedule", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    response = client_for(mentee_user).post(url, _form_data(in_days(3, 12, 45)))
    assert response.status_code == 200
    assert "already has a session at that time" in response.content.decode()
    with tenant_context(organization):
        assert Session.objects.filter(pair=pair).count() == 0


def test_back_to_back_sessions_do_not_overlap(pair, organization, mentee_user):
    with tenant_context(organization):
        _schedule(pair, mentee_user, in_days(3, 12, 0), duration=60)
        assert _schedule(pair, mentee_user, in_days(3, 13, 0))


def test_a_cancelled_session_frees_the_time(pair, organization, mentee_user):
    with tenant_context(organization):
        session = _schedule(pair, mentee_user, in_days(3))
        services.cancel_session(session=session, by=mentee_user, reason="Ill")
        assert _schedule(pair, mentee_user, in_days(3))


def test_it_refuses_a_session_in_the_past_or_after_the_programme(pair, organization, mentee_user):
    with tenant_context(organization):
        with pytest.raises(ValidationError):
            _schedule(pair, mentee_user, in_days(-1))
        with pytest.raises(ValidationError):
            _schedule(pair, mentee_user, in_days(400))


def test_someone_outside_the_pair_cannot_schedule_for_it(pair, organization, stranger):
    with tenant_context(organization), pytest.raises(ValidationError):
        _schedule(pair, stranger, in_days(3))


def test_rescheduling_keeps_the_uid_and_increments_the_sequence(
    pair, organization, mentor_user, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        session = _schedule(pair, mentor_user, in_days(3))
        uid = session.uid
        with django_capture_on_commit_callbacks(execute=True):
            services.reschedule_session(
                session=session,
                by=mentor_user,
                starts_at=in_days(4),
                duration_minutes=30,
                time_zone="Europe/Paris",
                format="in_person",
                location="Room 4",
            )
        session.refresh_from_db()
    assert (session.uid, session.sequence, session.duration_minutes) == (uid, 1, 30)
    assert len(mail.outbox) == 2


def test_rescheduling_onto_itself_is_not_an_overlap(pair, organization, mentor_user):
    with tenant_context(organization):
        session = _schedule(pair, mentor_user, in_days(3))
        later = session.starts_at + datetime.timedelta(minutes=15)
        services.reschedule_session(
            session=session,
            by=mentor_user,
            starts_at=later,
            duration_minutes=45,
            time_zone="Europe/Paris",
            format="video",
            location="",
        )
        session.refresh_from_db()
        assert (session.starts_at, session.sequence) == (later, 1)
        assert Session.objects.filter(pair=pair).count() == 1


def test_cancelling_needs_a_reason_and_increments_the_sequence(pair, organization, mentee_user, client_for):
    with tenant_context(organization):
        session = _schedule(pair, mentee_user, in_days(3))
    url = reverse("session_cancel", kwargs={"org_slug": "acme", "pair_id": pair.pk, "session_id": session.pk})
    client_for(mentee_user).post(url, {"reason": ""})
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED
    client_for(mentee_user).post(url, {"reason": "Board meeting"})
    session.refresh_from_db()
    assert (session.status, session.cancel_reason, session.sequence) == ("cancelled", "Board meeting", 1)


def test_no_show_is_only_for_a_session_that_has_started(pair, organization, mentor_user):
    with tenant_context(organization):
        session = _schedule(pair, mentor_user, in_days(3))
        with pytest.raises(ValidationError):
            services.mark_no_show(session=session, by=mentor_user)
        with time_machine.travel(in_days(4)):
            services.mark_no_show(session=session, by=mentor_user)
    assert session.status == Session.Status.NO_SHOW


def test_a_weekly_paris_slot_keeps_1230_local_across_the_end_of_summer_time(
    organization, mentee_user, mentor_user, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime.datetime(2026, 10, 1, 8, tzinfo=datetime.UTC)):
        with tenant_context(organization):
            pair = PairFactory(
                organization=organization,
                mentee__user=mentee_user,
                mentor__user=mentor_user,
                programme__start_date=datetime.date(2026, 9, 1),
                programme__end_date=datetime.date(2026, 11, 15),
            )
            with django_capture_on_commit_callbacks(execute=True):
                result = services.create_recurring_slot(
                    pair=pair,
                    by=mentee_user,
                    weekday=1,
                    start_time=datetime.time(12, 30),
                    interval_weeks=1,
                    duration_minutes=45,
                    time_zone="Europe/Paris",
                    starts_on=datetime.date(2026, 10, 13),
                )
    starts = [session.starts_at for session in result.created]
    # Tuesdays 13, 20, 27 October and 3, 10 November: the clocks go back on Sunday 25 October.
    assert [start.astimezone(PARIS).strftime("%d/%m %H:%M") for start in starts] == [
        "13/10 12:30",
        "20/10 12:30",
        "27/10 12:30",
        "03/11 12:30",
        "10/11 12:30",
    ]
    assert [start.astimezone(datetime.UTC).hour for start in starts] == [10, 10, 11, 11, 11]
    assert result.skipped == []
    # One e-mail per person for the whole series, one recurring event in it.
    assert len(mail.outbox) == 2 and len(mail.outbox[0].attachments) == 1


def test_a_recurring_slot_skips_and_reports_dates_when_someone_is_busy(
    pair, organization, mentee_user, mentor_user
):
    with tenant_context(organization):
        other = PairFactory(organization=organization, programme=pair.programme, mentor=pair.mentor)
        first_tuesday = in_days(1).date() + datetime.timedelta(days=(1 - in_days(1).weekday()) % 7)
        busy = datetime.datetime.combine(
            first_tuesday + datetime.timedelta(weeks=2), datetime.time(12), PARIS
        )
        conflict = SessionFactory(organization=organization, pair=other, starts_at=busy, duration_minutes=60)
        result = services.create_recurring_slot(
            pair=pair,
            by=mentee_user,
            weekday=1,
            start_time=datetime.time(12, 30),
            interval_weeks=2,
            duration_minutes=45,
            time_zone="Europe/Paris",
            starts_on=first_tuesday,
        )
    assert [(start.date(), session) for start, session in result.skipped] == [
        (first_tuesday + datetime.timedelta(weeks=2), conflict)
    ]
    assert result.created and all(
        session.starts_at.date() <= pair.programme.end_date for session in result.created
    )
    assert busy.date() not in {session.starts_at.astimezone(PARIS).date() for session in result.created}


def test_the_recurring_slot_page_reports_skipped_dates(
    pair, organization, mentee_user, mentor_user, client_for
):
    with tenant_context(organization):
        SessionFactory(organization=organization, pair=pair, starts_at=in_days(7, 12, 30))
    day = in_days(7).date()
    url = reverse("recurring_slot", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    response = client_for(mentee_user).post(
        url,
        {
            "weekday": day.weekday(),
            "start_time": "12:30",
            "interval_weeks": 4,
            "duration_minutes": 45,
            "time_zone": "Europe/Paris",
            "starts_on": day.isoformat(),
            "format": "video",
            "location": "",
        },
    )
    assert response.status_code == 200
    assert "were skipped" in response.content.decode()
