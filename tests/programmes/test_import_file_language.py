"""The import speaks of the file as the person sees it: their line numbers, their sheet, their headers,
their program's way of saving, and only our own words when something is wrong (issue 12, item 8)."""

import codecs
import csv
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from mentoring import spreadsheets
from organizations.tenancy import tenant_context
from programmes import imports
from programmes.models import Participant, ParticipantImport
from tests.factories import ProgrammeFactory, SkillFactory


@pytest.fixture
def programme(in_organization):
    SkillFactory(organization=in_organization, name="AI tools")
    return ProgrammeFactory(organization=in_organization, status="open")


def prepare(programme, content, name="people.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return imports.prepare_import(
        programme=programme, upload=SimpleUploadedFile(name, content), uploaded_by=None
    )


def xlsx(rows, *, title="Sheet", merge=()):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def lines_with_errors(participant_import):
    return [row["line"] for row in participant_import.rows if row["errors"]]


# Line and row numbers ------------------------------------------------------------------------------------


def test_a_csv_error_names_the_line_the_file_shows_blank_lines_counted(programme):
    content = "email,role\n\nlea@acme.example,mentor\n\n\nbad-address,mentee\n"
    participant_import = prepare(programme, content)
    assert [row["line"] for row in participant_import.rows] == [3, 6]
    assert lines_with_errors(participant_import) == [6]


def test_a_duplicate_points_at_the_line_of_the_first_occurrence_as_the_file_numbers_it(programme):
    content = "email,role\n\nlea@acme.example,mentor\nlea@acme.example,mentee\n"
    errors = prepare(programme, content).rows[1]["errors"]
    assert errors == ["Duplicate: lea@acme.example is already on line 3."]


def test_an_xlsx_error_names_the_excel_row_and_the_sheet(programme):
    content = xlsx(
        [[None], ["email", "role"], ["lea@acme.example", "mentor"], ["x", "mentee"]], title="Personnel"
    )
    participant_import = prepare(programme, content, name="people.xlsx")
    assert participant_import.sheet == "Personnel"
    assert lines_with_errors(participant_import) == [4]


def test_xlsx_rows_keep_their_excel_numbers_across_blank_rows(programme):
    content = xlsx([["email", "role"], [None, None], ["lea@acme.example", "mentor"], [None], ["x", "mentee"]])
    participant_import = prepare(programme, content, name="people.xlsx")
    assert [row["line"] for row in participant_import.rows] == [3, 5]
    assert lines_with_errors(participant_import) == [5]


def test_the_preview_says_row_and_sheet_for_a_workbook(client_for, hr_admin, organization, programme):
    participant_import = prepare(
        programme, xlsx([["email", "role"], [None], ["x", "mentee"]], title="Équipe"), name="people.xlsx"
    )
    body = _preview(client_for(hr_admin), organization, programme, participant_import).content.decode()
    assert "sheet “Équipe”" in body
    assert '<th scope="col">Row</th>' in body
    assert re.search(r'<th scope="row">3</th>', body)


def test_a_sheet_name_is_shown_as_inert_text(client_for, hr_admin, organization, programme):
    content = xlsx([["email", "role"], ["lea@acme.example", "mentor"]], title="<b onmouseover=x>")
    participant_import = prepare(programme, content, name="people.xlsx")
    body = _preview(client_for(hr_admin), organization, programme, participant_import).content.decode()
    assert "&lt;b onmouseover=x&gt;" in body
    assert "<b onmouseover" not in body


def test_a_formula_is_refused_with_its_cell_and_sheet(programme):
    content = xlsx([["email", "role"], ["=A1", "mentor"]], title="Feuil1")
    with pytest.raises(imports.ImportFileError, match="Cell A2 of sheet “Feuil1” contains a formula"):
        prepare(programme, content, name="people.xlsx")


# Headers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header,column,value",
    [
        ("Prénom", "first_name", "Léa"),
        ("PRENOM ", "first_name", "Léa"),
        ("Nom", "last_name", "Martin"),
        ("Nom de famille", "last_name", "Martin"),
        ("Service", "department", "Finance"),
        ("Département", "department", "Finance"),
        ("Poste", "job_title", "Comptable"),
        ("Fonction", "job_title", "Comptable"),
        ("Responsable", "manager_email", "lea@acme.example"),
        ("Manager", "manager_email", "lea@acme.example"),
        ("Site", "location", "Lyon"),
        ("Lieu", "location", "Lyon"),
        ("Langues", "languages", "fr"),
        ("Compétences", "skills", "AI tools:2"),
        ("Centres d'intérêt", "interests", "jazz"),
        ("Centres d’intérêt", "interests", "jazz"),
        ("Fuseau horaire", "time_zone", "Europe/Paris"),
    ],
)
def test_french_headers_are_recognised_whatever_their_case_accents_and_spaces(
    programme, header, column, value
):
    content = f"Courriel;Rôle;{header}\nlea@acme.example;mentor;\njean@acme.example;mentee;{value}\n"
    participant_import = prepare(programme, content)
    assert participant_import.ignored_columns == []
    assert participant_import.rows[1]["values"][column] == value


@pytest.mark.parametrize(
    "header", ["E-mail", "e-mail", "Courriel", "Adresse e-mail", "ADRESSE E-MAIL", "Mail"]
)
def test_every_name_of_the_address_column_is_recognised(programme, header):
    participant_import = prepare(programme, f"{header},Rôle\nlea@acme.example,Mentor\n")
    assert participant_import.is_valid


def test_interests_and_time_zone_from_the_file_reach_the_participant(programme, hr_admin):
    content = (
        "email,role,Centres d'intérêt,Fuseau horaire\nlea@acme.example,mentor,Jazz; Running,europe/london\n"
    )
    imports.apply_import(participant_import=prepare(programme, content), invited_by=hr_admin)
    participant = Participant.objects.get()
    assert participant.interests == ["jazz", "running"]
    assert participant.time_zone == "Europe/London"


def test_an_unknown_time_zone_is_a_row_error(programme):
    participant_import = prepare(programme, "email,role,time_zone\nlea@acme.example,mentor,Mars/Olympus\n")
    assert participant_import.rows[0]["errors"] == [
        "Unknown time zone “Mars/Olympus” (use a name such as Europe/Paris)."
    ]


def test_columns_that_are_not_recognised_are_listed_as_ignored(programme):
    content = "email,role,Matricule,Date d'entrée,Erreur\nlea@acme.example,mentor,A12,2020-01-01,\n"
    participant_import = prepare(programme, content)
    # The error column of a rejected-rows download is expected back: it is not "unrecognised".
    assert participant_import.ignored_columns == ["Matricule", "Date d'entrée"]
    assert participant_import.is_valid


def test_the_preview_lists_the_ignored_columns(client_for, hr_admin, organization, programme):
    participant_import = prepare(programme, "email,role,Matricule\nlea@acme.example,mentor,A12\n")
    body = _preview(client_for(hr_admin), organization, programme, participant_import).content.decode()
    assert "Columns not recognised, ignored:" in body
    assert "“Matricule”" in body


# How programs save -----------------------------------------------------------------------------------------


def test_a_mac_csv_with_carriage_returns_only_is_read(programme):
    content = "Prénom;E-mail;Rôle\rLéa;lea@acme.example;mentor\r\rJean;jean@acme.example;mentee\r"
    participant_import = prepare(programme, content)
    assert participant_import.is_valid
    assert [row["line"] for row in participant_import.rows] == [2, 4]
    assert participant_import.rows[0]["values"]["first_name"] == "Léa"


@pytest.mark.parametrize(
    "bom,encoding", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_excel_unicode_text_utf_16_tab_separated_is_read(programme, bom, encoding):
    text = "Prénom\tNom\tAdresse e-mail\tRôle\r\nLéa\tMartin\tlea@acme.example\tmentor\r\n"
    participant_import = prepare(programme, bom + text.encode(encoding), name="people.txt")
    assert participant_import.is_valid
    assert participant_import.notice == spreadsheets.UTF_16
    assert participant_import.rows[0]["values"]["last_name"] == "Martin"


def test_excel_unicode_text_goes_through_the_upload_page(client_for, hr_admin, organization, programme):
    text = "Adresse e-mail\tRôle\r\nlea@acme.example\tmentor\r\n"
    response = _upload(
        client_for(hr_admin), organization, programme, "people.txt", b"\xff\xfe" + text.encode("utf-16-le")
    )
    assert response.status_code == 302
    with tenant_context(organization):
        assert ParticipantImport.objects.get().is_valid


# Merged cells ----------------------------------------------------------------------------------------------


def test_merged_cells_fill_their_range_and_the_preview_says_so(client_for, hr_admin, organization, programme):
    content = xlsx(
        [
            ["email", "role", "department"],
            ["lea@acme.example", "mentor", "Finance"],
            ["jean@acme.example", None, None],
            ["sam@acme.example", None, None],
        ],
        merge=["B2:B4", "C2:C3"],
    )
    participant_import = prepare(programme, content, name="people.xlsx")
    values = [row["values"] for row in participant_import.rows]
    assert [v["role"] for v in values] == ["mentor"] * 3
    assert [v["department"] for v in values] == ["Finance", "Finance", ""]
    assert participant_import.merged_cells == ["B2:B4", "C2:C3"]
    body = _preview(client_for(hr_admin), organization, programme, participant_import).content.decode()
    assert "Merged cells were read as if each cell of the range held their value:" in body
    assert "B2:B4, C2:C3" in body


def test_a_merged_range_far_beyond_the_data_writes_no_more_than_the_data(programme):
    content = xlsx([["email", "role"], ["lea@acme.example", "mentor"]], merge=["B2:AX1000"])
    participant_import = prepare(programme, content, name="people.xlsx")
    assert len(participant_import.rows) == 1


# Limits in the reader's numbers ---------------------------------------------------------------------------


def test_the_size_limit_message_gives_the_real_limit_in_french_numbers(programme, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = int(2.5 * 1024 * 1024)
    content = b"email,role\n" + b"x" * (3 * 1024 * 1024)
    with translation.override("fr"):
        with pytest.raises(imports.ImportFileError) as refused:
            prepare(programme, content)
    assert "2,5" in str(refused.value) and "3" in str(refused.value)
    with pytest.raises(imports.ImportFileError, match=r"\(3 MB\): the limit is 2.5 MB"):
        prepare(programme, content)


def test_the_row_limit_is_written_with_the_french_thousands_separator(programme, settings):
    settings.IMPORT_MAX_ROWS = 1000
    content = "email,role\n" + "".join(f"p{n}@acme.example,mentor\n" for n in range(1200))
    with translation.override("fr"), pytest.raises(imports.ImportFileError) as refused:
        prepare(programme, content)
    assert "1\xa0000" in str(refused.value)


def test_the_upload_page_states_the_limits_of_the_settings(
    client_for, hr_admin, organization, programme, settings
):
    settings.IMPORT_MAX_ROWS = 12000
    settings.IMPORT_MAX_UPLOAD_BYTES = 3 * 1024 * 1024
    page = reverse("participant_import", kwargs={"org_slug": organization.slug, "programme_id": programme.pk})
    body = client_for(hr_admin).get(page).content.decode()
    assert "At most 12,000 rows and 3 MB per file." in body


# Only our words ------------------------------------------------------------------------------------------


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _rewrite_sheet(replace):
    content = xlsx([["email", "role"], ["lea@acme.example", "mentor"]])
    source = zipfile.ZipFile(io.BytesIO(content))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["xl/worksheets/sheet1.xml"] = replace(members["xl/worksheets/sheet1.xml"])
    return _zip(members)


VALID_XLSX = xlsx([["email", "role"], ["lea@acme.example", "mentor"]])
BROKEN_FILES = {
    "truncated-xlsx": ("people.xlsx", VALID_XLSX[: len(VALID_XLSX) // 2]),
    "zip-without-a-workbook": ("people.xlsx", _zip({"hello.txt": b"hello"})),
    "xlsx-with-broken-xml": ("people.xlsx", _rewrite_sheet(lambda xml: xml[: len(xml) // 2])),
    "xlsx-with-a-bad-cell-type": (
        "people.xlsx",
        _rewrite_sheet(lambda xml: xml.replace(b't="inlineStr"', b't="q"')),
    ),
    "xlsx-with-a-bad-number": (
        "people.xlsx",
        _rewrite_sheet(lambda xml: xml.replace(b't="inlineStr"', b't="n"', 1)),
    ),
    "xlsx-with-a-bad-merge": (
        "people.xlsx",
        _rewrite_sheet(
            lambda xml: xml.replace(
                b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="ZZZZZ9:!!"/></mergeCells>'
            )
        ),
    ),
    "zip-bytes-only": ("people.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4),
    "unbalanced-quote-csv": ("people.csv", b'email,role\n"lea@acme.example,mentor\n' + b"x" * 200_000),
    "huge-field-csv": ("people.csv", b'email,role\n"' + b"x" * 300_000 + b'",mentor\n'),
    "nul-in-csv": ("people.csv", b"email,role\nlea@acme.example\x00,mentor\n"),
    "odd-utf-16": ("people.txt", codecs.BOM_UTF16_LE + "email\trole\n".encode("utf-16-le") + b"\x00"),
    "lone-surrogate-utf-16": ("people.txt", codecs.BOM_UTF16_LE + b"\x00\xd8a\x00"),
    "random-bytes": ("people.csv", bytes(range(1, 256)) * 8),
    "xls": ("people.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
    "only-a-bom": ("people.csv", codecs.BOM_UTF8),
    "headers-only": ("people.csv", b"email;role\r"),
    "no-header": ("people.csv", b"\n\n\nlea@acme.example\n"),
}
# The start of every message the import may give about a file: ours, all translated.
OUR_MESSAGES = (
    "This Excel file cannot be opened",
    "This Excel file unpacks to more data",
    "This file cannot be read as CSV",
    "This file is neither a CSV nor an Excel",
    "Old Excel files (.xls) cannot be read",
    "The file is empty.",
    "The file has column names but no rows.",
    "The first line must name the columns.",
    "“people.",  # the upload check: “people.xlsx” is not a real Excel (.xlsx) file...
    "The submitted file is empty.",
)
PYTHON_WORDS = re.compile(
    r"Error|Traceback|codec|byte|position|line contains|field larger|new-line|zip|Errno|None|object|\bat 0x",
)


@pytest.mark.parametrize("case", BROKEN_FILES, ids=list(BROKEN_FILES))
def test_a_broken_file_is_explained_only_in_our_words(client_for, hr_admin, organization, programme, case):
    name, content = BROKEN_FILES[case]
    response = _upload(client_for(hr_admin), organization, programme, name, content)
    if response.status_code == 302:  # read after all: then the preview shows rows, and no Python either
        response = client_for(hr_admin).get(response["Location"])
        assert not PYTHON_WORDS.search(_text_of(response, "table"))
        return
    messages = re.findall(
        r'<div[^>]*class="[^"]*invalid-feedback[^"]*"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    text = " ".join(re.sub(r"<[^>]+>", "", message).strip() for message in messages)
    assert text, response.content.decode()[-2000:]
    assert text.startswith(OUR_MESSAGES), text
    assert not PYTHON_WORDS.search(text.replace("zip bomb", "")), text


def _text_of(response, tag):
    body = response.content.decode()
    match = re.search(rf"<{tag}.*?</{tag}>", body, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(0)) if match else ""


# Only the valid rows, and the rejected ones to fix ----------------------------------------------------------

MIXED = (
    "Courriel;Prénom;Rôle;Matricule\n"
    "lea@acme.example;Léa;mentor;A1\n"
    "\n"
    "pas-une-adresse;Jean;mentee;A2\n"
    "sam@acme.example;Sam;chef;A3\n"
    "kim@acme.example;Kim;mentee;A4\n"
)


def test_all_or_nothing_stays_the_default(programme, hr_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        imports.apply_import(participant_import=prepare(programme, MIXED), invited_by=hr_admin)
    assert not Participant.objects.exists()


def test_hr_may_import_only_the_valid_rows(programme, hr_admin):
    participant_import = prepare(programme, MIXED)
    result = imports.apply_import(participant_import=participant_import, invited_by=hr_admin, only_valid=True)
    assert (result.created, result.rejected) == (2, 2)
    assert sorted(Participant.objects.values_list("user__email", flat=True)) == [
        "kim@acme.example",
        "lea@acme.example",
    ]
    participant_import.refresh_from_db()
    assert participant_import.status == ParticipantImport.Status.APPLIED
    assert participant_import.rejected_count == 2
    assert lines_with_errors(participant_import) == [4, 5]


def test_a_row_whose_manager_is_left_out_is_left_out_too(programme, hr_admin):
    content = "email,role,manager_email\nboss@acme.example,chef,\nlea@acme.example,mentor,boss@acme.example\nkim@acme.example,mentee,\n"
    participant_import = prepare(programme, content)
    assert lines_with_errors(participant_import) == [2]
    result = imports.apply_import(participant_import=participant_import, invited_by=hr_admin, only_valid=True)
    assert (result.created, result.rejected) == (1, 2)
    participant_import.refresh_from_db()
    assert lines_with_errors(participant_import) == [2, 3]
    assert "Manager not found" in participant_import.rows[1]["errors"][0]


def test_with_no_valid_row_nothing_is_imported(programme, hr_admin):
    from django.core.exceptions import ValidationError

    participant_import = prepare(programme, "email,role\nx,mentor\n")
    with pytest.raises(ValidationError, match="No row is valid"):
        imports.apply_import(participant_import=participant_import, invited_by=hr_admin, only_valid=True)
    participant_import.refresh_from_db()
    assert participant_import.status == ParticipantImport.Status.PREVIEW


def test_the_rejected_rows_download_keeps_the_file_columns_and_adds_the_errors(programme):
    participant_import = prepare(programme, MIXED)
    text = imports.rejected_csv(participant_import).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Courriel", "Prénom", "Rôle", "Matricule", "Error"]
    assert rows[1][:4] == ["pas-une-adresse", "Jean", "mentee", "A2"]
    assert rows[1][4] == "Bad e-mail address: “pas-une-adresse”."
    assert rows[2][:4] == ["sam@acme.example", "Sam", "chef", "A3"]
    assert len(rows) == 3


def test_the_error_column_is_named_erreur_in_french(programme):
    participant_import = prepare(programme, MIXED)
    with translation.override("fr"):
        workbook = load_workbook(io.BytesIO(imports.rejected_xlsx(participant_import)))
    header = [cell.value for cell in next(workbook.active.iter_rows())]
    assert header[:4] == ["Courriel", "Prénom", "Rôle", "Matricule"]
    assert len(header) == 5


def test_fixed_rejected_rows_import_back(programme, hr_admin):
    participant_import = prepare(programme, MIXED)
    imports.apply_import(participant_import=participant_import, invited_by=hr_admin, only_valid=True)
    workbook = load_workbook(io.BytesIO(imports.rejected_xlsx(participant_import)))
    sheet = workbook.active
    sheet["A2"] = "jean@acme.example"
    sheet["C3"] = "mentor"
    buffer = io.BytesIO()
    workbook.save(buffer)
    fixed = prepare(programme, buffer.getvalue(), name="fixed.xlsx")
    assert fixed.is_valid
    assert fixed.ignored_columns == ["Matricule"]
    assert imports.apply_import(participant_import=fixed, invited_by=hr_admin).created == 2


def test_a_rejected_cell_that_looks_like_a_formula_stays_inert(programme):
    participant_import = prepare(programme, "email,role,department\n=cmd|x,mentor,@SUM(A1)\n")
    text = imports.rejected_csv(participant_import).decode("utf-8-sig")
    assert "'=cmd|x" in text and "'@SUM(A1)" in text


# Pages -----------------------------------------------------------------------------------------------------


def _upload(client, organization, programme, name, content):
    page = reverse("participant_import", kwargs={"org_slug": organization.slug, "programme_id": programme.pk})
    return client.post(page, {"file": SimpleUploadedFile(name, content)})


def _preview(client, organization, programme, participant_import, data=None):
    page = reverse(
        "participant_import_preview",
        kwargs={
            "org_slug": organization.slug,
            "programme_id": programme.pk,
            "import_id": participant_import.pk,
        },
    )
    return client.post(page, data) if data is not None else client.get(page)


def _rejected(client, organization, programme, participant_import, fmt):
    page = reverse(
        "participant_import_rejected",
        kwargs={
            "org_slug": organization.slug,
            "programme_id": programme.pk,
            "import_id": participant_import.pk,
        },
    )
    return client.get(page, {"format": fmt})


def test_the_preview_offers_to_import_only_the_valid_rows(client_for, hr_admin, organization, programme):
    participant_import = prepare(programme, MIXED)
    body = _preview(client_for(hr_admin), organization, programme, participant_import).content.decode()
    assert "Import only the 2 valid rows" in body
    assert "?format=xlsx" in body and "?format=csv" in body


def test_importing_only_the_valid_rows_from_the_preview(client_for, hr_admin, organization, programme):
    participant_import = prepare(programme, MIXED)
    client = client_for(hr_admin)
    response = _preview(client, organization, programme, participant_import, {"rows": "valid"})
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "2 rows with errors were left out." in body
    with tenant_context(organization):
        assert Participant.objects.count() == 2


def test_confirming_without_choosing_imports_nothing_from_a_file_with_errors(
    client_for, hr_admin, organization, programme
):
    participant_import = prepare(programme, MIXED)
    _preview(client_for(hr_admin), organization, programme, participant_import, {})
    with tenant_context(organization):
        assert not Participant.objects.exists()


@pytest.mark.parametrize(
    "fmt,content_type", [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats")]
)
def test_hr_downloads_the_rejected_rows(client_for, hr_admin, organization, programme, fmt, content_type):
    participant_import = prepare(programme, MIXED, name="équipe.csv")
    response = _rejected(client_for(hr_admin), organization, programme, participant_import, fmt)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Cache-Control"] == "private, no-store"
    assert f"equipe-errors.{fmt}" in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["executive", "mentor_user", "mentee_user"])
def test_other_roles_cannot_download_the_rejected_rows(request, client_for, organization, programme, persona):
    participant_import = prepare(programme, MIXED)
    user = request.getfixturevalue(persona)
    assert _rejected(client_for(user), organization, programme, participant_import, "csv").status_code == 403


def test_an_outsider_gets_404_for_the_rejected_rows(client_for, outsider, organization, programme):
    participant_import = prepare(programme, MIXED)
    assert (
        _rejected(client_for(outsider), organization, programme, participant_import, "csv").status_code == 404
    )
