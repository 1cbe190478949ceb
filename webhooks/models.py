from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantModel
from organizations.validators import no_control_characters

from .events import Event


class Endpoint(TenantModel):
    """A URL of the organisation's that receives the events it subscribed to, signed with its secret.

    The secret signs every delivery (HMAC-SHA256), so it must be read back: it is stored encrypted
    (``webhooks.secrets``), shown once to HR when created or rotated, and only its first characters
    afterwards. After a rotation the previous secret still signs deliveries for a while, alongside the new
    one, so that the receiver can switch without missing any.
    """

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(
        _("description"), max_length=200, blank=True, validators=[no_control_characters]
    )
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    # Why Binôme paused it by itself (the receiver answered 410 Gone), shown to HR until they resume it.
    disabled_reason = models.CharField(max_length=200, blank=True)
    secret = models.TextField(editable=False)
    secret_hint = models.CharField(_("secret begins with"), max_length=16, editable=False)
    previous_secret = models.TextField(blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [
            models.Index(
                fields=["organization"], condition=Q(is_active=True), name="webhook_endpoint_active"
            ),
        ]

    def __str__(self) -> str:
        return self.url

    def subscribes_to(self, event: str) -> bool:
        return event in self.events

    @property
    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [str(labels.get(event, event)) for event in self.events]
