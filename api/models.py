from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.credentials import HashedCredential

from .scopes import Scope


class ApiKey(HashedCredential):
    """An organisation's key for the REST API: a bearer secret, hashed, with the scopes HR gave it."""

    SECRET_PREFIX = "bnm"

    scopes = models.JSONField(_("scopes"), default=list)

    class Meta(HashedCredential.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        indexes = [models.Index(fields=["organization", "revoked_at"])]

    def has_scope(self, scope: Scope | str) -> bool:
        return str(scope) in self.scopes

    def scope_labels(self) -> list[str]:
        return [str(Scope(scope).label) for scope in self.scopes if scope in Scope.values]
