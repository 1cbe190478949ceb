"""Shared set-up for bench scripts: a throw-away database, Django ready, one JSON line at the end.

Each script calls ``with bench_database(): ...``: SQLite in a temporary file by default, or, when
DATABASE_URL is set, a fresh database named after it with a ``_bench`` suffix on the same server,
dropped afterwards. Migrations are applied; nothing of a developer's own database is touched. With
row-level security (DATABASE_OWNER_URL set, the application's role owning nothing), the database is
made and dropped by the tables' owner, and the bench runs as the application's role.
"""

import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")


@contextmanager
def bench_database():
    import django

    url = os.environ.get("DATABASE_URL", "")
    temporary = None
    if url.startswith("postgres"):
        base, _, name = url.rpartition("/")
        bench_name = f"{name or 'binome'}_bench"
        os.environ["DATABASE_URL"] = f"{base}/{bench_name}"
        admin = owner_url_for(bench_name).rpartition("/")[0]
        postgres_admin(admin, f'DROP DATABASE IF EXISTS "{bench_name}"', f'CREATE DATABASE "{bench_name}"')
    else:
        temporary = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if temporary is not None:
            os.unlink(temporary.name)
        else:
            postgres_admin(admin, f'DROP DATABASE IF EXISTS "{bench_name}"')


def owner_url_for(name):
    """The URL of database ``name`` as the tables' owner (DATABASE_OWNER_URL's role, else DATABASE_URL's)."""
    url = os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"]
    return f"{url.rpartition('/')[0]}/{name}"


def switch_database(name, *, migrate):
    """Point Django's connection at database ``name`` on the same server (set up first if need be)."""
    import django
    from django.apps import apps
    from django.conf import settings

    base = os.environ["DATABASE_URL"].rpartition("/")[0]
    os.environ["DATABASE_URL"] = f"{base}/{name}"

    if not apps.ready:
        django.setup()
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        connections.close_all()


def analyze():
    """Fresh planner statistics for every table, as autovacuum keeps them on a live database.

    On PostgreSQL as the tables' owner: the application's role owns no table under row security, and
    PostgreSQL skips, with a mere warning, every table it asks to analyse (the plans then run on no
    statistics at all: the dashboard's bench measured 28 s instead of 0.3 s).
    """
    import psycopg2
    from django.db import connection

    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    owner = psycopg2.connect(owner_url_for(connection.settings_dict["NAME"]))
    owner.autocommit = True
    with owner.cursor() as cursor:
        cursor.execute("ANALYZE")
    owner.close()


def postgres_admin(base_url, *statements):
    import psycopg2

    connection = psycopg2.connect(f"{base_url}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def report(**figures):
    """Print the figures as the script's last line: one JSON object, comparable from run to run."""
    print(json.dumps(figures, sort_keys=True))
