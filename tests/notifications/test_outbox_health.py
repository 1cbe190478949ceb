"""/healthz/outbox: how late the outbox is, as figures a monitor reads; no names, no organisations."""

import datetime as dt

import time_machine

from notifications import services
from notifications.models import Notification, OutboxPause
from organizations.tenancy import tenant_context
from pairing.notifications import PAIR_PUBLISHED
from tests.factories import PairFactory

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _due(organization, key, due_at, status=Notification.Status.PENDING):
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        services.plan(
            organization=organization,
            recipient=pair.mentor.user,
            kind=PAIR_PUBLISHED,
            key=key,
            due_at=due_at,
            object_id=pair.pk,
        )
        Notification.objects.filter(key=key).update(status=status)
    return pair


def test_an_empty_outbox_is_healthy(client, db):
    response = client.get("/healthz/outbox")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "oldest_due_seconds": 0, "failed": 0, "paused_until": None}
    assert "no-cache" in response["Cache-Control"]


def test_it_reports_the_oldest_due_row_of_any_organisation_and_the_failed_count(
    client, organization, other_organization, settings
):
    settings.OUTBOX_LAG_ALERT_SECONDS = 900
    pair = _due(other_organization, "late", NOW - dt.timedelta(minutes=20))
    _due(organization, "fresh", NOW - dt.timedelta(minutes=1))
    _due(organization, "later", NOW + dt.timedelta(hours=1))
    _due(organization, "gave-up", NOW - dt.timedelta(days=2), status=Notification.Status.FAILED)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/healthz/outbox")
    assert response.status_code == 503
    assert response.json() == {
        "status": "lagging",
        "oldest_due_seconds": 1200,
        "failed": 1,
        "paused_until": None,
    }
    body = response.content.decode()
    assert pair.mentor.user.email not in body and other_organization.slug not in body

    with time_machine.travel(NOW - dt.timedelta(minutes=10), tick=False):
        response = client.get("/healthz/outbox")
    assert (response.status_code, response.json()["status"]) == (200, "ok")


def test_it_shows_until_when_the_outbox_is_paused_while_the_relay_is_down(client, db):
    until = NOW + dt.timedelta(minutes=1)
    OutboxPause.objects.create(paused_since=NOW, paused_until=until, last_error="SMTPConnectError: 421")
    with time_machine.travel(NOW, tick=False):
        response = client.get("/healthz/outbox")
    assert response.json()["paused_until"] == until.isoformat()
    assert "421" not in response.content.decode()
