"""The one helper every CSV and XLSX goes through: no cell runs, and what it writes reads back exactly."""

import io

import pytest
from openpyxl import load_workbook

from mentoring import spreadsheets

DANGEROUS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    " =1",
    "\u00a0=1",
    "\u200b=1",
    "\ufeff=1",
    "\u202e=1",
    "＝1+1",
    "＋1",
    "－1",
    "＠SUM(A1)",
    "\u22121",
]
TRICKY = DANGEROUS + [
    "'=1",
    "''=1",
    "'",
    "''",
    "'x",
    "a'",
    "x",
    "",
    "1",
    "+tag@example.com",
    "-a@example.com",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_puts_an_apostrophe_before_text_a_spreadsheet_would_run(text):
    assert spreadsheets.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Léa", "IA · baseline", "a=b", "x-y", "O'Neil", "1 000"])
def test_it_leaves_ordinary_text_as_it_is(text):
    assert spreadsheets.neutralise(text) == text


def test_it_keeps_numbers_as_numbers():
    assert spreadsheets.neutralise(-5) == -5
    assert spreadsheets.neutralise(2.5) == 2.5
    assert spreadsheets.neutralise(None) == ""


@pytest.mark.parametrize("text", TRICKY)
def test_restore_undoes_exactly_what_neutralise_adds(text):
    assert spreadsheets.restore(spreadsheets.neutralise(text)) == text


def _limits(**changes):
    values = dict(
        upload_bytes=5 * 1024 * 1024,
        rows=100,
        columns=10,
        cells=1010,
        cell_chars=2000,
        uncompressed_bytes=30 * 1024 * 1024,
        compression_ratio=100,
        zip_members=200,
    )
    values.update(changes)
    return spreadsheets.Limits(**values)


def _round_trip_rows():
    return [["text", "number"]] + [[text, number] for number, text in enumerate(TRICKY) if text]


def test_a_csv_it_writes_reads_back_exactly():
    rows = _round_trip_rows()
    table = [cells for _line, cells in spreadsheets.read_csv(spreadsheets.csv_bytes(rows), _limits()).lines]
    assert [row[0] for row in table] == [row[0] for row in rows]


def test_an_xlsx_it_writes_reads_back_exactly():
    rows = _round_trip_rows()
    table = [
        cells
        for _line, cells in spreadsheets.read_xlsx(spreadsheets.xlsx_bytes(rows, title="T"), _limits()).lines
    ]
    # openpyxl writes through lxml (a dependency since SAML), which escapes a lone carriage return instead
    # of letting XML turn it into a line feed: every character comes back.
    assert [row[0] for row in table] == [row[0] for row in rows]


def test_xlsx_text_is_stored_as_text_and_numbers_as_numbers():
    content = spreadsheets.xlsx_bytes([["=1+1", 3, -2.5, "@x"]], title="T")
    cells = list(load_workbook(io.BytesIO(content)).active.iter_rows())[0]
    assert [cell.data_type for cell in cells] == ["s", "n", "n", "s"]
    assert [cell.value for cell in cells] == ["'=1+1", 3, -2.5, "'@x"]
