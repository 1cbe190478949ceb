"""The current organisation, and the managers that refuse to run without one.

Every tenant-owned model inherits ``TenantModel``. Its default manager filters on the organisation
set for the current request or task; with none set it raises ``NoTenantError`` instead of returning
every organisation's rows (fail closed). Code that must see several organisations (the Django admin,
maintenance commands, the notification dispatcher's fan-out) says so with ``unscoped(reason)``.

On PostgreSQL the database enforces the same scope a second time (``organizations.row_security``): every
statement states the organisation it runs for (``database_scope``, read by ``organizations.postgresql``),
and a tenant table shows no row when none is set, so raw SQL, joins from global tables and lazy querysets
evaluated outside their block fail closed as well.
"""

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import models
from django.db.models.fields.related_descriptors import ForwardManyToOneDescriptor
from django.db.models.signals import class_prepared

if TYPE_CHECKING:
    from .models import Organization

_current_organization: ContextVar["Organization | None"] = ContextVar("current_organization", default=None)
_unscoped_reason: ContextVar[str | None] = ContextVar("unscoped_reason", default=None)
# The organisation of a row whose own save, delete or refresh runs outside any scope (TenantModel).
_row_organization_id: ContextVar[int | None] = ContextVar("row_organization_id", default=None)

_M = TypeVar("_M", bound="TenantModel")

logger = logging.getLogger("organizations.row_security")

# How often each reason turned row security off in this process (``record_bypass``), for tests and
# metrics; the log has every occurrence.
BYPASSES: Counter[str] = Counter()


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


def database_scope() -> tuple[tuple[str, str], str | None]:
    """The row-security settings the next statement runs with, and the reason of a bypass.

    ``(organization id, "")`` inside ``tenant_context``; ``("", "on")`` inside ``unscoped`` (a tenant
    context opened inside it wins, as in ``TenantManager``); ``("", "")`` outside both: no tenant row.
    """
    organization = _current_organization.get()
    if organization is not None:
        return (str(organization.pk), ""), None
    reason = _unscoped_reason.get()
    if reason:
        return ("", "on"), reason
    row_organization_id = _row_organization_id.get()
    if row_organization_id is not None:
        return (str(row_organization_id), ""), None
    return ("", ""), None


def record_bypass(reason: str | None) -> None:
    """A connection has just told PostgreSQL to show every organisation's rows, for ``reason``."""
    reason = reason or ""
    BYPASSES[reason] += 1
    logger.info(
        "row security bypass reason=%s",
        reason,
        extra={"event": "row_security_bypass", "reason": reason},
    )


_Q = TypeVar("_Q", bound=models.QuerySet[Any])


class _KeepsScope:
    """Mixed into a queryset's class by ``keeping_scope``."""

    _made_in: tuple["Organization | None", str | None]

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]
        clone._made_in = self._made_in
        return clone

    @contextmanager
    def _in_scope(self) -> Iterator[None]:
        organization, reason = self._made_in
        if organization is not None:
            with tenant_context(organization):
                yield
        elif reason:
            with unscoped(reason):
                yield
        else:
            yield

    def _fetch_all(self) -> None:
        with self._in_scope():
            super()._fetch_all()  # type: ignore[misc]

    def count(self) -> int:
        with self._in_scope():
            return cast(int, super().count())  # type: ignore[misc]

    def exists(self) -> bool:
        with self._in_scope():
            return cast(bool, super().exists())  # type: ignore[misc]

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        with self._in_scope():
            return cast(dict[str, Any], super().aggregate(*args, **kwargs))  # type: ignore[misc]


_keeping_classes: dict[type, type] = {}


def keeping_scope(queryset: _Q) -> _Q:
    """``queryset``, running its SQL in the scope current now wherever it is evaluated later.

    For a lazy queryset handed to a template (the organisation switcher): the tenant manager checked the
    scope when it was made, and row-level security checks it again when the SQL runs, outside the block.
    """
    base = type(queryset)
    keeping = _keeping_classes.get(base)
    if keeping is None:
        keeping = _keeping_classes[base] = type(f"ScopeKeeping{base.__name__}", (_KeepsScope, base), {})
    clone = queryset._chain()  # type: ignore[attr-defined]
    clone.__class__ = keeping
    clone._made_in = (_current_organization.get(), _unscoped_reason.get())
    return cast(_Q, clone)


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
        with self._own_scope():
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with self._own_scope():
            return super().delete(*args, **kwargs)

    # The row's own statements, so that the kept pages know which pair they change (organizations/pagecache.py).

    def _do_insert(self, *args: Any, **kwargs: Any) -> Any:
        from .pagecache import instance_write

        with instance_write(self):
            return super()._do_insert(*args, **kwargs)  # type: ignore[misc]

    def _do_update(self, *args: Any, **kwargs: Any) -> Any:
        from .pagecache import instance_write

        with instance_write(self):
            return super()._do_update(*args, **kwargs)

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        with self._own_scope():
            super().refresh_from_db(*args, **kwargs)

    @contextmanager
    def _own_scope(self) -> Iterator[None]:
        """An instance's own row, written, deleted or read again, in its own organisation.

        Django does these through the base manager, which never asked for a tenant: with no scope set
        they ran unchecked, and PostgreSQL's row security would now find no row. They touch this row (and
        what cascades from it) only, so their statements run in the organisation the row names; inside a
        scope, that scope decides, and a row of another organisation stays out of reach.
        """
        if _current_organization.get() is None and not _unscoped_reason.get() and self.organization_id:
            # For the database only: the code inside (signals) still has no tenant, as before.
            token = _row_organization_id.set(self.organization_id)
            try:
                yield
            finally:
                _row_organization_id.reset(token)
        else:
            yield


class _OwnRelation:
    """Mixed into a tenant model's forward foreign key descriptors (``_scope_own_relations``)."""

    def get_object(self, instance: Any) -> Any:
        with instance._own_scope():
            return super().get_object(instance)  # type: ignore[misc]


def _scope_own_relations(sender: type, **kwargs: Any) -> None:
    """``class_prepared``: a tenant row's foreign keys load, outside any scope, in its own organisation.

    The rows a foreign key names belong to the same organisation (or are global), and Django loads them
    through the base manager, as it refreshes the row itself (``TenantModel._own_scope``).
    """
    if not issubclass(sender, TenantModel):
        return
    for field in sender._meta.concrete_fields:
        descriptor = sender.__dict__.get(field.name)
        if isinstance(descriptor, ForwardManyToOneDescriptor) and not isinstance(descriptor, _OwnRelation):
            scoped = type(f"Own{type(descriptor).__name__}", (_OwnRelation, type(descriptor)), {})
            setattr(sender, field.name, scoped(field))


class_prepared.connect(_scope_own_relations, dispatch_uid="organizations.tenancy.own_relations")


def tenant_models() -> list[type[TenantModel]]:
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, TenantModel)]
