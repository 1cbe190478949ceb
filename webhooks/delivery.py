"""The outbox's webhook channel: one claimed row is one signed POST to one endpoint.

2xx: delivered. 410 Gone: the receiver says the endpoint is gone for good, so Binôme pauses it and the row
fails at once (HR resumes the endpoint and resends). Any other answer, a timeout or a network error: the
outbox retries the row with backoff for ``OUTBOX_RETRY_HOURS``, then shows it as failed with its last
error. A URL that now resolves inside a private network fails at once, never sent.

The body is the payload stored when the event was planned, serialised the same way at every try; the
signature's timestamp is the moment of the try. A worker killed after the receiver answered but before the
row was marked sent leaves a claim that the outbox hands back: that one delivery goes twice, with the same
``Binome-Event-Id``, which is what a receiver dedupes on.
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.registry import PermanentFailure, delivery_channel, notification_kind

from . import network
from .models import Endpoint
from .secrets import EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signature_header
from .services import WEBHOOK_KIND, disable_endpoint, signing_secrets

WEBHOOK_DELIVERY = notification_kind(
    WEBHOOK_KIND, _("Webhook delivery"), position=900, roles=frozenset(), mutable=False
)


class ReceiverError(Exception):
    """The receiver answered, but not with a 2xx: retried."""


def body_of(row: Notification) -> bytes:
    return json.dumps(row.data["payload"], ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


@delivery_channel(Notification.Channel.WEBHOOK, kind=WEBHOOK_DELIVERY)
def send_webhook(row: Notification) -> str:
    endpoint = Endpoint.objects.filter(pk=row.object_id).first()
    if endpoint is None:
        return "endpoint removed"
    if not endpoint.is_active:
        return "endpoint paused"
    body = body_of(row)
    timestamp = int(time.time())
    headers = {
        SIGNATURE_HEADER: signature_header(signing_secrets(endpoint, now=timezone.now()), timestamp, body),
        EVENT_ID_HEADER: row.data["event_id"],
        EVENT_TYPE_HEADER: row.data["event"],
    }
    try:
        response = network.post(endpoint.url, body, headers, timeout=settings.WEBHOOKS_TIMEOUT_SECONDS)
    except network.RefusedDestination as error:
        raise PermanentFailure(str(error)) from error
    if 200 <= response.status < 300:
        return ""
    answer = " ".join(response.text.split())[:120]
    described = f"HTTP {response.status}" + (f": {answer}" if answer else "")
    if response.status == 410:
        disable_endpoint(endpoint=endpoint, reason=described)
        raise PermanentFailure(f"{described} (the endpoint was paused)")
    raise ReceiverError(described)
