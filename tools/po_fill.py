"""Fill French translations into .po files from a JSON object {msgid: msgstr} (or {msgid: [singular, plural]}).

Usage: python tools/po_fill.py translations.json [path.po ...]   (default: every project .po)
Entries already translated are left alone unless --force is given; fuzzy flags are cleared.
"""

import json
import sys

import polib
from po_untranslated import project_po_files


def fill(po_path, translations, force=False):
    po = polib.pofile(str(po_path))
    changed = 0
    for entry in po:
        if entry.msgid not in translations or (
            entry.translated() and "fuzzy" not in entry.flags and not force
        ):
            continue
        value = translations[entry.msgid]
        if entry.msgid_plural:
            singular, plural = value if isinstance(value, list) else (value, value)
            entry.msgstr_plural = {0: singular, 1: plural}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        changed += 1
    po.save()
    return changed


if __name__ == "__main__":
    args = [arg for arg in sys.argv[1:] if arg != "--force"]
    translations = json.load(open(args[0], encoding="utf-8"))
    for path in args[1:] or project_po_files():
        print(path, fill(path, translations, force="--force" in sys.argv))
