"""The current organisation, and the managers that refuse to run without one.

Every tenant-owned model inherits ``TenantModel``. Its default manager filters on the organisation
set for the current request or task; with none set it raises ``NoTenantError`` instead of returning
every organisation's rows (fail closed). Code that must see several organisations (the Django admin,
maintenance commands, the notification dispatcher's fan-out) says so with ``unscoped(reason)``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

if TYPE_CHECKING:
    from .models import Organization

_current_organization: ContextVar["Organization | None"] = ContextVar("current_organization", default=None)
_unscoped_reason: ContextVar[str | None] = ContextVar("unscoped_reason", default=None)

_M = TypeVar("_M", bound="TenantModel")


class NoTenantError(RuntimeError):
    """A tenant-owned model was queried with no organisation set."""


def current_organization() -> "Organization | None":
    return _current_organization.get()


def unscoped_reason() -> str | None:
    """The reason of the ``unscoped`` block being run, or None inside a tenant or outside any block."""
    return _unscoped_reason.get() if _current_organization.get() is None else None


@contextmanager
def tenant_context(organization: "Organization | None") -> Iterator["Organization"]:
    """Scope every tenant-owned query inside the block to ``organization``."""
    if organization is None:
        raise NoTenantError("tenant_context() needs an organisation")
    from .people import fresh_name_cache, reset_name_cache

    token = _current_organization.set(organization)
    names_token = fresh_name_cache()
    try:
        yield organization
    finally:
        reset_name_cache(names_token)
        _current_organization.reset(token)


@contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """Allow queries across organisations inside the block; ``reason`` names who needs it."""
    if not reason:
        raise ValueError("unscoped() needs a reason")
    token = _unscoped_reason.set(reason)
    org_token = _current_organization.set(None)
    try:
        yield
    finally:
        _current_organization.reset(org_token)
        _unscoped_reason.reset(token)


class TenantManager(models.Manager[_M]):
    def get_queryset(self) -> models.QuerySet[_M]:
        queryset = super().get_queryset()
        organization = _current_organization.get()
        if organization is not None:
            return queryset.filter(organization_id=organization.pk)
        if _unscoped_reason.get():
            return queryset
        raise NoTenantError(
            f"{self.model.__name__} queried with no organisation set: "
            "use tenant_context(organization) or unscoped(reason)"
        )


class TenantModel(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+", editable=False
    )

    objects = TenantManager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.organization_id is None:
            organization = _current_organization.get()
            if organization is None:
                raise NoTenantError(f"{type(self).__name__} saved with no organisation")
            self.organization = organization
        super().save(*args, **kwargs)


def tenant_models() -> list[type[TenantModel]]:
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, TenantModel)]
