"""Celery tasks: one periodic dispatcher fans out one task per organisation.

Far-future work is never an ETA or countdown task (the Redis broker redelivers those after its
visibility timeout): due messages are rows, found by the dispatcher every minute.
"""

import logging

from celery import shared_task
from celery.signals import beat_init, worker_ready
from django.db import OperationalError
from django.utils import timezone

from organizations.models import Organization
from organizations.tasks import in_tenant

from . import selectors, services, watching
from .models import Notification
from .registry import CHANNELS, DISPATCH_PLANNERS, PERIODIC_PLANNERS

logger = logging.getLogger(__name__)

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(acks_late=True, ignore_result=True)
def dispatch_notifications():
    """Every minute: which organisations have something due or to plan? One task for each.

    Rows claimed by a worker that vanished go back to the queue first, so they are part of the scan.
    """
    now = timezone.now()
    services.release_stale_claims(now=now)
    organization_ids = selectors.organizations_with_work(now=now)
    _fan_out(process_organization, organization_ids)
    return len(organization_ids)


@shared_task(acks_late=True, ignore_result=True)
def watch_outbox():
    """Every minute: e-mail staff if the outbox lags (straight to SMTP, never through the outbox)."""
    return watching.watch_outbox_lag()


@worker_ready.connect
def dispatch_when_a_worker_is_ready(sender=None, **kwargs):
    """A worker that (re)starts sends what is due at once, instead of waiting for beat's next tick."""
    _dispatch_now("a worker is ready")


@beat_init.connect
def dispatch_when_beat_starts(sender=None, **kwargs):
    """Beat's first scheduled dispatch comes a minute after it starts: dispatch at start as well."""
    _dispatch_now("beat started")


def _dispatch_now(why):
    try:
        dispatch_notifications.delay()
    except Exception:  # noqa: BLE001 - a broker still away: the rows stay due, beat tries again.
        logger.warning("could not enqueue a dispatch (%s): the next beat tick will", why, exc_info=True)


def _fan_out(task, organization_ids):
    """One task per organisation; one that fails (or a broker that refuses it) never stops the others.

    Run eagerly (locally, in tests, ``process_due_notifications``), a task's exception would otherwise
    end the loop and leave every later organisation waiting.
    """
    for organization_id in organization_ids:
        try:
            task.delay(organization_id)
        except Exception:  # noqa: BLE001 - logged; the rows stay due and the next run tries again.
            logger.exception("%s failed for organisation %s", task.name, organization_id)


@shared_task(**RETRY)
@in_tenant
def process_organization(organization):
    now = timezone.now()
    for planner in DISPATCH_PLANNERS:
        planner.plan(organization=organization, now=now)
    # Webhooks go on a queue of their own: a slow receiver never holds back an e-mail.
    for channel in CHANNELS:
        if selectors.has_due(now=now, channel=channel):
            _enqueue_channel(organization.pk, channel)
    return _deliver_and_continue(organization)


@shared_task(**RETRY)
@in_tenant
def deliver_notifications(organization):
    return _deliver_and_continue(organization)


def _deliver_and_continue(organization):
    """Deliver one batch; if more rows are due, hand over to a fresh task (never an ETA)."""
    delivered = services.deliver_due(organization=organization)
    # While the relay is paused the rows stay due: handing over would spin until the pause ends.
    email = Notification.Channel.EMAIL
    if selectors.has_due(now=timezone.now(), channel=email) and not selectors.outbox_paused(
        now=timezone.now()
    ):
        try:
            deliver_notifications.delay(organization.pk)
        except Exception:  # noqa: BLE001 - the broker went away mid-drain: the rows stay due, beat resumes.
            logger.warning(
                "could not hand over the rest of organisation %s's outbox", organization.pk, exc_info=True
            )
    return delivered


@shared_task(**RETRY)
@in_tenant
def deliver_channel(organization, channel):
    """Deliver one batch of the organisation's rows of ``channel`` (webhooks); hand over if more are due."""
    delivered = services.deliver_channel_due(organization=organization, channel=channel)
    if selectors.has_due(now=timezone.now(), channel=channel):
        _enqueue_channel(organization.pk, channel)
    return delivered


def _enqueue_channel(organization_id, channel):
    try:
        deliver_channel.delay(organization_id, channel)
    except Exception:  # noqa: BLE001 - the broker went away: the rows stay due, beat resumes.
        logger.warning("could not enqueue organisation %s's %s rows", organization_id, channel, exc_info=True)


@shared_task(acks_late=True, ignore_result=True)
def plan_periodic_notifications():
    """Every hour: inactivity nudges, surveys due, the weekly digest, for each organisation."""
    organization_ids = list(Organization.objects.values_list("pk", flat=True))
    _fan_out(plan_organization, organization_ids)
    return len(organization_ids)


@shared_task(**RETRY)
@in_tenant
def plan_organization(organization):
    now = timezone.now()
    for planner in PERIODIC_PLANNERS:
        planner(organization, now)
    return services.deliver_due(organization=organization)


def run_everything_now():
    """What the worker and beat do, in this process: for ``manage.py process_due_notifications``."""
    for organization_id in Organization.objects.values_list("pk", flat=True):
        for task in (plan_organization, process_organization):
            try:
                task(organization_id)
            except Exception:  # noqa: BLE001 - as in _fan_out: the next organisation still gets its turn.
                logger.exception("%s failed for organisation %s", task.name, organization_id)
        for channel in CHANNELS:
            try:
                deliver_channel(organization_id, channel)
            except Exception:  # noqa: BLE001 - as above.
                logger.exception("%s delivery failed for organisation %s", channel, organization_id)
