"""Preparation before the first session: the charter, the module for one's side, the confidentiality
pledge; HR sees who has finished and may let a pair start anyway; reminders go to those who have not."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import Notification, Preference
from notifications.services import deliver_due
from organizations.models import AuditEvent
from organizations.tenancy import tenant_context
from pairing.models import Pair
from programmes.models import Participant
from programmes.notifications import PREPARATION_REMINDER, plan_preparation_reminders
from sessions import services
from tests.factories import PairFactory, ParticipantFactory, ProgrammeFactory, SessionFactory, in_days


@pytest.fixture
def programme(organization):
    return ProgrammeFactory(organization=organization, name="Pilot")


@pytest.fixture
def unprepared_pair(organization, programme, mentor_user, mentee_user):
    return PairFactory(
        organization=organization,
        programme=programme,
        mentor__user=mentor_user,
        mentee__user=mentee_user,
        mentor__unprepared=True,
    )


def _url(programme):
    return f"/o/{programme.organization.slug}/programmes/{programme.pk}/preparation/"


def _plan(pair):
    return services.schedule_session(
        pair=pair, by=pair.mentee.user, starts_at=in_days(4), duration_minutes=45, time_zone="Europe/Paris"
    )


# The participant's path ------------------------------------------------------------------------------


def test_each_step_is_recorded_once(client_for, organization, programme, mentor_user):
    participant = ParticipantFactory(
        organization=organization, programme=programme, user=mentor_user, role="mentor", unprepared=True
    )
    client = client_for(mentor_user)
    page = client.get(_url(programme))
    assert b"Mentoring a senior executive" in page.content
    assert b"confidential" in page.content
    client.post(_url(programme), {"step": "module"})
    participant.refresh_from_db()
    first = participant.module_read_at
    client.post(_url(programme), {"step": "module"})
    participant.refresh_from_db()
    assert participant.module_read_at == first and not participant.is_prepared
    response = client.post(_url(programme), {"step": "pledge"}, follow=True)
    participant.refresh_from_db()
    assert participant.is_prepared
    assert b"Your preparation is complete" in response.content


def test_a_mentee_reads_the_guide_written_for_seniors(client_for, organization, programme, mentee_user):
    ParticipantFactory(organization=organization, programme=programme, user=mentee_user, unprepared=True)
    page = client_for(mentee_user).get(_url(programme))
    assert b"Set your ego aside" in page.content
    assert b"Mentoring a senior executive" not in page.content


def test_an_unknown_step_changes_nothing(client_for, organization, programme, mentee_user):
    participant = ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, unprepared=True
    )
    response = client_for(mentee_user).post(_url(programme), {"step": "everything"}, follow=True)
    assert b"Unknown preparation step" in response.content
    participant.refresh_from_db()
    assert participant.preparation_steps_done == 1


def test_only_an_enrolled_participant_has_a_preparation(
    client_for, programme, hr_admin, outsider, mentee_user
):
    assert client_for(hr_admin).get(_url(programme)).status_code == 403  # HR takes no part in it
    assert client_for(mentee_user).get(_url(programme)).status_code == 404
    assert client_for(outsider).get(_url(programme)).status_code == 404


# The gate on the first session ------------------------------------------------------------------------


def test_the_first_session_waits_for_both_preparations(in_organization, unprepared_pair):
    with pytest.raises(ValidationError, match="finished your preparation"):
        _plan(unprepared_pair)
    Participant.objects.filter(pk=unprepared_pair.mentor_id).update(
        module_read_at=timezone.now(), pledge_accepted_at=timezone.now()
    )
    unprepared_pair.mentor.refresh_from_db()
    assert _plan(unprepared_pair).pk


def test_the_recurring_slot_waits_too(in_organization, unprepared_pair):
    with pytest.raises(ValidationError, match="finished your preparation"):
        services.create_recurring_slot(
            pair=unprepared_pair,
            by=unprepared_pair.mentee.user,
            weekday=1,
            start_time=datetime.time(12, 30),
            interval_weeks=2,
            duration_minutes=45,
            time_zone="Europe/Paris",
            starts_on=timezone.localdate() + datetime.timedelta(days=3),
        )


def test_a_pair_that_already_met_is_not_held_back(in_organization, unprepared_pair):
    SessionFactory(organization=unprepared_pair.organization, pair=unprepared_pair, held=True)
    assert _plan(unprepared_pair).pk


def test_the_pair_space_says_who_is_still_preparing(client_for, unprepared_pair, mentor_user):
    page = client_for(mentor_user).get(f"/o/{unprepared_pair.organization.slug}/pairs/{unprepared_pair.pk}/")
    assert b'id="preparation-pending"' in page.content
    assert _url(unprepared_pair.programme).encode() in page.content


def test_hr_lets_a_pair_start_anyway_and_it_is_recorded(client_for, hr_admin, unprepared_pair):
    organization = unprepared_pair.organization
    url = f"/o/{organization.slug}/matching/pairs/{unprepared_pair.pk}/waive-preparation/"
    assert client_for(hr_admin).post(url).status_code == 302
    with tenant_context(organization):
        pair = Pair.objects.get(pk=unprepared_pair.pk)
        assert pair.preparation_waived_by == hr_admin
        event = AuditEvent.objects.get(action="preparation_waived")
        assert event.details == {"mentor_prepared": False, "mentee_prepared": True}
        assert _plan(pair).pk


def test_only_hr_waives_a_preparation(client_for, unprepared_pair, mentee_user, outsider):
    organization = unprepared_pair.organization
    url = f"/o/{organization.slug}/matching/pairs/{unprepared_pair.pk}/waive-preparation/"
    assert client_for(mentee_user).post(url).status_code == 403
    assert client_for(outsider).post(url).status_code == 404
    unprepared_pair.refresh_from_db()
    assert unprepared_pair.preparation_waived_at is None


# What HR sees ---------------------------------------------------------------------------------------


def test_hr_filters_the_participants_by_preparation(client_for, hr_admin, unprepared_pair):
    programme = unprepared_pair.programme
    base = f"/o/{programme.organization.slug}/programmes/{programme.pk}/participants/"
    client = client_for(hr_admin)
    pending = client.get(base + "?preparation=pending").content.decode()
    done = client.get(base + "?preparation=done").content.decode()
    assert unprepared_pair.mentor.user.email in pending and unprepared_pair.mentee.user.email not in pending
    assert unprepared_pair.mentee.user.email in done and unprepared_pair.mentor.user.email not in done
    assert "1 of 3 steps" in pending


def test_the_programme_page_counts_who_is_prepared(client_for, hr_admin, unprepared_pair):
    programme = unprepared_pair.programme
    ParticipantFactory(organization=programme.organization, programme=programme, unprepared=True)
    page = client_for(hr_admin).get(f"/o/{programme.organization.slug}/programmes/{programme.pk}/")
    body = page.content.decode()
    assert '<div class="display-6" id="count-prepared">1</div>' in body
    assert "preparation=pending" in body and ">2</a>" in body


def test_the_participant_list_keeps_its_query_count(
    client_for, hr_admin, programme, django_assert_max_num_queries
):
    for _ in range(5):
        ParticipantFactory(organization=programme.organization, programme=programme, unprepared=True)
    client = client_for(hr_admin)
    url = f"/o/{programme.organization.slug}/programmes/{programme.pk}/participants/?preparation=pending"
    client.get(url)
    with django_assert_max_num_queries(15):
        client.get(url)


# Reminders ----------------------------------------------------------------------------------------


def _enrolled_days_ago(participant, days):
    Participant.objects.filter(pk=participant.pk).update(
        enrolled_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_reminder_goes_once_a_week_to_those_not_prepared(in_organization, unprepared_pair):
    _enrolled_days_ago(unprepared_pair.mentor, 3)
    _enrolled_days_ago(unprepared_pair.mentee, 3)
    now = timezone.now()
    plan_preparation_reminders(in_organization, now)
    plan_preparation_reminders(in_organization, now + datetime.timedelta(hours=1))
    rows = Notification.objects.filter(kind=PREPARATION_REMINDER)
    assert list(rows.values_list("recipient_id", flat=True)) == [unprepared_pair.mentor.user_id]
    plan_preparation_reminders(in_organization, now + datetime.timedelta(days=7))
    assert rows.count() == 2


def test_no_reminder_the_day_one_enrols(in_organization, unprepared_pair):
    _enrolled_days_ago(unprepared_pair.mentor, 0)
    plan_preparation_reminders(in_organization, timezone.now())
    assert not Notification.objects.filter(kind=PREPARATION_REMINDER).exists()


def test_the_reminder_is_sent_by_e_mail_unless_muted_or_done(in_organization, unprepared_pair):
    mentor = unprepared_pair.mentor
    _enrolled_days_ago(mentor, 3)
    plan_preparation_reminders(in_organization, timezone.now())
    deliver_due(organization=in_organization)
    assert [message.to for message in mail.outbox] == [[mentor.user.email]]
    assert "preparation" in mail.outbox[0].subject

    Preference.objects.create(user=mentor.user, muted_kinds=[PREPARATION_REMINDER.value])
    plan_preparation_reminders(in_organization, timezone.now() + datetime.timedelta(days=7))
    deliver_due(organization=in_organization)
    assert len(mail.outbox) == 1

    Preference.objects.filter(user=mentor.user).delete()
    plan_preparation_reminders(in_organization, timezone.now() + datetime.timedelta(days=14))
    Participant.objects.filter(pk=mentor.pk).update(
        module_read_at=timezone.now(), pledge_accepted_at=timezone.now()
    )
    deliver_due(organization=in_organization)
    assert len(mail.outbox) == 1
