"""Webhook rows go through the outbox: retried with backoff against a receiver that fails then succeeds,
failed for good with their last error, 410 pauses the endpoint, resend works, private addresses are
refused, and a failing endpoint never holds back e-mails."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications import selectors
from notifications import services as outbox
from notifications.models import Notification, OutboxPause
from organizations.tenancy import tenant_context
from pairing import services as pairing
from tests.factories import PairFactory
from webhooks import network, services
from webhooks.events import Event
from webhooks.models import Endpoint

WEBHOOK = Notification.Channel.WEBHOOK


def _end_a_pair(organization, capture):
    pair = PairFactory(organization=organization)
    with tenant_context(organization), capture(execute=True):
        pairing.end_pair(pair=pair, reason="over")
    return pair


def _deliveries(organization):
    with tenant_context(organization):
        return list(Notification.objects.filter(channel=WEBHOOK).order_by("pk"))


def _deliver_due(organization, when):
    with time_machine.travel(when, tick=False), tenant_context(organization):
        return outbox.deliver_channel_due(organization=organization, channel=WEBHOOK)


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks
):
    make_endpoint(organization, receiver.url, events=[Event.PAIR_ENDED])
    receiver.answers = [500, 503]
    _end_a_pair(organization, django_capture_on_commit_callbacks)
    [row] = _deliveries(organization)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "ReceiverError: HTTP 500: nope 500")
    assert 30 <= (row.due_at - timezone.now()).total_seconds() <= 61
    assert _deliver_due(organization, timezone.now()) == 0, "not due before its backoff"
    _deliver_due(organization, row.due_at + dt.timedelta(seconds=1))
    [row] = _deliveries(organization)
    assert (row.status, row.attempts) == ("pending", 2)
    assert _deliver_due(organization, row.due_at + dt.timedelta(seconds=1)) == 1
    [row] = _deliveries(organization)
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(receiver.deliveries) == 3
    assert len({delivery.headers["Binome-Event-Id"] for delivery in receiver.deliveries}) == 1


def test_a_receiver_failing_past_the_retry_window_leaves_a_failed_row_with_its_error(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks, settings
):
    make_endpoint(organization, receiver.url, events=[Event.PAIR_ENDED])
    receiver.answers = [502] * 10
    pairs = PairFactory.create_batch(2, organization=organization)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        for pair in pairs:
            pairing.end_pair(pair=pair, reason="over")
    assert len(receiver.deliveries) == 1, "one try per failing endpoint and batch"
    first, second = _deliveries(organization)
    assert first.attempts == 1 and second.attempts == 0, "the endpoint's other row waits with it"
    assert second.due_at == first.due_at
    _deliver_due(organization, timezone.now() + dt.timedelta(hours=settings.OUTBOX_RETRY_HOURS + 1))
    rows = _deliveries(organization)
    assert [row.status for row in rows] == ["failed", "failed"]
    assert all(row.last_error.startswith("ReceiverError: HTTP 502") for row in rows)


def test_a_receiver_that_is_gone_pauses_the_endpoint_and_fails_the_row(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(organization, receiver.url)
    receiver.answers = [410]
    _end_a_pair(organization, django_capture_on_commit_callbacks)
    [row] = _deliveries(organization)
    assert row.status == "failed" and "HTTP 410" in row.last_error
    with tenant_context(organization):
        endpoint.refresh_from_db()
    assert not endpoint.is_active and "410" in endpoint.disabled_reason


def test_a_failed_delivery_is_resent_with_the_same_event_id(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks, hr_admin
):
    endpoint = make_endpoint(organization, receiver.url)
    receiver.answers = [410]
    _end_a_pair(organization, django_capture_on_commit_callbacks)
    [row] = _deliveries(organization)
    with tenant_context(organization):
        with pytest.raises(ValidationError):
            services.resend_delivery(delivery=row, by=hr_admin)
        services.update_endpoint(
            endpoint=endpoint,
            url=endpoint.url,
            description="",
            events=endpoint.events,
            is_active=True,
            by=hr_admin,
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert services.resend_delivery(delivery=row, by=hr_admin)
    [row] = _deliveries(organization)
    assert row.status == "sent"
    first, second = receiver.deliveries
    assert first.headers["Binome-Event-Id"] == second.headers["Binome-Event-Id"]


def test_a_failing_endpoint_never_pauses_e_mails_and_a_paused_relay_never_holds_webhooks(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks, mentor_user
):
    make_endpoint(organization, receiver.url)
    OutboxPause.objects.create(
        pk=1, paused_since=timezone.now(), paused_until=timezone.now() + dt.timedelta(hours=1)
    )
    _end_a_pair(organization, django_capture_on_commit_callbacks)
    assert [row.status for row in _deliveries(organization)] == ["sent"]
    OutboxPause.objects.all().delete()
    receiver.answers = [500] * 5
    _end_a_pair(organization, django_capture_on_commit_callbacks)
    with tenant_context(organization), django_capture_on_commit_callbacks(execute=True):
        outbox.notify(organization=organization, recipients=[mentor_user], kind="pair_published", key="x")
    assert not OutboxPause.objects.filter(paused_until__isnull=False).exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "http://example.com/hooks",
        "ftp://example.com/hooks",
        "https://user:pass@example.com/hooks",
    ],
)
def test_it_refuses_an_endpoint_inside_a_private_network_or_without_https(organization, hr_admin, url):
    with tenant_context(organization):
        with pytest.raises(ValidationError) as refused:
            services.create_endpoint(
                organization=organization, url=url, events=[Event.PAIR_ENDED], created_by=hr_admin
            )
        assert not Endpoint.objects.exists()
    assert "url" in refused.value.message_dict


def test_an_endpoint_that_later_resolves_inside_the_network_is_never_posted_to(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks, settings
):
    make_endpoint(organization, receiver.url.replace("http://", "https://"))
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    _end_a_pair(organization, django_capture_on_commit_callbacks)
    [row] = _deliveries(organization)
    assert row.status == "failed" and "private" in row.last_error
    assert receiver.deliveries == []


def test_public_addresses_are_public_and_the_rest_are_not():
    assert network.is_public("93.184.216.34")
    assert not any(
        network.is_public(address) for address in ["127.0.0.1", "10.0.0.1", "::1", "fc00::1", "0.0.0.0"]
    )


def test_a_removed_endpoints_waiting_deliveries_are_dropped(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks, hr_admin
):
    endpoint = make_endpoint(organization, receiver.url)
    receiver.answers = [500]
    _end_a_pair(organization, django_capture_on_commit_callbacks)
    with tenant_context(organization):
        services.delete_endpoint(endpoint=endpoint, by=hr_admin)
    [row] = _deliveries(organization)
    assert (row.status, row.skip_reason) == ("skipped", "endpoint removed")


def test_a_failed_webhook_is_shown_on_its_endpoint_not_among_hrs_failed_e_mails(
    organization, receiver, make_endpoint, django_capture_on_commit_callbacks
):
    make_endpoint(organization, receiver.url)
    receiver.answers = [410]
    _end_a_pair(organization, django_capture_on_commit_callbacks)
    with tenant_context(organization):
        assert Notification.objects.filter(channel=WEBHOOK, status="failed").count() == 1
        assert list(selectors.failed_deliveries()) == []
