"""Planning and delivering notifications, exactly once.

A message is a ``Notification`` row planned under a natural key (a unique constraint): planning twice,
from two dispatchers or a retried task, creates nothing new. Delivery claims one due row at a time
(``select_for_update(skip_locked=True)``, status ``sending``) and commits the claim, sends its e-mail
with no transaction open, then marks it sent, on a fresh connection if the database dropped meanwhile.
A worker killed mid-send leaves its claim, handed back after ``OUTBOX_CLAIM_TIMEOUT_SECONDS``: nothing is
lost, and the only possible duplicate is the one message in flight, under the same Message-ID.
"""

from __future__ import annotations

import logging
import os
import random
import smtplib
import socket
import uuid
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from time import monotonic, sleep
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import InterfaceError, OperationalError, transaction
from django.db import connection as db_connection
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from organizations.models import Membership
from organizations.roles import PAIR_ROLES
from organizations.tenancy import unscoped
from organizations.validators import single_line

from .events import log_event
from .models import Notification, OutboxPause, Preference
from .registry import CHANNELS, RENDERERS, Message, PermanentFailure, get_kind, mutable_kind_values
from .rendering import keep_subject
from .tokens import unsubscribe_url

if TYPE_CHECKING:
    from django.core.mail.backends.base import BaseEmailBackend

    from accounts.models import User
    from organizations.models import Organization


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
    channel: str = Notification.Channel.EMAIL,
) -> Notification:
    """One checked, unsaved row for ``plan_all``: the arguments are those of ``plan``, and ``channel``:
    a webhook row goes to the endpoint ``object_id``, never to a person or an address."""
    if get_kind(kind) is None:
        raise ValidationError(_("Unknown notification kind."))
    if channel == Notification.Channel.EMAIL and (recipient is None) == (not address):
        raise ValidationError(_("A notification goes to a person or to an address, not both."))
    if channel != Notification.Channel.EMAIL and (recipient is not None or address or object_id is None):
        raise ValidationError(_("A webhook goes to an endpoint, never to a person."))
    return Notification(
        channel=channel,
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
    rows = list(rows)
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    for row in rows:
        log_event("planned", row)


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
#
# A row is claimed in a commit of its own (``sending``, with a lease), sent with no transaction open, then
# marked sent; the mark is retried on a fresh connection if the database dropped. So a dropped
# connection never sends a message twice, a hung relay holds no row lock, and a worker that vanishes
# mid-send leaves a claim that the dispatcher hands back after ``OUTBOX_CLAIM_TIMEOUT_SECONDS``: the one
# message in flight may then go twice, under the same Message-ID.

SENT, NOT_SENT, RELAY_DOWN = "sent", "not sent", "relay down"
OPEN, PROBE, PAUSED = "open", "probe", "paused"
DB_ERRORS = (OperationalError, InterfaceError)
# Seconds before each new try when the database dropped mid-delivery (about 15 s in all), then the
# task's own retries take over. A dropped connection (a restart, a failover, a killed backend) usually
# opens again at once.
DB_RETRY_DELAYS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)
# Database errors in a row after which the batch stops and the task retries later.
DB_ERRORS_PER_BATCH = 10
PROBE_BASE_SECONDS = 10
PROBE_GRACE_SECONDS = 5


def deliver_due(*, organization: Organization, limit: int = DELIVERY_BATCH) -> int:
    """Send every due row of the organisation, one claimed row at a time. Returns how many went out.

    One row can never stop the others: whatever goes wrong with it is recorded on it, and the loop goes
    on with the next row. When the relay itself fails (refused, silent, 4xx to every transaction), the
    outbox pauses for every organisation (``OutboxPause``) with the rows untouched; while it is paused,
    one worker at a time sends one probe per backoff step, and the first that goes through resumes it.
    """
    state = _relay_state(timezone.now())
    if state == PAUSED:
        return 0
    delivered = 0
    worker = _worker_id()
    database_errors = 0
    connection = get_connection()
    try:
        for _index in range(limit):
            now = timezone.now()
            row = _on_a_fresh_connection(
                lambda retrying: _claim(
                    worker=worker,
                    now=now,  # noqa: B023
                    retrying=retrying,
                    channel=Notification.Channel.EMAIL,
                ),
                what="claiming a row",
            )
            if row is None:
                break
            log_event("claimed", row, attempt=row.attempts + 1, reason=f"by {row.claimed_by}")
            try:
                outcome, relay_error = _attempt(
                    row, organization=organization, connection=connection, now=now
                )
            except DB_ERRORS as error:
                # The database dropped before the send: the row goes back to the queue as it was.
                database_errors += 1
                logger.warning("database dropped while preparing %s: %s", row.key, error)
                if not db_connection.in_atomic_block:
                    db_connection.close()
                _on_a_fresh_connection(lambda _retrying: _release(row), what=f"releasing {row.key}")  # noqa: B023
                log_event("deferred", row, error=failure_reason(error), reason="database dropped")
                if database_errors >= DB_ERRORS_PER_BATCH:
                    raise
                continue
            except BaseException:
                # Out of time (the soft limit) or stopped: nothing is recorded against the row.
                _release_quietly(row)
                raise
            database_errors = 0
            if outcome == SENT:
                delivered += 1
                if state == PROBE:
                    resume_sending(now=timezone.now())
                    state = OPEN
            elif outcome == RELAY_DOWN:
                _pause(now=timezone.now(), probing=state == PROBE, error=relay_error)
                break
    finally:
        connection.close()
    return delivered


# Other channels (webhooks) --------------------------------------------------------------------------
#
# The same claim, lease, retries and failed rows as e-mails, but never the mail relay's pause: a row goes
# to one receiver, whose failure is that row's alone. A receiver that fails holds back its other due rows
# with it (they are due again with it, and fail with it once the retry window has passed), so a dead
# endpoint costs one timeout per backoff step, not one per row; and a batch stops after
# ``OUTBOX_CHANNEL_BATCH_SECONDS``, so that slow receivers hand over to a fresh task instead of holding
# a worker.


def deliver_channel_due(*, organization: Organization, channel: str, limit: int = DELIVERY_BATCH) -> int:
    """Send the organisation's due rows of ``channel`` (``Notification.Channel.WEBHOOK``) through the
    channel an app registered, one claimed row at a time. Returns how many went out."""
    registered = CHANNELS.get(channel)
    if registered is None:
        return 0
    worker = _worker_id()
    started = monotonic()
    delivered = 0
    failing: set[int] = set()
    database_errors = 0
    for _index in range(limit):
        if monotonic() - started > settings.OUTBOX_CHANNEL_BATCH_SECONDS:
            break
        now = timezone.now()
        row = _on_a_fresh_connection(
            lambda retrying: _claim(
                worker=worker,
                now=now,  # noqa: B023
                retrying=retrying,
                channel=channel,
                skip_targets=failing,
            ),
            what="claiming a row",
        )
        if row is None:
            break
        log_event("claimed", row, attempt=row.attempts + 1, reason=f"by {row.claimed_by}")
        try:
            skipped = registered.send(row)
        except DB_ERRORS as error:
            # Reading the target before the send: the row goes back to the queue as it was.
            database_errors += 1
            logger.warning("database dropped while preparing %s: %s", row.key, error)
            if not db_connection.in_atomic_block:
                db_connection.close()
            _on_a_fresh_connection(lambda _retrying: _release(row), what=f"releasing {row.key}")  # noqa: B023
            if database_errors >= DB_ERRORS_PER_BATCH:
                raise
            continue
        except SoftTimeLimitExceeded:
            # Perhaps received, perhaps not: due again, a duplicate at worst (the receiver has the event id).
            _release_quietly(row)
            raise
        except PermanentFailure as error:
            refused = error
            _on_a_fresh_connection(lambda _retrying: _fail(row, refused), what=f"recording {row.key}")  # noqa: B023
            continue
        except Exception as error:  # noqa: BLE001 - the receiver's failure is recorded on its row.
            failure = error
            failing.add(row.object_id)
            _on_a_fresh_connection(
                lambda _retrying: _retry_with_target(row, now, failure),  # noqa: B023
                what=f"recording {row.key}",
            )
            continue
        database_errors = 0
        if skipped:
            _finish(row, Notification.Status.SKIPPED, now, skip_reason=skipped[:100])
            continue
        _on_a_fresh_connection(
            lambda _retrying: _mark_sent(row, Message(subject=""), now),  # noqa: B023
            what=f"marking {row.key} sent",
        )
        delivered += 1
    return delivered


@transaction.atomic
def _retry_with_target(row: Notification, now: datetime, error: BaseException) -> None:
    """Retry the row later, and hold back its target's other due rows with it (see above)."""
    _retry_later(row, now, error)
    others = Notification.objects.filter(
        channel=row.channel, object_id=row.object_id, status=Notification.Status.PENDING, due_at__lte=now
    ).exclude(pk=row.pk)
    others.filter(failing_since__isnull=True).update(failing_since=now)
    if row.status == Notification.Status.FAILED:
        others.filter(failing_since__lte=now - retry_window()).update(
            status=Notification.Status.FAILED, last_error=row.last_error
        )
        again = now + timedelta(seconds=backoff_seconds(row.attempts))
    else:
        again = row.due_at
    others.filter(status=Notification.Status.PENDING).update(due_at=again, last_error=row.last_error)


def resend(*, rows: QuerySet[Notification]) -> int:
    """Send the delivered, skipped or failed rows among ``rows`` once more, due now, with a fresh retry
    window (HR's "resend" of a webhook delivery). Returns how many were queued again."""
    settled = [Notification.Status.SENT, Notification.Status.SKIPPED, Notification.Status.FAILED]
    chosen = list(rows.filter(status__in=settled).order_by("pk"))
    count = rows.filter(pk__in=[row.pk for row in chosen], status__in=settled).update(
        status=Notification.Status.PENDING,
        attempts=0,
        failing_since=None,
        skip_reason="",
        due_at=timezone.now(),
    )
    for row in chosen:
        log_event("requeued", row, attempt=0, error=row.last_error)
    return count


def enqueue_channel_delivery(organization_id: int, channel: str) -> None:
    """Deliver the organisation's due rows of ``channel`` once the transaction commits."""
    from .tasks import deliver_channel

    def enqueue() -> None:
        try:
            deliver_channel.delay(organization_id, channel)
        except Exception:  # noqa: BLE001 - broker down: the rows are safe, the dispatcher retries.
            logger.warning(
                "could not enqueue %s delivery for organisation %s; the dispatcher will",
                channel,
                organization_id,
            )

    transaction.on_commit(enqueue)


def _worker_id() -> str:
    """Who holds a claim: the host and process (to find it in the logs) and this run of the loop."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


def _claim(
    *,
    worker: str,
    now: datetime,
    channel: str,
    retrying: bool = False,
    skip_targets: Iterable[int] = (),
) -> Notification | None:
    """Take the oldest due row of ``channel`` in a short transaction of its own, committed before
    anything is sent.

    ``retrying``: the previous try lost its connection, perhaps after its commit went through; a row
    this worker already holds is then taken up again rather than left to expire. ``skip_targets``: the
    webhook endpoints (``object_id``) that failed earlier in this batch.
    """
    if retrying:
        mine = (
            Notification.objects.select_related("recipient")
            .filter(status=Notification.Status.SENDING, claimed_by=worker)
            .first()
        )
        if mine is not None:
            return mine
    with transaction.atomic():
        due = Notification.objects.filter(
            status=Notification.Status.PENDING, due_at__lte=now, channel=channel
        )
        skip_targets = list(skip_targets)
        if skip_targets:
            due = due.exclude(object_id__in=skip_targets)
        row = (
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .order_by("due_at", "pk")
            .first()
        )
        if row is None:
            return None
        row.status, row.claimed_at, row.claimed_by = Notification.Status.SENDING, now, worker
        row.save(update_fields=["status", "claimed_at", "claimed_by"])
    return row


def _on_a_fresh_connection(work: Callable[[bool], Any], *, what: str) -> Any:
    """Run ``work(retrying)``; if the database connection dropped, open a new one and run it again, a
    few times, telling it that it is a retry.

    Inside an outer transaction (a test's, a caller's) there is nothing to reconnect to: it raises.
    """
    retrying = False
    for delay in (*DB_RETRY_DELAYS, None):
        try:
            return work(retrying)
        except DB_ERRORS as error:
            if delay is None or db_connection.in_atomic_block:
                raise
            logger.warning("database dropped while %s (%s): again in %.1f s", what, error, delay)
            db_connection.close()
            sleep(delay)
            retrying = True
    raise AssertionError("unreachable")


def _guarded(row: Notification, **values: Any) -> bool:
    """Write the outcome of a claimed row, only if the claim is still ours; the claim ends with it.

    False when the dispatcher took the claim back (this worker was presumed gone) or it was already
    written (a commit whose answer was lost with the connection).
    """
    values.setdefault("claimed_at", None)
    values.setdefault("claimed_by", "")
    written = Notification.objects.filter(
        pk=row.pk, status=Notification.Status.SENDING, claimed_by=row.claimed_by
    ).update(**values)
    if not written:
        logger.warning("notification %s: the claim of %s was no longer held", row.key, row.claimed_by)
    return bool(written)


def _release(row: Notification, **values: Any) -> bool:
    """Back to the queue, attempts and failures untouched (the row did nothing wrong)."""
    return _guarded(row, status=Notification.Status.PENDING, **values)


def _release_quietly(row: Notification) -> None:
    try:
        _release(row)
    except Exception:  # noqa: BLE001 - the claim then expires, and the dispatcher hands it back.
        logger.warning("could not release %s; its claim will expire", row.key, exc_info=True)


def release_stale_claims(*, now: datetime) -> int:
    """Hand back rows claimed longer than ``OUTBOX_CLAIM_TIMEOUT_SECONDS`` ago: their worker vanished
    (killed, its machine lost) between the claim and the mark. Returns how many went back to the queue.

    The timeout is longer than a task may run (``CELERY_TASK_TIME_LIMIT``), so no live worker still
    holds such a claim. The message may have gone out just before the worker died: it goes again, once.
    """
    cutoff = now - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    with unscoped("the dispatcher hands back stale claims of every organisation"):
        count = Notification.objects.filter(status=Notification.Status.SENDING, claimed_at__lt=cutoff).update(
            status=Notification.Status.PENDING, claimed_at=None, claimed_by=""
        )
    if count:
        logger.warning("%s notifications claimed by a vanished worker are due again", count)
    return count


def _attempt(
    row: Notification, *, organization: Organization, connection: BaseEmailBackend, now: datetime
) -> tuple[str, BaseException | None]:
    """Deliver one claimed row: prepare it, send it with no transaction open, record the outcome.

    Returns ``SENT``, ``NOT_SENT`` (skipped, held, retried later or failed: recorded on the row), or
    ``RELAY_DOWN`` with the relay's error: the row went back to the queue as it was. Database errors
    before the send propagate (the caller releases the row).
    """
    try:
        prepared = _prepare(row, organization=organization, connection=connection, now=now)
    except (*DB_ERRORS, SoftTimeLimitExceeded):
        raise
    except Exception as error:  # noqa: BLE001 - a bad row (data, template, renderer) must not block the rest.
        return _failed(row, error, now), None
    if prepared is None:
        return NOT_SENT, None
    message, email = prepared
    try:
        _send(email, connection)
    except SoftTimeLimitExceeded:
        # Perhaps sent, perhaps not: the row goes back to the queue (by the caller), a duplicate at worst.
        raise
    except Exception as error:  # noqa: BLE001 - recorded on the row, or on the relay's pause.
        if not is_relay_failure(error):
            failure = error
            recorded = _on_a_fresh_connection(
                lambda _retrying: _failed(row, failure, now), what=f"recording {row.key}"
            )
            return recorded, None
        # Moved back by one probe step, so that the next probe meets another row: one whose content made
        # the relay hang up cannot hold the outbox paused.
        later = now + timedelta(seconds=probe_seconds(0))
        _on_a_fresh_connection(lambda _retrying: _release(row, due_at=later), what=f"releasing {row.key}")
        log_event("deferred", row, error=failure_reason(error), reason="relay down", level=logging.WARNING)
        return RELAY_DOWN, error
    _on_a_fresh_connection(lambda _retrying: _mark_sent(row, message, now), what=f"marking {row.key} sent")
    return SENT, None


def _failed(row: Notification, error: BaseException, now: datetime) -> str:
    # Every failure of the message counts towards the retry window, also one before the send (a network
    # error while rendering); a failure of the relay as a whole does not (it pauses the outbox).
    if is_transient(error):
        _retry_later(row, now, error)
    else:
        _fail(row, error)
    return NOT_SENT


def _send(email: EmailMultiAlternatives, connection: BaseEmailBackend) -> None:
    """Over the batch's connection; an old connection the relay closed meanwhile is opened again once
    (relays close idle connections, or after so many messages). A silent relay is not tried twice."""
    reused = getattr(connection, "connection", None) is not None
    try:
        connection.open()
        email.send()
    except Exception as error:
        if not reused or not is_relay_failure(error) or _timed_out(error):
            raise
        connection.close()
        connection.open()
        email.send()


def _timed_out(error: BaseException) -> bool:
    # smtplib reports a timeout while reading a reply as SMTPServerDisconnected, raised from it.
    return isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError)


def _mark_sent(row: Notification, message: Message, now: datetime) -> None:
    """After the relay accepted the message: the row is sent, and what the message records about its
    sending (an invitation's ``sent_at``) is written in the same transaction."""
    with transaction.atomic():
        marked = _guarded(
            row,
            status=Notification.Status.SENT,
            delivered_at=now,
            attempts=row.attempts + 1,
            subject=row.subject,
            subject_language=row.subject_language,
            action_url=row.action_url,
            skip_reason="",
        )
        if marked:
            log_event("sent", row, attempt=row.attempts + 1)
        if marked and message.on_sent is not None:
            try:
                with transaction.atomic():
                    message.on_sent(now)
            except DB_ERRORS:
                raise
            except Exception:  # noqa: BLE001 - the e-mail went out: it must not be sent again for this.
                logger.exception("notification %s: recording its sending failed", row.key)
    row.status = Notification.Status.SENT


def _prepare(
    row: Notification, *, organization: Organization, connection: BaseEmailBackend, now: datetime
) -> tuple[Message, EmailMultiAlternatives] | None:
    """The message and its e-mail, or None when the row was settled without sending (recorded on it)."""
    recipient = row.recipient
    if recipient is None:
        return _prepare_for_address(row, organization=organization, connection=connection)
    if not recipient.is_active:
        # An erased or deactivated account: its address is a placeholder that must not be mailed.
        _finish(row, Notification.Status.SKIPPED, now, skip_reason="inactive account")
        return None
    if not may_receive(recipient, row.kind):
        _finish(row, Notification.Status.SKIPPED, now, skip_reason="access ended")
        return None
    render = RENDERERS.get(row.kind)
    with translation.override(recipient.language or organization.default_language):
        message = render(row) if render else None
        if message is None:
            _finish(row, Notification.Status.SKIPPED, now, skip_reason="stale")
            return None
        keep_subject(row, message)
        row.action_url = single_line(message.action_url)[:500]
        preference = Preference.objects.filter(user=recipient).first()
        if preference and row.kind in preference.muted_kinds and get_kind(row.kind).mutable:
            _finish(row, Notification.Status.IN_APP, now, skip_reason="unsubscribed")
            return None
        quiet_end = quiet_hours_end(preference, recipient, now)
        if quiet_end is not None:
            if message.deadline is not None and quiet_end >= message.deadline:
                _finish(row, Notification.Status.IN_APP, now, skip_reason="quiet hours")
                return None
            if _release(
                row,
                due_at=quiet_end,
                subject=row.subject,
                subject_language=row.subject_language,
                action_url=row.action_url,
            ):
                log_event("deferred", row, reason="quiet hours")
            return None
        email = _email(row, message, organization=organization, recipient=recipient, connection=connection)
    return message, email


def _prepare_for_address(row, *, organization, connection):
    """An address with no account: no membership, preferences or quiet hours to consult, and no in-app
    list to show it in. It reads the organisation's language."""
    render = RENDERERS.get(row.kind)
    with translation.override(organization.default_language):
        message = render(row) if render else None
        if message is None:
            _finish(row, Notification.Status.SKIPPED, timezone.now(), skip_reason="stale")
            return None
        keep_subject(row, message)
        row.action_url = single_line(message.action_url)[:500]
        email = _email(row, message, organization=organization, recipient=None, connection=connection)
    return message, email


# The relay's pause ------------------------------------------------------------------------------


def is_relay_failure(error: BaseException) -> bool:
    """The relay failed as a whole, not this message: no connection (refused, reset, silent past
    ``EMAIL_TIMEOUT``), the session refused (greeting, HELO, authentication, TLS), our sender refused (it
    is the same for every message), or 421, the relay closing the channel. A refusal at RCPT or DATA is
    about this message (its recipient, its content): the row alone retries or fails."""
    if isinstance(
        error,
        (
            smtplib.SMTPServerDisconnected,
            smtplib.SMTPConnectError,
            smtplib.SMTPHeloError,
            smtplib.SMTPAuthenticationError,
            smtplib.SMTPNotSupportedError,
            smtplib.SMTPSenderRefused,
        ),
    ):
        return True
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 421:
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return bool(codes) and all(code == 421 for code in codes)
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def is_transient(error: BaseException) -> bool:
    """Whether sending again later may succeed: the SMTP server or the network, not the message itself.

    A 5xx answer about this very message (every recipient refused, the data rejected) is permanent; other
    SMTP and network errors, temporary 4xx answers included, are retried for the retry window.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return not codes or any(code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPException, OSError))


def probe_seconds(failed_probes: int) -> float:
    """How long the outbox stays paused after ``failed_probes`` failed probes: doubling, capped at
    ``OUTBOX_PROBE_CAP_SECONDS``, so the outbox resumes within that long of the relay's return."""
    return float(min(settings.OUTBOX_PROBE_CAP_SECONDS, PROBE_BASE_SECONDS * 2**failed_probes))


def _relay_state(now: datetime) -> str:
    """``OPEN``; ``PAUSED``; or ``PROBE``: the pause is over and this worker won the right to try one."""
    pause = OutboxPause.objects.filter(pk=OutboxPause.SINGLETON).first()
    if pause is None or pause.paused_until is None:
        return OPEN
    # Beat's minute and a 60 s step meet within moments of each other: a pause that ends a few seconds
    # after this run would otherwise skip every other tick.
    grace = timedelta(seconds=min(PROBE_GRACE_SECONDS, probe_seconds(pause.failed_probes) / 10))
    if pause.paused_until > now + grace:
        return PAUSED
    # Whoever moves the deadline on first probes; the others wait for that probe's outcome. A prober that
    # dies leaves the pause to run out at the next step, and someone else probes then.
    moved = OutboxPause.objects.filter(pk=pause.pk, paused_until=pause.paused_until).update(
        paused_until=now + timedelta(seconds=probe_seconds(pause.failed_probes + 1))
    )
    return PROBE if moved else PAUSED


def _pause(*, now: datetime, probing: bool, error: BaseException | None) -> None:
    with transaction.atomic():
        pause, _created = OutboxPause.objects.select_for_update().get_or_create(pk=OutboxPause.SINGLETON)
        if pause.paused_until is None:
            pause.paused_since, pause.failed_probes = now, 0
        elif probing or pause.paused_until <= now:
            pause.failed_probes += 1
        else:
            return  # another worker paused it a moment ago
        until = now + timedelta(seconds=probe_seconds(pause.failed_probes))
        pause.paused_until = until
        pause.last_error = failure_reason(error) if error is not None else ""
        pause.save()
    logger.warning(
        "mail relay down since %s (%s): the outbox is paused until %s",
        pause.paused_since,
        pause.last_error,
        until.isoformat(),
    )


def resume_sending(*, now: datetime) -> None:
    """The relay took a message again: every organisation's due rows go at once, not at the next tick."""
    resumed = OutboxPause.objects.filter(pk=OutboxPause.SINGLETON, paused_until__isnull=False).update(
        paused_until=None, paused_since=None, failed_probes=0, last_error=""
    )
    if resumed:
        logger.warning("mail relay back at %s: the outbox sends again", now.isoformat())
        enqueue_dispatch()


def enqueue_dispatch() -> None:
    from .tasks import dispatch_notifications

    def enqueue() -> None:
        try:
            dispatch_notifications.delay()
        except Exception:  # noqa: BLE001 - broker down: beat's next tick dispatches.
            logger.warning("could not enqueue a dispatch; beat's next tick will")

    transaction.on_commit(enqueue)


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
    withheld = list(pending.order_by("pk"))
    count = pending.filter(pk__in=[row.pk for row in withheld]).update(
        status=Notification.Status.SKIPPED, skip_reason="access ended"
    )
    for row in withheld:
        log_event("skipped", row, reason="access ended")
    return count


def _finish(row: Notification, status: str, now: datetime, skip_reason: str = "") -> None:
    delivered_at = now if status in (Notification.Status.SENT, Notification.Status.IN_APP) else None
    if _guarded(
        row,
        status=status,
        skip_reason=skip_reason,
        delivered_at=delivered_at,
        subject=row.subject,
        subject_language=row.subject_language,
        action_url=row.action_url,
    ):
        row.status, row.skip_reason, row.delivered_at = status, skip_reason, delivered_at
        log_event("skipped", row, reason=skip_reason)


def failure_reason(error: BaseException) -> str:
    """A short, one-line reason for HR and staff: what kind of error, and what it said."""
    return single_line(f"{type(error).__name__}: {error}")[:300]


def _fail(row: Notification, error: BaseException) -> None:
    reason = failure_reason(error)
    if _guarded(
        row,
        status=Notification.Status.FAILED,
        attempts=row.attempts + 1,
        last_error=reason,
        subject=row.subject,
        subject_language=row.subject_language,
        action_url=row.action_url,
    ):
        row.status, row.attempts, row.last_error = Notification.Status.FAILED, row.attempts + 1, reason
        # A bug (a template, a renderer) needs its traceback; an SMTP refusal would only repeat the address,
        # a receiver's refusal its answer.
        trace = None if isinstance(error, (smtplib.SMTPException, PermanentFailure)) else error
        log_event("failed", row, error=reason, reason="permanent", level=logging.ERROR, exc_info=trace)


def backoff_cap_seconds() -> float:
    return float(settings.OUTBOX_BACKOFF_CAP_SECONDS)


def retry_window() -> timedelta:
    return timedelta(hours=settings.OUTBOX_RETRY_HOURS)


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff, capped, with full jitter so failed rows do not retry in lockstep."""
    ceiling = min(backoff_cap_seconds(), BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)


def _retry_later(row: Notification, now: datetime, error: BaseException) -> None:
    """Retry for a time, not a count: a message refused for a while (a full mailbox, greylisting) is
    tried again every few minutes at most, until the retry window has passed since its first failure."""
    attempts = row.attempts + 1
    failing_since = row.failing_since or now
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_error": failure_reason(error),
        "failing_since": failing_since,
    }
    if now - failing_since >= retry_window():
        values["status"] = Notification.Status.FAILED
    else:
        values["status"] = Notification.Status.PENDING
        values["due_at"] = now + timedelta(seconds=backoff_seconds(attempts))
    if _guarded(row, **values):
        for name, value in values.items():
            setattr(row, name, value)
        if row.status == Notification.Status.FAILED:
            since = failing_since.isoformat()
            log_event(
                "failed", row, error=row.last_error, reason=f"retried since {since}", level=logging.ERROR
            )
        else:
            log_event(
                "retry",
                row,
                error=row.last_error,
                reason=f"due again at {row.due_at.isoformat()}",
                level=logging.WARNING,
            )


def requeue_failed(*, ids: Iterable[int] | None = None) -> int:
    """Put the current organisation's failed rows (or those of ``ids``) back in the queue, due now, with a
    fresh retry window; the reason they failed stays on them until they go out. Returns how many."""
    failed = Notification.objects.filter(status=Notification.Status.FAILED)
    if ids is not None:
        failed = failed.filter(pk__in=list(ids))
    return requeue(rows=failed)


def requeue(*, rows: QuerySet[Notification]) -> int:
    """Re-queue the failed rows among ``rows`` (staff's admin action passes rows of any organisation)."""
    failed = list(rows.filter(status=Notification.Status.FAILED).order_by("pk"))
    # The same rows, still failed: one HR admin and a staff member requeueing at once log each row once.
    count = rows.filter(pk__in=[row.pk for row in failed], status=Notification.Status.FAILED).update(
        status=Notification.Status.PENDING, attempts=0, failing_since=None, due_at=timezone.now()
    )
    for row in failed:
        log_event("requeued", row, attempt=0, error=row.last_error)
    return count


def _email(
    row: Notification,
    message: Message,
    *,
    organization: Organization,
    recipient: User | None,
    connection: BaseEmailBackend,
) -> EmailMultiAlternatives:
    headers = {"X-Binome-Key": row.key, "Message-ID": row.message_id}
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
