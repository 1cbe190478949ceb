"""``migrate`` as the tables' owner (``DATABASE_OWNER_URL``), over every organisation's rows.

The application connects as a role that owns no table, so that PostgreSQL's row-level security applies to
it; creating and altering tables is the owner's. A data migration reads and writes every organisation's
rows: the run is ``unscoped``, which row security records like any other bypass.
"""

from typing import Any

from django.core.management.commands import migrate
from django.db import connections

from organizations.tenancy import unscoped


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        as_owner = getattr(connection, "as_owner", None)
        with unscoped("migrations run as the owner, over every organisation"):
            if as_owner is None:
                super().handle(*args, **options)
                return
            with as_owner():
                super().handle(*args, **options)
