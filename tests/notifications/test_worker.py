"""Real Celery workers against real Redis: reminders go out once, whatever happens to the processes.

Each test starts `celery worker` subprocesses on a private queue, pointed at the test database (it
must be visible to another process: PostgreSQL, as in CI) and at Redis (REDIS_URL). E-mails go to
files (the worker's outbox); every message carries its natural key in an X-Binome-Key header, so the
test counts what was lost and what was duplicated. Beat is played by the test: `celery call`.
"""

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from organizations.tenancy import tenant_context, unscoped
from sessions.models import Session
from tests.factories import PairFactory

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
KEY_HEADER = re.compile(r"^X-Binome-Key: (\S+)$", re.MULTILINE)


def _redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("no REDIS_URL: worker tests need a Redis server (CI sets one)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis at {url} does not answer: {error}")
    return url


def _database_url():
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite test database lives in memory, invisible to a worker: set DATABASE_URL")
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


class Cluster:
    """Worker processes and a file outbox, on a queue of their own."""

    def __init__(self, tmp_path, redis_url):
        self.redis_url = redis_url
        self.queue = f"notify-test-{uuid.uuid4().hex[:8]}"
        self.outbox = tmp_path / "outbox"
        self.outbox.mkdir()
        self.logs = tmp_path
        self.workers = []
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            # Every named queue collapses onto the private one: these workers must see the whole chain.
            "CELERY_EMAIL_QUEUE": self.queue,
            "CELERY_IMPORTS_QUEUE": self.queue,
            "EMAIL_URL": f"filemail:///{self.outbox}",
            "LOG_LEVEL": "WARNING",
            # A killed worker's claim comes back in seconds, not the production ten minutes.
            "OUTBOX_CLAIM_TIMEOUT_SECONDS": "5",
        }

    def start_worker(self):
        name = f"w{len(self.workers)}-{self.queue}@%h"
        log = open(self.logs / f"worker{len(self.workers)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "mentoring",
                "worker",
                "-Q",
                self.queue,
                "-n",
                name,
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in Path(log.name).read_text():
                return process
            if process.poll() is not None:
                pytest.fail(f"worker exited: {Path(log.name).read_text()[-2000:]}")
            time.sleep(0.2)
        pytest.fail("worker not ready within 60 s")

    def beat(self, check=True):
        """What Celery beat does every minute: enqueue the dispatcher."""
        result = subprocess.run(
            [
                CELERY,
                "-A",
                "mentoring",
                "call",
                "notifications.tasks.dispatch_notifications",
                "--queue",
                self.queue,
            ],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check:
            assert result.returncode == 0, result.stderr[-2000:]
        return result.returncode

    def sent_keys(self):
        keys = Counter()
        for path in self.outbox.iterdir():
            keys.update(KEY_HEADER.findall(path.read_text(errors="replace")))
        return keys

    def kill(self, process):
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self):
        for process in self.workers:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.kill(process)


@pytest.fixture
def cluster(transactional_db, tmp_path):
    cluster = Cluster(tmp_path, _redis_url())
    yield cluster
    cluster.stop()


def _sessions_due_now(organization, count):
    """``count`` sessions starting within the hour: each brings two one-hour reminders, due now."""
    pair = PairFactory(organization=organization)
    soon = timezone.now() + dt.timedelta(minutes=50)
    with tenant_context(organization):
        Session.objects.bulk_create(
            [
                Session(
                    organization=organization,
                    pair=pair,
                    starts_at=soon + dt.timedelta(seconds=index),
                    duration_minutes=30,
                )
                for index in range(count)
            ]
        )
    return 2 * count


def _pending():
    """Rows not yet delivered: due, or claimed by a worker (perhaps one that was killed)."""
    with unscoped("the test watches every organisation's rows"):
        return Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING]
        ).count()


def _planned_keys():
    with unscoped("the test compares with every organisation's rows"):
        return set(Notification.objects.values_list("key", flat=True))


def _wait(cluster, expected, timeout=180, beat_every=None):
    deadline = time.monotonic() + timeout
    last_beat = time.monotonic()
    while time.monotonic() < deadline:
        if sum(cluster.sent_keys().values()) >= expected and _pending() == 0:
            return
        if beat_every and time.monotonic() - last_beat > beat_every:
            cluster.beat()
            last_beat = time.monotonic()
        time.sleep(0.5)
    pytest.fail(
        f"not all sent in {timeout} s: {sum(cluster.sent_keys().values())}/{expected}, {_pending()} pending"
    )


def _assert_exactly_once(cluster, expected, allowed_duplicates=0):
    sent = cluster.sent_keys()
    planned = _planned_keys()
    lost = planned - set(sent)
    duplicates = sum(count - 1 for count in sent.values())
    print(f"planned={len(planned)} sent={sum(sent.values())} lost={len(lost)} duplicated={duplicates}")
    assert len(planned) == expected
    assert lost == set()
    assert duplicates <= allowed_duplicates
    return duplicates


def test_a_worker_sends_session_reminders_to_the_outbox(cluster, organization):
    expected = _sessions_due_now(organization, 5)
    cluster.start_worker()
    cluster.beat()
    _wait(cluster, expected, timeout=60)
    _assert_exactly_once(cluster, expected)
    assert all(key.startswith("session_reminder_1h:session:") for key in cluster.sent_keys())


def test_a_restarted_worker_sends_what_is_due_without_waiting_for_beat(cluster, organization):
    """No beat at all: the worker's own start triggers the dispatch (issue 19: restarts resume at once)."""
    expected = _sessions_due_now(organization, 5)
    started = time.monotonic()
    cluster.start_worker()
    _wait(cluster, expected, timeout=30)
    _assert_exactly_once(cluster, expected)
    print(f"drained {expected} rows {time.monotonic() - started:.1f} s after the worker started, no beat")


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_at_most_one(cluster, organization):
    expected = _sessions_due_now(organization, 500)
    worker = cluster.start_worker()
    cluster.beat()
    deadline = time.monotonic() + 120
    while sum(cluster.sent_keys().values()) < 200:
        assert time.monotonic() < deadline, "the worker never got going"
        time.sleep(0.05)
    cluster.kill(worker)
    assert _pending() > 0, "the batch finished before the kill: nothing was tested"
    cluster.start_worker()
    cluster.beat()
    _wait(cluster, expected, beat_every=5)
    duplicates = _assert_exactly_once(cluster, expected, allowed_duplicates=1)
    print(f"SIGKILL mid-batch of {expected}: 0 lost, {duplicates} duplicated (at most 1 per kill)")


def test_two_racing_dispatchers_send_nothing_twice(cluster, organization, other_organization):
    expected = _sessions_due_now(organization, 150) + _sessions_due_now(other_organization, 150)
    cluster.start_worker()
    cluster.start_worker()
    cluster.beat()
    cluster.beat()
    cluster.beat()
    _wait(cluster, expected)
    _assert_exactly_once(cluster, expected)


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of our own on another port, which this test may stop and start again."""
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is not installed")
    port = 6390

    def start():
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=port, socket_connect_timeout=1)
        for _ in range(50):
            try:
                client.ping()
                return process
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        pytest.fail("private redis did not start")

    state = {"process": start()}

    class Control:
        url = f"redis://127.0.0.1:{port}/0"

        def stop(self):
            state["process"].terminate()
            state["process"].wait(timeout=10)

        def start(self):
            state["process"] = start()

    yield Control()
    if state["process"].poll() is None:
        state["process"].terminate()
        state["process"].wait(timeout=10)


def test_redis_down_while_reminders_become_due_loses_nothing(
    transactional_db, tmp_path, private_redis, organization
):
    _database_url()
    cluster = Cluster(tmp_path, private_redis.url)
    try:
        cluster.start_worker()
        private_redis.stop()
        expected = _sessions_due_now(organization, 10)
        assert cluster.beat(check=False) != 0  # beat fires while Redis is down: that message is lost
        assert sum(cluster.sent_keys().values()) == 0
        private_redis.start()
        time.sleep(2)  # the worker reconnects on its own
        cluster.beat()
        _wait(cluster, expected, timeout=90, beat_every=10)
        _assert_exactly_once(cluster, expected)
    finally:
        cluster.stop()
