from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantModel

from .registry import get_kind


class Notification(TenantModel):
    """One message to one person (or to one address with no account yet), planned under a natural key
    before it is ever sent.

    The row is both the plan and the delivery record: the unique ``key`` (for instance
    ``session_reminder_1h:session:12:seq:0:user:7``) makes planning idempotent. A worker claims a due row
    (``sending``, with ``claimed_at`` and ``claimed_by``) in a commit of its own before it talks to SMTP,
    and marks it ``sent`` after: a retried task, a second dispatcher or a restarted worker never takes a
    claimed row, and a claim whose worker vanished goes back to ``pending`` after
    ``OUTBOX_CLAIM_TIMEOUT_SECONDS``.

    An address-only row (``recipient`` empty, ``address`` set: an invitation to someone with no account)
    has no preferences, quiet hours or in-app list: those belong to a person.

    A ``webhook`` row is one event for one of the organisation's endpoints (``object_id``: the endpoint,
    ``data``: the event's id, type and payload, stored when planned): no recipient and no address. The
    channel that sends it is registered by the app above (``registry.delivery_channel``); it shares the
    claim, the lease, the retries and the failed-row handling, but never the mail relay's pause.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        IN_APP = "in_app", _("In the app only")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    address = models.EmailField(_("address"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    # One of the kinds the apps declare (``registry.notification_kind``), checked when a row is planned.
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(max_length=200)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # What the message is about, and the version of it that was planned (a session's start and sequence):
    # checked again at send time so a moved or cancelled session never gets a stale reminder.
    object_id = models.BigIntegerField(null=True, blank=True)
    planned_for = models.DateTimeField(null=True, blank=True)
    planned_sequence = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the current run of transient failures began: the row is retried until the retry window
    # (``OUTBOX_RETRY_HOURS``) has passed since then.
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    # Who holds the row while it is ``sending`` (host, process, run) and since when: the lease.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    skip_reason = models.CharField(max_length=100, blank=True)
    # Rendered at delivery, in the recipient's language (``subject_language``), for the in-app list; a
    # viewer reading another language gets it rendered again (notifications.rendering.shown_subject).
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    subject_language = models.CharField(max_length=10, blank=True)
    action_url = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="notification_natural_key_once"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "sent", "in_app", "skipped", "failed"]),
                name="notification_status_valid",
            ),
            # An e-mail goes to a person, or to an address with no account yet: exactly one of them. A
            # webhook goes to an endpoint (``object_id``), never to a person.
            models.CheckConstraint(
                condition=Q(channel="email")
                & (Q(recipient__isnull=False, address="") | (Q(recipient__isnull=True) & ~Q(address="")))
                | Q(channel="webhook", recipient__isnull=True, address="", object_id__isnull=False),
                name="notification_recipient_or_address",
            ),
        ]
        indexes = [
            # The dispatcher's scan and the claim: only unsent rows, by due time.
            models.Index(
                fields=["due_at", "organization"],
                condition=Q(status="pending"),
                name="notification_pending_due",
            ),
            # The dispatcher's look for claims whose worker vanished: a handful of rows at any time.
            models.Index(fields=["claimed_at"], condition=Q(status="sending"), name="notification_claimed"),
            models.Index(fields=["organization", "kind", "object_id"], name="notification_kind_object"),
            models.Index(fields=["organization", "recipient", "-delivered_at"], name="notification_inbox"),
            # The staff's per-organisation lag page: failed rows and the last one sent, each organisation
            # probed through a small partial index rather than a scan of everything ever sent.
            models.Index(fields=["organization"], condition=Q(status="failed"), name="notification_failed"),
            models.Index(
                fields=["organization", "-delivered_at"],
                condition=Q(status="sent"),
                name="notification_last_sent",
            ),
        ]

    def __str__(self):
        return self.key

    @property
    def kind_label(self):
        """The label of the row's kind, or its stored value if no app declares that kind any more."""
        kind = get_kind(self.kind)
        return kind.label if kind is not None else self.kind

    @property
    def to(self):
        """Where the e-mail goes: the person's current address, or the row's own."""
        return self.recipient.email if self.recipient_id else self.address

    @property
    def message_id(self):
        """The e-mail's Message-ID, the same at every try of this row: a copy sent again after a crash
        carries the id of the first, so the receiving server (and our tests) can tell it is one message."""
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "binome.local"
        return f"<notification.{self.pk}.{self.organization_id}@{domain}>"


class OutboxPause(models.Model):
    """The mail relay's state, one row for every organisation (they share the relay): while it fails as a
    whole (refused, silent, 4xx to every transaction), the outbox pauses instead of burning each row's
    attempts, and tries one e-mail per backoff step until one goes through.

    Not tenant-owned: it describes the platform's relay, and holds no one's data.
    """

    SINGLETON = 1

    paused_since = models.DateTimeField(null=True, blank=True)
    # No e-mail is sent before this; the first worker past it sends one probe, and moves it on.
    paused_until = models.DateTimeField(null=True, blank=True)
    failed_probes = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("outbox pause")
        verbose_name_plural = _("outbox pauses")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="outbox_pause_single_row"),
        ]

    def __str__(self):
        return f"paused until {self.paused_until}" if self.paused_until else "sending"


class Preference(TenantModel):
    """A person's choice of e-mails in one organisation: kinds unsubscribed, and quiet hours."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    muted_kinds = models.JSONField(_("e-mails I do not want"), default=list, blank=True)
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="notification_preference_once"),
        ]

    def __str__(self):
        return str(self.user)


class OutboxAlert(models.Model):
    """The platform's one alert state about the outbox's lag (a single row, ``pk=1``).

    Two beats (or a beat retried) read and write it under a row lock, so staff get one alert e-mail per
    ``OUTBOX_ALERT_REPEAT_MINUTES`` while the lag lasts, and one "back to normal" when it ends.
    """

    # Set while an alert is out: when the lag was first seen past the threshold, and the last e-mail.
    lagging_since = models.DateTimeField(null=True, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox alert")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="outbox_alert_single_row")]

    def __str__(self):
        return f"outbox alert since {self.lagging_since}" if self.lagging_since else "outbox alert: none"
