"""French typography in the catalogues: a no-break space before : ; ? ! and a percent sign, inside « ».

Usage: python tools/french_typography.py [--fix] [path.po ...]   (default: every project .po)
Lists the msgstr entries that break the rule; ``--fix`` rewrites those msgstr lines (and nothing else).
"""

import re
import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from po_untranslated import ROOT, project_po_files  # noqa: E402

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
# An ordinary space where French wants a no-break one (a line could break before the sign), or no
# space at all between a word and ; ? ! (a colon right after a word is often a time or a URL).
# In python-format strings a literal percent sign is written %%; %(name)s is a placeholder.
BREAKING = re.compile(r"(?<=\S) (?=[:;?!»])|(?<=\S) (?=%%)|(?<=«) |(?<=[\w»)])(?=[;?!](?:\s|$))")


def problems(text):
    return [match.start() for match in BREAKING.finditer(text)]


def fixed(text):
    text = re.sub(r"(?<=\S) (?=[:;?!»])|(?<=\S) (?=%%)", NBSP, text)
    text = re.sub(r"(?<=«) ", NBSP, text)
    return re.sub(r"(?<=[\w»)])(?=[;?!](?:\s|$))", NBSP, text)


def entries_breaking(path):
    """(entry, msgstr) for each translation of ``path`` that breaks French typography."""
    found = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and problems(text):
                found.append((entry, text))
    return found


def fix(path):
    po = polib.pofile(str(path), wrapwidth=79)
    changed = 0
    for entry in po:
        if entry.msgstr and problems(entry.msgstr):
            entry.msgstr = fixed(entry.msgstr)
            changed += 1
        for index, text in list(entry.msgstr_plural.items()):
            if text and problems(text):
                entry.msgstr_plural[index] = fixed(text)
                changed += 1
    if changed:
        po.save()
    return changed


if __name__ == "__main__":
    arguments = sys.argv[1:]
    repair = "--fix" in arguments
    paths = [Path(arg) for arg in arguments if arg != "--fix"] or project_po_files()
    count = 0
    for path in paths:
        if repair:
            count += fix(path)
        else:
            for _entry, text in entries_breaking(path):
                count += 1
                shown = path.resolve().relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path
                print(f"{shown}: {text!r}")
    print(f"{count} entries {'fixed' if repair else 'to fix'}", file=sys.stderr)
    sys.exit(0 if repair or not count else 1)
