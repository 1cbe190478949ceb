"""Real Celery workers, a real HTTP receiver on 127.0.0.1, workers SIGKILLed mid-drain: no event is lost,
and the only duplicates are the deliveries in flight when a worker died (at most one per kill, each worker
running one task at a time), which the receiver recognises by their ``Binome-Event-Id``.

The harness is the notification worker test's (tests/notifications/test_worker.py): PostgreSQL visible to
the workers, Redis, a private queue onto which every named queue collapses (``webhooks`` included).
"""

import threading
import time
from collections import Counter

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.services import plan_all, planned
from organizations.tenancy import tenant_context, unscoped
from tests.notifications.test_worker import Cluster, _redis_url
from webhooks import services
from webhooks.events import Event
from webhooks.services import WEBHOOK, WEBHOOK_KIND, event_id

from .receiver import Receiver

pytestmark = pytest.mark.worker


class SlowReceiver(Receiver):
    """Answers after a short pause, so that a kill lands in the middle of the drain."""

    def start(self):
        super().start()
        handler = self.server.RequestHandlerClass
        original = handler.do_POST

        def slow(request_handler):
            time.sleep(0.02)
            original(request_handler)

        handler.do_POST = slow
        return self


@pytest.fixture
def receiver():
    receiver = SlowReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def cluster(transactional_db, tmp_path, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    cluster = Cluster(tmp_path, _redis_url())
    cluster.env.update(
        {
            "CELERY_WEBHOOKS_QUEUE": cluster.queue,
            "WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true",
            "OUTBOX_CHANNEL_BATCH_SECONDS": "5",
        }
    )
    yield cluster
    cluster.stop()


def _events_due_now(organization, endpoint, count):
    with tenant_context(organization):
        plan_all(
            planned(
                organization=organization,
                channel=WEBHOOK,
                kind=WEBHOOK_KIND,
                key=f"webhook:{index}:endpoint:{endpoint.pk}",
                due_at=timezone.now(),
                object_id=endpoint.pk,
                data={
                    "event_id": event_id(organization, Event.PAIR_ENDED, f"pair:{index}"),
                    "event": Event.PAIR_ENDED,
                    "payload": {"id": event_id(organization, Event.PAIR_ENDED, f"pair:{index}"), "n": index},
                },
            )
            for index in range(count)
        )
    return count


def _undelivered():
    with unscoped("the test watches every organisation's webhook rows"):
        return Notification.objects.filter(
            channel=WEBHOOK, status__in=[Notification.Status.PENDING, Notification.Status.SENDING]
        ).count()


def _received(receiver):
    with receiver.lock:
        return Counter(delivery.headers["Binome-Event-Id"] for delivery in receiver.deliveries)


def test_workers_killed_mid_drain_lose_no_webhook_and_duplicate_at_most_one_per_kill(
    cluster, organization, receiver, hr_admin
):
    with tenant_context(organization):
        endpoint = services.create_endpoint(
            organization=organization, url=receiver.url, events=[Event.PAIR_ENDED], created_by=hr_admin
        ).endpoint
    # Enough that the drain outlasts both kills on a busy machine: 740 left after the second, 20 ms each.
    expected = _events_due_now(organization, endpoint, 900)
    first, second = cluster.start_worker(), cluster.start_worker()
    cluster.beat()
    kills = 0
    for victim, threshold in ((first, 80), (second, 160)):
        deadline = time.monotonic() + 120
        while sum(_received(receiver).values()) < threshold:
            assert time.monotonic() < deadline, "the workers never got going"
            time.sleep(0.02)
        cluster.kill(victim)
        kills += 1
        # Counted before the replacement starts: a worker takes seconds to be ready on a busy machine, and the
        # survivor may finish the drain meanwhile, which says nothing about whether this kill landed mid-drain.
        assert _undelivered() > 0, "the drain finished before this kill: nothing was tested"
        cluster.start_worker()
    deadline, last_beat = time.monotonic() + 180, 0.0
    while _undelivered():
        assert time.monotonic() < deadline, f"{_undelivered()} webhooks still undelivered"
        if time.monotonic() - last_beat > 5:
            threading.Thread(target=cluster.beat, kwargs={"check": False}).start()
            last_beat = time.monotonic()
        time.sleep(0.5)
    received = _received(receiver)
    with unscoped("the test compares with every row"):
        planned_ids = set(
            Notification.objects.filter(channel=WEBHOOK).values_list("data__event_id", flat=True)
        )
        statuses = set(Notification.objects.filter(channel=WEBHOOK).values_list("status", flat=True))
    lost = planned_ids - set(received)
    duplicates = sum(count - 1 for count in received.values())
    print(f"planned={expected} received={sum(received.values())} lost={len(lost)} duplicated={duplicates}")
    assert len(planned_ids) == expected
    assert lost == set()
    assert statuses == {"sent"}
    assert duplicates <= kills, "at most the delivery in flight of each killed worker goes twice"
