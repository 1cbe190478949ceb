"""Planning and delivering notifications, exactly once.

A message is a ``Notification`` row planned under a natural key (a unique constraint): planning twice,
from two dispatchers or a retried task, creates nothing new. Delivery claims one due row at a time with
``select_for_update(skip_locked=True)``, sends its e-mail and marks it sent in the same transaction. A
worker killed mid-send rolls the claim back: the row is sent again by the next run, so nothing is lost,
and the only possible duplicate is the one message the SMTP server accepted just before the kill.
"""

from __future__ import annotations

import logging
import random
import smtplib
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import OperationalError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from organizations.models import Membership
from organizations.roles import PAIR_ROLES
from organizations.validators import single_line

from .models import Notification, Preference
from .registry import RENDERERS, get_kind, mutable_kind_values
from .tokens import unsubscribe_url

if TYPE_CHECKING:
    from django.core.mail.backends.base import BaseEmailBackend

    from accounts.models import User
    from organizations.models import Organization

    from .registry import Message


logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 60
DELIVERY_BATCH = 500


def natural_key(kind: str, *parts: object, recipient: User) -> str:
    return ":".join([kind, *[str(part) for part in parts], "user", str(recipient.pk)])


def plan(
    *,
    organization: Organization,
    recipient: User | None = None,
    address: str = "",
    kind: str,
    key: str,
    due_at: datetime,
    object_id: int | None = None,
    planned_for: datetime | None = None,
    planned_sequence: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Record a message due at ``due_at`` unless one with the same natural key exists (then nothing).

    It goes to ``recipient`` (a person), or to ``address`` alone for someone with no account yet.
    """
    plan_all(
        [
            planned(
                organization=organization,
                recipient=recipient,
                address=address,
                kind=kind,
                key=key,
                due_at=due_at,
                object_id=object_id,
                planned_for=planned_for,
                planned_sequence=planned_sequence,
                data=data,
            )
        ]
    )


def planned(
    *,
    organization: Organization,
    recipient: User | None = None,
    address: str = "",
    kind: str,
    key: str,
    due_at: datetime,
    object_id: int | None = None,
    planned_for: datetime | None = None,
    planned_sequence: int | None = None,
    data: dict[str, Any] | None = None,
) -> Notification:
    """One checked, unsaved row for ``plan_all``: the arguments are those of ``plan``."""
    if get_kind(kind) is None:
        raise ValidationError(_("Unknown notification kind."))
    if (recipient is None) == (not address):
        raise ValidationError(_("A notification goes to a person or to an address, not both."))
    return Notification(
        organization=organization,
        recipient=recipient,
        address=address if recipient is None else "",
        kind=kind,
        key=key,
        due_at=due_at,
        object_id=object_id,
        planned_for=planned_for,
        planned_sequence=planned_sequence,
        data=data or {},
    )


def plan_all(rows: Iterable[Notification]) -> None:
    """Record every row built by ``planned`` in one statement; a row whose natural key exists is skipped.

    Racing planners (two dispatchers, a retried task) meet at the unique constraint, not in Python.
    """
    Notification.objects.bulk_create(list(rows), ignore_conflicts=True)


@dataclass(frozen=True)
class Notice:
    """One message of ``notify_all``: ``kind`` to each of ``recipients``, once per natural ``key``."""

    recipients: Sequence[User]
    key: str
    object_id: int | None = None
    data: dict[str, Any] | None = None


def notify(
    *,
    organization: Organization,
    recipients: Iterable[User],
    kind: str,
    key: str,
    object_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Send ``kind`` now to each recipient, once per natural ``key`` (e.g. ``pair:12``).

    The public entry point for other apps (pairing's published / accepted / declined messages): rows
    are written in the caller's transaction; delivery is enqueued on commit, and if the broker is down
    the next dispatcher run sends them anyway.
    """
    notify_all(
        organization=organization,
        kind=kind,
        notices=[Notice(recipients=list(recipients), key=key, object_id=object_id, data=data)],
    )


def notify_all(*, organization: Organization, kind: str, notices: Iterable[Notice]) -> None:
    """``notify`` for many objects at once (every pair a rotation ends): one insert, one delivery task,
    whatever their number."""
    now = timezone.now()
    plan_all(
        planned(
            organization=organization,
            recipient=recipient,
            kind=kind,
            key=natural_key(kind, notice.key, recipient=recipient),
            due_at=now,
            object_id=notice.object_id,
            data=notice.data,
        )
        for notice in notices
        for recipient in notice.recipients
    )
    enqueue_delivery(organization.pk)


def enqueue_delivery(organization_id: int) -> None:
    from .tasks import deliver_notifications

    def enqueue() -> None:
        try:
            deliver_notifications.delay(organization_id)
        except Exception:  # noqa: BLE001 - broker down: the rows are safe, the dispatcher retries.
            logger.warning(
                "could not enqueue delivery for organisation %s; the dispatcher will", organization_id
            )

    transaction.on_commit(enqueue)


# Delivery ---------------------------------------------------------------------------------------


def deliver_due(*, organization: Organization, limit: int = DELIVERY_BATCH) -> int:
    """Send every due row of the organisation, one claimed row per transaction. Returns how many went out.

    One row can never stop the others: whatever goes wrong with it is recorded on it (``_attempt``), and
    the loop goes on with the next row, unless the mail relay itself is down or hung: then the batch stops
    and the other rows wait, attempts untouched, for the next run.
    """
    delivered = 0
    connection = get_connection()
    try:
        for _index in range(limit):
            with transaction.atomic():
                now = timezone.now()
                row = (
                    Notification.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("recipient")
                    .filter(status=Notification.Status.PENDING, due_at__lte=now)
                    .order_by("due_at", "pk")
                    .first()
                )
                if row is None:
                    break
                outcome = _attempt(row, organization=organization, connection=connection, now=now)
            if outcome is SENT:
                delivered += 1
            elif outcome is TRANSPORT_DOWN:
                # The relay itself is unreachable or hung: the next rows would each wait for the same
                # timeout and burn an attempt. They stay due, untouched, for the next run.
                break
    finally:
        connection.close()
    return delivered


SENT, NOT_SENT, TRANSPORT_DOWN = "sent", "not sent", "transport down"


def _attempt(
    row: Notification, *, organization: Organization, connection: BaseEmailBackend, now: datetime
) -> str:
    """Deliver one claimed row; a transient failure retries it later, any other failure fails it for good.

    Returns ``SENT``, ``NOT_SENT``, or ``TRANSPORT_DOWN`` when the mail relay itself failed.

    The work runs in a savepoint, so whatever it wrote is undone on failure while the claim, and the
    failure recorded on the row, stay in the claiming transaction.
    """
    attempts = row.attempts
    try:
        with transaction.atomic():
            return (
                SENT if _deliver(row, organization=organization, connection=connection, now=now) else NOT_SENT
            )
    except (OperationalError, SoftTimeLimitExceeded):
        # The database itself is unavailable, or the task ran out of time: the claim rolls back and the
        # row stays due, with nothing wrongly recorded against it.
        raise
    except Exception as error:  # noqa: BLE001 - a bad row (data, template, renderer) must not block the rest.
        # Every failure counts towards the cap, also one before the send (a network error while rendering).
        row.attempts = attempts + 1
        if is_transient(error):
            _retry_later(row, now, error)
        else:
            _fail(row, error)
        return TRANSPORT_DOWN if is_transport_failure(error) else NOT_SENT


def is_transport_failure(error: BaseException) -> bool:
    """The relay or the network failed (refused, dropped, timed out), not something about this message."""
    if isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def is_transient(error: BaseException) -> bool:
    """Whether sending again later may succeed: the SMTP server or the network, not the message itself.

    A 5xx answer about this very message (every recipient refused, the data rejected) is permanent; other
    SMTP and network errors, temporary 4xx answers included, keep the capped retries.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return not codes or any(code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPException, OSError))


def _deliver(
    row: Notification, *, organization: Organization, connection: BaseEmailBackend, now: datetime
) -> bool:
    recipient = row.recipient
    if recipient is None:
        return _deliver_to_address(row, organization=organization, connection=connection, now=now)
    if not recipient.is_active:
        # An erased or deactivated account: its address is a placeholder that must not be mailed.
        _finish(row, Notification.Status.SKIPPED, now, skip_reason="inactive account")
        return False
    if not may_receive(recipient, row.kind):
        _finish(row, Notification.Status.SKIPPED, now, skip_reason="access ended")
        return False
    render = RENDERERS.get(row.kind)
    with translation.override(recipient.language or organization.default_language):
        message = render(row) if render else None
        if message is None:
            _finish(row, Notification.Status.SKIPPED, now, skip_reason="stale")
            return False
        row.subject = single_line(message.subject)[:300]
        row.action_url = single_line(message.action_url)[:500]
        preference = Preference.objects.filter(user=recipient).first()
        if preference and row.kind in preference.muted_kinds and get_kind(row.kind).mutable:
            _finish(row, Notification.Status.IN_APP, now, skip_reason="unsubscribed")
            return False
        quiet_end = quiet_hours_end(preference, recipient, now)
        if quiet_end is not None:
            if message.deadline is not None and quiet_end >= message.deadline:
                _finish(row, Notification.Status.IN_APP, now, skip_reason="quiet hours")
                return False
            row.due_at = quiet_end
            row.save(update_fields=["due_at", "subject", "action_url"])
            return False
        email = _email(row, message, organization=organization, recipient=recipient, connection=connection)
        _send(row, message, email, now)
    _finish(row, Notification.Status.SENT, now)
    return True


def _deliver_to_address(row, *, organization, connection, now):
    """An address with no account: no membership, preferences or quiet hours to consult, and no in-app
    list to show it in. It reads the organisation's language."""
    render = RENDERERS.get(row.kind)
    with translation.override(organization.default_language):
        message = render(row) if render else None
        if message is None:
            _finish(row, Notification.Status.SKIPPED, now, skip_reason="stale")
            return False
        row.subject = single_line(message.subject)[:300]
        row.action_url = single_line(message.action_url)[:500]
        email = _email(row, message, organization=organization, recipient=None, connection=connection)
        _send(row, message, email, now)
    _finish(row, Notification.Status.SENT, now)
    return True


def _send(row, message, email, now):
    # What the message records about its sending is written first, in the same savepoint as the send:
    # a failed send undoes it.
    if message.on_sent is not None:
        message.on_sent(now)
    row.attempts += 1
    email.send()


def may_receive(user: User, kind: str) -> bool:
    """Whether the person still holds, in the current organisation, a role this kind of e-mail is for.

    Checked at send time, so a message planned before their access ended never carries a partner's name
    or a video link to them afterwards.
    """
    declared = get_kind(kind)
    roles = declared.roles if declared is not None else PAIR_ROLES
    return Membership.objects.filter(user=user, role__in=roles).exists()


def withhold_pending(*, user: User, kinds: Iterable[str] | None = None) -> int:
    """Skip the person's unsent e-mails of the current organisation (or, when unscoped, everywhere):
    every kind, or only ``kinds``. Returns how many were withheld."""
    pending = Notification.objects.filter(recipient=user, status=Notification.Status.PENDING)
    if kinds is not None:
        pending = pending.filter(kind__in=kinds)
    return pending.update(status=Notification.Status.SKIPPED, skip_reason="access ended")


def _finish(row: Notification, status: str, now: datetime, skip_reason: str = "") -> None:
    row.status = status
    row.skip_reason = skip_reason
    if status in (Notification.Status.SENT, Notification.Status.IN_APP):
        row.delivered_at = now
    row.save(update_fields=["status", "skip_reason", "delivered_at", "subject", "action_url", "attempts"])


def failure_reason(error: BaseException) -> str:
    """A short, one-line reason for HR and staff: what kind of error, and what it said."""
    return single_line(f"{type(error).__name__}: {error}")[:300]


def _fail(row: Notification, error: BaseException) -> None:
    row.status = Notification.Status.FAILED
    row.last_error = failure_reason(error)
    logger.error("notification %s failed for good: %s", row.key, row.last_error, exc_info=error)
    row.save(update_fields=["status", "attempts", "last_error", "subject", "action_url"])


def backoff_cap_seconds() -> float:
    return float(settings.OUTBOX_BACKOFF_CAP_SECONDS)


def retry_window() -> timedelta:
    return timedelta(hours=settings.OUTBOX_RETRY_HOURS)


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff, capped, with full jitter so failed rows do not retry in lockstep."""
    ceiling = min(backoff_cap_seconds(), BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)


def _retry_later(row: Notification, now: datetime, error: BaseException) -> None:
    """Retry for a time, not a count: a relay down for hours loses nothing, and it is tried again every
    few minutes at most, so the outbox drains soon after it comes back."""
    row.last_error = failure_reason(error)
    if row.failing_since is None:
        row.failing_since = now
    if now - row.failing_since >= retry_window():
        row.status = Notification.Status.FAILED
        logger.error(
            "notification %s failed after %s attempts since %s: %s",
            row.key,
            row.attempts,
            row.failing_since.isoformat(),
            error,
        )
    else:
        row.due_at = now + timedelta(seconds=backoff_seconds(row.attempts))
    row.save(update_fields=["status", "due_at", "attempts", "last_error", "failing_since"])


def requeue_failed(*, ids: Iterable[int] | None = None) -> int:
    """Put the current organisation's failed rows (or those of ``ids``) back in the queue, due now, with a
    fresh retry window; the reason they failed stays on them until they go out. Returns how many."""
    failed = Notification.objects.filter(status=Notification.Status.FAILED)
    if ids is not None:
        failed = failed.filter(pk__in=list(ids))
    count = failed.update(
        status=Notification.Status.PENDING, attempts=0, failing_since=None, due_at=timezone.now()
    )
    logger.info("%s failed notifications re-queued", count)
    return count


def _email(
    row: Notification,
    message: Message,
    *,
    organization: Organization,
    recipient: User | None,
    connection: BaseEmailBackend,
) -> EmailMultiAlternatives:
    headers = {"X-Binome-Key": row.key}
    unsubscribe = ""
    if recipient is not None and get_kind(row.kind).mutable:
        unsubscribe = unsubscribe_url(organization_id=organization.pk, user_id=recipient.pk, kind=row.kind)
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if message.text:
        # The message brings its own layout, subject included.
        subject, text, html = single_line(message.subject), message.text, message.html
    else:
        context = {
            "organization": organization,
            "recipient": recipient,
            "message": message,
            "unsubscribe_url": unsubscribe,
            "kind_label": get_kind(row.kind).label,
        }
        # Names in the subject may predate the rule that keeps them on one line.
        subject = single_line(f"{organization.name} · {message.subject}")
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    email = EmailMultiAlternatives(subject, text, to=[row.to], connection=connection, headers=headers)
    if html:
        email.attach_alternative(html, "text/html")
    for filename, content, mimetype in message.attachments:
        email.attach(filename, content, mimetype)
    return email


# Preferences -------------------------------------------------------------------------------------


def quiet_hours_end(preference: Preference | None, user: User, now: datetime) -> datetime | None:
    """When the recipient's quiet hours end if ``now`` falls inside them (their time zone), else None."""
    if preference is None or preference.quiet_start is None or preference.quiet_end is None:
        return None
    if preference.quiet_start == preference.quiet_end:
        return None
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    start, end, clock = preference.quiet_start, preference.quiet_end, local.time()
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    end_day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)


def preference_for(*, user: User) -> Preference:
    preference, _created = Preference.objects.get_or_create(user=user)
    return preference


@transaction.atomic
def update_preferences(
    *,
    user: User,
    muted_kinds: Iterable[str],
    quiet_start: time | None = None,
    quiet_end: time | None = None,
) -> Preference:
    """Save which e-mails the person does not want and their quiet hours (both ends or neither).

    Only the kinds a person may mute (``mutable_kinds``) can be muted."""
    unknown = set(muted_kinds) - set(mutable_kind_values())
    if unknown:
        raise ValidationError(_("Unknown notification kind."))
    if (quiet_start is None) != (quiet_end is None):
        raise ValidationError(_("Give both ends of the quiet hours, or neither."))
    if quiet_start is not None and quiet_start == quiet_end:
        raise ValidationError(_("Quiet hours must start and end at different times."))
    preference = preference_for(user=user)
    preference.muted_kinds = sorted(set(muted_kinds))
    preference.quiet_start = quiet_start
    preference.quiet_end = quiet_end
    preference.save()
    return preference


@transaction.atomic
def unsubscribe(*, user: User, kind: str) -> Preference:
    """Stop e-mails of ``kind`` for the person in the current organisation (they still show in the app)."""
    if kind not in mutable_kind_values():
        raise ValidationError(_("Unknown notification kind."))
    preference = preference_for(user=user)
    if kind not in preference.muted_kinds:
        preference.muted_kinds = sorted([*preference.muted_kinds, kind])
        preference.save(update_fields=["muted_kinds"])
    return preference


def mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(
        recipient=user, read_at=None, status__in=[Notification.Status.SENT, Notification.Status.IN_APP]
    ).update(read_at=timezone.now())
