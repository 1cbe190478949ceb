"""Django's SQLite backend, told how many parameters a statement may really bind.

Django 5.2 assumes SQLite's historical limit of 999 (``max_query_params``) and splits every bulk insert
and update into statements of that size: the e-mails of 500 pairs ending would take 21 inserts instead of
one, and a count of statements pinned by a test would grow with the data on SQLite only. SQLite has
allowed 32,766 since 3.32 (2020); the library this process links says what its build allows.
"""

import sqlite3
from contextlib import closing

from django.db.backends.sqlite3 import base, features


def _variable_limit() -> int:
    with closing(sqlite3.connect(":memory:")) as probe:
        return probe.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = _variable_limit()


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
