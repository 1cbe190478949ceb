"""Organisation logos: real raster images only, redrawn as PNG, shown to the organisation's members only."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from organizations.models import Organization
from tests.factories import UserFactory

from .. import files


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(email="staff@binome.example", is_staff=True, is_superuser=True))
    return client


def _post_logo(client, organization, name, content):
    return client.post(
        reverse("admin:organizations_organization_change", args=[organization.pk]),
        {
            "name": organization.name,
            "slug": organization.slug,
            "default_language": "fr",
            "time_zone": "Europe/Paris",
            "brand_colour": "",
            "minimum_group_size": 5,
            "first_admin_email": "",
            "logo": SimpleUploadedFile(name, content),
        },
    )


def _stored(media):
    return [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("logo.svg", files.SVG, "errorlist"),
        ("logo.png", files.SVG, "errorlist"),
        ("logo.gif", files.png(), "errorlist"),
        ("logo.png", files.png()[:40], "errorlist"),
        (
            "logo.png",
            files.bomb_png(),
            "The image is too large (9000 × 9000 pixels): a logo has at most 10000000",
        ),
    ],
    ids=["svg", "svg-as-png", "png-as-gif", "truncated", "decompression-bomb"],
)
def test_it_refuses_a_logo_that_is_not_a_safe_image(
    staff_client, organization, media, name, content, message
):
    response = _post_logo(staff_client, organization, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    organization.refresh_from_db()
    assert not organization.logo
    assert _stored(media) == []


def test_it_refuses_a_logo_over_the_size_limit(staff_client, organization, media, settings):
    settings.LOGO_UPLOAD_MAX_BYTES = 1024 * 1024
    response = _post_logo(staff_client, organization, "logo.png", files.png() + b"\x00" * (2 * 1024 * 1024))
    assert "“logo.png” is too large (2 MB): the limit is 1 MB." in response.content.decode()
    organization.refresh_from_db()
    assert not organization.logo


def test_it_redraws_the_logo_as_a_png_under_a_random_name(staff_client, organization, media):
    response = _post_logo(staff_client, organization, "logo.jpg", files.jpeg_with_comment(b"<script>payload"))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", organization.logo.name)
    stored = organization.logo.read()
    assert stored.startswith(b"\x89PNG") and b"payload" not in stored
    assert Image.open(io.BytesIO(stored)).size == (4, 4)


def test_a_member_sees_the_logo_inline_as_a_png_with_nosniff(
    staff_client, client_for, mentee_user, organization, media
):
    _post_logo(staff_client, organization, "logo.png", files.png())
    response = client_for(mentee_user).get(
        reverse("organization_logo", kwargs={"org_slug": organization.slug})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="logo.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    page = client_for(mentee_user).get(reverse("organization_home", kwargs={"org_slug": organization.slug}))
    assert reverse("organization_logo", kwargs={"org_slug": organization.slug}) in page.content.decode()


def test_the_logo_is_404_to_other_organisations_and_never_public(
    staff_client, client, outsider, organization, media
):
    _post_logo(staff_client, organization, "logo.png", files.png())
    page = reverse("organization_logo", kwargs={"org_slug": organization.slug})
    client.logout()
    assert client.get(page).status_code == 302  # to the sign-in page
    client.force_login(outsider)
    assert client.get(page).status_code == 404


def test_an_organisation_without_a_logo_answers_404(client_for, mentee_user, organization):
    response = client_for(mentee_user).get(
        reverse("organization_logo", kwargs={"org_slug": organization.slug})
    )
    assert response.status_code == 404


def test_a_logo_stored_as_svg_before_the_checks_is_never_served(client_for, mentee_user, organization, media):
    (media / "logos").mkdir()
    (media / "logos" / "old.svg").write_bytes(files.SVG)
    Organization.objects.filter(pk=organization.pk).update(logo="logos/old.svg")
    response = client_for(mentee_user).get(
        reverse("organization_logo", kwargs={"org_slug": organization.slug})
    )
    assert response.status_code == 404


def test_the_model_refuses_a_bomb_whatever_the_entry_point(organization, media):
    from django.core.exceptions import ValidationError

    organization.logo = SimpleUploadedFile("logo.png", files.bomb_png())
    with pytest.raises(ValidationError, match="a logo has at most"):
        organization.full_clean()
