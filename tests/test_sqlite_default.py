"""The newcomer's `make test` runs on SQLite with one test database per xdist worker."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
from pytest_django.fixtures import _set_suffix_to_test_databases
import django
django.setup()
_set_suffix_to_test_databases("gw1")
from django.db import connection
print(connection.creation._get_test_db_name())
"""


def test_each_xdist_worker_gets_a_test_database_it_can_open():
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"
    name = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    ).stdout.strip()
    in_memory = name.startswith("file:memorydb_") and "mode=memory" in name
    assert in_memory or Path(name).parent.is_dir(), name
