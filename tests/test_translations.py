"""French is a first-class language: every string has its translation, and none is forgotten."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from po_untranslated import project_po_files, untranslated  # noqa: E402


def test_every_french_catalogue_is_complete():
    missing = {
        str(path.relative_to(ROOT)): [entry.msgid for entry in untranslated(path)]
        for path in project_po_files()
    }
    assert not {path: ids for path, ids in missing.items() if ids}


def test_no_translatable_string_is_missing_from_the_catalogues(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "node_modules",
            "media",
            "staticfiles",
            "test-results",
            "*.sqlite3",
            "__pycache__",
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "--no-location",
            "--no-obsolete",
            "--ignore=tests",
            "--ignore=bench",
            "--ignore=node_modules",
            "-v0",
        ],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "mentoring.settings"},
    )
    for fresh in copy.glob("**/locale/fr/LC_MESSAGES/django.po"):
        committed = ROOT / fresh.relative_to(copy)
        fresh_ids = {entry.msgid for entry in polib.pofile(str(fresh)) if not entry.obsolete}
        committed_ids = (
            {entry.msgid for entry in polib.pofile(str(committed))} if committed.exists() else set()
        )
        assert not fresh_ids - committed_ids, (
            f"{committed.relative_to(ROOT)} lacks strings: run `make makemessages` and translate them"
        )
