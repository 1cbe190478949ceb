from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.tenancy import TenantModel


class Nudge(TenantModel):
    """HR's one-click reminder to a pair at risk; the row is written before the e-mail goes out."""

    pair = models.ForeignKey("pairing.Pair", on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(_("reasons"), default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("nudge")
        verbose_name_plural = _("nudges")
        indexes = [models.Index(fields=["organization", "pair", "created_at"])]

    def __str__(self):
        return f"{self.pair_id} · {self.created_at:%Y-%m-%d}"
