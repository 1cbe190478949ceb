"""Every step of a message's life logs one line with the same fields, so one message can be followed from
planning to delivery (and through its retries) in the logs; LOG_FORMAT=json writes them as JSON keys."""

import json
import logging
import smtplib
from unittest import mock

import pytest
from django.core import mail

from mentoring.logformat import JsonFormatter
from notifications import services
from notifications.events import FIELDS
from notifications.models import Notification
from pairing.notifications import PAIR_PUBLISHED
from tests.factories import PairFactory


@pytest.fixture
def outbox_log(caplog):
    caplog.set_level(logging.INFO, logger="notifications.outbox")

    def lines(key):
        return [record for record in caplog.records if getattr(record, "key", None) == key]

    return lines


def _plan(organization, key):
    pair = PairFactory(organization=organization)
    services.plan(
        organization=organization,
        recipient=pair.mentor.user,
        kind=PAIR_PUBLISHED,
        key=key,
        due_at=services.timezone.now(),
        object_id=pair.pk,
    )
    return pair


def test_one_message_is_followed_from_planning_to_delivery(in_organization, outbox_log):
    pair = _plan(in_organization, "pair-news")
    services.deliver_due(organization=in_organization)

    records = outbox_log("pair-news")
    row = Notification.objects.get(key="pair-news")
    assert [record.event for record in records] == ["planned", "claimed", "sent"]
    assert {record.kind for record in records} == {PAIR_PUBLISHED}
    assert {record.organization_id for record in records} == {in_organization.pk}
    assert [record.notification_id for record in records] == [None, row.pk, row.pk]
    assert [record.attempt for record in records] == [0, 1, 1]
    assert all(set(FIELDS) <= set(vars(record)) for record in records)
    assert records[-1].getMessage() == (
        f"outbox event=sent notification_id={row.pk} key=pair-news kind={PAIR_PUBLISHED} "
        f'organization_id={in_organization.pk} attempt=1 error="" reason=""'
    )
    # What the logs never carry: the person.
    assert not any(pair.mentor.user.email in record.getMessage() for record in records)
    assert len(mail.outbox) == 1


def _refused(pair, code):
    return smtplib.SMTPRecipientsRefused({pair.mentor.user.email: (code, b"mailbox unavailable")})


def test_a_failure_and_a_requeue_are_each_one_line_with_the_error(in_organization, outbox_log):
    pair = _plan(in_organization, "pair-news")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=_refused(pair, 550)):
        services.deliver_due(organization=in_organization)
    services.requeue_failed()
    services.deliver_due(organization=in_organization)

    records = outbox_log("pair-news")
    assert [record.event for record in records] == [
        "planned",
        "claimed",
        "failed",
        "requeued",
        "claimed",
        "sent",
    ]
    failed = records[2]
    assert failed.levelno == logging.ERROR and failed.attempt == 1
    assert failed.error.startswith("SMTPRecipientsRefused: ")
    assert 'error="SMTPRecipientsRefused: ' in failed.getMessage()
    assert records[3].attempt == 0
    # The refusal names the recipient; the log line does not.
    assert pair.mentor.user.email in Notification.objects.get(key="pair-news").last_error
    assert not any(pair.mentor.user.email in record.getMessage() for record in records)
    assert "<address>" in failed.error


def test_a_transient_refusal_logs_a_retry_with_its_next_try(in_organization, outbox_log):
    pair = _plan(in_organization, "pair-news")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=_refused(pair, 451)):
        services.deliver_due(organization=in_organization)
    retry = outbox_log("pair-news")[-1]
    assert (retry.event, retry.levelno, retry.attempt) == ("retry", logging.WARNING, 1)
    assert retry.reason.startswith("due again at ")


def test_a_relay_down_logs_the_row_deferred_with_the_error(in_organization, outbox_log):
    _plan(in_organization, "pair-news")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        services.deliver_due(organization=in_organization)
    deferred = outbox_log("pair-news")[-1]
    assert (deferred.event, deferred.reason, deferred.error) == (
        "deferred",
        "relay down",
        "SMTPServerDisconnected: gone",
    )


def test_rows_withheld_when_access_ends_log_skipped_with_the_reason(in_organization, outbox_log):
    pair = _plan(in_organization, "pair-news")
    services.withhold_pending(user=pair.mentor.user)
    skipped = outbox_log("pair-news")[-1]
    assert (skipped.event, skipped.reason) == ("skipped", "access ended")


def test_a_row_skipped_at_send_time_logs_the_reason(in_organization, outbox_log):
    pair = _plan(in_organization, "pair-news")
    type(pair.mentor.user).objects.filter(pk=pair.mentor.user.pk).update(is_active=False)
    services.deliver_due(organization=in_organization)
    skipped = outbox_log("pair-news")[-1]
    assert (skipped.event, skipped.reason) == ("skipped", "inactive account")


def test_the_json_formatter_writes_the_fields_as_keys(in_organization, outbox_log):
    _plan(in_organization, "pair-news")
    (planned,) = outbox_log("pair-news")
    line = json.loads(JsonFormatter().format(planned))
    assert line["logger"] == "notifications.outbox" and line["level"] == "INFO"
    assert {name: line[name] for name in FIELDS} == {
        "event": "planned",
        "notification_id": None,
        "key": "pair-news",
        "kind": PAIR_PUBLISHED,
        "organization_id": in_organization.pk,
        "attempt": 0,
        "error": "",
        "reason": "",
    }
    assert line["message"].startswith("outbox event=planned ")


def test_log_format_json_is_what_the_console_writes(monkeypatch):
    import importlib

    import mentoring.settings

    monkeypatch.setenv("LOG_FORMAT", "json")
    try:
        reloaded = importlib.reload(mentoring.settings)
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "json"
        monkeypatch.setenv("LOG_FORMAT", "xml")
        with pytest.raises(Exception, match="LOG_FORMAT"):
            importlib.reload(mentoring.settings)
    finally:
        monkeypatch.delenv("LOG_FORMAT")
        importlib.reload(mentoring.settings)


def test_celerys_own_handlers_write_json_when_asked(settings):
    from mentoring.celery import log_json_in_workers_too

    worker_logger = logging.getLogger("tests.a-celery-worker")
    handler = logging.StreamHandler()
    worker_logger.addHandler(handler)
    try:
        settings.LOG_FORMAT = "text"
        log_json_in_workers_too(logger=worker_logger)
        assert not isinstance(handler.formatter, JsonFormatter)
        settings.LOG_FORMAT = "json"
        log_json_in_workers_too(logger=worker_logger)
        assert isinstance(handler.formatter, JsonFormatter)
    finally:
        worker_logger.removeHandler(handler)
