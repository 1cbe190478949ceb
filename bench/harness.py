"""Shared set-up for bench scripts: a throw-away database, Django ready, one JSON line at the end.

Each script calls ``with bench_database(): ...``: SQLite in a temporary file by default, or, when
DATABASE_URL is set, a fresh database named after it with a ``_bench`` suffix on the same server,
dropped afterwards. Migrations are applied; nothing of a developer's own database is touched. With
DATABASE_OWNER_URL (row security's two roles), the owner creates, migrates and drops the database and
the application's role runs the bench, so that the policies apply as in production.
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
        owner_url = os.environ.get("DATABASE_OWNER_URL", "")
        if owner_url:
            base = owner_url.rpartition("/")[0]
            os.environ["DATABASE_OWNER_URL"] = f"{base}/{bench_name}"
        _postgres_admin(base, f'DROP DATABASE IF EXISTS "{bench_name}"', f'CREATE DATABASE "{bench_name}"')
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
            _postgres_admin(base, f'DROP DATABASE IF EXISTS "{bench_name}"')


def _postgres_admin(base_url, *statements):
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
