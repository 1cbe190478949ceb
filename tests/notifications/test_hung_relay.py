"""A mail relay that accepts connections and never answers holds no worker: delivery gives up after
EMAIL_TIMEOUT, counts one attempt on one row, and leaves the rest due for the next run."""

import datetime as dt
import socket
import time

import pytest
from django.core import mail

from notifications import services
from notifications.models import Notification
from organizations.tenancy import tenant_context
from pairing.notifications import PAIR_PUBLISHED
from tests.factories import PairFactory

from .helpers import now, rows

DUE = 5


@pytest.fixture
def hung_relay():
    """A real TCP server on 127.0.0.1 that completes the handshake (the kernel's backlog) and says nothing."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def smtp_to(settings):
    def point_at(port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 1

    return point_at


def _due_rows(organization):
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        for index in range(DUE):
            services.plan(
                organization=organization,
                recipient=pair.mentor.user,
                kind=PAIR_PUBLISHED,
                key=f"due:{index}",
                due_at=now() - dt.timedelta(minutes=DUE - index),
                object_id=pair.pk,
            )


def test_it_gives_up_on_a_hung_relay_after_the_timeout_and_burns_one_attempt(
    organization, hung_relay, smtp_to
):
    _due_rows(organization)
    smtp_to(hung_relay)
    started = time.monotonic()
    with tenant_context(organization):
        delivered = services.deliver_due(organization=organization)
    elapsed = time.monotonic() - started
    assert delivered == 0 and mail.outbox == []
    assert elapsed < 5, f"a hung relay held delivery for {elapsed:.1f} s"
    first, *others = sorted(rows(organization), key=lambda row: row.key)  # due:0 was the oldest
    assert (first.status, first.attempts) == (Notification.Status.PENDING, 1)
    assert first.due_at > now() and "timed out" in first.last_error
    assert [(row.status, row.attempts, row.last_error) for row in others] == [
        (Notification.Status.PENDING, 0, "")
    ] * (DUE - 1)


def test_a_refused_connection_stops_the_batch_without_touching_the_other_rows(organization, smtp_to):
    _due_rows(organization)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there any more: the connection is refused at once
    smtp_to(port)
    with tenant_context(organization):
        assert services.deliver_due(organization=organization) == 0
    assert sorted(row.attempts for row in rows(organization)) == [0] * (DUE - 1) + [1]


def test_a_task_out_of_time_leaves_the_row_due_with_nothing_recorded(organization, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    _due_rows(organization)

    def out_of_time(row, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "_deliver", out_of_time)
    with tenant_context(organization), pytest.raises(SoftTimeLimitExceeded):
        services.deliver_due(organization=organization)
    assert {(row.status, row.attempts, row.last_error) for row in rows(organization)} == {
        (Notification.Status.PENDING, 0, "")
    }


def test_no_task_runs_for_ever(settings):
    from mentoring.celery import app

    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert settings.EMAIL_TIMEOUT > 0
