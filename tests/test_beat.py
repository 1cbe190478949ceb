"""A second Celery beat creates nothing: each period of each entry is sent by one beat only."""

import datetime as dt
import uuid

import pytest
import time_machine
from celery import Celery
from celery.beat import ScheduleEntry
from celery.schedules import crontab, schedule
from celery.signals import before_task_publish

from mentoring.beat import SingleBeatScheduler, claim_tick, period_seconds

NOON = dt.datetime(2026, 3, 2, 12, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def app():
    return Celery("beat-test", broker="memory://", set_as_current=False)


@pytest.fixture
def published():
    names = []

    def record(sender=None, **kwargs):
        names.append(sender)

    before_task_publish.connect(record, weak=False)
    yield names
    before_task_publish.disconnect(record)


def _beat(app, tmp_path, name):
    return SingleBeatScheduler(app=app, schedule_filename=str(tmp_path / name), lazy=True)


def _entry(app, every=60.0):
    # A task no process runs: sending it only publishes a message on the in-memory broker.
    task = f"tests.beat_probe_{uuid.uuid4().hex[:8]}"
    return ScheduleEntry(name=task, task=task, schedule=schedule(every), app=app), task


def test_it_sends_a_period_once_when_two_beats_run(app, tmp_path, published):
    entry, task = _entry(app)
    with time_machine.travel(NOON, tick=False):
        _beat(app, tmp_path, "first").apply_entry(entry)
        _beat(app, tmp_path, "second").apply_entry(entry)
    assert published == [task]


def test_it_sends_again_in_the_next_period(app, tmp_path, published):
    entry, task = _entry(app)
    first, second = _beat(app, tmp_path, "first"), _beat(app, tmp_path, "second")
    with time_machine.travel(NOON, tick=False) as clock:
        first.apply_entry(entry)
        second.apply_entry(entry)
        clock.shift(dt.timedelta(seconds=60))
        second.apply_entry(entry)
        first.apply_entry(entry)
    assert published == [task, task]


def test_it_claims_each_entry_on_its_own(app):
    now = NOON.timestamp()
    hourly, _ = _entry(app, every=3600)
    minutely, _ = _entry(app, every=60)
    assert claim_tick(hourly, now=now)
    assert claim_tick(minutely, now=now)
    assert not claim_tick(hourly, now=now + 59 * 60)
    assert claim_tick(hourly, now=now + 60 * 60)


def test_a_crontab_entry_is_claimed_per_minute(app):
    entry = ScheduleEntry(
        name=f"cron-{uuid.uuid4().hex[:8]}", task="x", schedule=crontab(minute="*/5"), app=app
    )
    assert period_seconds(entry) == 60
    assert claim_tick(entry, now=NOON.timestamp())
    assert not claim_tick(entry, now=NOON.timestamp() + 20)


def test_the_project_beat_uses_the_single_beat_scheduler():
    from mentoring.celery import app as project_app

    assert project_app.conf.beat_scheduler == "mentoring.beat:SingleBeatScheduler"
