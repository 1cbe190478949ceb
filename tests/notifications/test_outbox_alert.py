"""Staff are e-mailed when the outbox lags, straight through SMTP (never through the outbox itself): once
per OUTBOX_ALERT_REPEAT_MINUTES while it lasts, once when it is back to normal, and never twice for two
beats."""

import datetime as dt
import smtplib
import time
from unittest import mock

import pytest
import time_machine
from django.core import mail

from notifications import tasks, watching
from notifications.models import Notification, OutboxPause
from organizations.tenancy import tenant_context

from .smtp import SMTPServer
from .test_outbox_lag_page import _row

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _alert_settings(settings):
    settings.OUTBOX_LAG_ALERT_SECONDS = 900
    settings.OUTBOX_ALERT_REPEAT_MINUTES = 60
    settings.OUTBOX_ALERT_EMAILS = ["ops@binome.example"]
    settings.LANGUAGE_CODE = "en"


def _beat(at):
    with time_machine.travel(at, tick=False):
        return tasks.watch_outbox()


@pytest.fixture
def lagging(organization, other_organization):
    """Globex's oldest due e-mail has waited 20 minutes at NOW; Acme's 2 minutes."""
    pair = _row(other_organization, "late", NOW - dt.timedelta(minutes=20))
    _row(organization, "fresh", NOW - dt.timedelta(minutes=2))
    return pair


def test_a_healthy_outbox_sends_nothing(organization):
    _row(organization, "fresh", NOW - dt.timedelta(minutes=2))
    assert _beat(NOW) == watching.NORMAL
    assert mail.outbox == []


def test_staff_get_one_alert_naming_the_late_organisations_with_counts_only(lagging, organization):
    assert _beat(NOW) == watching.ALERTED
    (alert,) = mail.outbox
    assert alert.to == ["ops@binome.example"]
    assert alert.subject == "[Binôme] The outbox is 20 minutes behind"
    assert "Globex: 1 due, the oldest for 20 min, 0 failed" in alert.body
    assert "Acme" not in alert.body  # two minutes behind: not late
    assert "/admin/notifications/notification/lag/" in alert.body
    assert lagging.mentor.user.email not in alert.body
    with tenant_context(organization):
        assert not Notification.objects.filter(key__contains="outbox").exists()  # not through the outbox


def test_two_beats_send_one_alert_and_it_repeats_after_the_interval(lagging):
    assert _beat(NOW) == watching.ALERTED
    assert _beat(NOW + dt.timedelta(seconds=1)) == watching.STILL_LAGGING
    assert _beat(NOW + dt.timedelta(minutes=59)) == watching.STILL_LAGGING
    assert len(mail.outbox) == 1
    assert _beat(NOW + dt.timedelta(minutes=60)) == watching.ALERTED
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "[Binôme] The outbox is 80 minutes behind"


def test_one_back_to_normal_email_when_it_recovers(lagging, other_organization):
    _beat(NOW)
    with tenant_context(other_organization):
        Notification.objects.filter(key="late").update(status=Notification.Status.SENT)
    assert _beat(NOW + dt.timedelta(minutes=10)) == watching.RECOVERED
    assert _beat(NOW + dt.timedelta(minutes=11)) == watching.NORMAL
    assert [message.subject for message in mail.outbox] == [
        "[Binôme] The outbox is 20 minutes behind",
        "[Binôme] The outbox is back to normal",
    ]
    assert "It had been behind for 10 min." in mail.outbox[1].body


def test_an_alert_the_relay_refuses_is_tried_again_at_the_next_beat(lagging):
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("down")):
        assert _beat(NOW) == watching.NOT_SENT
    assert _beat(NOW + dt.timedelta(minutes=1)) == watching.ALERTED
    assert len(mail.outbox) == 1


def test_with_nobody_to_email_the_alert_is_logged_once_per_interval(lagging, settings, caplog):
    settings.OUTBOX_ALERT_EMAILS = []
    assert _beat(NOW) == watching.ALERTED
    assert _beat(NOW + dt.timedelta(minutes=1)) == watching.STILL_LAGGING
    assert [record.levelname for record in caplog.records if "outbox alert" in record.getMessage()] == [
        "ERROR"
    ]
    assert mail.outbox == []


def test_the_recipients_default_to_the_admins(monkeypatch):
    import importlib

    import mentoring.settings

    monkeypatch.setenv("ADMINS", "root@binome.example,ops@binome.example")
    monkeypatch.delenv("OUTBOX_ALERT_EMAILS", raising=False)
    reloaded = importlib.reload(mentoring.settings)
    try:
        assert reloaded.OUTBOX_ALERT_EMAILS == ["root@binome.example", "ops@binome.example"]
    finally:
        monkeypatch.delenv("ADMINS")
        importlib.reload(mentoring.settings)


def test_the_alert_reaches_a_real_smtp_server_directly(lagging, smtp_server, smtp_settings):
    smtp_settings(smtp_server)
    assert _beat(NOW) == watching.ALERTED
    (received,) = smtp_server.messages
    assert received.recipients == ("ops@binome.example",)
    assert received.subject == "[Binôme] The outbox is 20 minutes behind"
    assert received.key == ""  # no outbox row behind it


def test_a_hung_relay_holds_the_alert_for_email_timeout_and_the_next_beat_sends_it(
    lagging, smtp_server, smtp_settings
):
    smtp_settings(smtp_server, timeout=1)
    smtp_server.hang()
    started = time.monotonic()
    assert _beat(NOW) == watching.NOT_SENT
    assert time.monotonic() - started < 5
    smtp_server.accept()
    assert _beat(NOW + dt.timedelta(minutes=1)) == watching.ALERTED
    assert smtp_server.count == 1


def test_the_alert_goes_through_its_own_relay_when_the_outboxs_hangs(
    lagging, smtp_server, smtp_settings, settings
):
    smtp_settings(smtp_server, timeout=1)
    smtp_server.hang()  # the outbox's relay: the lag's cause
    with SMTPServer() as other_relay:
        settings.OUTBOX_ALERT_EMAIL_URL = other_relay.url
        assert _beat(NOW) == watching.ALERTED
        assert [message.recipients for message in other_relay.messages] == [("ops@binome.example",)]
    assert smtp_server.count == 0


def test_the_alert_says_when_the_relay_has_paused_the_outbox(lagging):
    OutboxPause.objects.create(
        pk=OutboxPause.SINGLETON, paused_since=NOW, paused_until=NOW + dt.timedelta(minutes=1)
    )
    _beat(NOW)
    assert "Sending is paused until 2026-03-02T09:01:00+00:00" in mail.outbox[0].body
