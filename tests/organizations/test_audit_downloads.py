"""Every export and download leaves an event: who, what, which filters. A new one cannot forget it."""

import inspect

import pytest
from django.urls import reverse

from organizations.audit import Action
from organizations.roles import Role
from tests.factories import ParticipantFactory, ProgrammeFactory, member
from tests.test_downloads import FILE_RESPONSE, _views

from .audit_helpers import events_of

pytestmark = pytest.mark.django_db

# Files that leave no event, each with its reason.
NOT_AUDITED = {
    "calendar_feed": (
        "a calendar app polls the person's own feed every few minutes with its secret token: the trail "
        "would fill with polls; the feed's URL is the person's, and ending access revokes it"
    ),
}


def test_every_view_answering_a_file_records_who_took_it():
    files = {}
    for name, callback in _views():
        try:
            source = inspect.getsource(inspect.unwrap(callback))
        except (OSError, TypeError):
            continue
        if FILE_RESPONSE.search(source) or getattr(callback, "private_download", False):
            files[name] = getattr(callback, "audited", None)
    assert len(files) >= 8
    forgotten = sorted(name for name, audited in files.items() if not audited and name not in NOT_AUDITED)
    assert forgotten == [], "decorate them with organizations.audit.audited_download, or list them with why"
    assert sorted(set(NOT_AUDITED) - set(files)) == []


def test_a_dashboard_export_records_its_filters_and_file(client_for, hr_admin, organization):
    client = client_for(hr_admin)
    url = reverse("dashboard_export_csv", kwargs={"org_slug": organization.slug})
    response = client.get(url, {"department": "Finance", "start": "2026-01-01", "page": "3"})

    assert response.status_code == 200
    [event] = events_of(organization, action=Action.EXPORT)
    assert event.actor_id == hr_admin.pk
    assert event.details["what"] == "dashboard"
    assert event.details["filters"] == {"department": "Finance", "start": "2026-01-01"}
    assert event.details["file"].endswith(".csv")


def test_a_participant_export_records_the_programme_and_format(client_for, hr_admin, organization):
    programme = ProgrammeFactory(organization=organization)
    ParticipantFactory(organization=organization, programme=programme)
    client = client_for(hr_admin)
    client.get(
        reverse("participant_export", kwargs={"org_slug": organization.slug, "programme_id": programme.pk}),
        {"format": "xlsx"},
    )

    [event] = events_of(organization, action=Action.EXPORT)
    assert event.details == {
        "what": "participants",
        "filters": {"format": "xlsx"},
        "objects": {"programme_id": str(programme.pk)},
        "file": f"participants-{programme.pk}.xlsx",
    }


def test_a_refused_export_records_nothing(client_for, organization):
    mentor = member(organization, Role.MENTOR)
    response = client_for(mentor).get(reverse("dashboard_export_csv", kwargs={"org_slug": organization.slug}))
    assert response.status_code == 403
    assert events_of(organization) == []


def test_the_personal_data_export_is_recorded_in_each_organisation_of_the_person(
    client_for, organization, other_organization
):
    from tests.factories.organizations import MembershipFactory

    person = member(organization, Role.MENTEE)
    MembershipFactory(organization=other_organization, user=person, role=Role.MENTOR)
    client_for(person).get(reverse("my_data_download"))

    for org in (organization, other_organization):
        [event] = events_of(org, action=Action.EXPORT)
        assert (event.actor_id, event.details["what"]) == (person.pk, "personal data")
