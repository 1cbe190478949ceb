"""Uploads in S3-compatible object storage: private objects, read back only through our views.

The tests start moto's S3 server (server mode: real HTTP on 127.0.0.1, a free port) and point
django-storages at it, as production points it at S3, MinIO or any compatible store.
"""

import re
import socket
import uuid
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.models import Organization
from organizations.tenancy import tenant_context
from programmes.models import Resource
from tests.factories import ProgrammeFactory, UserFactory

from . import files

CREDENTIALS = {"aws_access_key_id": "binome-test", "aws_secret_access_key": "binome-test-secret"}
REGION = "eu-west-3"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    name = f"binome-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, **CREDENTIALS)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["aws_secret_access_key"])
    # The very options mentoring/settings.py builds from AWS_STORAGE_BUCKET_NAME and AWS_S3_ENDPOINT_URL.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": REGION,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
    }
    return client, name


def _objects(bucket):
    client, name = bucket
    return [item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])]


def _resource_download(organization, resource):
    return reverse(
        "resource_download",
        kwargs={
            "org_slug": organization.slug,
            "programme_id": resource.programme_id,
            "resource_id": resource.pk,
        },
    )


@pytest.fixture
def programme(organization):
    return ProgrammeFactory(organization=organization, name="Pilote", status="open")


def _upload_resource(client, organization, programme, name, content):
    return client.post(
        reverse("programme_resources", kwargs={"org_slug": organization.slug, "programme_id": programme.pk}),
        {"title": "Guide", "audience": "everyone", "file": SimpleUploadedFile(name, content)},
    )


def test_the_settings_choose_the_bucket_from_the_environment(monkeypatch):
    import importlib

    import mentoring.settings as project_settings

    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "binome-uploads")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    try:
        reloaded = importlib.reload(project_settings)
        storage = reloaded.STORAGES["default"]
        assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
        assert storage["OPTIONS"]["bucket_name"] == "binome-uploads"
        assert storage["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
        assert storage["OPTIONS"]["default_acl"] == "private"
        assert storage["OPTIONS"]["querystring_expire"] == 60
        monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME")
        assert importlib.reload(project_settings).STORAGES["default"]["BACKEND"] == (
            "django.core.files.storage.FileSystemStorage"
        )
    finally:
        monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
        monkeypatch.delenv("AWS_S3_ENDPOINT_URL", raising=False)
        importlib.reload(project_settings)


def test_a_resource_goes_to_the_bucket_and_comes_back_through_the_view(
    client_for, hr_admin, organization, programme, bucket
):
    client = client_for(hr_admin)
    response = _upload_resource(client, organization, programme, "Guide du binôme.pdf", files.PDF)
    assert response.status_code == 302
    with tenant_context(organization):
        [resource] = Resource.objects.all()
    assert _objects(bucket) == [resource.file.name]
    assert re.fullmatch(r"programmes/resources/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", resource.file.name)

    download = client.get(_resource_download(organization, resource))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == files.PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "private, no-store"
    assert download["X-Content-Type-Options"] == "nosniff"


def test_another_organisation_gets_404_on_a_resource_in_the_bucket(
    client_for, hr_admin, outsider, organization, programme, bucket
):
    _upload_resource(client_for(hr_admin), organization, programme, "guide.pdf", files.PDF)
    with tenant_context(organization):
        [resource] = Resource.objects.all()
    assert client_for(outsider).get(_resource_download(organization, resource)).status_code == 404


def test_a_logo_goes_to_the_bucket_and_only_members_see_it(
    client, organization, mentor_user, outsider, bucket, client_for
):
    staff = UserFactory(email="staff@binome.example", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("admin:organizations_organization_change", args=[organization.pk]),
        {
            "name": organization.name,
            "slug": organization.slug,
            "default_language": "fr",
            "time_zone": "Europe/Paris",
            "brand_colour": "",
            "minimum_group_size": 5,
            "first_admin_email": "",
            "logo": SimpleUploadedFile("logo.png", files.png()),
        },
    )
    assert response.status_code == 302
    organization = Organization.objects.get(pk=organization.pk)
    assert _objects(bucket) == [organization.logo.name]

    logo_url = reverse("organization_logo", kwargs={"org_slug": organization.slug})
    client.logout()
    member = client_for(mentor_user)
    shown = member.get(logo_url)
    assert shown.status_code == 200
    assert b"".join(shown.streaming_content).startswith(b"\x89PNG")
    member.logout()
    assert client_for(outsider).get(logo_url).status_code == 404


def test_objects_are_private_and_signed_urls_expire_within_a_minute(
    in_organization, programme, bucket, s3_endpoint
):
    from programmes import services

    resource = services.add_resource(
        programme=programme, audience="everyone", title="x", file=SimpleUploadedFile("x.pdf", files.PDF)
    )
    client, name = bucket
    grants = client.get_object_acl(Bucket=name, Key=resource.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"].get("URI") is None for grant in grants)  # no AllUsers, no AuthenticatedUsers

    signed = default_storage.url(resource.file.name)
    query = parse_qs(urlparse(signed).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert requests.get(signed, timeout=10).content == files.PDF


def test_a_missing_object_is_a_404_not_an_error(client_for, hr_admin, organization, programme, bucket):
    _upload_resource(client_for(hr_admin), organization, programme, "guide.pdf", files.PDF)
    with tenant_context(organization):
        [resource] = Resource.objects.all()
    client, name = bucket
    client.delete_object(Bucket=name, Key=resource.file.name)
    assert client_for(hr_admin).get(_resource_download(organization, resource)).status_code == 404
