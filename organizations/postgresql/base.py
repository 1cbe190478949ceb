"""Django's PostgreSQL backend, telling the server which organisation each statement runs for.

Row-level security (``organizations.row_security``) lets a statement see a tenant table's rows of the
organisation named by the session setting ``binome.organization_id`` only, or every row when
``binome.bypass`` is ``on``. This backend keeps those two settings equal to the tenant context of the
code that runs the statement (``tenant_context``, ``unscoped``), checked before every statement:

- the settings are session-level (``set_config(..., false)``), because Django runs in autocommit and a
  per-transaction value would have to be sent again before every statement;
- the connection remembers what it last sent, so a round trip is added only when the scope changes (about
  two a request: into the organisation, and back out for the next request on a persistent connection),
  never per statement;
- a rollback (of a transaction or to a savepoint) undoes a ``set_config`` made inside it, so what was
  sent is then unknown and is sent again before the next statement; a new connection starts with neither
  setting, which shows no row;
- what a statement runs for is read from context variables, so threads, Celery tasks and requests on a
  persistent connection never inherit another's scope: each statement states its own.

Migrations and test databases are made by the tables' owner (``DATABASE_OWNER_URL``), the application
connecting as a role that owns nothing, so that the policies apply to it (``as_owner``).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.db.backends.postgresql import base, creation
from psycopg2 import extensions  # type: ignore[import-untyped]

SET_SCOPE = "SELECT set_config('binome.organization_id', %s, false), set_config('binome.bypass', %s, false)"
# What a new session holds: no organisation, no bypass (current_setting(..., true) is NULL).
NEUTRAL = ("", "")
# Unknown after a rollback: the next statement sends its scope whatever it is.
UNKNOWN = None


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, *args: Any, **kwargs: Any) -> str:
        connection = cast(DatabaseWrapper, self.connection)
        with connection.as_owner():
            name = super().create_test_db(*args, **kwargs)
            connection.grant_test_privileges()
        connection.ensure_connection()
        return name

    def destroy_test_db(self, *args: Any, **kwargs: Any) -> None:
        with cast(DatabaseWrapper, self.connection).as_owner():
            super().destroy_test_db(*args, **kwargs)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sent_scope: tuple[str, str] | None = UNKNOWN
        self._owner_depth = 0
        self._app_settings: dict[str, Any] | None = None
        self._bypass_reason: str | None = None
        # How many set_config statements this connection sent: what row security costs (a test pins it).
        self.scope_statements = 0
        # First in the list is outermost: tests' own wrappers (query counters) never see the SET.
        self.execute_wrappers.insert(0, self._state_scope)

    # The scope each statement runs for.

    def _state_scope(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        # Imported here: the tenancy module defines a model, and this module loads while models do.
        from ..tenancy import database_scope, record_bypass

        scope, reason = database_scope()
        if scope != self._sent_scope and self.connection is not None:
            # In a failed transaction every statement but a rollback is refused: the rollback must get
            # through, and whatever follows it sends its scope again.
            if self.connection.get_transaction_status() != extensions.TRANSACTION_STATUS_INERROR:
                with self.wrap_database_errors, self.connection.cursor() as cursor:
                    cursor.execute(SET_SCOPE, scope)
                self._sent_scope = scope
                self.scope_statements += 1
        # Each bypass is recorded once for each reason that uses it in a row, sent or already on.
        if scope[1] and reason != self._bypass_reason:
            record_bypass(reason)
        self._bypass_reason = reason if scope[1] else None
        return execute(sql, params, many, context)

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        self._sent_scope = NEUTRAL
        return connection

    def _close(self) -> None:
        self._sent_scope = UNKNOWN
        super()._close()  # type: ignore[misc]

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._sent_scope = UNKNOWN

    def _savepoint_rollback(self, sid: str) -> None:
        try:
            super()._savepoint_rollback(sid)  # type: ignore[misc]
        finally:
            self._sent_scope = UNKNOWN

    # The tables' owner: migrations and test databases.

    @property
    def owner_settings(self) -> dict[str, Any]:
        return self.settings_dict.get("OWNER") or {}

    @property
    def app_role(self) -> str | None:
        """The role the application connects as, when it is not the tables' owner."""
        user = (self._app_settings or self.settings_dict).get("USER")
        owner = self.owner_settings.get("USER")
        return user if owner and user and owner != user else None

    @contextmanager
    def as_owner(self) -> Iterator[None]:
        """Connect as the tables' owner inside the block (a no-op with no ``DATABASE_OWNER_URL``)."""
        owner = {key: value for key, value in self.owner_settings.items() if value not in (None, "")}
        if self._owner_depth or not owner:
            self._owner_depth += 1
            try:
                yield
            finally:
                self._owner_depth -= 1
            return
        self._app_settings = {key: self.settings_dict.get(key) for key in owner}
        self.close()
        self.settings_dict.update(owner)
        self._owner_depth += 1
        try:
            yield
        finally:
            self._owner_depth -= 1
            self.close()
            self.settings_dict.update(self._app_settings)
            self._app_settings = None

    def grant_test_privileges(self) -> None:
        """What a test database lets the application role do beyond production: empty every table
        (TransactionTestCase's flush) and reset sequences. TRUNCATE ignores row security: production
        never grants it."""
        role = self.app_role
        if role is None:
            return
        quoted = self.ops.quote_name(role)
        with self.cursor() as cursor:
            cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {quoted}")
            cursor.execute(f"GRANT UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
