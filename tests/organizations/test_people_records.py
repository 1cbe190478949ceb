"""What an organisation knows about a person is its own: adding or importing an address reveals and changes
nothing that another organisation, or the person, wrote; only the person edits their account."""

import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from organizations.models import Invitation, Person
from organizations.roles import Role
from organizations.services import accept_invitation, invitation_token
from organizations.tenancy import tenant_context, unscoped
from programmes import imports
from programmes.models import Participant
from tests.factories import MembershipFactory, ParticipantFactory, ProgrammeFactory, UserFactory, member

ELSEWHERE = "Xyzzy-Elsewhere"


@pytest.fixture
def programme(organization):
    return ProgrammeFactory(organization=organization, name="Pilote", status="open")


@pytest.fixture
def globex_programme(other_organization):
    return ProgrammeFactory(organization=other_organization, name="Globex pilot", status="open")


@pytest.fixture
def known_elsewhere(other_organization):
    """A Globex mentor whose account and Globex record both carry a name Acme must never see."""
    return member(
        other_organization, Role.MENTOR, email="shared@example.com", first_name=ELSEWHERE, last_name=ELSEWHERE
    )


def url(name, organization, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def record(organization, user):
    with tenant_context(organization):
        return Person.objects.get(user=user)


def import_csv(programme, hr_admin, content):
    upload = SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv")
    with tenant_context(programme.organization):
        prepared = imports.prepare_import(programme=programme, upload=upload, uploaded_by=hr_admin)
        return imports.apply_import(participant_import=prepared, invited_by=hr_admin)


def test_adding_an_address_known_elsewhere_shows_none_of_its_names(
    client_for, hr_admin, organization, programme, known_elsewhere
):
    client = client_for(hr_admin)
    client.post(
        url("participant_add", organization, programme_id=programme.pk),
        {"email": known_elsewhere.email, "role": "mentee"},
    )
    with tenant_context(organization):
        participant = Participant.objects.get(programme=programme)
    for page in (
        url("participant_list", organization, programme_id=programme.pk),
        url("participant_detail", organization, programme_id=programme.pk, participant_id=participant.pk),
        url("participant_export", organization, programme_id=programme.pk),
        url("participant_export", organization, programme_id=programme.pk) + "?format=xlsx",
        url("members", organization),
    ):
        body = client.get(page).content
        assert ELSEWHERE.encode() not in body, page
    assert ELSEWHERE not in "".join(message.body + message.subject for message in mail.outbox)


def test_adding_an_address_known_elsewhere_shows_the_names_hr_typed(
    client_for, hr_admin, organization, programme, known_elsewhere
):
    client = client_for(hr_admin)
    client.post(
        url("participant_add", organization, programme_id=programme.pk),
        {"email": known_elsewhere.email, "first_name": "Camille", "last_name": "Acme", "role": "mentee"},
    )
    body = client.get(url("participant_list", organization, programme_id=programme.pk)).content.decode()
    assert "Camille Acme" in body


def test_adding_an_address_known_elsewhere_changes_nothing_outside_the_organisation(
    client_for, hr_admin, organization, other_organization, programme, known_elsewhere
):
    client_for(hr_admin).post(
        url("participant_add", organization, programme_id=programme.pk),
        {"email": known_elsewhere.email, "first_name": "Renamed", "last_name": "ByAcme", "role": "mentee"},
    )
    known_elsewhere.refresh_from_db()
    assert (known_elsewhere.first_name, known_elsewhere.last_name) == (ELSEWHERE, ELSEWHERE)
    assert record(other_organization, known_elsewhere).last_name == ELSEWHERE
    assert record(organization, known_elsewhere).last_name == "ByAcme"


def test_an_import_never_renames_a_person_another_organisation_imported(
    hr_admin, outsider, organization, other_organization, programme, globex_programme
):
    # Globex imports someone who has not signed in yet; Acme then imports the same address.
    import_csv(
        globex_programme,
        outsider,
        f"email,first_name,last_name,role\nnew@example.com,{ELSEWHERE},Globex,mentor\n",
    )
    import_csv(programme, hr_admin, "email,first_name,last_name,role\nnew@example.com,Other,Name,mentee\n")
    person = User.objects.get(email="new@example.com")
    assert (person.first_name, person.last_name) == ("", "")
    assert (record(other_organization, person).first_name, record(organization, person).first_name) == (
        ELSEWHERE,
        "Other",
    )
    with tenant_context(other_organization):
        assert person.get_full_name() == f"{ELSEWHERE} Globex"
    with tenant_context(organization):
        assert person.get_full_name() == "Other Name"


def test_an_import_shows_no_name_of_an_account_when_the_file_has_none(
    client_for, hr_admin, organization, programme, known_elsewhere
):
    import_csv(programme, hr_admin, f"email,role\n{known_elsewhere.email},mentee\n")
    body = client_for(hr_admin).get(url("participant_list", organization, programme_id=programme.pk)).content
    assert ELSEWHERE.encode() not in body


def test_the_invitee_sees_the_names_the_inviting_organisation_holds(
    client, organization, other_organization, hr_admin, outsider, programme, globex_programme
):
    import_csv(
        globex_programme, outsider, f"email,first_name,last_name,role\nnew@example.com,{ELSEWHERE},G,mentor\n"
    )
    import_csv(programme, hr_admin, "email,first_name,last_name,role\nnew@example.com,Zoé,Acme,mentee\n")
    with tenant_context(organization):
        invitation = Invitation.objects.get(email="new@example.com")
    body = client.get(reverse("invitation_accept", args=[invitation_token(invitation)])).content.decode()
    assert 'value="Zoé"' in body
    assert ELSEWHERE not in body


def test_accepting_records_the_name_the_person_gives_in_that_organisation_only(
    organization, other_organization, hr_admin, outsider, programme, globex_programme
):
    import_csv(
        globex_programme, outsider, f"email,first_name,last_name,role\nnew@example.com,{ELSEWHERE},G,mentor\n"
    )
    import_csv(programme, hr_admin, "email,first_name,last_name,role\nnew@example.com,Zoe,Typo,mentee\n")
    with tenant_context(organization):
        invitation = Invitation.objects.get(email="new@example.com")
    accept_invitation(
        invitation=invitation, first_name="Zoé", last_name="Martin", password="a-long-pass-phrase-42"
    )
    person = User.objects.get(email="new@example.com")
    assert person.own_name == "Zoé Martin"
    assert record(organization, person).full_name == "Zoé Martin"
    assert record(other_organization, person).full_name == f"{ELSEWHERE} G"


def test_a_person_renames_themselves_in_every_organisation_they_belong_to(
    client_for, organization, other_organization
):
    person = member(organization, Role.MENTOR, first_name="Old", last_name="Name")
    MembershipFactory(organization=other_organization, user=person, role=Role.MENTEE)
    stranger = member(other_organization, Role.MENTOR, first_name="Stranger", last_name="Untouched")
    client = client_for(person)
    response = client.post(
        reverse("preferences"),
        {"first_name": "New", "last_name": "Name", "language": "fr", "time_zone": "Europe/Paris"},
    )
    assert response.status_code == 302
    assert record(organization, person).full_name == "New Name"
    assert record(other_organization, person).full_name == "New Name"
    assert record(other_organization, stranger).full_name == "Stranger Untouched"


def test_hr_cannot_edit_a_persons_account(client_for, hr_admin, organization, programme, known_elsewhere):
    """HR's pages write the organisation's record; no HR page reaches the account's own fields."""
    client = client_for(hr_admin)
    client.post(
        url("participant_add", organization, programme_id=programme.pk),
        {"email": known_elsewhere.email, "first_name": "A", "last_name": "B", "role": "mentee"},
    )
    password, language, time_zone = (
        known_elsewhere.password,
        known_elsewhere.language,
        known_elsewhere.time_zone,
    )
    known_elsewhere.refresh_from_db()
    assert (known_elsewhere.password, known_elsewhere.language, known_elsewhere.time_zone) == (
        password,
        language,
        time_zone,
    )


def test_names_cost_one_query_per_page_whatever_the_number_of_people(django_assert_num_queries, organization):
    people = [UserFactory() for _ in range(30)]
    with tenant_context(organization):
        for person in people:
            Person.objects.create(user=person, first_name="F", last_name=str(person.pk))
    with tenant_context(organization), django_assert_num_queries(1):
        names = [person.get_full_name() for person in people]
    assert names == [f"F {person.pk}" for person in people]


def test_outside_an_organisation_a_person_is_known_by_their_account(organization):
    person = member(organization, Role.MENTOR, first_name="Own", last_name="Account")
    with tenant_context(organization):
        Person.objects.filter(user=person).update(first_name="Org", last_name="Record")
    assert person.get_full_name() == "Own Account"
    with tenant_context(organization):
        assert person.get_full_name() == "Org Record"


def test_the_migration_copies_each_accounts_names_into_each_of_its_organisations(
    organization, other_organization
):
    person = member(organization, Role.MENTOR, first_name="Ada", last_name="Lovelace")
    MembershipFactory(organization=other_organization, user=person, role=Role.MENTEE)
    with tenant_context(organization):
        Person.objects.all().delete()
    with tenant_context(other_organization):
        Person.objects.all().delete()
    migration = importlib.import_module("programmes.migrations.0004_fill_people")
    with unscoped("the migration reads every organisation"):
        migration.copy_names_into_each_organisation(apps, None)
    assert record(organization, person).full_name == "Ada Lovelace"
    assert record(other_organization, person).full_name == "Ada Lovelace"


def test_hr_corrects_the_names_their_organisation_holds_and_nothing_else(
    client_for, hr_admin, organization, other_organization, programme, known_elsewhere
):
    client = client_for(hr_admin)
    client.post(
        url("participant_add", organization, programme_id=programme.pk),
        {"email": known_elsewhere.email, "role": "mentee"},
    )
    with tenant_context(organization):
        participant = Participant.objects.get(programme=programme)
    edit = url("participant_edit", organization, programme_id=programme.pk, participant_id=participant.pk)
    assert ELSEWHERE not in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "first_name": "Camille",
            "last_name": "Durand",
            "department": "Data",
            "job_title": "",
            "location": "",
        },
    )
    assert response.status_code == 302
    assert record(organization, known_elsewhere).full_name == "Camille Durand"
    assert record(other_organization, known_elsewhere).full_name == f"{ELSEWHERE} {ELSEWHERE}"
    known_elsewhere.refresh_from_db()
    assert known_elsewhere.own_name == f"{ELSEWHERE} {ELSEWHERE}"
    with tenant_context(organization):
        assert Participant.objects.get(pk=participant.pk).department == "Data"


def test_hr_gets_a_clear_message_for_a_line_break_in_a_name(client_for, hr_admin, organization, programme):
    participant = ParticipantFactory(organization=organization, programme=programme)
    edit = url("participant_edit", organization, programme_id=programme.pk, participant_id=participant.pk)
    response = client_for(hr_admin).post(edit, {"first_name": "Eve\r\nBcc: x@evil.example", "last_name": "X"})
    assert response.status_code == 200
    assert "control characters" in response.content.decode()
    assert "Bcc" not in record(organization, participant.user).full_name


def test_a_participant_cannot_edit_the_organisations_record(client_for, organization, programme):
    participant = ParticipantFactory(
        organization=organization, programme=programme, user=member(organization, Role.MENTOR)
    )
    edit = url("participant_edit", organization, programme_id=programme.pk, participant_id=participant.pk)
    client = client_for(participant.user)
    assert client.post(edit, {"first_name": "Self", "last_name": "Promoted"}).status_code == 403
    assert record(organization, participant.user).first_name != "Self"
