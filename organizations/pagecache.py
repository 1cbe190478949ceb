"""Pages' own content kept in the shared cache until something it shows is written, or it turns stale.

The pair page and HR's participants list cost 20-35 ms of templates and ORM a request, for what is the
same HTML each time the same person opens them again, and that is most requests: people reload their
pair's page, go back to it from a session, and HR pages through the same list. ``cached_content`` keeps
a page's own content (not the layout around it, which holds the flash messages) under a key made of:

- the **generations** of the scopes the content reads (``GLOBAL``, an organisation, one pair): random
  values in the cache, replaced whenever a statement writes to a table in that scope, so that content
  kept under the old values is never served again;
- who reads it (their account: names, roles and links depend on it), the language, the time zone, the
  URL prefix, and what the view says it varies with (filters, a page number).

**Every write is seen, not only saves.** Generations are bumped from the SQL itself
(``track_writes``, a wrapper on every database connection): ``save()`` and ``delete()``, but also
``update()``, ``bulk_create()``, raw SQL, migrations, in the web processes and in the Celery workers
alike. A write is scoped as narrowly as what is known for certain:

- an instance's own ``INSERT`` or ``UPDATE`` (``TenantModel._do_insert``/``_do_update``) of a model that
  belongs to a pair (a ``pair`` foreign key, or the pair itself) bumps that pair and the organisation's
  ``pairs`` scope (what shows several pairs' content);
- any other write to a tenant table, in a tenant context, bumps its organisation;
- a write outside any tenant context, a change to a row that no tenant owns (an account, an
  organisation), or a statement that is not recognised, bumps ``GLOBAL``, which every key holds; a new
  account or organisation bumps nothing (no kept page can show it before a tenant row names it);
- tables whose rows no cached page shows (``NOT_SHOWN``: the session store, the audit trail, the
  outbox...) bump nothing, nor does the sign-in's ``last_login``.

A bump is made at the write (the same transaction's later reads, and tests, which never commit, see it)
and again when the transaction commits: a request that read the rows before the commit may have stored
them under the generation of the first bump. A rolled-back write bumps at most once, which costs a miss.

**Time.** A view passes ``valid_until``, the first instant at which the same rows would be shown
differently (a session moving from "upcoming" to "to log", the next local midnight for what depends on
the date); nothing is kept longer than ``PAGE_CACHE_SECONDS``, the bound for a write that no process of
ours made (a hand-typed ``psql`` statement) or whose bump was lost while the cache was unreachable.

**CSRF.** Content with forms is kept with a marker where the token goes (``mentoring.fragments``), and
each answer gets its own request's token.

The cache must be shared by every process that writes (``PAGE_CACHE``: on with Redis); with Django's
in-memory cache a Celery worker's writes would never reach the web process's cache.
"""

import datetime
import hashlib
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from mentoring import fragments

GLOBAL = "global"

# Tables whose rows no cached page shows: written on almost every request or by every worker tick, they
# would otherwise empty the cache all day. By model label; a new model is a source until listed here
# (tests/organizations/test_pagecache.py lists every label with its reason).
NOT_SHOWN = frozenset(
    {
        "sessions.Session",  # django.contrib.sessions: saved by every request that changes a session
        "accounts.SignedInSession",  # the devices a person is signed in on, touched as they browse
        "organizations.AuditEvent",  # written by reads too (a participant's record opened, an export)
        "notifications.Notification",  # the outbox: every reminder, every dispatcher tick
        "notifications.OutboxPause",
        "notifications.OutboxAlert",
        "api.ApiKey",  # its last use, written by every API call
        "mfa.Authenticator",  # its last use, written at every second-factor sign-in
        "account.EmailConfirmation",
        "admin.LogEntry",
    }
)

GENERATION_SECONDS = 7 * 24 * 3600
_ACCOUNTS_SIGN_IN = re.compile(r'^\s*UPDATE\s+"?\w+"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE\b', re.I)
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+(?:"?\w+"?\.)?"?(\w+)"?',
    re.I,
)
_READ = re.compile(
    r"^\s*(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|BEGIN|SET|SHOW|EXPLAIN|DECLARE|FETCH|CLOSE|"
    r"VALUES|PRAGMA|ANALYZE|VACUUM|LOCK|LISTEN|NOTIFY|UNLISTEN)\b",
    re.I,
)
_INSERT = re.compile(r"^\s*INSERT\b", re.I)
_WRITES_INSIDE = re.compile(r"\b(?:INSERT|UPDATE|DELETE|TRUNCATE)\b", re.I)

# What an instance's own INSERT or UPDATE is writing: its tables, organisation and pair.
_instance_write: ContextVar["_InstanceWrite | None"] = ContextVar("pagecache_instance_write", default=None)


@dataclass(frozen=True)
class _InstanceWrite:
    tables: frozenset[str]
    organization_id: int
    pair_id: int | None


def organization(organization_id: int) -> str:
    return f"org:{organization_id}"


def pairs(organization_id: int) -> str:
    """Any pair's content in the organisation (what a page of several pairs' sessions reads)."""
    return f"pairs:{organization_id}"


def pair(organization_id: int, pair_id: int) -> str:
    return f"pair:{organization_id}:{pair_id}"


def _generation_key(scope: str) -> str:
    return f"pages:generation:{scope}"


def bump(scopes: Iterable[str]) -> None:
    """Content kept under these scopes' current generations is not served again."""
    cache.set_many({_generation_key(scope): uuid.uuid4().hex for scope in scopes}, GENERATION_SECONDS)


def generations(scopes: Iterable[str]) -> str | None:
    """The scopes' current generations, in one round trip; None when the cache cannot keep them.

    A generation that is missing (never made, expired, evicted) is made anew, never assumed: content
    kept under an earlier one must stay unreachable.
    """
    global _generations_read
    _generations_read += 1
    keys = [_generation_key(scope) for scope in (GLOBAL, *scopes)]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, GENERATION_SECONDS)
        found.update(cache.get_many(missing))
        if any(key not in found for key in keys):
            return None
    return ":".join(found[key] for key in keys)


# Which scope a write is in.


@lru_cache(maxsize=1)
def _tables() -> dict[str, str]:
    """{table: "tenant", "global", "global link" or "not shown"} for every installed model's table."""
    from django.apps import apps

    from .tenancy import TenantModel

    kinds = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table.lower()
        if model._meta.label in NOT_SHOWN:
            kinds[table] = "not shown"
        elif issubclass(model, TenantModel) or _is_tenant_link(model._meta.auto_created, TenantModel):
            kinds[table] = "tenant"
        elif model._meta.auto_created:
            kinds[table] = "global link"  # a new row links rows that exist, and may change what they show
        else:
            kinds[table] = "global"
    return kinds


def _is_tenant_link(owner: Any, tenant_model: type) -> bool:
    """A many-to-many table Django made for a tenant model (``auto_created`` names that model)."""
    return isinstance(owner, type) and issubclass(owner, tenant_model)


def _clear_tables(**kwargs: Any) -> None:
    _tables.cache_clear()


setting_changed.connect(_clear_tables, dispatch_uid="organizations.pagecache.tables")


def belongs_to_pair(model: Any) -> bool:
    return model._meta.label == "pairing.Pair" or any(
        field.name == "pair" and field.many_to_one for field in model._meta.concrete_fields
    )


def scopes_written(sql: str) -> tuple[str, ...]:
    """The scopes that ``sql``, run now, may change (none for a read)."""
    from .tenancy import database_scope

    match = _WRITE.match(sql)
    if match is None:
        if _READ.match(sql):
            return ()
        if sql.lstrip()[:4].upper() == "WITH" and not _WRITES_INSIDE.search(sql):
            return ()
        return (GLOBAL,)  # DDL, TRUNCATE, COPY, a data-modifying WITH: whatever it touched
    table = match.group(1).lower()
    kind = _tables().get(table, "unknown")
    if kind == "not shown":
        return ()
    if kind in ("global link", "unknown"):
        return (GLOBAL,)
    if kind == "global":
        # A new account or organisation is on no kept page until a tenant row names it, and that row's
        # own write replaces its scope; a sign-in's last_login is on none.
        if _INSERT.match(sql) or _ACCOUNTS_SIGN_IN.match(sql):
            return ()
        return (GLOBAL,)
    (organization_id, bypass), _reason = database_scope()
    if bypass or not organization_id:
        return (GLOBAL,)
    own = _instance_write.get()
    if own is not None and table in own.tables and str(own.organization_id) == organization_id:
        scopes = [pairs(own.organization_id)]
        if own.pair_id is not None:
            scopes.append(pair(own.organization_id, own.pair_id))
        return tuple(scopes)
    return (organization(int(organization_id)),)


def instance_write(instance: Any) -> "_InstanceWriting":
    """Around a tenant instance's own INSERT or UPDATE: scoped to its pair when it belongs to one."""
    return _InstanceWriting(instance)


class _InstanceWriting:
    def __init__(self, instance: Any) -> None:
        self.instance = instance
        self.token: Token[_InstanceWrite | None] | None = None

    def __enter__(self) -> None:
        model = type(self.instance)
        if self.instance.organization_id is None or not belongs_to_pair(model):
            return
        pair_id = self.instance.pk if model._meta.label == "pairing.Pair" else self.instance.pair_id
        tables = frozenset(
            parent._meta.db_table.lower() for parent in (model, *model._meta.get_parent_list())
        )
        self.token = _instance_write.set(_InstanceWrite(tables, self.instance.organization_id, pair_id))

    def __exit__(self, *exc_info: Any) -> None:
        if self.token is not None:
            _instance_write.reset(self.token)


def track_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """An execute wrapper (``install``): after each statement that writes, its scopes are bumped."""
    result = execute(sql, params, many, context)
    scopes = scopes_written(sql)
    if scopes:
        _written(context["connection"], scopes)
    return result


class _OnCommit:
    """The bump a transaction owes at its commit: one callback, holding every scope it wrote."""

    def __init__(self) -> None:
        # Each scope written, with ``_generations_read`` when it was last bumped.
        self.scopes: dict[str, int] = {}

    def __call__(self) -> None:
        bump(self.scopes)


# Generations read by this process so far: a transaction that writes a scope again need not bump it
# again unless they were read since (by something that may keep its own uncommitted rows under them).
_generations_read = 0


def _written(connection: Any, scopes: Iterable[str]) -> None:
    if not connection.in_atomic_block:
        bump(scopes)
        return
    pending = getattr(connection, "_pagecache_on_commit", None)
    # A rollback drops the callback with the writes made since it was registered: a new one is needed.
    if pending is None or not any(
        callback is pending for _sids, callback, _robust in connection.run_on_commit
    ):
        pending = connection._pagecache_on_commit = _OnCommit()
        transaction.on_commit(pending, using=connection.alias, robust=True)
    stale = [scope for scope in scopes if pending.scopes.get(scope) != _generations_read]
    if stale:
        bump(stale)
        pending.scopes.update(dict.fromkeys(stale, _generations_read))


def install(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``: every connection of every process tracks its writes (once)."""
    if track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_writes)


# Kept content.


def next_local_midnight(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next midnight in the active time zone: where "today" (the programme's phase) turns."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    tomorrow = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(tomorrow, timezone.get_current_timezone())


class _Recent:
    """What this process served last, by key: a kept page read again costs no cache round trip nor
    unpickling. A key holds the generations, so an entry is never served for rows written since; and
    its time limit is checked as for the shared cache."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Any) -> None:
        with self.lock:
            self.entries[key] = entry
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


# A page's content is 20-60 kB: a few hundred people's pages at most per process.
_recent = _Recent(size=300)


@dataclass(frozen=True)
class Content:
    html: SafeString
    # What the view asked to keep beside the HTML (``keep``): the few values its layout shows, such as
    # a title, so that a kept page needs no row read at all.
    values: Mapping[str, Any]


def cached_content(
    request: Any,
    *,
    name: str,
    scopes: Iterable[str],
    template_name: str,
    context: Callable[[], Mapping[str, Any]],
    valid_until: Callable[[], datetime.datetime | None] | None = None,
    vary: Iterable[Any] = (),
    keep: Iterable[str] = (),
) -> Content:
    """``template_name`` rendered with ``context()`` (and the request's context processors), kept.

    ``scopes`` are what the content reads, ``vary`` what else it depends on beside the reader, the
    language, the time zone and the URL prefix; ``valid_until()``, called when it is rendered, says until
    when the same rows show the same way. ``context()`` is called only when nothing is kept.

    **Access.** ``context()`` is where the view reads its rows through its access check (which raises
    Http404). Content kept for this reader was drawn after that check let them in, on rows of the same
    generations: a view may rely on it only when every row its check reads is in ``scopes`` (the pair
    and its participants for the pair page, the organisation's programmes and memberships for HR's list),
    so that any change to who may see it replaces what was kept. The organisation's membership itself is
    checked at every request, before the view (``organization_view``).
    """
    scopes = tuple(scopes)
    keep = tuple(keep)
    current = generations(scopes) if settings.PAGE_CACHE else None
    if current is None:
        own = dict(context())
        html = mark_safe(render_to_string(template_name, own, request=request))
        return Content(html, {name: own[name] for name in keep})
    user = getattr(request, "user", None)
    described = "|".join(
        str(part)
        for part in (
            name,
            current,
            getattr(user, "pk", None),
            get_language(),
            timezone.get_current_timezone_name(),
            get_script_prefix(),
            *vary,
        )
    )
    key = f"pages:content:{name}:{hashlib.sha256(described.encode()).hexdigest()[:40]}"
    now = timezone.now()
    kept = _recent.get(key)
    if kept is None:
        kept = cache.get(key)
        if kept is not None:
            _recent.put(key, kept)
    if kept is not None and kept[1] > now:
        html, _until, values = kept
    else:
        own = dict(context())
        values = {name: own[name] for name in keep}
        own["csrf_token"] = fragments.marker("csrf_token")
        html = render_to_string(template_name, own, request=request)
        until = now + datetime.timedelta(seconds=settings.PAGE_CACHE_SECONDS)
        if valid_until is not None:
            until = min(until, valid_until() or until)
        seconds = (until - now).total_seconds()
        if seconds >= 1:
            cache.set(key, (html, until, values), int(seconds))
            _recent.put(key, (html, until, values))
    if fragments.marker("csrf_token") not in html:
        return Content(mark_safe(html), values)
    from django.middleware.csrf import get_token

    return Content(fragments.fill(html, {"csrf_token": get_token(request)}), values)
