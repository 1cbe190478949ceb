"""Exactly once: natural keys, claims, retries with backoff, preferences, quiet hours, unsubscribe."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from notifications import selectors, services
from notifications.models import Notification
from notifications.tokens import unsubscribe_url
from organizations.tenancy import tenant_context
from pairing.notifications import PAIR_PUBLISHED
from tests.factories import PairFactory, SessionFactory

from .helpers import rows, run_dispatcher

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def pair(organization):
    return PairFactory(organization=organization)


def _notify(organization, pair, kind=PAIR_PUBLISHED):
    with tenant_context(organization):
        services.notify(
            organization=organization,
            recipients=[pair.mentor.user, pair.mentee.user],
            kind=kind,
            key=f"pair:{pair.pk}",
            object_id=pair.pk,
        )


def test_notify_sends_each_recipient_one_email_on_commit(
    organization, pair, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(organization, pair)
    assert len(mail.outbox) == 2
    assert all(message.subject == f"Acme · Your match in {pair.programme.name}" for message in mail.outbox)
    assert all("/o/acme/my-matches/" in message.body for message in mail.outbox)
    assert {row.status for row in rows(organization)} == {Notification.Status.SENT}


def test_the_same_natural_key_is_never_planned_or_sent_twice(
    organization, pair, django_capture_on_commit_callbacks
):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            _notify(organization, pair)
        run_dispatcher()
    assert len(mail.outbox) == 2
    assert len(rows(organization)) == 2


def test_the_email_has_html_and_text_and_an_unsubscribe_link(
    organization, pair, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(organization, pair)
    message = mail.outbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Acme" in html and "Acme" in message.body
    assert "/unsubscribe/" in message.body and "/unsubscribe/" in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_a_broker_outage_loses_nothing_the_dispatcher_sends_later(
    organization, pair, django_capture_on_commit_callbacks
):
    with mock.patch("notifications.tasks.deliver_notifications.delay", side_effect=OSError("broker down")):
        with django_capture_on_commit_callbacks(execute=True):
            _notify(organization, pair)
    assert mail.outbox == []
    run_dispatcher()
    assert len(mail.outbox) == 2


def test_a_relay_that_drops_the_connection_pauses_the_outbox_and_the_rows_keep_their_attempts(
    organization, pair
):
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("down")):
        with time_machine.travel(NOW, tick=False):
            _notify(organization, pair)
            run_dispatcher()
    waiting = rows(organization)
    assert {(row.status, row.attempts, row.failing_since) for row in waiting} == {
        (Notification.Status.PENDING, 0, None)
    }
    assert selectors.relay_pause().paused_until == NOW + dt.timedelta(seconds=services.PROBE_BASE_SECONDS)
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        run_dispatcher()
    assert mail.outbox == []
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        run_dispatcher()
    assert len(mail.outbox) == 2
    assert {(row.status, row.attempts) for row in rows(organization)} == {(Notification.Status.SENT, 1)}
    assert selectors.relay_pause() is None


def test_a_message_refused_for_a_while_is_retried_later_with_backoff_then_sent_once(organization, pair):
    """A 4xx about the message itself (its recipient's mailbox is full): the row retries, no pause."""

    def busy(self):
        raise smtplib.SMTPRecipientsRefused({self.to[0]: (452, b"4.2.2 Mailbox full")})

    with mock.patch("django.core.mail.EmailMessage.send", busy):
        with time_machine.travel(NOW, tick=False):
            _notify(organization, pair)
            run_dispatcher()
    failed = rows(organization)
    assert {row.status for row in failed} == {Notification.Status.PENDING}
    assert all(row.attempts == 1 and row.due_at > NOW for row in failed)
    assert all(row.due_at <= NOW + dt.timedelta(seconds=services.BACKOFF_BASE_SECONDS) for row in failed)
    assert selectors.relay_pause() is None
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        run_dispatcher()
    assert mail.outbox == []
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        run_dispatcher()
    assert len(mail.outbox) == 2


def test_backoff_is_capped_and_jittered():
    delays = [services.backoff_seconds(attempt) for attempt in range(1, 20)]
    assert max(delays) <= services.backoff_cap_seconds() == 300
    assert len({round(delay, 3) for delay in delays}) > 10


def test_a_row_fails_for_good_once_the_retry_window_has_passed(organization, pair, settings):
    settings.OUTBOX_RETRY_HOURS = 24
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPException("no")):
        for hour in (0, 2, 10, 23):
            with time_machine.travel(NOW + dt.timedelta(hours=hour), tick=False):
                if hour == 0:
                    _notify(organization, pair)
                run_dispatcher()
        # Many attempts over most of a day: still waiting, never given up early.
        assert {row.status for row in rows(organization)} == {Notification.Status.PENDING}
        with time_machine.travel(NOW + dt.timedelta(hours=24, minutes=1), tick=False):
            run_dispatcher()
    assert {row.status for row in rows(organization)} == {Notification.Status.FAILED}


def test_an_outage_of_forty_minutes_loses_nothing_and_drains_within_minutes(organization, pair):
    """A relay down for 40 minutes: every message goes out once it is back, within the backoff cap."""
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPConnectError(421, "down")):
        with time_machine.travel(NOW, tick=False):
            _notify(organization, pair)
        for minute in range(1, 41):
            with time_machine.travel(NOW + dt.timedelta(minutes=minute), tick=False):
                run_dispatcher()
    assert {row.status for row in rows(organization)} == {Notification.Status.PENDING}
    assert mail.outbox == []
    back = NOW + dt.timedelta(minutes=40) + dt.timedelta(seconds=services.backoff_cap_seconds())
    with time_machine.travel(back, tick=False):
        run_dispatcher()
    assert {row.status for row in rows(organization)} == {Notification.Status.SENT}
    assert len(mail.outbox) == len(rows(organization)) == 2


def test_a_claimed_row_is_skipped_by_a_concurrent_delivery(organization, pair):
    """Two deliveries meet at the row lock: the second does not see a row the first has claimed."""
    with time_machine.travel(NOW, tick=False):
        with mock.patch("notifications.services.enqueue_delivery"):
            _notify(organization, pair)
    with tenant_context(organization):
        Notification.objects.update(status=Notification.Status.SENT)
        assert services.deliver_due(organization=organization) == 0
    assert mail.outbox == []


def test_an_unsubscribed_kind_shows_in_the_app_but_is_not_emailed(
    organization, pair, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        services.unsubscribe(user=pair.mentee.user, kind=PAIR_PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(organization, pair)
    assert [message.to for message in mail.outbox] == [[pair.mentor.user.email]]
    muted = rows(organization, recipient=pair.mentee.user)[0]
    assert muted.status == Notification.Status.IN_APP and muted.subject


def test_quiet_hours_hold_an_email_until_they_end_in_the_recipients_time_zone(organization, pair):
    mentee = pair.mentee.user
    mentee.time_zone = "Asia/Tokyo"
    mentee.save()
    with tenant_context(organization):
        services.update_preferences(
            user=mentee, muted_kinds=[], quiet_start=dt.time(22), quiet_end=dt.time(7)
        )
    # 14:00 UTC is 23:00 in Tokyo: quiet until 07:00 Tokyo, 22:00 UTC.
    with time_machine.travel(dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC), tick=False):
        _notify(organization, pair)
        run_dispatcher()
    assert [message.to for message in mail.outbox] == [[pair.mentor.user.email]]
    held = rows(organization, recipient=mentee)[0]
    assert held.due_at == dt.datetime(2026, 3, 2, 22, 0, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 3, 2, 22, 0, tzinfo=dt.UTC), tick=False):
        run_dispatcher()
    assert mail.outbox[-1].to == [mentee.email]


def test_a_session_reminder_held_past_the_session_by_quiet_hours_stays_in_the_app(organization):
    start = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)
    with time_machine.travel(start - dt.timedelta(hours=2), tick=False):
        session = SessionFactory(organization=organization, starts_at=start)
        mentee = session.pair.mentee.user
        mentee.time_zone = "UTC"
        mentee.save()
        with tenant_context(organization):
            services.update_preferences(
                user=mentee, muted_kinds=[], quiet_start=dt.time(21), quiet_end=dt.time(8)
            )
        run_dispatcher()
    with time_machine.travel(start - dt.timedelta(hours=1), tick=False):
        run_dispatcher()
    assert [message.to for message in mail.outbox] == [[session.pair.mentor.user.email]]
    assert rows(organization, recipient=mentee)[0].status == Notification.Status.IN_APP


def test_preferences_refuse_half_quiet_hours_and_unknown_kinds(organization, mentee_user):
    with tenant_context(organization):
        with pytest.raises(ValidationError):
            services.update_preferences(user=mentee_user, muted_kinds=[], quiet_start=dt.time(22))
        with pytest.raises(ValidationError):
            services.update_preferences(user=mentee_user, muted_kinds=["spam"])


def test_the_unsubscribe_link_stops_that_kind_only(
    client, organization, pair, django_capture_on_commit_callbacks
):
    url = unsubscribe_url(organization_id=organization.pk, user_id=pair.mentee.user.pk, kind=PAIR_PUBLISHED)
    path = url.split("testserver")[-1].replace("http://127.0.0.1:8000", "")
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 200 and b"no longer" in response.content
    with tenant_context(organization):
        assert services.preference_for(user=pair.mentee.user).muted_kinds == [PAIR_PUBLISHED]


def test_a_forged_unsubscribe_link_is_refused(client):
    assert client.post("/unsubscribe/forged-token/").status_code == 404
