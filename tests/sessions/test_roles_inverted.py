"""Roles inverted: the programme says who plans the sessions (the senior mentee by default) and who writes
their agenda (the junior mentor by default); the pages, the services and the nudges follow it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import Notification
from organizations.tenancy import tenant_context
from programmes.models import Programme, Side
from sessions import access, services
from sessions.models import AgendaItem
from sessions.notifications import (
    AGENDA_TO_PREPARE,
    PAIR_INACTIVE,
    plan_agenda_reminders,
    plan_inactivity_nudges,
)
from tests.factories import AgendaItemFactory, SessionFactory, in_days

ALL_SIDES = [Side.MENTEE, Side.MENTOR, Side.BOTH]


def _set(pair, **sides):
    with tenant_context(pair.organization):
        Programme.objects.filter(pk=pair.programme_id).update(**sides)
        pair.programme.refresh_from_db()
    return pair


def _plan(pair, by, **kwargs):
    return services.schedule_session(
        pair=pair, by=by, starts_at=in_days(5), duration_minutes=45, time_zone="Europe/Paris", **kwargs
    )


def test_a_new_programme_lets_the_mentee_plan_and_the_mentor_write_the_agenda():
    programme = Programme()
    assert (programme.scheduled_by, programme.agenda_by) == (Side.MENTEE, Side.MENTOR)


@pytest.mark.parametrize("side", ALL_SIDES)
def test_who_plans_follows_the_programme(side, in_organization, pair, mentor_user, mentee_user, stranger):
    _set(pair, scheduled_by=side)
    assert access.can_schedule(pair, mentee_user) is (side in (Side.MENTEE, Side.BOTH))
    assert access.can_schedule(pair, mentor_user) is (side in (Side.MENTOR, Side.BOTH))
    assert access.can_schedule(pair, stranger) is False


@pytest.mark.parametrize("side", ALL_SIDES)
def test_who_writes_the_agenda_follows_the_programme(
    side, in_organization, pair, mentor_user, mentee_user, stranger
):
    _set(pair, agenda_by=side)
    assert access.can_edit_agenda(pair, mentor_user) is (side in (Side.MENTOR, Side.BOTH))
    assert access.can_edit_agenda(pair, mentee_user) is (side in (Side.MENTEE, Side.BOTH))
    assert access.can_edit_agenda(pair, stranger) is False


@pytest.mark.parametrize("scheduled_by", ALL_SIDES)
@pytest.mark.parametrize("agenda_by", ALL_SIDES)
@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_planning_with_an_agenda_needs_both_rights(
    scheduled_by, agenda_by, who, in_organization, pair, mentor_user, mentee_user
):
    """Every combination: plan alone, or plan and write the agenda at once."""
    _set(pair, scheduled_by=scheduled_by, agenda_by=agenda_by)
    person = mentor_user if who == "mentor" else mentee_user
    plans = scheduled_by in (who, Side.BOTH)
    writes = agenda_by in (who, Side.BOTH)
    agenda = [services.AgendaEntry(text="Show Teams channels")]
    if not plans:
        with pytest.raises(ValidationError, match="plans the sessions"):
            _plan(pair, person)
        return
    if writes:
        session = _plan(pair, person, agenda=agenda)
        assert list(session.agenda_items.values_list("text", flat=True)) == ["Show Teams channels"]
    else:
        with pytest.raises(ValidationError, match="writes the agenda"):
            _plan(pair, person, agenda=agenda)
        assert _plan(pair, person).agenda_items.count() == 0


def test_nobody_plans_for_an_ended_pair(in_organization, pair, mentee_user):
    pair.status = pair.Status.ENDED
    pair.save()
    assert access.can_schedule(pair, mentee_user) is False


def test_the_mentor_cannot_move_a_session_the_mentee_plans(in_organization, pair, mentor_user):
    _set(pair, scheduled_by=Side.MENTEE)
    session = SessionFactory(organization=pair.organization, pair=pair)
    with pytest.raises(ValidationError):
        services.reschedule_session(
            session=session,
            by=mentor_user,
            starts_at=in_days(9),
            duration_minutes=45,
            time_zone="Europe/Paris",
            format=session.format,
            location="",
        )


def test_either_person_can_cancel_whoever_plans(in_organization, pair, mentor_user):
    _set(pair, scheduled_by=Side.MENTEE)
    session = SessionFactory(organization=pair.organization, pair=pair)
    services.cancel_session(session=session, by=mentor_user, reason="Sick")
    assert session.status == session.Status.CANCELLED


def test_the_agenda_owner_replaces_the_agenda_and_the_other_side_cannot(
    in_organization, pair, mentor_user, mentee_user
):
    _set(pair, scheduled_by=Side.MENTEE, agenda_by=Side.MENTOR)
    session = SessionFactory(organization=pair.organization, pair=pair)
    AgendaItemFactory(organization=pair.organization, session=session, text="Old")
    services.set_agenda(session=session, by=mentor_user, agenda=[services.AgendaEntry(text="New")])
    assert list(AgendaItem.objects.filter(session=session).values_list("text", flat=True)) == ["New"]
    with pytest.raises(ValidationError, match="mentor writes the agenda"):
        services.set_agenda(session=session, by=mentee_user, agenda=[])


# Pages ------------------------------------------------------------------------------------------------


def _url(pair, tail=""):
    return f"/o/{pair.organization.slug}/pairs/{pair.pk}/{tail}"


def test_with_the_defaults_the_mentee_plans_without_the_agenda_fields(client_for, pair, mentee_user):
    _set(pair, scheduled_by=Side.MENTEE, agenda_by=Side.MENTOR)
    response = client_for(mentee_user).get(_url(pair, "sessions/new/"))
    assert response.status_code == 200
    assert b"agenda-TOTAL_FORMS" not in response.content


def test_with_the_defaults_the_mentor_is_refused_the_planning_pages(client_for, pair, mentor_user):
    _set(pair, scheduled_by=Side.MENTEE, agenda_by=Side.MENTOR)
    client = client_for(mentor_user)
    session = SessionFactory(organization=pair.organization, pair=pair)
    for tail in ("sessions/new/", "sessions/recurring/", f"sessions/{session.pk}/move/"):
        assert client.get(_url(pair, tail)).status_code == 403, tail
    space = client.get(_url(pair))
    assert b"In your programme," in space.content
    assert f'href="{_url(pair, "sessions/new/")}"'.encode() not in space.content


def test_with_the_defaults_the_mentor_writes_the_agenda_and_the_mentee_cannot(
    client_for, pair, mentor_user, mentee_user
):
    _set(pair, scheduled_by=Side.MENTEE, agenda_by=Side.MENTOR)
    session = SessionFactory(organization=pair.organization, pair=pair)
    agenda_url = _url(pair, f"sessions/{session.pk}/agenda/")
    assert client_for(mentee_user).get(agenda_url).status_code == 403
    client = client_for(mentor_user)
    assert agenda_url.encode() in client.get(_url(pair, f"sessions/{session.pk}/")).content
    response = client.post(
        agenda_url,
        {
            "agenda-TOTAL_FORMS": "3",
            "agenda-INITIAL_FORMS": "0",
            "agenda-0-text": "Try Copilot on a report",
            "agenda-1-text": "",
            "agenda-2-text": "",
        },
    )
    assert response.status_code == 302
    with tenant_context(pair.organization):
        assert [item.text for item in session.agenda_items.all()] == ["Try Copilot on a report"]


# Nudges -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "side,expected", [(Side.MENTEE, {"mentee"}), (Side.MENTOR, {"mentor"}), (Side.BOTH, {"mentor", "mentee"})]
)
def test_the_schedule_your_next_session_nudge_goes_to_whoever_plans(side, expected, in_organization, pair):
    _set(pair, scheduled_by=side)
    SessionFactory(
        organization=pair.organization,
        pair=pair,
        held=True,
        starts_at=timezone.now() - datetime.timedelta(days=40),
    )
    plan_inactivity_nudges(pair.organization, timezone.now())
    recipients = set(Notification.objects.filter(kind=PAIR_INACTIVE).values_list("recipient_id", flat=True))
    people = {"mentor": pair.mentor.user_id, "mentee": pair.mentee.user_id}
    assert recipients == {people[role] for role in expected}


@pytest.mark.parametrize(
    "side,expected", [(Side.MENTEE, {"mentee"}), (Side.MENTOR, {"mentor"}), (Side.BOTH, {"mentor", "mentee"})]
)
def test_the_prepare_the_agenda_reminder_goes_to_the_agenda_owner(side, expected, in_organization, pair):
    _set(pair, agenda_by=side)
    SessionFactory(organization=pair.organization, pair=pair, starts_at=in_days(2))
    now = timezone.now()
    plan_agenda_reminders(pair.organization, now)
    plan_agenda_reminders(pair.organization, now)
    rows = Notification.objects.filter(kind=AGENDA_TO_PREPARE)
    people = {"mentor": pair.mentor.user_id, "mentee": pair.mentee.user_id}
    assert sorted(rows.values_list("recipient_id", flat=True)) == sorted(people[role] for role in expected)


def test_no_agenda_reminder_for_a_session_that_has_one(in_organization, pair):
    session = SessionFactory(organization=pair.organization, pair=pair, starts_at=in_days(2))
    AgendaItemFactory(organization=pair.organization, session=session)
    plan_agenda_reminders(pair.organization, timezone.now())
    assert not Notification.objects.filter(kind=AGENDA_TO_PREPARE).exists()


def test_the_programme_form_sets_who_plans_and_who_writes_the_agenda(client_for, hr_admin, pair):
    programme = pair.programme
    client = client_for(hr_admin)
    page = client.get(f"/o/{programme.organization.slug}/programmes/{programme.pk}/edit/")
    assert b'name="scheduled_by"' in page.content and b'name="agenda_by"' in page.content
