"""Celery beat that sends each scheduled task once per period, however many beats are running.

Beat must run as one process, but a deploy that briefly overlaps two (a rolling restart, a second
replica scaled by mistake) would otherwise enqueue every periodic task twice. Before sending, each beat
claims the entry's current period (``schedule`` seconds since the epoch, floored) with an atomic
``cache.add`` (Redis ``SET NX`` in production); only the beat that wins sends, the other logs and skips.
The claim expires with its period, so a beat that dies hands over at the next one.
"""

import logging
import time

from celery.beat import PersistentScheduler, ScheduleEntry
from django.core.cache import cache

logger = logging.getLogger(__name__)

KEY_PREFIX = "beat-tick"


# A crontab has no fixed period; it fires at most once a minute, its finest resolution.
CRONTAB_PERIOD_SECONDS = 60.0


def period_seconds(entry: ScheduleEntry) -> float:
    """How long one period of the entry lasts: ``run_every`` for an interval, a minute for a crontab."""
    run_every = getattr(entry.schedule, "run_every", None)
    return max(run_every.total_seconds(), 1.0) if run_every is not None else CRONTAB_PERIOD_SECONDS


def claim_tick(entry: ScheduleEntry, *, now: float | None = None) -> bool:
    """True for the first beat to claim this entry's current period, False for any other."""
    period = period_seconds(entry)
    now = time.time() if now is None else now
    slot = int(now // period)
    # The claim outlives its period a little: a beat whose clock lags must not find it gone and resend.
    return cache.add(f"{KEY_PREFIX}:{entry.name}:{slot}", "1", timeout=int(period) + 60)


class SingleBeatScheduler(PersistentScheduler):
    def apply_entry(self, entry, producer=None):
        if not claim_tick(entry):
            logger.info("beat: %s already sent for this period by another beat, skipped", entry.name)
            return
        super().apply_entry(entry, producer=producer)
