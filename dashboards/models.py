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


class ReportSubscription(TenantModel):
    """An executive's or HR admin's monthly e-mail of a programme's impact report (no programme: the whole
    organisation's). Whether they may still read it is checked when the e-mail is planned and again when
    it is sent, not here."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(
        "programmes.Programme", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user", "programme"],
                name="dashboards_one_subscription_per_programme",
            ),
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=models.Q(programme__isnull=True),
                name="dashboards_one_whole_organisation_subscription",
            ),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.programme_id or '*'}"
