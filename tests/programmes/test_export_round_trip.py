"""An exported participant file imports back into the same programme without changing anything.

The export puts an apostrophe before any text a spreadsheet would run (= + - @ ...); the import takes
exactly that apostrophe off again, so names, departments and e-mail addresses such as ``+tag@...``
come back as they were: no new account, no invitation, no update.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.models import User
from organizations.models import Invitation
from programmes import imports
from programmes.models import Participant, ParticipantSkill
from tests.factories import ProgrammeFactory, SkillFactory

PEOPLE = [
    # email, first_name, last_name, role, department, job_title, location, languages, skills, manager
    [
        "+tag@acme.example",
        "=1+1",
        "-Martin",
        "mentor",
        "@Finance",
        "+33 1 23",
        "=HYPERLINK(1)",
        "fr",
        "=Excel:3",
        "",
    ],
    [
        "-boss@acme.example",
        "@Claire",
        "+Durand",
        "mentee",
        "-IT",
        "=cmd|' /C calc'!A0",
        "＝1+1",
        "en",
        "",
        "",
    ],
    # "''=x" in a file is the import of the text "'=x": the export must write it so that it comes back.
    [
        "=odd@acme.example",
        "''=quoted",
        "Normal",
        "mentee",
        "－Sales",
        "\u200b=zero width",
        "Lyon",
        "fr",
        "",
        "",
    ],
    [
        "plain@acme.example",
        "Léa",
        "Dupont",
        "mentor",
        "Digital",
        "Developer",
        "Paris",
        "fr",
        "",
        "-boss@acme.example",
    ],
]


@pytest.fixture
def programme(in_organization):
    SkillFactory(organization=in_organization, name="=Excel")
    return ProgrammeFactory(organization=in_organization, status="open")


def upload(content, name):
    return SimpleUploadedFile(name, content)


def import_file(programme, content, name, by):
    participant_import = imports.prepare_import(
        programme=programme, upload=upload(content, name), uploaded_by=by
    )
    assert participant_import.is_valid, participant_import.invalid_rows
    return imports.apply_import(participant_import=participant_import, invited_by=by)


@pytest.fixture
def imported(programme, hr_admin):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([imports.COLUMNS, *PEOPLE])
    import_file(programme, buffer.getvalue().encode(), "people.csv", hr_admin)
    return programme


def export(client, programme, file_format):
    response = client.get(
        f"/o/{programme.organization.slug}/programmes/{programme.pk}/participants/export/",
        {"format": file_format},
    )
    assert response.status_code == 200
    return response.content


def xlsx_values(content):
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def what_the_organisation_holds():
    return (
        User.objects.count(),
        Participant.objects.count(),
        Invitation.objects.count(),
        ParticipantSkill.objects.count(),
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_it_reimports_its_own_export_without_changing_anything(
    client_for, hr_admin, imported, file_format, mailoutbox
):
    client = client_for(hr_admin)
    exported = export(client, imported, file_format)
    before, sent = what_the_organisation_holds(), len(mailoutbox)

    result = import_file(imported, exported, f"participants.{file_format}", hr_admin)

    assert (result.created, result.updated, result.invitations) == (0, 0, 0)
    assert what_the_organisation_holds() == before
    assert len(mailoutbox) == sent
    again = export(client, imported, file_format)
    if file_format == "csv":
        assert again == exported
    else:
        assert xlsx_values(again) == xlsx_values(exported)


def test_it_brings_back_every_value_and_address_as_it_was_typed(client_for, hr_admin, imported):
    exported = export(client_for(hr_admin), imported, "csv").decode("utf-8-sig")
    assert "'+tag@acme.example" in exported  # still inert in a spreadsheet
    participant_import = imports.prepare_import(
        programme=imported, upload=upload(exported.encode(), "participants.csv"), uploaded_by=hr_admin
    )
    read_back = {
        row["values"]["email"]: [row["values"][column] for column in imports.COLUMNS]
        for row in participant_import.rows
    }
    for person in PEOPLE:
        expected = [value.replace("''", "'", 1) if value.startswith("''") else value for value in person]
        assert read_back[person[0]][:3] == expected[:3]
        assert read_back[person[0]][4:7] == expected[4:7]
    assert read_back["plain@acme.example"][9] == "-boss@acme.example"
    assert read_back["+tag@acme.example"][8] == "=Excel:3"
