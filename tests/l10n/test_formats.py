"""One date style per purpose, and numbers as each language writes them."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import engines
from django.utils import formats, translation

from mentoring.l10n import number, percent

ROOT = Path(__file__).resolve().parent.parent.parent
JUNE_5 = dt.date(2026, 6, 5)
JULY_3_AT_14_30 = dt.datetime(2026, 7, 3, 14, 30)


@pytest.mark.parametrize(
    ("language", "name", "value", "shown"),
    [
        ("fr", "DATE_FORMAT", JUNE_5, "5 juin 2026"),
        ("fr", "DATE_FORMAT", JULY_3_AT_14_30, "3 juillet 2026"),
        ("fr", "WEEKDAY_DATE_FORMAT", JUNE_5, "vendredi 5 juin 2026"),
        ("fr", "DATETIME_FORMAT", JULY_3_AT_14_30, "3 juillet 2026, 14:30"),
        ("fr", "WEEKDAY_DATETIME_FORMAT", JULY_3_AT_14_30, "vendredi 3 juillet 2026, 14:30"),
        ("fr", "TIME_FORMAT", JULY_3_AT_14_30, "14:30"),
        ("fr", "YEAR_MONTH_FORMAT", JUNE_5, "juin 2026"),
        ("en", "DATE_FORMAT", JUNE_5, "5 June 2026"),
        ("en", "DATE_FORMAT", JULY_3_AT_14_30, "3 July 2026"),
        ("en", "WEEKDAY_DATE_FORMAT", JUNE_5, "Friday 5 June 2026"),
        ("en", "DATETIME_FORMAT", JULY_3_AT_14_30, "3 July 2026, 14:30"),
        ("en", "WEEKDAY_DATETIME_FORMAT", JULY_3_AT_14_30, "Friday 3 July 2026, 14:30"),
        ("en", "TIME_FORMAT", JULY_3_AT_14_30, "14:30"),
    ],
)
def test_each_purpose_has_one_date_style_per_language(language, name, value, shown):
    with translation.override(language):
        assert formats.date_format(value, name) == shown
        rendered = engines["django"].from_string(f'{{{{ value|date:"{name}" }}}}').render({"value": value})
        assert rendered == shown


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("fr", 74.5, "74,5\u00a0%"),
        ("fr", 50, "50\u00a0%"),
        ("fr", 33.333, "33,3\u00a0%"),
        ("fr", 12.0, "12\u00a0%"),
        ("en", 74.5, "74.5%"),
        ("en", 50, "50%"),
        ("fr", None, "—"),
    ],
)
def test_a_share_reads_the_same_everywhere(language, value, shown):
    with translation.override(language):
        assert percent(value) == shown
        rendered = (
            engines["django"]
            .from_string("{% load l10n_binome %}{{ value|percent }}")
            .render({"value": value})
        )
        assert rendered == shown


@pytest.mark.parametrize(("language", "shown"), [("fr", "3,5"), ("en", "3.5")])
def test_numbers_people_read_take_their_language_s_decimal_mark(language, shown):
    with translation.override(language):
        assert number(3.5) == shown
        assert number(4.0) == "4"


def test_no_template_writes_a_date_pattern_by_hand():
    """|date takes a named format (DATE_FORMAT, WEEKDAY_DATE_FORMAT...) or "c" for machines, never a
    pattern like "j M Y" whose French abbreviations cannot tell June from July."""
    allowed = re.compile(r"^(?:[A-Z_]+_FORMAT|c|U|Y-m-d|H:i)$")
    found = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        for pattern in re.findall(r"""\|date:["']([^"']*)["']""", path.read_text()):
            if not allowed.match(pattern):
                found.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert found == []
