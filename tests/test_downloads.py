"""Every export and download answers ``Cache-Control: private, no-store``: no proxy and no browser keeps a copy."""

import inspect
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizations.tenancy import tenant_context

NO_STORE = "private, no-store"


def _dashboard_export(extension):
    def case(organization, people, client_for):
        return client_for(people["executive"]), f"/o/{organization.slug}/dashboard/export.{extension}"

    return case


def _participant_export(file_format):
    def case(organization, people, client_for):
        from tests.factories import ParticipantFactory, ProgrammeFactory

        with tenant_context(organization):
            programme = ProgrammeFactory(organization=organization)
            ParticipantFactory(organization=organization, programme=programme)
        url = f"/o/{organization.slug}/programmes/{programme.pk}/participants/export/?format={file_format}"
        return client_for(people["hr_admin"]), url

    return case


def _resource_file(organization, people, client_for):
    from tests.factories import ResourceFactory

    with tenant_context(organization):
        resource = ResourceFactory(
            organization=organization, url="", file=SimpleUploadedFile("guide.pdf", b"%PDF-1.4 guide")
        )
    url = f"/o/{organization.slug}/programmes/{resource.programme_id}/resources/{resource.pk}/"
    return client_for(people["hr_admin"]), url


def _my_data(organization, people, client_for):
    return client_for(people["mentee"]), reverse("my_data_download")


def _session_invitation(organization, people, client_for):
    from tests.factories import PairFactory, SessionFactory

    with tenant_context(organization):
        pair = PairFactory(organization=organization, mentee__user=people["mentee"])
        session = SessionFactory(organization=organization, pair=pair)
    return client_for(
        people["mentee"]
    ), f"/o/{organization.slug}/pairs/{pair.pk}/sessions/{session.pk}/invitation.ics"


def _calendar_feed(organization, people, client_for):
    from sessions import services
    from tests.factories import PairFactory

    with tenant_context(organization):
        PairFactory(organization=organization, mentee__user=people["mentee"])
        feed = services.create_calendar_feed(organization=organization, user=people["mentee"])
    return client_for(people["mentee"]), reverse("calendar_feed", kwargs={"token": feed.token})


DOWNLOADS = {
    "dashboard CSV": _dashboard_export("csv"),
    "dashboard XLSX": _dashboard_export("xlsx"),
    "participants CSV": _participant_export("csv"),
    "participants XLSX": _participant_export("xlsx"),
    "programme resource file": _resource_file,
    "personal data JSON": _my_data,
    "session invitation .ics": _session_invitation,
    "calendar feed": _calendar_feed,
}


@pytest.fixture
def people(hr_admin, executive, mentee_user):
    return {"hr_admin": hr_admin, "executive": executive, "mentee": mentee_user}


@pytest.mark.parametrize("name", DOWNLOADS)
def test_it_answers_every_download_private_and_not_stored(
    name, organization, people, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client, url = DOWNLOADS[name](organization, people, client_for)
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Cache-Control"] == NO_STORE


# What a view's code holds when it answers a file rather than a page.
FILE_RESPONSE = re.compile(
    r"Content-Disposition|FileResponse|text/calendar|text/csv|spreadsheetml|application/json"
)


def _views(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if getattr(entry, "namespace", None) != "admin":
                yield from _views(entry)
        elif isinstance(entry, URLPattern):
            yield entry.name, entry.callback


def test_every_view_answering_a_file_is_a_private_download():
    """A new export or download that forgets ``mentoring.downloads.private_download`` fails here."""
    files = {}
    for name, callback in _views():
        try:
            source = inspect.getsource(inspect.unwrap(callback))
        except (OSError, TypeError):
            continue
        if FILE_RESPONSE.search(source):
            files[name] = getattr(callback, "private_download", False)
    assert len(files) >= 6
    assert [name for name, private in files.items() if not private] == []
