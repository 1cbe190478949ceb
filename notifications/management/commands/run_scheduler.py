"""Beat's schedule, ticked in this process: what `make run` starts beside the web server.

The local default has no broker (tasks run eagerly, ``CELERY_TASK_ALWAYS_EAGER``), so ``celery beat``
would have nowhere to send its tasks. This command reads the same ``CELERY_BEAT_SCHEDULE`` and calls each
task when it is due: eagerly without a broker, through the broker when there is one. Every entry runs once
at start, so a fresh demo sends what is due at once instead of a minute (or an hour) later.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


@dataclass
class Entry:
    name: str
    task: str
    every: float  # seconds
    args: tuple = ()
    kwargs: dict | None = None


def entries_from(schedule):
    """The schedule's entries; only fixed intervals (seconds or timedelta), which is all Binôme declares."""
    entries = []
    for name, entry in schedule.items():
        every = entry["schedule"]
        if isinstance(every, timedelta):
            every = every.total_seconds()
        if not isinstance(every, int | float) or every <= 0:
            raise ImproperlyConfigured(
                f"CELERY_BEAT_SCHEDULE[{name!r}] is not a fixed interval: run `celery beat` for it."
            )
        entries.append(
            Entry(name, entry["task"], float(every), tuple(entry.get("args", ())), entry.get("kwargs"))
        )
    return entries


class Ticker:
    """Which entries are due at a moment (a monotonic clock, in seconds), each run once per interval."""

    def __init__(self, entries, run):
        self.entries = entries
        self.run = run
        self.next_at = {entry.name: None for entry in entries}  # None: due now, at the first tick

    def tick(self, now):
        """Run what is due; returns the names run and the seconds until the next entry is due."""
        ran = []
        for entry in self.entries:
            due = self.next_at[entry.name]
            if due is None or due <= now:
                self.next_at[entry.name] = now + entry.every
                self.run(entry)
                ran.append(entry.name)
        return ran, max(0.0, min(self.next_at.values()) - now)


def _close_old_connections():
    # As Celery does around each task. Never inside a transaction (a test's): closing would end it.
    if not connection.in_atomic_block:
        close_old_connections()


def run_task(entry):
    """Call the entry's task; one that fails is logged and retried at its next interval, never stopping
    the others (the outbox's rows stay due)."""
    _close_old_connections()
    try:
        current_app.loader.import_default_modules()
        current_app.tasks[entry.task].apply_async(args=entry.args, kwargs=entry.kwargs or {})
    except Exception:  # noqa: BLE001 - any task error: logged, the schedule goes on
        logger.exception("scheduled task %s (%s) failed", entry.name, entry.task)
    finally:
        _close_old_connections()


class Command(BaseCommand):
    help = (
        "Run CELERY_BEAT_SCHEDULE in this process (reminders, surveys, digests, rotations, purges) until "
        "interrupted: every entry at start, then each at its interval. For local development without a "
        "broker; `make run` starts it beside the web server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every entry once and exit")

    def handle(self, *args, **options):
        ticker = Ticker(entries_from(settings.CELERY_BEAT_SCHEDULE), run_task)
        eager = " (tasks run in this process)" if settings.CELERY_TASK_ALWAYS_EAGER else ""
        self.stdout.write(f"Scheduler started{eager}: {', '.join(entry.name for entry in ticker.entries)}.")
        try:
            while True:
                ran, wait = ticker.tick(time.monotonic())
                if ran:
                    self.stdout.write(f"Scheduler ran: {', '.join(ran)}.")
                if options["once"]:
                    return
                time.sleep(wait)
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")
