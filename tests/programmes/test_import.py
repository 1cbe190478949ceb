import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.models import User
from organizations.models import Invitation, Person
from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes import imports
from programmes.models import Participant, ParticipantImport, ParticipantSkill
from tests.factories import ParticipantFactory, ProgrammeFactory, SkillFactory

HEADER = "email,first_name,last_name,role,department,job_title,languages,skills,manager_email\n"
VALID = [
    "lea@acme.example,Léa,Martin,mentor,Digital,Community manager,fr;en,AI tools:3;Social networks,\n",
    "jean@acme.example,Jean,Lefebvre,mentee,Finance,CFO,fr,AI tools:3,\n",
    "sam@acme.example,Sam,Taylor,mentor,IT,Developer,en,Social networks:2,jean@acme.example\n",
]


@pytest.fixture
def programme(in_organization):
    SkillFactory(organization=in_organization, name="AI tools")
    SkillFactory(organization=in_organization, name="Social networks")
    return ProgrammeFactory(organization=in_organization, status="open")


def upload(content, name="people.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return SimpleUploadedFile(name, content)


def prepare(programme, content, name="people.csv", by=None):
    return imports.prepare_import(programme=programme, upload=upload(content, name), uploaded_by=by)


def errors_of(participant_import):
    return {row["line"]: row["errors"] for row in participant_import.rows if row["errors"]}


def test_a_valid_file_previews_every_row_as_valid_and_writes_no_person(programme):
    participant_import = prepare(programme, HEADER + "".join(VALID))
    assert participant_import.is_valid
    assert [row["line"] for row in participant_import.rows] == [2, 3, 4]
    assert not User.objects.filter(email="lea@acme.example").exists()
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    "row,message",
    [
        ("not-an-address,A,B,mentor,,,fr,,\n", "Bad e-mail address"),
        ("x@acme.example,A,B,mentor,,,fr,Origami:2,\n", "Unknown skill “Origami”"),
        ("x@acme.example,A,B,mentor,,,fr,AI tools:5,\n", "must be 1, 2 or 3"),
        ("x@acme.example,A,B,coach,,,fr,,\n", "Unknown role “coach”"),
        ("x@acme.example,A,B,,,,fr,,\n", "Role missing"),
        ("x@acme.example,A,B,mentor,,,klingon,,\n", "Unknown language code"),
        ("x@acme.example,A,B,mentor,,,fr,,nobody@acme.example\n", "Manager not found: nobody@acme.example"),
        ("x@acme.example,A,B,mentor,,,fr,,x@acme.example\n", "cannot be their own manager"),
        ("lea@acme.example,Léa,Bis,mentor,,,fr,,\n", "Duplicate: lea@acme.example is already on line 2"),
    ],
)
def test_each_bad_row_gets_its_exact_error(programme, row, message):
    participant_import = prepare(programme, HEADER + VALID[0] + row)
    assert list(errors_of(participant_import)) == [3]
    assert message in " ".join(errors_of(participant_import)[3])


def test_a_manager_who_is_a_member_of_the_organisation_is_found(programme, hr_admin):
    row = f"x@acme.example,A,B,mentor,,,fr,,{hr_admin.email.upper()}\n"
    assert prepare(programme, HEADER + row).is_valid


def test_a_manager_from_another_organisation_is_not_found(programme, outsider):
    row = f"x@acme.example,A,B,mentor,,,fr,,{outsider.email}\n"
    assert "Manager not found" in errors_of(prepare(programme, HEADER + row))[2][0]


def test_mixed_valid_and_invalid_rows_import_nothing(programme, hr_admin):
    participant_import = prepare(programme, HEADER + "".join(VALID) + "bad,X,Y,coach,,,fr,,\n")
    with pytest.raises(ValidationError, match="nothing was imported"):
        imports.apply_import(participant_import=participant_import, invited_by=hr_admin)
    assert not Participant.objects.exists()
    assert not User.objects.filter(email__endswith="@acme.example").exclude(pk=hr_admin.pk).exists()
    assert not Invitation.objects.exists()


def test_a_valid_import_creates_people_participants_skills_and_sends_invitations_after_commit(
    programme, hr_admin, django_capture_on_commit_callbacks
):
    participant_import = prepare(programme, HEADER + "".join(VALID))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = imports.apply_import(participant_import=participant_import, invited_by=hr_admin)
        assert not mail.outbox
    assert len(callbacks) == 1
    assert (result.created, result.updated, result.invitations) == (3, 0, 3)
    lea = Participant.objects.get(user__email="lea@acme.example")
    assert lea.status == Participant.Status.INVITED
    assert (lea.role, lea.department, lea.job_title, lea.languages) == (
        "mentor",
        "Digital",
        "Community manager",
        ["fr", "en"],
    )
    assert not lea.user.has_usable_password()
    assert sorted(ParticipantSkill.objects.filter(participant=lea).values_list("skill__name", "level")) == [
        ("AI tools", 3),
        ("Social networks", 2),
    ]
    sam = Participant.objects.get(user__email="sam@acme.example")
    assert sam.manager.email == "jean@acme.example"
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        ["lea@acme.example", "jean@acme.example", "sam@acme.example"]
    )
    assert set(Invitation.objects.values_list("email", "role")) == {
        ("lea@acme.example", Role.MENTOR),
        ("jean@acme.example", Role.MENTEE),
        ("sam@acme.example", Role.MENTOR),
    }
    participant_import.refresh_from_db()
    assert participant_import.status == ParticipantImport.Status.APPLIED


def test_a_re_import_updates_people_and_does_not_duplicate_them(programme, hr_admin):
    imports.apply_import(participant_import=prepare(programme, HEADER + "".join(VALID)), invited_by=hr_admin)
    changed = VALID[0].replace("Digital", "Communication").replace("AI tools:3;Social networks", "AI tools:1")
    result = imports.apply_import(
        participant_import=prepare(programme, HEADER + changed + VALID[1]), invited_by=hr_admin
    )
    assert (result.created, result.updated, result.invitations) == (0, 1, 0)  # Jean's row changes nothing
    assert Participant.objects.count() == 3
    assert User.objects.filter(email="lea@acme.example").count() == 1
    lea = Participant.objects.get(user__email="lea@acme.example")
    assert lea.department == "Communication"
    assert list(lea.skills.values_list("skill__name", "level")) == [("AI tools", 1)]
    assert Invitation.objects.count() == 3


def test_an_existing_member_is_enrolled_without_a_new_account_or_invitation(programme, hr_admin, mentor_user):
    row = f"{mentor_user.email},,,mentor,Sales,,fr,,\n"
    result = imports.apply_import(participant_import=prepare(programme, HEADER + row), invited_by=hr_admin)
    assert (result.created, result.invitations) == (1, 0)
    participant = Participant.objects.get()
    assert participant.user == mentor_user
    assert mentor_user.first_name and participant.user.first_name == mentor_user.first_name


def test_an_import_cannot_be_applied_twice(programme, hr_admin):
    participant_import = prepare(programme, HEADER + VALID[1])
    imports.apply_import(participant_import=participant_import, invited_by=hr_admin)
    with pytest.raises(ValidationError, match="already been imported"):
        imports.apply_import(participant_import=participant_import, invited_by=hr_admin)


def test_a_skill_deactivated_between_preview_and_import_stops_the_import(programme, hr_admin):
    participant_import = prepare(programme, HEADER + VALID[1])
    from programmes.models import Skill

    Skill.objects.filter(name="AI tools").update(is_active=False)
    with pytest.raises(ValidationError):
        imports.apply_import(participant_import=participant_import, invited_by=hr_admin)
    assert not Participant.objects.exists()


def test_semicolon_separated_files_from_french_excel_are_read(programme):
    content = (
        "E-mail;Prénom;Nom;Rôle;Département\n"
        "lea@acme.example;Léa;Martin;Mentor;Digital\n"
        "jean@acme.example;Jean;Lefebvre;mentoré;Finance\n"
    )
    participant_import = prepare(programme, content)
    assert participant_import.is_valid
    assert [row["values"]["role"] for row in participant_import.rows] == ["mentor", "mentee"]
    assert participant_import.rows[0]["values"]["first_name"] == "Léa"


def test_a_single_name_column_is_split_into_first_and_last_name(programme):
    participant_import = prepare(programme, "email,name,role\nlea@acme.example,Léa Martin Durand,mentor\n")
    values = participant_import.rows[0]["values"]
    assert (values["first_name"], values["last_name"]) == ("Léa", "Martin Durand")


def test_a_latin_1_file_from_excel_is_read_and_flagged(programme):
    content = (HEADER + "lea@acme.example,Léa,Hélène,mentor,Comptabilité,,fr,,\n").encode("cp1252")
    participant_import = prepare(programme, content)
    assert participant_import.notice == imports.LATIN_1
    assert participant_import.rows[0]["values"]["department"] == "Comptabilité"


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_file_is_read(programme):
    content = xlsx(
        [["email", "first_name", "role", "skills"], ["lea@acme.example", "Léa", "mentor", "AI tools:2"]]
    )
    participant_import = prepare(programme, content, name="people.xlsx")
    assert participant_import.is_valid
    assert participant_import.rows[0]["values"]["skills"] == "AI tools:2"


def test_an_xlsx_with_a_formula_is_refused_with_the_cell_named(programme):
    content = xlsx(
        [["email", "role", "department"], ["lea@acme.example", "mentor", '=HYPERLINK("http://evil")']]
    )
    with pytest.raises(imports.ImportFileError, match="Cell C2 of sheet “Sheet” contains a formula"):
        prepare(programme, content, name="people.xlsx")
    assert not ParticipantImport.objects.exists()


@pytest.mark.parametrize("content", [b"", b"   \n\n", b",,,\n"])
def test_an_empty_file_is_refused(programme, content):
    with pytest.raises(imports.ImportFileError, match="The file is empty"):
        prepare(programme, content)


def test_a_file_with_only_the_header_is_refused(programme):
    with pytest.raises(imports.ImportFileError, match="no rows"):
        prepare(programme, HEADER)


def test_a_file_that_is_not_csv_is_refused(programme):
    with pytest.raises(imports.ImportFileError, match="neither a CSV nor an Excel"):
        prepare(programme, b"%PDF-1.7\x00\x01\x02binary", name="people.pdf")


def test_an_old_xls_file_is_refused(programme):
    with pytest.raises(imports.ImportFileError, match=r"\.xls"):
        prepare(programme, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, name="people.xls")


def test_a_damaged_xlsx_is_refused(programme):
    with pytest.raises(imports.ImportFileError, match="cannot be opened"):
        prepare(programme, b"PK\x03\x04 not really a zip", name="people.xlsx")


def test_a_text_file_without_the_needed_columns_is_refused(programme):
    with pytest.raises(imports.ImportFileError, match="Missing: email, role"):
        prepare(programme, "Dear HR,\nplease find attached...\n", name="letter.csv")


def test_a_10_mb_file_is_refused(programme):
    content = (HEADER + VALID[1] * (10 * 1024 * 1024 // len(VALID[1]) + 1)).encode()
    assert len(content) >= 10 * 1024 * 1024
    with pytest.raises(imports.ImportFileError, match="too large"):
        prepare(programme, content)


def test_more_rows_than_the_limit_are_refused(programme, settings):
    settings.IMPORT_MAX_ROWS = 2
    with pytest.raises(imports.ImportFileError, match="at most 2"):
        prepare(programme, HEADER + "".join(VALID))


def test_the_export_reads_back_as_an_import(programme, hr_admin):
    imports.apply_import(participant_import=prepare(programme, HEADER + "".join(VALID)), invited_by=hr_admin)
    exported = imports.export_csv(
        programme.participants.select_related("user", "manager").order_by("user__email")
    )
    participant_import = prepare(programme, exported)
    assert participant_import.is_valid
    assert len(participant_import.rows) == 3


def test_the_export_neutralises_cells_that_spreadsheets_would_run(programme, in_organization):
    ParticipantFactory(organization=in_organization, programme=programme, department="=cmd|'/C calc'!A0")
    exported = imports.export_csv(programme.participants.select_related("user", "manager"))
    assert b"'=cmd" in exported


def test_the_xlsx_export_opens_with_one_row_per_participant(programme, in_organization):
    from openpyxl import load_workbook

    ParticipantFactory.create_batch(3, organization=in_organization, programme=programme)
    workbook = load_workbook(
        io.BytesIO(imports.export_xlsx(programme.participants.select_related("user", "manager")))
    )
    assert workbook.active.max_row == 4


def test_an_invitee_already_pending_is_not_invited_twice(programme, hr_admin):
    from organizations.services import invite_member

    invite_member(organization=programme.organization, email="jean@acme.example", role=Role.MENTEE)
    result = imports.apply_import(
        participant_import=prepare(programme, HEADER + VALID[1]), invited_by=hr_admin
    )
    assert result.invitations == 0
    assert Invitation.objects.filter(email="jean@acme.example").count() == 1


def test_a_person_of_another_organisation_is_added_without_touching_that_organisation(
    programme, hr_admin, outsider
):
    row = f"{outsider.email},,,mentee,,,fr,,\n"
    result = imports.apply_import(participant_import=prepare(programme, HEADER + row), invited_by=hr_admin)
    assert (result.created, result.invitations) == (1, 1)
    outsider.refresh_from_db()
    assert outsider.has_usable_password()


def test_a_re_import_corrects_the_name_the_organisation_holds_and_not_the_account(programme, hr_admin):
    imports.apply_import(participant_import=prepare(programme, HEADER + VALID[1]), invited_by=hr_admin)
    imports.apply_import(
        participant_import=prepare(programme, HEADER + VALID[1].replace("Jean,", "Jean-Marc,")),
        invited_by=hr_admin,
    )
    account = User.objects.get(email="jean@acme.example")
    with tenant_context(programme.organization):
        assert Person.objects.get(user=account).first_name == "Jean-Marc"
    assert account.first_name == ""


def test_an_import_never_renames_a_person_who_has_an_account(programme, hr_admin, outsider):
    row = f"{outsider.email},Someone,Else,mentee,,,fr,,\n"
    imports.apply_import(participant_import=prepare(programme, HEADER + row), invited_by=hr_admin)
    outsider.refresh_from_db()
    assert outsider.first_name != "Someone"


def test_blank_rows_of_a_spreadsheet_are_skipped(programme):
    content = xlsx(
        [["email", "role"], ["lea@acme.example", "mentor"], [None, None], ["jean@acme.example", "mentee"]]
    )
    assert len(prepare(programme, content, name="people.xlsx").rows) == 2
