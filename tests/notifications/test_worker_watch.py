"""Real workers, a real beat, Redis and a real SMTP server (aiosmtpd), under the faults of issue 19 that
watching covers: Redis down while a person schedules a session, and a worker and beat killed mid-drain.

Each test counts e-mails at the SMTP server, by their natural key (X-Binome-Key) and recipient: lost is a
planned key that never arrived, duplicated an extra copy of one. Run with PostgreSQL and Redis:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/binome_h19watch REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python -m pytest -p no:cacheprovider tests/notifications/test_worker_watch.py -s
"""

import os
import subprocess
import time

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from notifications.models import Notification
from organizations.tenancy import tenant_context, unscoped
from tests.factories import PairFactory, in_days
from tests.sessions.test_scheduling import _form_data

from .broker import PrivateRedis, publishing_to
from .test_worker import CELERY, ROOT, Cluster, _redis_url, _sessions_due_now

pytestmark = pytest.mark.worker


def _cluster(tmp_path, redis_url, smtp_server, queue=None):
    cluster = Cluster(tmp_path, redis_url)
    if queue:
        cluster.queue = queue
        for setting in ("CELERY_TASK_DEFAULT_QUEUE", "CELERY_EMAIL_QUEUE", "CELERY_IMPORTS_QUEUE"):
            cluster.env[setting] = queue
    cluster.env["EMAIL_URL"] = smtp_server.url
    cluster.env["EMAIL_TIMEOUT"] = "5"
    return cluster


def _planned_keys():
    with unscoped("the test compares with every organisation's rows"):
        return set(Notification.objects.values_list("key", flat=True))


def _pending():
    with unscoped("the test watches every organisation's rows"):
        return Notification.objects.filter(status=Notification.Status.PENDING).count()


def _tally(smtp_server, planned):
    received = smtp_server.by_key
    lost = planned - set(received)
    duplicated = sum(count - 1 for count in received.values())
    strangers = set(received) - planned
    return len(lost), duplicated, strangers


def _wait_for(smtp_server, planned, timeout, nudge=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if planned <= set(smtp_server.by_key) and _pending() == 0:
            return
        if nudge:
            nudge()
        time.sleep(0.5)
    lost, _duplicated, _strangers = _tally(smtp_server, planned)
    pytest.fail(f"{lost} of {len(planned)} never arrived in {timeout} s; {_pending()} rows pending")


def test_redis_down_while_a_person_schedules_a_session(
    transactional_db, tmp_path, smtp_server, client_for, organization, mentor_user, mentee_user
):
    """The page answers at once; once Redis and a worker are back, each invitation arrives exactly once."""
    redis = PrivateRedis().start()
    # This process publishes on its own Redis, to the queue its settings route e-mail delivery to.
    cluster = _cluster(tmp_path, redis.url, smtp_server, queue=settings.CELERY_EMAIL_QUEUE)
    pair = PairFactory(organization=organization, mentor__user=mentor_user, mentee__user=mentee_user)
    url = reverse("session_schedule", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    # Production's Redis is both the broker and the cache: both are down.
    cache_on_it = override_settings(
        CACHES={
            "default": {
                "BACKEND": "mentoring.cache.ResilientRedisCache",
                "LOCATION": redis.url,
                "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            }
        }
    )
    signed_in = client_for(mentee_user)
    try:
        redis.stop()
        with publishing_to(redis.url), cache_on_it:
            started = time.monotonic()
            response = signed_in.post(url, _form_data(in_days(3)))
            answered = time.monotonic() - started
        assert response.status_code == 302, response.content.decode()[:500]
        assert answered < 2, f"the page took {answered:.1f} s with Redis down"
        planned = _planned_keys()
        assert len(planned) == 2 and _pending() == 2

        redis.start()
        started = time.monotonic()
        cluster.start_worker()  # a worker that becomes ready dispatches what is due: no beat needed
        _wait_for(smtp_server, planned, timeout=60)
        drained = time.monotonic() - started
        time.sleep(3)  # anything sent twice would have arrived by now
        lost, duplicated, strangers = _tally(smtp_server, planned)
        print(
            f"Redis down while scheduling: page answered in {answered:.2f} s; {len(planned)} invitations, "
            f"{lost} lost, {duplicated} duplicated, delivered {drained:.1f} s after Redis and a worker came back"
        )
        assert (lost, duplicated, strangers) == (0, 0, set())
        assert sorted(smtp_server.by_recipient) == ["mentee@acme.example", "mentor@acme.example"]
        with tenant_context(organization):
            assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.SENT}
    finally:
        cluster.stop()
        redis.stop()


def _unsettled():
    """Rows still pending or claimed ("sending"): each must end sent."""
    with unscoped("the test watches every organisation's rows"):
        return Notification.objects.exclude(status=Notification.Status.SENT).count()


class Beat:
    """A real `celery beat` with its own schedule file; its start enqueues a dispatch (beat_init)."""

    def __init__(self, cluster, tmp_path):
        self.cluster = cluster
        self.tmp_path = tmp_path
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        log = open(self.tmp_path / f"beat{self.starts}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "mentoring",
                "beat",
                "-s",
                str(self.tmp_path / "beat-schedule"),
                "--pidfile=",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=self.cluster.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self.process

    def kill(self):
        self.cluster.kill(self.process)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.cluster.kill(self.process)


def test_a_worker_and_beat_killed_and_restarted_mid_drain_lose_nothing(
    transactional_db, tmp_path, smtp_server, organization, other_organization
):
    """Killed twice (worker and beat together, then the new worker alone): every e-mail arrives, at most one
    duplicate per killed worker process (the message the server had accepted when the kill came)."""
    expected = _sessions_due_now(organization, 200) + _sessions_due_now(other_organization, 150)
    cluster = _cluster(tmp_path, _redis_url(), smtp_server)
    # A row a killed worker held ("sending") is handed back by the dispatcher after this long: short here,
    # so the test also sees every row settled, not only every e-mail received.
    cluster.env["OUTBOX_CLAIM_TIMEOUT_SECONDS"] = "15"
    beat = Beat(cluster, tmp_path)
    killed_workers = 0
    started = time.monotonic()
    try:
        worker = cluster.start_worker()
        beat.start()

        def wait_until_received(count):
            deadline = time.monotonic() + 120
            while smtp_server.count < count:
                assert time.monotonic() < deadline, f"only {smtp_server.count} e-mails arrived"
                time.sleep(0.05)

        wait_until_received(150)
        cluster.kill(worker)
        beat.kill()
        killed_workers += 1
        assert _pending() > 0, "the drain finished before the kill: nothing was tested"
        at_first_kill = smtp_server.count

        beat.start()
        worker = cluster.start_worker()
        wait_until_received(at_first_kill + 200)
        cluster.kill(worker)
        killed_workers += 1
        assert _pending() > 0, "the drain finished before the second kill"

        cluster.start_worker()
        # The reminders are planned by the dispatcher as it goes: the full set is known once it has run.
        deadline = time.monotonic() + 120
        while len(_planned_keys()) < expected:
            assert time.monotonic() < deadline, f"only {len(_planned_keys())} of {expected} reminders planned"
            time.sleep(0.5)
        planned = _planned_keys()
        assert len(planned) == expected
        _wait_for(smtp_server, planned, timeout=240)
        drained = time.monotonic() - started
        deadline = time.monotonic() + 120
        while _unsettled():
            assert time.monotonic() < deadline, f"{_unsettled()} rows still claimed by a killed worker"
            cluster.beat()  # the dispatcher hands back expired claims
            time.sleep(5)
        settled = time.monotonic() - started
        time.sleep(3)
        lost, duplicated, strangers = _tally(smtp_server, planned)
        print(
            f"worker+beat killed, then the worker again, mid-drain of {expected} e-mails: {lost} lost, "
            f"{duplicated} duplicated (bound {killed_workers}), drained in {drained:.1f} s, every row settled "
            f"in {settled:.1f} s, "
            f"{beat.starts} beat starts, {os.cpu_count()} cores"
        )
        assert lost == 0 and strangers == set()
        assert duplicated <= killed_workers
    finally:
        beat.stop()
        cluster.stop()
