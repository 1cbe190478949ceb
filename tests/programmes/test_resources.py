"""Programme resources: only real documents of the allowed kinds are stored, and they go out as downloads."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.tenancy import tenant_context
from programmes.models import Resource
from tests.factories import ParticipantFactory

from .. import files


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _page(organization, programme):
    return reverse(
        "programme_resources", kwargs={"org_slug": organization.slug, "programme_id": programme.pk}
    )


def _download_url(organization, resource):
    return reverse(
        "resource_download",
        kwargs={
            "org_slug": organization.slug,
            "programme_id": resource.programme_id,
            "resource_id": resource.pk,
        },
    )


def _upload(client, organization, programme, name, content):
    return client.post(
        _page(organization, programme),
        {"title": "Guide", "audience": "everyone", "file": SimpleUploadedFile(name, content)},
    )


def _stored(media):
    return [path for path in media.rglob("*") if path.is_file()]


def _resources(organization):
    with tenant_context(organization):
        return list(Resource.objects.all())


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("page.html", files.HTML, "“page.html” cannot be uploaded: the accepted files are PDF"),
        ("drawing.svg", files.SVG, "“drawing.svg” cannot be uploaded"),
        ("setup.exe", files.PDF, "“setup.exe” cannot be uploaded"),
        ("page.pdf", files.HTML, "“page.pdf” is not a real PDF file: its content does not match its name."),
        ("drawing.pdf", files.SVG, "“drawing.pdf” is not a real PDF file"),
        ("setup.pdf", files.EXE, "“setup.pdf” is not a real PDF file"),
        ("page.txt", files.HTML, "“page.txt” is not a real text (.txt) file"),
        ("drawing.png", files.SVG, "“drawing.png” is not a real PNG file"),
        ("archive.docx", files.plain_zip(), "“archive.docx” is not a real Word (.docx) file"),
        ("macros.docx", files.docm(), "“macros.docx” is not a real Word (.docx) file"),
        ("sheet.xlsx", files.docx(), "“sheet.xlsx” is not a real Excel (.xlsx) file"),
        ("text.odt", files.plain_zip(), "“text.odt” is not a real OpenDocument text (.odt) file"),
    ],
    ids=lambda value: value if isinstance(value, str) and "." in value and len(value) < 20 else "",
)
def test_it_refuses_a_file_that_is_not_what_it_claims_and_stores_nothing(
    client_for, hr_admin, organization, programme, media, name, content, message
):
    response = _upload(client_for(hr_admin), organization, programme, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _resources(organization) == []
    assert _stored(media) == []


def test_it_refuses_an_oversize_file_with_the_limit_and_stores_nothing(
    client_for, hr_admin, organization, programme, media, settings
):
    settings.RESOURCE_UPLOAD_MAX_BYTES = 1024 * 1024
    content = files.PDF + b"0" * (2 * 1024 * 1024)
    response = _upload(client_for(hr_admin), organization, programme, "big.pdf", content)
    assert "“big.pdf” is too large (2 MB): the limit is 1 MB." in response.content.decode()
    assert _resources(organization) == []
    assert _stored(media) == []


def test_it_refuses_more_than_ten_megabytes_by_default(client_for, hr_admin, organization, programme, media):
    content = files.PDF + b"0" * (10 * 1024 * 1024)
    response = _upload(client_for(hr_admin), organization, programme, "big.pdf", content)
    assert "the limit is 10 MB" in response.content.decode()


@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("guide.pdf", files.PDF, "application/pdf"),
        ("photo.png", files.png(), "image/png"),
        (
            "notes.docx",
            files.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("people.xlsx", files.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("notes.odt", files.odt(), "application/vnd.oasis.opendocument.text"),
        ("notes.txt", "Ordre du jour : café".encode("cp1252"), "text/plain; charset=utf-8"),
        ("list.csv", "email;rôle\nléa@acme.example;mentor\n".encode(), "text/csv; charset=utf-8"),
    ],
    ids=lambda value: value if isinstance(value, str) and "/" not in value else "",
)
def test_it_stores_an_allowed_file_under_a_random_name_and_serves_it_as_an_attachment(
    client_for, hr_admin, organization, programme, media, name, content, content_type
):
    client = client_for(hr_admin)
    _upload(client, organization, programme, name, content)
    [resource] = _resources(organization)
    extension = name.rsplit(".", 1)[1]
    assert re.fullmatch(
        rf"programmes/resources/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.{extension}", resource.file.name
    )
    assert resource.original_name == name
    response = client.get(_download_url(organization, resource))
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_it_keeps_a_hostile_name_for_display_only_and_offers_it_back_cleaned(
    client_for, hr_admin, organization, programme, media
):
    client = client_for(hr_admin)
    _upload(client, organization, programme, '../../Résumé "final".pdf', files.PDF)
    [resource] = _resources(organization)
    assert "Résumé" not in resource.file.name and ".." not in resource.file.name
    assert resource.original_name == "Résumé _final_.pdf"
    assert "Résumé _final_.pdf" in client.get(_page(organization, programme)).content.decode()
    response = client.get(_download_url(organization, resource))
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Resume _final_.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20_final_.pdf"
    )


def test_a_file_stored_before_the_checks_still_downloads_but_only_as_an_opaque_attachment(
    client_for, hr_admin, organization, programme, media
):
    folder = media / "programmes" / "resources" / "2025" / "01"
    folder.mkdir(parents=True)
    (folder / "page.html").write_bytes(files.HTML)
    with tenant_context(organization):
        resource = Resource.objects.create(
            programme=programme,
            title="Old page",
            audience="everyone",
            file="programmes/resources/2025/01/page.html",
        )
    response = client_for(hr_admin).get(_download_url(organization, resource))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_participant_downloads_the_material_meant_for_them(
    client_for, hr_admin, mentee_user, organization, programme, media
):
    _upload(client_for(hr_admin), organization, programme, "guide.pdf", files.PDF)
    ParticipantFactory(organization=organization, programme=programme, user=mentee_user, role="mentee")
    [resource] = _resources(organization)
    response = client_for(mentee_user).get(_download_url(organization, resource))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_member_of_another_organisation_gets_404_on_the_download(
    client_for, hr_admin, outsider, organization, programme, media
):
    _upload(client_for(hr_admin), organization, programme, "guide.pdf", files.PDF)
    [resource] = _resources(organization)
    assert client_for(outsider).get(_download_url(organization, resource)).status_code == 404
    other = reverse(
        "resource_download",
        kwargs={"org_slug": "globex", "programme_id": resource.programme_id, "resource_id": resource.pk},
    )
    assert client_for(outsider).get(other).status_code == 404


def test_the_service_refuses_an_impostor_whatever_calls_it(in_organization, programme, media):
    from django.core.exceptions import ValidationError

    from programmes import services

    with pytest.raises(ValidationError, match="is not a real PDF file"):
        services.add_resource(
            programme=programme, audience="everyone", title="x", file=SimpleUploadedFile("x.pdf", files.HTML)
        )
    assert _stored(media) == []
