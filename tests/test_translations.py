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


def test_our_french_is_what_the_pages_show():
    # Django merges every installed app's catalogue and the first one listed wins for a msgid: allauth's
    # and Django's own French ("Changer", "Sessions") must not shadow the wording our glossary chose.
    from django.utils import translation

    def shown(entry):
        if entry.msgid_plural:
            return (
                translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 2)
                if entry.msgctxt
                else (translation.ngettext(entry.msgid, entry.msgid_plural, 2))
            )
        if entry.msgctxt:
            return translation.pgettext(entry.msgctxt, entry.msgid)
        return translation.gettext(entry.msgid)

    def ours(entry):
        return entry.msgstr_plural[1] if entry.msgid_plural else entry.msgstr

    shadowed = []
    with translation.override("fr"):
        for path in project_po_files():
            for entry in polib.pofile(str(path)):
                if entry.obsolete or not entry.translated() or "fuzzy" in entry.flags:
                    continue
                if shown(entry) != ours(entry):
                    shadowed.append((str(path.relative_to(ROOT)), entry.msgid, ours(entry), shown(entry)))
    assert not shadowed
