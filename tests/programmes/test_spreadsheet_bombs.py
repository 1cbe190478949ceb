"""Spreadsheet bombs are refused before they are parsed, with a message HR can act on; nothing is saved.

The limits are settings (IMPORT_MAX_*); bench/import.py measures the largest file they admit and the
time a bomb takes to be refused.
"""

import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programmes import imports
from programmes.models import ParticipantImport
from tests.factories import ProgrammeFactory

from . import spreadsheet_files as files


@pytest.fixture
def programme(in_organization):
    return ProgrammeFactory(organization=in_organization, status="open")


def prepare(programme, content, name="people.xlsx"):
    return imports.prepare_import(
        programme=programme, upload=SimpleUploadedFile(name, content), uploaded_by=None
    )


def refused(programme, content, match, name="people.xlsx"):
    start = time.perf_counter()
    with pytest.raises(imports.ImportFileError, match=match):
        prepare(programme, content, name)
    assert not ParticipantImport.objects.exists()
    return time.perf_counter() - start


def test_it_refuses_a_sheet_declaring_more_lines_than_the_limit(programme):
    refused(
        programme, files.declared_dimension_bomb("A1:E20000"), "The sheet spans 20,000 lines and 5 columns"
    )


def test_it_refuses_a_sheet_declaring_more_columns_than_the_limit(programme):
    refused(programme, files.declared_dimension_bomb("A1:BZ2"), "The sheet spans 2 lines and 78 columns")


def test_it_refuses_a_2_kb_sheet_declaring_every_cell_of_excel_at_once(programme):
    content = files.declared_dimension_bomb("A1:XFD1048576")
    assert len(content) < 8 * 1024
    seconds = refused(programme, content, "The sheet spans 1,048,576 lines and 16,384 columns")
    assert seconds < 5  # it took minutes; under a second on a quiet machine (bench/import.py)


def test_it_refuses_a_sheet_whose_rows_go_past_the_limit_without_declaring_it(programme):
    refused(programme, files.far_row_bomb(1048576), "goes down to line 1,048,576")


def test_it_refuses_a_workbook_that_unpacks_to_more_than_the_limit(programme, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    refused(programme, files.shared_strings_bomb(100_000), "unpacks to more data")


def test_it_refuses_more_shared_strings_than_the_sheet_may_hold_cells(programme, settings):
    settings.IMPORT_MAX_CELLS = 55
    refused(programme, files.shared_strings_bomb(100), "more than 55 cells")


def test_it_refuses_a_sheet_declaring_more_cells_than_the_limit(programme, settings):
    settings.IMPORT_MAX_CELLS = 100
    refused(programme, files.declared_dimension_bomb("A1:E21"), "more than 100 cells")


def test_it_refuses_a_member_compressed_far_more_than_any_spreadsheet(programme):
    refused(programme, files.high_ratio_member(20 * 1024 * 1024), "unpacks to more data")


def test_it_refuses_a_member_with_more_compressed_bytes_than_it_declares_unpacked(programme):
    refused(programme, files.lying_member(20 * 1024 * 1024), "unpacks to more data")


def test_a_member_lying_about_its_size_is_never_inflated_past_what_it_declares(programme):
    """Its declared size, compressed size and checksum agree; only the stream goes on (a 1 GB styles
    part fits in 5 MB). What the limits admit is read, and openpyxl never sees the rest."""
    content = files.lying_member(100 * 1024 * 1024, plausible=True)
    tracemalloc.start()
    try:
        participant_import = prepare(programme, content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert participant_import.is_valid
    assert peak < 50 * 1024 * 1024


def test_it_refuses_an_archive_of_too_many_members(programme):
    refused(programme, files.many_members(300), "unpacks to more data")


def test_it_refuses_a_csv_with_more_columns_than_the_limit(programme, settings):
    settings.IMPORT_MAX_COLUMNS = 5
    content = b"email,role,a,b,c,d\nlea@acme.example,mentor,1,2,3,4\n"
    refused(programme, content, "more than 5 columns", name="people.csv")


def test_a_csv_with_empty_columns_after_the_limit_is_read(programme, settings):
    settings.IMPORT_MAX_COLUMNS = 2
    assert prepare(programme, b"email,role,,,\nlea@acme.example,mentor,,,\n", "people.csv").is_valid


@pytest.mark.parametrize("name", ["people.csv", "people.xlsx"])
def test_it_refuses_a_cell_longer_than_the_limit(programme, settings, name):
    settings.IMPORT_MAX_CELL_CHARS = 100
    table = [["email", "role", "department"], ["lea@acme.example", "mentor", "x" * 101]]
    content = files.csv_bytes(table) if name.endswith(".csv") else files.workbook_bytes(table)
    refused(programme, content, r"Cell C2 (of sheet “Sheet” )?is longer than 100 characters", name=name)


@pytest.mark.parametrize("name", ["people.csv", "people.xlsx"])
def test_it_refuses_more_rows_than_the_limit(programme, settings, name):
    settings.IMPORT_MAX_ROWS = 3
    table = files.largest_rows(4, 5, 5)
    content = files.csv_bytes(table) if name.endswith(".csv") else files.workbook_bytes(table)
    refused(programme, content, "(at most 3 at a time|at most 4 lines)", name=name)


@pytest.mark.parametrize("name", ["people.csv", "people.xlsx"])
def test_the_largest_file_the_limits_admit_is_read(programme, settings, name):
    settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS, settings.IMPORT_MAX_CELL_CHARS = 30, 12, 50
    table = files.largest_rows(30, 12, 50)
    content = files.csv_bytes(table) if name.endswith(".csv") else files.workbook_bytes(table)
    participant_import = prepare(programme, content, name)
    assert participant_import.is_valid
    assert len(participant_import.rows) == 30


def test_hr_sees_why_a_bomb_is_refused(client_for, hr_admin, organization, programme):
    response = client_for(hr_admin).post(
        f"/o/{organization.slug}/programmes/{programme.pk}/participants/import/",
        {"file": SimpleUploadedFile("people.xlsx", files.declared_dimension_bomb("A1:XFD1048576"))},
    )
    assert response.status_code == 200
    assert "The sheet spans 1,048,576 lines" in response.content.decode()
    assert not ParticipantImport.objects.exists()
