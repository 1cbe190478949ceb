"""Celery's routing table: reminders and invitations on ``email``, imports on ``imports``, the rest on
``default``, and docker-compose runs a worker for each, so that a large import never delays a reminder."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from mentoring.celery import app

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = (
    "organizations",
    "accounts",
    "notifications",
    "programmes",
    "pairing",
    "sessions",
    "surveys",
    "webhooks",
    "dashboards",
)

EXPECTED = {
    "notifications.tasks.process_organization": "email",
    "notifications.tasks.deliver_notifications": "email",
    "notifications.tasks.plan_organization": "email",
    "organizations.tasks.send_invitation_email": "email",
    "sessions.tasks.send_session_invitations": "email",
    "dashboards.tasks.send_nudge_email": "email",
    # Webhook deliveries: a slow receiver holds a worker of its own queue, never one of ``email``.
    "notifications.tasks.deliver_channel": "webhooks",
    "programmes.tasks.send_import_invitations": "imports",
    "programmes.tasks.purge_old_imports": "imports",
    "notifications.tasks.dispatch_notifications": "default",
    "notifications.tasks.plan_periodic_notifications": "default",
    "pairing.tasks.open_due_rotation_rounds": "default",
    "pairing.tasks.open_rotation_rounds_for_organization": "default",
    # The lag alert: on the default queue, so that a backed-up e-mail queue does not hold it back.
    "notifications.tasks.watch_outbox": "default",
    # The audit trail's daily purge: short batched deletes, nothing that waits behind e-mail or imports.
    "organizations.tasks.purge_audit_events": "default",
}


def _queue(task_name):
    return app.amqp.router.route({}, task_name)["queue"].name


def _project_tasks():
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if name.split(".")[0] in PROJECT_APPS)


@pytest.mark.parametrize(("task_name", "queue"), sorted(EXPECTED.items()))
def test_each_task_goes_to_its_queue(task_name, queue):
    assert _queue(task_name) == queue


def test_every_project_task_has_a_decided_queue():
    """A new task must be placed on purpose: add it to EXPECTED (and to CELERY_TASK_ROUTES if not default)."""
    assert _project_tasks() == sorted(EXPECTED)


def test_an_import_never_shares_a_queue_with_reminders():
    assert _queue("programmes.tasks.send_import_invitations") != _queue(
        "notifications.tasks.deliver_notifications"
    )


def test_beat_sends_its_entries_where_a_worker_listens():
    queues = {_queue(entry["task"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert queues <= set(_compose_worker_queues())


def _compose_worker_queues():
    compose = (ROOT / "docker-compose.yml").read_text()
    return [
        queue
        for found in re.findall(r"celery -A mentoring worker -Q (\S+)", compose)
        for queue in found.split(",")
    ]


def test_compose_runs_a_worker_for_every_queue():
    assert sorted(_compose_worker_queues()) == ["default", "email", "imports", "webhooks"]
