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
    ``session_reminder_1h:session:12:seq:0:user:7``) makes planning idempotent, and a row leaves
    ``pending`` in the same transaction that sends its e-mail, so a retried task, a second dispatcher
    or a restarted worker finds nothing left to send.

    An address-only row (``recipient`` empty, ``address`` set: an invitation to someone with no account)
    has no preferences, quiet hours or in-app list: those belong to a person.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        IN_APP = "in_app", _("In the app only")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    address = models.EmailField(_("address"), blank=True)
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
                condition=Q(status__in=["pending", "sent", "in_app", "skipped", "failed"]),
                name="notification_status_valid",
            ),
            # A person, or an address with no account yet: exactly one of them.
            models.CheckConstraint(
                condition=Q(recipient__isnull=False, address="")
                | (Q(recipient__isnull=True) & ~Q(address="")),
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
            models.Index(fields=["organization", "kind", "object_id"], name="notification_kind_object"),
            models.Index(fields=["organization", "recipient", "-delivered_at"], name="notification_inbox"),
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
