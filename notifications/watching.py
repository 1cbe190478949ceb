"""Watching the outbox: staff are e-mailed when it lags, and once more when it is back to normal.

The alert never goes through the outbox it is about (a stalled worker or relay would hold it too): it is
sent straight to SMTP from the beat task, bounded by ``EMAIL_TIMEOUT``. It names organisations and counts,
never a person, an address or what a message says.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import environ
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import selectors
from .models import OutboxAlert

if TYPE_CHECKING:
    from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)

ALERTED, STILL_LAGGING, RECOVERED, NORMAL = "alerted", "still lagging", "recovered", "normal"
NOT_SENT = "not sent"
# Organisations named in one alert: the slowest; the rest are counted.
ORGANIZATIONS_NAMED = 20


def watch_outbox_lag(*, now: datetime | None = None) -> str:
    """Alert staff if the oldest due e-mail waits longer than ``OUTBOX_LAG_ALERT_SECONDS``, again every
    ``OUTBOX_ALERT_REPEAT_MINUTES`` while it lasts, and tell them once when it has recovered.

    The state is one row, locked for the decision and the send, so two beats send one e-mail. A send that
    fails (the relay that stalls the outbox may be the one that carries this) records nothing: the next
    beat tries again. Returns ``ALERTED``, ``STILL_LAGGING``, ``RECOVERED``, ``NORMAL`` or ``NOT_SENT``.
    """
    now = now or timezone.now()
    OutboxAlert.objects.get_or_create(pk=1)
    with transaction.atomic():
        state = OutboxAlert.objects.select_for_update().get(pk=1)
        health = selectors.outbox_health(now=now)
        lagging = health["oldest_due_seconds"] > settings.OUTBOX_LAG_ALERT_SECONDS
        if lagging:
            repeat = timedelta(minutes=settings.OUTBOX_ALERT_REPEAT_MINUTES)
            if state.alerted_at is not None and now - state.alerted_at < repeat:
                return STILL_LAGGING
            if not _tell_staff(*_lag_message(health, now=now)):
                return NOT_SENT
            state.lagging_since = state.lagging_since or now
            state.alerted_at = now
            state.save(update_fields=["lagging_since", "alerted_at"])
            return ALERTED
        if state.alerted_at is None:
            return NORMAL
        if not _tell_staff(*_recovery_message(health, since=state.lagging_since, now=now)):
            return NOT_SENT
        state.lagging_since = state.alerted_at = None
        state.save(update_fields=["lagging_since", "alerted_at"])
        return RECOVERED


def _tell_staff(subject: str, body: str) -> bool:
    recipients = list(settings.OUTBOX_ALERT_EMAILS)
    if not recipients:
        # Nobody to e-mail: the log is where the alert goes, once per repeat like the e-mail would.
        logger.error("outbox alert (set OUTBOX_ALERT_EMAILS or ADMINS to e-mail it): %s", subject)
        return True
    try:
        send_mail(
            f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
            body,
            settings.SERVER_EMAIL,
            recipients,
            fail_silently=False,
            connection=alert_connection(),
        )
    except Exception:  # noqa: BLE001 - SMTP down or hung: logged, and the next beat tries again.
        logger.exception("the outbox alert could not be e-mailed; the next beat tries again: %s", subject)
        return False
    logger.warning("outbox alert e-mailed to %s recipient(s): %s", len(recipients), subject)
    return True


def alert_connection() -> BaseEmailBackend:
    """OUTBOX_ALERT_EMAIL_URL's relay if set, else the usual one; either way each SMTP step gives up after
    EMAIL_TIMEOUT seconds, as the relay may be the fault."""
    url = settings.OUTBOX_ALERT_EMAIL_URL
    if not url:
        return get_connection(timeout=settings.EMAIL_TIMEOUT)
    config = environ.Env.email_url_config(url)
    options = {
        "host": config.get("EMAIL_HOST"),
        "port": config.get("EMAIL_PORT"),
        "username": config.get("EMAIL_HOST_USER") or "",
        "password": config.get("EMAIL_HOST_PASSWORD") or "",
        "use_tls": config.get("EMAIL_USE_TLS", False),
        "use_ssl": config.get("EMAIL_USE_SSL", False),
        "timeout": settings.EMAIL_TIMEOUT,
    }
    if config.get("EMAIL_FILE_PATH"):
        options["file_path"] = config["EMAIL_FILE_PATH"]
    return get_connection(config["EMAIL_BACKEND"], **options)


def _minutes(seconds: float) -> int:
    return max(1, round(seconds / 60))


def _lag_message(health: dict[str, int], *, now: datetime) -> tuple[str, str]:
    threshold = settings.OUTBOX_LAG_ALERT_SECONDS
    late = [row for row in selectors.outbox_lag_by_organization(now=now) if row.lag_seconds > threshold]
    with translation.override(settings.LANGUAGE_CODE):
        minutes = _minutes(health["oldest_due_seconds"])
        subject = ngettext(
            "The outbox is %(minutes)s minute behind",
            "The outbox is %(minutes)s minutes behind",
            minutes,
        ) % {"minutes": minutes}
        lines = [
            _(
                "The oldest e-mail due has waited %(minutes)s min (the alert threshold is %(threshold)s min). "
                "%(failed)s e-mails have failed for good."
            )
            % {"minutes": minutes, "threshold": _minutes(threshold), "failed": health["failed"]},
        ]
        if health.get("paused_until"):
            lines.append(
                _("Sending is paused until %(until)s: the mail relay fails for every e-mail.")
                % {"until": health["paused_until"]}
            )
        lines += [
            "",
            ngettext(
                "%(count)s organisation is behind:",
                "%(count)s organisations are behind:",
                len(late),
            )
            % {"count": len(late)},
        ]
        for row in late[:ORGANIZATIONS_NAMED]:
            lines.append(
                _("- %(name)s: %(due)s due, the oldest for %(minutes)s min, %(failed)s failed")
                % {
                    "name": row.name,
                    "due": row.due,
                    "minutes": _minutes(row.lag_seconds),
                    "failed": row.failed,
                }
            )
        if len(late) > ORGANIZATIONS_NAMED:
            more = len(late) - ORGANIZATIONS_NAMED
            lines.append(ngettext("- and %(count)s more", "- and %(count)s more", more) % {"count": more})
        lines += [
            "",
            _("Each organisation's figures: %(url)s") % {"url": _lag_page_url()},
            _("You will be e-mailed again in %(repeat)s min if it lasts, and once it is back to normal.")
            % {"repeat": settings.OUTBOX_ALERT_REPEAT_MINUTES},
        ]
    return subject, "\n".join(lines) + "\n"


def _recovery_message(health: dict[str, int], *, since: datetime | None, now: datetime) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("The outbox is back to normal")
        lines = [
            _("The oldest e-mail due has waited %(seconds)s s; %(failed)s e-mails have failed for good.")
            % {"seconds": health["oldest_due_seconds"], "failed": health["failed"]},
        ]
        if since is not None:
            lines.append(
                _("It had been behind for %(minutes)s min.")
                % {"minutes": _minutes((now - since).total_seconds())}
            )
        lines += ["", _("Each organisation's figures: %(url)s") % {"url": _lag_page_url()}]
    return subject, "\n".join(lines) + "\n"


def _lag_page_url() -> str:
    return settings.SITE_URL + reverse("admin:notifications_notification_lag")
