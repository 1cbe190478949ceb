"""`make run` ticks beat's schedule beside the web server, so the outbox works on a first run, and Ctrl-C
stops both (issue 12, item 9)."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from notifications import services
from notifications.management.commands.run_scheduler import Entry, Ticker, entries_from
from notifications.models import Notification
from organizations.tenancy import tenant_context
from pairing.notifications import PAIR_PUBLISHED
from tests.factories import PairFactory

from .helpers import rows

ROOT = Path(__file__).resolve().parents[2]


def _ticker(*entries, failing=()):
    ran = []

    def run(entry):
        ran.append(entry.name)
        if entry.name in failing:
            raise RuntimeError("the task failed")

    return Ticker(list(entries), run), ran


def test_every_entry_runs_at_start_then_at_its_interval():
    ticker, ran = _ticker(Entry("minute", "t.a", 60), Entry("hour", "t.b", 3600))
    assert ticker.tick(1000.0) == (["minute", "hour"], 60.0)
    assert ticker.tick(1030.0) == ([], 30.0)
    assert ticker.tick(1060.0) == (["minute"], 60.0)
    assert ticker.tick(4600.0)[0] == ["minute", "hour"]
    assert ran == ["minute", "hour", "minute", "minute", "hour"]


def test_the_ticker_reads_the_projects_schedule():
    from django.conf import settings

    names = {entry.name: entry for entry in entries_from(settings.CELERY_BEAT_SCHEDULE)}
    assert names["dispatch-notifications"].every == 60
    assert names["dispatch-notifications"].task == "notifications.tasks.dispatch_notifications"
    assert names["plan-periodic-notifications"].every == 3600


def test_a_timedelta_interval_is_read_and_a_crontab_is_refused_with_a_clear_message():
    assert entries_from({"a": {"task": "t", "schedule": timedelta(minutes=5)}})[0].every == 300
    with pytest.raises(ImproperlyConfigured, match="run `celery beat` for it"):
        entries_from({"nightly": {"task": "t", "schedule": crontab(hour=3)}})


def test_a_task_that_fails_is_logged_and_the_next_one_still_runs(db):
    from notifications.management.commands import run_scheduler

    ticker = Ticker(
        [Entry("broken", "no.such.task", 60), Entry("purge", "programmes.tasks.purge_old_imports", 60)],
        run_scheduler.run_task,
    )
    # Celery sets up its own logging when its tasks load: the logger itself is watched.
    with mock.patch.object(run_scheduler.logger, "exception") as logged:
        assert ticker.tick(0.0)[0] == ["broken", "purge"]
    assert logged.call_args.args[1:] == ("broken", "no.such.task")
    assert logged.call_count == 1


def test_the_scheduler_sends_what_is_due_without_a_broker(organization, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        services.plan(
            organization=organization,
            recipient=pair.mentor.user,
            kind=PAIR_PUBLISHED,
            key="pair-news",
            due_at=services.timezone.now(),
            object_id=pair.pk,
        )
    output = StringIO()
    call_command("run_scheduler", "--once", stdout=output)
    assert "Scheduler ran: " in output.getvalue() and "dispatch-notifications" in output.getvalue()
    (row,) = rows(organization, key="pair-news")
    assert row.status == Notification.Status.SENT
    assert [pair.mentor.user.email] in [message.to for message in mail.outbox]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill 0 until its parent reaps it: read its state.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _stand_in(tmp_path, name):
    """A process that writes its id and waits, standing for the server or the scheduler."""
    pid_file = tmp_path / f"{name}.pid"
    code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(120)"
    return pid_file, f'{sys.executable} -c "{code}"'


def _wait_for(path, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path.name} never started")


@pytest.mark.parametrize("stop", ["ctrl-c", "server-exits"])
def test_make_run_starts_the_scheduler_beside_the_server_and_stops_both(tmp_path, stop):
    server_pid_file, server = _stand_in(tmp_path, "server")
    scheduler_pid_file, scheduler = _stand_in(tmp_path, "scheduler")
    make = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"SERVER={server}", f"SCHEDULER={scheduler}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        server_pid, scheduler_pid = _wait_for(server_pid_file), _wait_for(scheduler_pid_file)
        assert _alive(server_pid) and _alive(scheduler_pid)
        if stop == "ctrl-c":
            os.killpg(make.pid, signal.SIGINT)  # what the terminal sends to the whole group
        else:
            os.kill(server_pid, signal.SIGTERM)
        make.wait(timeout=20)
        deadline = time.monotonic() + 10
        while (_alive(server_pid) or _alive(scheduler_pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(server_pid)
        assert not _alive(scheduler_pid)
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)


def test_make_run_runs_the_scheduler_with_the_venvs_python():
    dry_run = subprocess.run(
        ["make", "-n", "--no-print-directory", "serve"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert ".venv/bin/python manage.py run_scheduler &" in dry_run.stdout
    assert ".venv/bin/python manage.py runserver" in dry_run.stdout
