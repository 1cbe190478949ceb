"""A mail relay that hangs or refuses holds no worker and burns no row's attempts: delivery gives up after
EMAIL_TIMEOUT, the outbox pauses for everyone, and one probe per step finds out when it is back."""

import datetime as dt
import socket
import time
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.db import connection

from notifications import selectors, services
from notifications.models import Notification
from organizations.tenancy import tenant_context
from pairing.notifications import PAIR_PUBLISHED
from tests.factories import PairFactory

from .helpers import now, rows, run_dispatcher

DUE = 5


def _due_rows(organization, count=DUE):
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        for index in range(count):
            services.plan(
                organization=organization,
                recipient=pair.mentor.user,
                kind=PAIR_PUBLISHED,
                key=f"due:{index}",
                due_at=now() - dt.timedelta(minutes=count - index),
                object_id=pair.pk,
            )
    return pair


def _deliver(organization):
    with tenant_context(organization):
        return services.deliver_due(organization=organization)


def _untouched(organization):
    return {(row.status, row.attempts, row.failing_since, row.last_error) for row in rows(organization)} == {
        (Notification.Status.PENDING, 0, None, "")
    }


def test_it_gives_up_on_a_hung_relay_after_the_timeout_and_pauses_without_burning_attempts(
    organization, smtp_server, smtp_settings
):
    _due_rows(organization)
    smtp_settings(smtp_server, timeout=1)
    smtp_server.hang()
    started = time.monotonic()
    assert _deliver(organization) == 0
    elapsed = time.monotonic() - started
    assert elapsed < 3, f"a hung relay held delivery for {elapsed:.1f} s"
    assert smtp_server.connections == 1  # the batch stopped at the first silence
    assert _untouched(organization)
    assert "timed out" in selectors.relay_pause().last_error


def test_a_refused_connection_pauses_the_outbox_with_the_rows_untouched(organization, smtp_settings):
    _due_rows(organization)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more: the connection is refused at once

    smtp_settings(SimpleNamespace(host="127.0.0.1", port=port))
    assert _deliver(organization) == 0
    assert _untouched(organization)
    assert "ConnectionRefusedError" in selectors.relay_pause().last_error


def test_a_paused_outbox_sends_one_probe_per_step_and_resumes_when_it_goes_through(
    organization, smtp_server, smtp_settings
):
    _due_rows(organization)
    smtp_settings(smtp_server)
    smtp_server.refuse()
    start = now()
    with time_machine.travel(start, tick=False):
        assert _deliver(organization) == 0
    assert smtp_server.transactions == 1
    for step, seconds in enumerate((20, 40, 60, 60, 60)):
        pause = selectors.relay_pause()
        assert pause.failed_probes == step
        due = pause.paused_until
        with time_machine.travel(due - dt.timedelta(seconds=6), tick=False):
            assert _deliver(organization) == 0  # still paused: not even a connection
        with time_machine.travel(due, tick=False):
            assert _deliver(organization) == 0  # the probe, refused
        assert selectors.relay_pause().paused_until == due + dt.timedelta(seconds=seconds)
    assert smtp_server.transactions == 6, "one try to pause, then one probe per step"
    assert {(row.status, row.attempts) for row in rows(organization)} == {(Notification.Status.PENDING, 0)}
    smtp_server.accept()
    with time_machine.travel(selectors.relay_pause().paused_until, tick=False):
        assert _deliver(organization) == DUE
    assert selectors.relay_pause() is None
    assert smtp_server.count == DUE and smtp_server.duplicates() == 0


def test_a_recipient_refused_for_good_fails_only_its_row_and_pauses_nothing(
    organization, smtp_server, smtp_settings
):
    pair = _due_rows(organization, count=1)
    smtp_settings(smtp_server)
    other = PairFactory(organization=organization)
    with tenant_context(organization):
        services.plan(
            organization=organization,
            recipient=other.mentor.user,
            kind=PAIR_PUBLISHED,
            key="healthy",
            due_at=now(),
            object_id=other.pk,
        )
    smtp_server.reject(pair.mentor.user.email)
    assert _deliver(organization) == 1
    failed, sent = rows(organization, key="due:0")[0], rows(organization, key="healthy")[0]
    assert failed.status == Notification.Status.FAILED and "550" in failed.last_error
    assert sent.status == Notification.Status.SENT
    assert selectors.relay_pause() is None
    assert smtp_server.by_recipient == {other.mentor.user.email.lower(): 1}


def test_each_email_carries_a_message_id_derived_from_its_row(organization, smtp_server, smtp_settings):
    _due_rows(organization, count=2)
    smtp_settings(smtp_server)
    assert _deliver(organization) == 2
    assert smtp_server.message_ids() == {row.message_id for row in rows(organization)}
    assert all(row.message_id.startswith(f"<notification.{row.pk}.") for row in rows(organization))


def test_a_task_out_of_time_leaves_the_row_due_with_nothing_recorded(organization, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    _due_rows(organization)

    def out_of_time(row, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "_prepare", out_of_time)
    with pytest.raises(SoftTimeLimitExceeded):
        _deliver(organization)
    assert _untouched(organization)
    assert {row.claimed_by for row in rows(organization)} == {""}


def test_no_task_runs_for_ever_and_no_live_claim_is_ever_taken_back(settings):
    from mentoring.celery import app

    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert settings.EMAIL_TIMEOUT > 0
    assert settings.OUTBOX_CLAIM_TIMEOUT_SECONDS > app.conf.task_time_limit


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_relay_is_talked_to(
    organization, smtp_server, smtp_settings, monkeypatch
):
    """The claim is committed before the send, and the mark after: a hung relay holds no row lock."""
    _due_rows(organization, count=3)
    smtp_settings(smtp_server)
    seen = []
    send = services._send

    def watching(email, backend):
        seen.append(connection.in_atomic_block)
        claimed = Notification.objects.filter(status=Notification.Status.SENDING).count()
        seen.append(claimed)
        return send(email, backend)

    monkeypatch.setattr(services, "_send", watching)
    assert _deliver(organization) == 3
    assert seen == [False, 1] * 3


def test_a_claim_whose_worker_vanished_goes_back_to_the_queue_after_the_timeout(organization, settings):
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 600
    _due_rows(organization, count=2)
    claimed = now()
    with tenant_context(organization):
        Notification.objects.filter(key="due:0").update(
            status=Notification.Status.SENDING, claimed_at=claimed, claimed_by="gone:1:x"
        )
    with time_machine.travel(claimed + dt.timedelta(seconds=599), tick=False):
        run_dispatcher()
    assert rows(organization, key="due:0")[0].status == Notification.Status.SENDING
    assert len(mail.outbox) == 1  # the other row went; the claimed one was left to its worker
    with time_machine.travel(claimed + dt.timedelta(seconds=601), tick=False):
        run_dispatcher()
    row = rows(organization, key="due:0")[0]
    assert (row.status, row.claimed_by, row.attempts) == (Notification.Status.SENT, "", 1)
    assert len(mail.outbox) == 2
