"""Nothing a person does fails, or waits long, because the broker is away (issue 19, item 4).

Every publish in the code base is caught (the rows are already safe: the dispatcher sends them), and a
publish to a Redis that refuses or hangs gives up within seconds. The worker test with a real Redis stopped
and started again is in test_worker_watch.py.
"""

import ast
import time
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from organizations.tenancy import tenant_context
from tests.factories import PairFactory, in_days
from tests.sessions.test_scheduling import _form_data

from .broker import SilentBroker, publishing_to
from .helpers import run_dispatcher
from .smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
PUBLISH = {"delay", "apply_async", "send_task"}
NOT_PROJECT = {".venv", "tests", "bench", "migrations", "node_modules", "staticfiles"}


def _publishes():
    for path in sorted(ROOT.rglob("*.py")):
        if NOT_PROJECT & set(path.relative_to(ROOT).parts):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        guarded = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any(_broad(handler) for handler in node.handlers):
                guarded |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in PUBLISH
            ):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", id(node) in guarded


def _broad(handler):
    return handler.type is None or (
        isinstance(handler.type, ast.Name) and handler.type.id in {"Exception", "BaseException"}
    )


def test_every_publish_in_the_code_base_survives_a_broker_error():
    publishes = dict(_publishes())
    assert publishes, "the walk found no .delay(): it is broken"
    assert [where for where, guarded in publishes.items() if not guarded] == []


@pytest.fixture
def pair(organization, mentor_user, mentee_user):
    return PairFactory(organization=organization, mentor__user=mentor_user, mentee__user=mentee_user)


def _schedule_through_the_page(client_for, pair, mentee_user, django_capture_on_commit_callbacks):
    url = reverse("session_schedule", kwargs={"org_slug": "acme", "pair_id": pair.pk})
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentee_user).post(url, _form_data(in_days(3)))
    return response, time.monotonic() - started


def _invitations(organization):
    with tenant_context(organization):
        return list(Notification.objects.filter(kind="session_invitation").values_list("status", flat=True))


def test_a_hung_broker_delays_scheduling_a_session_by_seconds_and_the_invitations_still_go(
    client_for, organization, pair, mentee_user, django_capture_on_commit_callbacks, caplog
):
    with SilentBroker() as broker, publishing_to(broker.url):
        response, seconds = _schedule_through_the_page(
            client_for, pair, mentee_user, django_capture_on_commit_callbacks
        )
    print(f"scheduling with a hung broker answered in {seconds:.2f} s")
    assert response.status_code == 302
    assert seconds < 6  # Celery's defaults waited as long as the broker hung (93 s measured)
    assert "could not enqueue delivery" in caplog.text
    assert _invitations(organization) == ["pending", "pending"]

    run_dispatcher()  # the broker is back: the next beat
    assert _invitations(organization) == ["sent", "sent"]
    assert len(mail.outbox) == 2


def test_a_refused_broker_delays_scheduling_a_session_by_less_than_a_second(
    client_for, organization, pair, mentee_user, django_capture_on_commit_callbacks
):
    with publishing_to(f"redis://127.0.0.1:{free_port()}/0"):
        response, seconds = _schedule_through_the_page(
            client_for, pair, mentee_user, django_capture_on_commit_callbacks
        )
    print(f"scheduling with a refused broker answered in {seconds:.2f} s")
    assert response.status_code == 302 and seconds < 2
    assert _invitations(organization) == ["pending", "pending"]
