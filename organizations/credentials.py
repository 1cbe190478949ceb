"""Secrets an organisation hands to a machine (a directory's SCIM token, an API key): hashed, shown once.

A credential is a random secret with a readable prefix (``scim_…``, ``bnm_…``) so that a leaked one is
recognised by secret scanners. Only its SHA-256 digest is stored: the secret is high-entropy, so a fast
hash is enough and a lookup by digest is one indexed query. The organisation's admin names, creates and
revokes credentials in the browser; the plaintext is shown once, at creation.
"""

import hashlib
import secrets
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tenancy import TenantModel, unscoped
from .validators import no_control_characters

_C = TypeVar("_C", bound="HashedCredential")


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class HashedCredential(TenantModel):
    """Abstract: subclasses set ``SECRET_PREFIX`` and may add fields (scopes)."""

    SECRET_PREFIX: ClassVar[str] = "bnm"

    name = models.CharField(_("name"), max_length=100, validators=[no_control_characters])
    # The first characters, shown in lists so that HR can tell which secret a script holds.
    hint = models.CharField(_("begins with"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(
        cls: type[_C], *, organization: Any, name: str, created_by: Any = None, **fields: Any
    ) -> tuple[_C, str]:
        """Create a credential; returns it and its secret, which is never readable again."""
        secret = f"{cls.SECRET_PREFIX}_{secrets.token_urlsafe(32)}"
        credential = cls(
            organization=organization,
            name=name,
            hint=secret[: len(cls.SECRET_PREFIX) + 5],
            digest=digest_of(secret),
            created_by=created_by,
            **fields,
        )
        credential.save(force_insert=True)
        return credential, secret

    @classmethod
    def authenticate(cls: type[_C], secret: str) -> _C | None:
        """The active credential with this secret, its organisation loaded, or None."""
        if not secret or not secret.startswith(f"{cls.SECRET_PREFIX}_"):
            return None
        with unscoped(f"{cls.__name__} authentication: the secret names the organisation"):
            credential = (
                cls.objects.select_related("organization")
                .filter(digest=digest_of(secret), revoked_at__isnull=True)
                .first()
            )
        return credential

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            type(self).objects.filter(pk=self.pk).update(revoked_at=self.revoked_at)
