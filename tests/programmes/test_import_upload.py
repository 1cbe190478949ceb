"""The participant import takes only real CSV or XLSX files, refused before any parsing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.tenancy import tenant_context
from programmes.models import ParticipantImport

from .. import files

CSV = b"email,first_name,role\nlea@acme.example,Lea,mentor\n"


def _upload(client, organization, programme, name, content):
    page = reverse("participant_import", kwargs={"org_slug": organization.slug, "programme_id": programme.pk})
    return client.post(page, {"file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    "name,content",
    [
        ("people.csv", files.HTML),
        ("people.csv", files.SVG),
        ("people.csv", files.EXE),
        ("people.exe", CSV),
        ("people.html", CSV),
        ("people.xlsx", files.PDF),
        ("people.xlsx", files.docx()),
        ("people.csv", files.xlsx()),
    ],
    ids=[
        "html-as-csv",
        "svg-as-csv",
        "exe-as-csv",
        "csv-as-exe",
        "csv-as-html",
        "pdf-as-xlsx",
        "docx-as-xlsx",
        "xlsx-as-csv",
    ],
)
def test_it_refuses_a_participant_file_that_is_not_what_it_claims(
    client_for, hr_admin, organization, programme, name, content
):
    response = _upload(client_for(hr_admin), organization, programme, name, content)
    assert response.status_code == 200
    body = response.content.decode()
    assert "neither a CSV nor an Excel (.xlsx) file" in body or "is not a real" in body
    with tenant_context(organization):
        assert not ParticipantImport.objects.exists()


@pytest.mark.parametrize(
    "name,content",
    [("people.csv", CSV), ("people.txt", CSV), ("people.xlsx", files.xlsx())],
    ids=["csv", "txt", "xlsx"],
)
def test_it_previews_a_real_csv_or_xlsx(client_for, hr_admin, organization, programme, name, content):
    response = _upload(client_for(hr_admin), organization, programme, name, content)
    assert response.status_code == 302
    with tenant_context(organization):
        assert ParticipantImport.objects.get().filename == name


def test_it_keeps_a_clean_file_name_for_the_preview(client_for, hr_admin, organization, programme):
    _upload(client_for(hr_admin), organization, programme, 'a<b>"c".csv', CSV)
    with tenant_context(organization):
        assert ParticipantImport.objects.get().filename == "a_b__c_.csv"
