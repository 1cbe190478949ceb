"""Calendar invitations go through the outbox, .ics attached, built when they are sent."""

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from notifications import services as notification_services
from notifications.invitations import INVITATION
from notifications.models import Notification
from organizations.tenancy import tenant_context
from sessions import services
from sessions.notifications import SESSION_INVITATION
from sessions.tasks import send_session_invitations
from tests.factories.sessions import in_days

from ..notifications.helpers import rows, run_dispatcher


def _schedule(pair, by, starts_at):
    return services.schedule_session(
        pair=pair,
        by=by,
        starts_at=starts_at,
        duration_minutes=45,
        time_zone="Europe/Paris",
        location="Room 4",
    )


def _event(message):
    (filename, content, mimetype) = message.attachments[0]
    return filename, mimetype, next(iter(icalendar.Calendar.from_ical(content).walk("VEVENT")))


def test_a_calendar_invitation_is_an_outbox_row_with_its_ics_attached(
    pair, organization, mentee_user, django_capture_on_commit_callbacks
):
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        session = _schedule(pair, mentee_user, in_days(3))
    sent = rows(organization, kind=SESSION_INVITATION)
    assert sorted(row.recipient.email for row in sent) == ["mentee@acme.example", "mentor@acme.example"]
    assert {row.status for row in sent} == {Notification.Status.SENT}
    assert {row.action_url for row in sent} == {f"http://127.0.0.1:8000/o/acme/pairs/{pair.pk}/"}
    for message in mail.outbox:
        filename, mimetype, event = _event(message)
        assert filename == f"session-{session.uid}.ics"
        assert mimetype == "text/calendar; charset=utf-8; method=REQUEST"
        assert event["UID"] == f"{session.uid}@binome"
        assert "List-Unsubscribe" not in message.extra_headers


def test_a_session_moved_before_its_invitation_left_sends_only_its_current_version(
    pair, organization, mentee_user, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        session = _schedule(pair, mentee_user, in_days(3))  # never committed: its rows wait
        with django_capture_on_commit_callbacks(execute=True):
            services.reschedule_session(
                session=session,
                by=mentee_user,
                starts_at=in_days(5),
                duration_minutes=30,
                time_zone="Europe/Paris",
                format="video",
                location="",
            )
    assert len(mail.outbox) == 2
    assert {_event(message)[2]["SEQUENCE"] for message in mail.outbox} == {1}
    assert {_event(message)[2].decoded("DTSTART") for message in mail.outbox} == {in_days(5)}
    skipped = rows(organization, kind=SESSION_INVITATION, status=Notification.Status.SKIPPED)
    assert len(skipped) == 2 and {row.skip_reason for row in skipped} == {"stale"}


def test_a_calendar_invitation_is_sent_once_even_if_delivery_runs_twice(
    pair, organization, mentee_user, django_capture_on_commit_callbacks
):
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        _schedule(pair, mentee_user, in_days(3))
    run_dispatcher()
    assert len(mail.outbox) == 2


def test_nobody_can_mute_calendar_invitations(pair, organization, mentee_user, client_for):
    with tenant_context(organization), pytest.raises(ValidationError):
        notification_services.update_preferences(user=mentee_user, muted_kinds=[SESSION_INVITATION])
    page = client_for(mentee_user).get(f"/o/{organization.slug}/notifications/preferences/")
    offered = [value for value, _label in page.context["form"].fields["wanted"].choices]
    assert SESSION_INVITATION.value not in offered and INVITATION.value not in offered


def test_a_queued_task_of_the_previous_release_sends_through_the_outbox_once(pair, organization, mentee_user):
    with tenant_context(organization):
        session = _schedule(pair, mentee_user, in_days(3))
    send_session_invitations(organization.pk, [session.pk], "REQUEST")
    send_session_invitations(organization.pk, [session.pk], "REQUEST")
    assert sorted(message.to[0] for message in mail.outbox) == ["mentee@acme.example", "mentor@acme.example"]
