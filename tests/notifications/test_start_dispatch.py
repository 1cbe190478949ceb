"""A worker or beat that starts dispatches at once (the worker test shows it end to end on Redis)."""

from unittest import mock

from celery.signals import beat_init, worker_ready

from notifications import tasks


def test_worker_ready_and_beat_start_each_enqueue_one_dispatch():
    with mock.patch.object(tasks.dispatch_notifications, "delay") as delay:
        worker_ready.send(sender=None)
        beat_init.send(sender=None)
    assert delay.call_count == 2


def test_a_broker_still_away_at_start_is_logged_not_raised(caplog):
    with mock.patch.object(tasks.dispatch_notifications, "delay", side_effect=ConnectionRefusedError("no")):
        worker_ready.send(sender=None)
    assert "could not enqueue a dispatch (a worker is ready)" in caplog.text
