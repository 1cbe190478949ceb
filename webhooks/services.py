"""Endpoints HR registers, and the events planned for them in the outbox.

An event is planned as one outbox row per subscribed, active endpoint, in the transaction that changed
the domain (the lower apps send their signals inside it): the event exists if and only if the change
committed. Its id is derived from the organisation and the event's natural key, so planning it twice (a
retried task, a second signal) plans nothing new, and a receiver dedupes retries and resends by it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.services import enqueue_channel_delivery, plan_all, planned, resend
from organizations import audit
from organizations.audit import Action

from . import network
from .events import Event
from .models import Endpoint
from .secrets import decrypt, encrypt, new_secret

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User
    from organizations.models import Organization

WEBHOOK = Notification.Channel.WEBHOOK
# The outbox kind of every webhook row (declared in webhooks.delivery).
WEBHOOK_KIND = "webhook"
EVENT_NAMESPACE = uuid.UUID("8d0f2a52-54a4-4b8e-9a51-3c1b6b3f2f6e")
MAX_ENDPOINTS = 20


# Endpoints -----------------------------------------------------------------------------------------


def _validate(*, url: str, events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    unknown = set(chosen) - set(Event.values)
    if unknown:
        raise ValidationError({"events": _("Unknown event.")})
    try:
        network.resolve(url)
    except network.RefusedDestination as error:
        raise ValidationError({"url": str(error)}) from error
    return chosen


@dataclass(frozen=True)
class NewSecret:
    endpoint: Endpoint
    secret: str


@transaction.atomic
def create_endpoint(
    *,
    organization: Organization,
    url: str,
    description: str = "",
    events: Iterable[str],
    created_by: User | None,
    request: HttpRequest | None = None,
) -> NewSecret:
    """Register an endpoint (active) with a new signing secret, returned once, in clear, to show HR."""
    chosen = _validate(url=url, events=events)
    if Endpoint.objects.count() >= MAX_ENDPOINTS:
        raise ValidationError(
            _("An organisation has at most %(count)s endpoints.") % {"count": MAX_ENDPOINTS}
        )
    secret = new_secret()
    endpoint = Endpoint(
        organization=organization,
        url=url,
        description=description.strip(),
        events=chosen,
        secret=encrypt(secret),
        secret_hint=secret[:12],
        created_by=created_by,
    )
    endpoint.full_clean(exclude=["secret", "secret_hint"])
    endpoint.save()
    audit.record(
        Action.WEBHOOK_CREATED,
        organization=organization,
        actor=created_by,
        target=endpoint,
        details={"url": url, "events": chosen},
        request=request,
    )
    return NewSecret(endpoint=endpoint, secret=secret)


@transaction.atomic
def update_endpoint(
    *,
    endpoint: Endpoint,
    url: str,
    description: str,
    events: Iterable[str],
    is_active: bool,
    by: User | None,
    request: HttpRequest | None = None,
) -> Endpoint:
    """Change an endpoint's URL, description, events, or pause / resume it (resuming clears the reason
    Binôme paused it for)."""
    chosen = _validate(url=url, events=events)
    before = {"url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
    endpoint.url, endpoint.description, endpoint.events = url, description.strip(), chosen
    if is_active and not endpoint.is_active:
        endpoint.disabled_reason = ""
    endpoint.is_active = is_active
    endpoint.full_clean(exclude=["secret", "secret_hint"])
    endpoint.save()
    after = {"url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
    changed = {
        name: {"from": before[name], "to": after[name]} for name in before if before[name] != after[name]
    }
    audit.record(
        Action.WEBHOOK_CHANGED,
        organization=endpoint.organization,
        actor=by,
        target=endpoint,
        details={"changed": changed},
        request=request,
    )
    return endpoint


@transaction.atomic
def rotate_secret(*, endpoint: Endpoint, by: User | None, request: HttpRequest | None = None) -> NewSecret:
    """A new signing secret, returned once; the old one still signs deliveries, alongside it, for
    ``WEBHOOKS_PREVIOUS_SECRET_HOURS``."""
    secret = new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = timezone.now() + timedelta(hours=settings.WEBHOOKS_PREVIOUS_SECRET_HOURS)
    endpoint.secret, endpoint.secret_hint = encrypt(secret), secret[:12]
    endpoint.save(
        update_fields=["secret", "secret_hint", "previous_secret", "previous_secret_until", "updated_at"]
    )
    audit.record(
        Action.WEBHOOK_CHANGED,
        organization=endpoint.organization,
        actor=by,
        target=endpoint,
        details={"secret": "rotated"},
        request=request,
    )
    return NewSecret(endpoint=endpoint, secret=secret)


@transaction.atomic
def delete_endpoint(*, endpoint: Endpoint, by: User | None, request: HttpRequest | None = None) -> None:
    """Remove the endpoint; its undelivered events are skipped, and its deliveries stay in the outbox's
    history (they name the endpoint by id only)."""
    Notification.objects.filter(
        channel=WEBHOOK, object_id=endpoint.pk, status=Notification.Status.PENDING
    ).update(status=Notification.Status.SKIPPED, skip_reason="endpoint removed")
    audit.record(
        Action.WEBHOOK_DELETED,
        organization=endpoint.organization,
        actor=by,
        target=endpoint,
        details={"url": endpoint.url},
        request=request,
    )
    endpoint.delete()


def signing_secrets(endpoint: Endpoint, *, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one for a while."""
    secrets = [decrypt(endpoint.secret)]
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > now:
        secrets.append(decrypt(endpoint.previous_secret))
    return secrets


def disable_endpoint(*, endpoint: Endpoint, reason: str) -> None:
    """Binôme pauses an endpoint whose receiver said it is gone for good (410); HR resumes it."""
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_reason=reason[:200])
    audit.record(
        Action.WEBHOOK_CHANGED,
        organization=endpoint.organization,
        target=endpoint,
        details={"changed": {"is_active": {"from": True, "to": False}}, "reason": reason[:200]},
    )


@transaction.atomic
def resend_delivery(*, delivery: Notification, by: User | None, request: HttpRequest | None = None) -> bool:
    """Send one delivery again, with the same event id (a receiver that processed it may ignore it).
    False when it is still on its way."""
    endpoint = Endpoint.objects.filter(pk=delivery.object_id or 0).first()
    if endpoint is None:
        raise ValidationError(_("This endpoint was removed."))
    if not endpoint.is_active:
        raise ValidationError(_("Resume the endpoint before resending to it."))
    queued = resend(rows=Notification.objects.filter(pk=delivery.pk, channel=WEBHOOK))
    if queued:
        audit.record(
            Action.WEBHOOK_RESENT,
            organization=endpoint.organization,
            actor=by,
            target=endpoint,
            details={"delivery": delivery.pk, "event_id": delivery.data.get("event_id", "")},
            request=request,
        )
        enqueue_channel_delivery(endpoint.organization_id, WEBHOOK)
    return bool(queued)


# Events ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One event to plan: its type, natural key (e.g. ``pair:12``) and payload data (ids, dates,
    statuses and counts only)."""

    event: str
    key: str
    data: dict[str, Any]


def event_id(organization: Organization, event: str, key: str) -> str:
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{organization.pk}:{event}:{key}"))


def emit(
    *,
    organization: Organization,
    occurrences: Sequence[Occurrence],
    created_before: datetime | None = None,
) -> int:
    """Plan every occurrence for each active endpoint that subscribed to its type: one insert whatever
    their number, delivered once the transaction commits. Returns how many rows were planned (or found
    planned already).

    ``created_before``: only endpoints registered before then (an event about the past, such as a survey
    window found closed, is not sent to an endpoint added later).
    """
    if not occurrences:
        return 0
    active = Endpoint.objects.filter(is_active=True)
    if created_before is not None:
        active = active.filter(created_at__lte=created_before)
    endpoints = list(active.only("pk", "events"))
    if not endpoints:
        return 0
    now = timezone.now()
    rows = []
    for occurrence in occurrences:
        identifier = event_id(organization, occurrence.event, occurrence.key)
        payload = {
            "id": identifier,
            "type": occurrence.event,
            "created_at": now.isoformat(),
            "organization": {"id": organization.pk, "slug": organization.slug},
            "data": occurrence.data,
        }
        for endpoint in endpoints:
            if not endpoint.subscribes_to(occurrence.event):
                continue
            rows.append(
                planned(
                    organization=organization,
                    channel=WEBHOOK,
                    kind=WEBHOOK_KIND,
                    key=f"webhook:{identifier}:endpoint:{endpoint.pk}",
                    due_at=now,
                    object_id=endpoint.pk,
                    data={"event_id": identifier, "event": occurrence.event, "payload": payload},
                )
            )
    if rows:
        plan_all(rows)
        enqueue_channel_delivery(organization.pk, WEBHOOK)
    return len(rows)
