"""The outbox under faults, with real Celery workers on Redis and PostgreSQL and a real SMTP server.

Each test starts workers as tests/notifications/test_worker.py does, but their e-mail goes over SMTP to
the aiosmtpd server of tests/notifications/smtp.py, which the test makes hang, refuse or accept. Every
e-mail carries a Message-ID derived from its row, and the server counts by it: a message lost is a
planned row with no Message-ID received, a duplicate is a Message-ID received twice. Beat is played
by the test (`celery call`), every second or two instead of every minute.
"""

import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from notifications.models import Notification
from organizations.tenancy import unscoped

from .test_worker import CELERY, ROOT, Cluster, _database_url, _redis_url, _sessions_due_now

pytestmark = pytest.mark.worker

TASK_TIME = re.compile(r"Task notifications\.tasks\.\w+\[[\w-]+\] (?:succeeded|retry|raised)\w* in ([\d.]+)s")


class SMTPCluster(Cluster):
    """Workers whose e-mail goes to the test's SMTP server, with the outbox's clocks shortened."""

    def __init__(self, tmp_path, redis_url, smtp_server, **settings):
        super().__init__(tmp_path, redis_url)
        self.smtp = smtp_server
        self.env.update(
            {
                "EMAIL_URL": smtp_server.url,
                "EMAIL_TIMEOUT": "2",
                "OUTBOX_PROBE_CAP_SECONDS": "1",
                "LOG_LEVEL": "INFO",
                **{name: str(value) for name, value in settings.items()},
            }
        )

    def start_worker(self, pool="solo"):
        if pool == "solo":
            return super().start_worker()
        index = len(self.workers)
        log_path = self.logs / f"worker{index}.log"
        log = open(log_path, "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "mentoring",
                "worker",
                "-Q",
                self.queue,
                "-n",
                f"w{index}-{self.queue}@%h",
                f"--pool={pool}",
                "--concurrency=1",
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
        while "ready." not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"worker not ready: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)
        return process

    def task_seconds(self):
        """How long each notification task ran, from the workers' own logs."""
        return [
            float(seconds)
            for path in self.logs.glob("worker*.log")
            for seconds in TASK_TIME.findall(path.read_text())
        ]


@pytest.fixture
def faults(transactional_db, tmp_path, smtp_server):
    made = []

    def cluster(**settings):
        made.append(SMTPCluster(tmp_path, _redis_url(), smtp_server, **settings))
        return made[-1]

    yield cluster
    for each in made:
        each.stop()


def _rows():
    with unscoped("the test watches every organisation's rows"):
        return list(Notification.objects.values("key", "status", "attempts", "failing_since"))


def _message_ids():
    with unscoped("the test compares with every organisation's rows"):
        return {row.message_id for row in Notification.objects.all()}


def _unsent():
    with unscoped("the test watches every organisation's rows"):
        return Notification.objects.exclude(status=Notification.Status.SENT).count()


def _drain(cluster, expected, *, timeout, beat_every=1.0):
    """Beat until every planned row is sent and the server has a Message-ID for each; seconds it took."""
    started = time.monotonic()
    last_beat = 0.0
    while time.monotonic() - started < timeout:
        if (
            len(_message_ids()) == expected
            and _unsent() == 0
            and cluster.smtp.message_ids() >= _message_ids()
        ):
            return time.monotonic() - started
        if time.monotonic() - last_beat > beat_every:
            cluster.beat()
            last_beat = time.monotonic()
        time.sleep(0.2)
    pytest.fail(f"not drained in {timeout} s: {cluster.smtp.count}/{expected} received, {_unsent()} unsent")


def _assert_once(cluster, expected, allowed_duplicates=0):
    planned = _message_ids()
    received = cluster.smtp.message_ids()
    lost = planned - received
    duplicates = cluster.smtp.duplicates()
    print(f"planned={len(planned)} received={cluster.smtp.count} lost={len(lost)} duplicated={duplicates}")
    assert len(planned) == expected
    assert lost == set()
    assert received <= planned
    assert duplicates <= allowed_duplicates
    return duplicates


def _beat_for(cluster, seconds, every=1.0, watch=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cluster.beat()
        pause = time.monotonic() + every
        while time.monotonic() < pause:
            if watch:
                watch()
            time.sleep(0.1)


def _wait_planned(cluster, expected, timeout=30):
    """The dispatcher plans the reminders: wait until they are rows."""
    deadline = time.monotonic() + timeout
    while len(_message_ids()) < expected:
        assert time.monotonic() < deadline, f"only {len(_message_ids())}/{expected} planned"
        cluster.beat()
        time.sleep(0.5)


class Transactions:
    """Watches the workers' PostgreSQL backends: the longest any stayed idle inside a transaction."""

    def __init__(self):
        self.idle_since = {}
        self.longest = 0.0
        self.own = _backend_pid()

    def __call__(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, state FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s",
                [self.own],
            )
            states = dict(cursor.fetchall())
        now = time.monotonic()
        for pid, state in states.items():
            if state == "idle in transaction":
                since = self.idle_since.setdefault(pid, now)
                self.longest = max(self.longest, now - since)
            else:
                self.idle_since.pop(pid, None)


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_hung_relay_holds_no_worker_or_lock_longer_than_the_timeout_and_loses_nothing(
    faults, organization, other_organization
):
    _database_url()
    cluster = faults()
    expected = _sessions_due_now(organization, 20) + _sessions_due_now(other_organization, 20)
    cluster.smtp.hang()
    cluster.start_worker()
    _wait_planned(cluster, expected)
    watch = Transactions()
    _beat_for(cluster, 15, every=1.0, watch=watch)
    assert cluster.smtp.count == 0 and cluster.smtp.connections >= 2  # probes met the silence
    assert watch.longest < 1.0, f"a backend sat idle in a transaction for {watch.longest:.1f} s"
    longest_task = max(cluster.task_seconds())
    # Planning included, on a loaded machine: far less than the 15 s the relay hung.
    assert longest_task < 7, f"a task ran {longest_task:.1f} s against a hung relay (EMAIL_TIMEOUT 2 s)"
    assert {row["attempts"] for row in _rows()} == {0}
    cluster.smtp.accept()
    seconds = _drain(cluster, expected, timeout=40)
    _assert_once(cluster, expected)
    print(
        f"hung 15 s: longest task {longest_task:.1f} s, longest open transaction {watch.longest:.2f} s; "
        f"{expected} sent {seconds:.1f} s after the relay answered"
    )


def test_a_relay_refusing_longer_than_the_old_attempt_cap_pauses_and_every_message_goes_once(
    faults, organization, other_organization
):
    """The old cap was 6 attempts; with 1 s backoff steps 20 s of refusals would have failed every row."""
    _database_url()
    cluster = faults(OUTBOX_BACKOFF_CAP_SECONDS=1)
    expected = _sessions_due_now(organization, 10) + _sessions_due_now(other_organization, 10)
    cluster.smtp.refuse()
    cluster.start_worker()
    _wait_planned(cluster, expected)
    _beat_for(cluster, 20, every=1.0)
    tries = cluster.smtp.transactions
    rows = _rows()
    assert {row["status"] for row in rows} == {Notification.Status.PENDING}
    assert {(row["attempts"], row["failing_since"]) for row in rows} == {(0, None)}
    assert tries <= 30, f"{tries} SMTP transactions in 20 s: the pause should allow about one a second"
    cluster.smtp.accept()
    seconds = _drain(cluster, expected, timeout=40)
    _assert_once(cluster, expected)
    assert {row["attempts"] for row in _rows()} == {1}
    print(f"refused 20 s ({tries} tries for {expected} rows); all sent {seconds:.1f} s after it accepted")


class Killer(threading.Thread):
    """Terminates every backend of the test database but the test's own, every ``every`` seconds."""

    def __init__(self, every):
        super().__init__(daemon=True)
        self.every = every
        self.kills = 0
        self.stopped = threading.Event()
        self.spared = _backend_pid()
        settings = connection.settings_dict
        self.dsn = {
            "dbname": settings["NAME"],
            "user": settings["USER"] or "postgres",
            "password": settings["PASSWORD"] or None,
            "host": settings["HOST"] or "127.0.0.1",
            "port": settings["PORT"] or 5432,
        }

    def run(self):
        own = psycopg2.connect(**{key: value for key, value in self.dsn.items() if value is not None})
        own.autocommit = True
        try:
            while not self.stopped.wait(self.every):
                with own.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s"
                        " AND backend_type = 'client backend'",
                        [self.spared],
                    )
                    self.kills += cursor.fetchone()[0]
        finally:
            own.close()


def test_database_connections_killed_again_and_again_lose_and_duplicate_nothing(faults, organization):
    _database_url()
    cluster = faults()
    expected = _sessions_due_now(organization, 75)
    cluster.smtp.refuse()  # nothing goes out while the rows are planned
    cluster.start_worker()
    _wait_planned(cluster, expected)
    cluster.smtp.accept()
    killer = Killer(every=0.5)
    killer.start()
    try:
        seconds = _drain(cluster, expected, timeout=80, beat_every=3)
    finally:
        killer.stopped.set()
        killer.join()
    duplicates = _assert_once(cluster, expected)
    assert killer.kills >= 5, f"only {killer.kills} connections killed: nothing was tested"
    print(
        f"{killer.kills} worker connections killed while {expected} drained in {seconds:.1f} s: 0 lost, {duplicates} duplicated"
    )


def _children(pid):
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_a_worker_child_killed_mid_drain_loses_nothing_and_duplicates_at_most_one_per_kill(
    faults, organization
):
    _database_url()
    cluster = faults(OUTBOX_CLAIM_TIMEOUT_SECONDS=5)
    expected = _sessions_due_now(organization, 100)
    cluster.smtp.refuse()
    master = cluster.start_worker(pool="prefork")
    _wait_planned(cluster, expected)
    cluster.smtp.accept()
    cluster.beat()
    kills = 0
    deadline = time.monotonic() + 40
    for threshold in (40, 90, 140):
        while cluster.smtp.count < threshold:
            assert time.monotonic() < deadline, f"stuck at {cluster.smtp.count} received"
            time.sleep(0.02)
        for child in _children(master.pid):
            os.kill(child, signal.SIGKILL)
            kills += 1
    assert kills >= 3 and _unsent() > 0, "the drain finished before the kills: nothing was tested"
    seconds = _drain(cluster, expected, timeout=40, beat_every=2)
    duplicates = _assert_once(cluster, expected, allowed_duplicates=kills)
    print(
        f"{kills} worker children SIGKILLed mid-drain of {expected}: 0 lost, {duplicates} duplicated, drained {seconds:.1f} s after the last kill"
    )
