"""List the msgids of .po files that have no French yet (for translators and helpers).

Usage: python tools/po_untranslated.py [path.po ...]   (default: every project .po)
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def project_po_files():
    return [
        path
        for path in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    ]


def untranslated(path):
    po = polib.pofile(str(path))
    return [
        entry for entry in po if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]


if __name__ == "__main__":
    paths = [Path(arg) for arg in sys.argv[1:]] or project_po_files()
    missing = 0
    for path in paths:
        for entry in untranslated(path):
            missing += 1
            print(
                f"{path.relative_to(ROOT)}: {entry.msgid!r}"
                + (f" / {entry.msgid_plural!r}" if entry.msgid_plural else "")
            )
    sys.exit(1 if missing else 0)
