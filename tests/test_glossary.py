"""The French catalogues follow the glossary (docs/glossary.md) and French typography."""

import re
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from french_typography import entries_breaking, fixed  # noqa: E402
from po_untranslated import project_po_files  # noqa: E402


def _glossary():
    """(english, french, never, exception) compiled from the table of docs/glossary.md."""
    rules = []
    for line in (ROOT / "docs" / "glossary.md").read_text().splitlines():
        if not line.startswith("| `"):
            continue
        # Cells are split on " | "; an escaped \| inside a cell is a regex alternative.
        cells = [cell.strip().strip("`").replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        english, french, never, exception = cells
        exception = exception.split("` ")[0].strip("`")
        rules.append(
            (
                re.compile(rf"\b(?:{english})\b", re.IGNORECASE),
                french,
                re.compile(never, re.IGNORECASE),
                re.compile(exception, re.IGNORECASE) if exception else None,
            )
        )
    return rules


GLOSSARY = _glossary()
# Placeholders are names for code ("%(mentee)s"), not words a person reads.
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdi]|\{[^}]*\}")


def _translations():
    for path in project_po_files():
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            english = " ".join(filter(None, [entry.msgid, entry.msgid_plural]))
            for french in [entry.msgstr, *entry.msgstr_plural.values()]:
                if french:
                    yield path.relative_to(ROOT), english, french


def glossary_breaks(translations):
    found = []
    for path, english, french in translations:
        for term, wanted, never, exception in GLOSSARY:
            if not term.search(english):
                continue
            if exception is not None and exception.search(english):
                continue
            if never.search(PLACEHOLDER.sub("", french)):
                found.append(f"{path}: {english!r} -> {french!r} (say «\u00a0{wanted}\u00a0»)")
    return found


def test_the_glossary_table_is_read():
    assert len(GLOSSARY) >= 10


def test_no_french_translation_uses_a_word_the_glossary_forbids():
    assert glossary_breaks(_translations()) == []


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("Sessions", "Sessions"),
        ("Your pair", "Votre paire"),
        ("Progress survey", "Sondage de progrès"),
        ("E-mail preferences", "Préférences de courriel"),
        ("HR admins", "Administrateurs HR"),
    ],
)
def test_the_check_flags_a_forbidden_word(english, french):
    assert glossary_breaks([("x.po", english, french)])


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("Sessions", "Séances"),
        ("signed-in sessions", "sessions de connexion"),
        ("%(mentor)s and %(mentee)s", "%(mentor)s et %(mentee)s"),
        ("Send the e-mail again", "Renvoyer l'e-mail"),
    ],
)
def test_the_check_lets_the_glossary_s_words_through(english, french):
    assert not glossary_breaks([("x.po", english, french)])


def test_every_french_translation_has_a_no_break_space_before_high_punctuation_and_percent():
    breaking = [
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in project_po_files()
        for _e, text in entries_breaking(path)
    ]
    assert breaking == []


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("Votre mentor : %(person)s", "Votre mentor\u00a0: %(person)s"),
        ("Terminer ?", "Terminer\u00a0?"),
        ("Refusé : « %(reason)s »", "Refusé\u00a0: «\u00a0%(reason)s\u00a0»"),
        ("Taux : 74,5 %%", "Taux\u00a0: 74,5\u00a0%%"),
        ("Bravo!", "Bravo\u00a0!"),
        ("de 12:30 à 13:00, https://example.com", "de 12:30 à 13:00, https://example.com"),
        ("%(count)s %(unit)s", "%(count)s %(unit)s"),
    ],
)
def test_the_typography_fixer_adds_no_break_spaces_where_french_wants_them(text, wanted):
    assert fixed(text) == wanted
