"""PostgreSQL row-level security: the database as a second wall between organisations.

Every tenant table (``tenancy.tenant_models()``, and any table with an ``organization_id`` column) gets
``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` and one policy, ``POLICY``: a row is visible, and may be
written, when its ``organization_id`` is the session's ``binome.organization_id``, or when
``binome.bypass`` is ``on``. Django's automatic many-to-many tables between tenant models carry no
organisation: theirs lets a link through when both rows it joins are visible. ``organizations.postgresql``
sets both settings from the tenant context before each statement, so a query the tenant manager would
have refused (raw SQL, a join from a global table, a lazy queryset evaluated outside its block) sees no
other organisation's row either.

The policies are applied after every ``migrate`` (a ``post_migrate`` handler): a new tenant model gets its
policy without anyone remembering it, and ``tables_without_policy`` (a test) finds any that would not.
Applying them again changes nothing, so a deploy takes no lock on tables already protected.

It is a wall against the application's own mistakes, not against someone who can run any SQL as the
application's role: any role may set ``binome.bypass`` for itself. Against that, the roles and grants
(docs/row-security.md).
"""

from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from .tenancy import tenant_models

POLICY = "binome_tenant_v2"
# A policy of an earlier version is replaced: its name starts with this.
POLICY_PREFIX = "binome_tenant"

# Each setting is read in a sub-select, which PostgreSQL evaluates once per statement (an InitPlan), not
# once per row: written bare, current_setting() ran twice for every row scanned and doubled the cost of
# a scan (60,000 sessions: 22.6 ms against 11.7 ms with no policy at all; 11.7 ms written this way).
VISIBLE = (
    "((SELECT current_setting('binome.bypass', true) = 'on') "
    "OR {column} = (SELECT NULLIF(current_setting('binome.organization_id', true), '')::bigint))"
)

# A table with an organization_id column that needs no policy: table -> why. None today.
EXEMPT: dict[str, str] = {}


def _existing_tables(cursor: Any) -> set[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
    )
    return {name for (name,) in cursor.fetchall()}


def _tables_with_organization(cursor: Any) -> set[str]:
    cursor.execute(
        "SELECT c.table_name FROM information_schema.columns c "
        "JOIN information_schema.tables t USING (table_schema, table_name) "
        "WHERE c.table_schema = current_schema() AND c.column_name = 'organization_id' "
        "AND t.table_type = 'BASE TABLE'"
    )
    return {name for (name,) in cursor.fetchall()} - set(EXEMPT)


def _through_tables() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Automatic many-to-many tables between tenant models: table -> (column, parent table, parent pk)."""
    tenant: set[Any] = set(tenant_models())
    throughs: dict[str, tuple[tuple[str, str, str], ...]] = {}
    for model in tenant:
        for field in model._meta.local_many_to_many:
            through: Any = field.remote_field.through
            if not through._meta.auto_created:
                continue  # an explicit through model is a model of its own, tenant or not
            sides = []
            for fk in through._meta.get_fields():
                if getattr(fk, "many_to_one", False) and fk.concrete:
                    parent: Any = fk.related_model
                    if parent not in tenant:
                        break
                    sides.append((str(fk.column), str(parent._meta.db_table), str(parent._meta.pk.column)))
            else:
                throughs[str(through._meta.db_table)] = tuple(sides)
    return throughs


def protected_tables(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Every table that must have a policy, existing in this database, with the policy's expression."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        existing = _existing_tables(cursor)
        direct = _tables_with_organization(cursor)
    direct |= {model._meta.db_table for model in tenant_models()} & existing
    expressions = {table: VISIBLE.format(column=quote("organization_id")) for table in direct}
    for table, sides in _through_tables().items():
        if table in existing:
            expressions[table] = (
                "("
                + " AND ".join(
                    f"EXISTS (SELECT 1 FROM {quote(parent)} p WHERE p.{quote(pk)} = {quote(table)}.{quote(column)})"
                    for column, parent, pk in sides
                )
                + ")"
            )
    return expressions


def _policies(cursor: Any) -> dict[str, set[str]]:
    cursor.execute(
        "SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema() "
        "AND policyname LIKE %s",
        [POLICY_PREFIX + "%"],
    )
    found: dict[str, set[str]] = {}
    for table, policy in cursor.fetchall():
        found.setdefault(table, set()).add(policy)
    return found


def _forced(cursor: Any) -> set[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relrowsecurity AND c.relforcerowsecurity"
    )
    return {name for (name,) in cursor.fetchall()}


def tables_without_policy(connection: BaseDatabaseWrapper) -> list[str]:
    """Tables that must have the current policy and row security forced, and lack either."""
    tables = protected_tables(connection)
    with connection.cursor() as cursor:
        policies = _policies(cursor)
        forced = _forced(cursor)
    return sorted(table for table in tables if table not in forced or policies.get(table, set()) != {POLICY})


def apply_policies(connection: BaseDatabaseWrapper) -> list[str]:
    """Protect every tenant table that is not yet (idempotent); the tables changed, sorted."""
    quote = connection.ops.quote_name
    tables = protected_tables(connection)
    with connection.cursor() as cursor:
        policies = _policies(cursor)
        forced = _forced(cursor)
        changed = []
        for table, expression in sorted(tables.items()):
            current = policies.get(table, set())
            if table in forced and current == {POLICY}:
                continue
            changed.append(table)
            name = quote(table)
            cursor.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
            # The new policy first: between the two statements a table under a forced policy and none
            # would show no row at all.
            if POLICY not in current:
                cursor.execute(
                    f"CREATE POLICY {quote(POLICY)} ON {name} USING {expression} WITH CHECK {expression}"
                )
            for old in current - {POLICY}:
                cursor.execute(f"DROP POLICY {quote(old)} ON {name}")
    return changed


def grant_to_app_role(connection: BaseDatabaseWrapper, role: str) -> None:
    """The application's role reads and writes rows, of today's tables and tomorrow's, and owns none."""
    role = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
        )
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}"
        )


def after_migrate(using: str = "default", **kwargs: Any) -> None:
    """``post_migrate``: protect the new tenant tables, and grant the application's role its rows."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    apply_policies(connection)
    role = getattr(connection, "app_role", None)
    if role is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            (current,) = cursor.fetchone()
        if current != role:  # the owner migrates; a flush in tests runs as the application
            grant_to_app_role(connection, role)
