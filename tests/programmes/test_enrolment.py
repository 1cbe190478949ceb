import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes import imports
from programmes.models import Participant, Resource
from tests.factories import DEFAULT_PASSWORD, ParticipantFactory, ProgrammeFactory, SkillFactory, member


@pytest.fixture
def programme(organization):
    return ProgrammeFactory(organization=organization, name="Pilote", status="open", charter="Be **kind**.")


@pytest.fixture
def skill(organization):
    return SkillFactory(organization=organization, name="AI tools")


def url(name, organization, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def profile_data(skill, **overrides):
    data = {
        "department": "Finance",
        "job_title": "CFO",
        "location": "Lyon",
        "languages": ["fr", "en"],
        "interests_text": "Running, JAZZ ,",
        "hopes": "Understand what my teams use.",
        "availability": ["mon-morning", "thu-lunch"],
        "time_zone": "Europe/Paris",
        f"skill_{skill.pk}": "3",
        "accept_charter": "on",
    }
    data.update(overrides)
    return data


def test_an_invited_person_enrols_with_a_profile_and_accepts_the_charter(
    client_for, mentee_user, organization, programme, skill, hr_admin
):
    participant = ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, role="mentee", invited=True
    )
    client = client_for(mentee_user)
    page = client.get(url("enrol", organization, programme_id=programme.pk))
    assert "<strong>kind</strong>" in page.content.decode()
    response = client.post(
        url("enrol", organization, programme_id=programme.pk),
        profile_data(skill, manager_email=hr_admin.email),
    )
    assert response.url == url("my_programmes", organization)
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ENROLLED
    assert participant.charter_accepted_at and participant.enrolled_at
    assert participant.interests == ["jazz", "running"]
    assert participant.availability == ["mon-morning", "thu-lunch"]
    assert participant.manager == hr_admin
    with tenant_context(organization):
        assert list(participant.skills.values_list("skill__name", "level")) == [("AI tools", 3)]


def test_enrolment_without_accepting_the_charter_changes_nothing(
    client_for, mentee_user, organization, programme, skill
):
    participant = ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, role="mentee", invited=True
    )
    data = profile_data(skill)
    del data["accept_charter"]
    response = client_for(mentee_user).post(url("enrol", organization, programme_id=programme.pk), data)
    assert response.status_code == 200
    assert "You need to accept the charter to enrol." in response.content.decode()
    participant.refresh_from_db()
    assert participant.status == Participant.Status.INVITED


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"languages": []}, "This field is required."),
        ({"manager_email": "stranger@nowhere.example"}, "Nobody in your organisation has this address."),
        ({"availability": ["sun-night"]}, "Select a valid choice."),
    ],
)
def test_bad_profile_input_is_refused_with_a_message(
    client_for, mentee_user, organization, programme, skill, overrides, message
):
    ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, role="mentee", invited=True
    )
    response = client_for(mentee_user).post(
        url("enrol", organization, programme_id=programme.pk), profile_data(skill, **overrides)
    )
    assert message in response.content.decode()


def test_a_profile_needs_at_least_one_skill(client_for, mentee_user, organization, programme, skill):
    ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, role="mentee", invited=True
    )
    response = client_for(mentee_user).post(
        url("enrol", organization, programme_id=programme.pk),
        profile_data(skill, **{f"skill_{skill.pk}": ""}),
    )
    assert "Choose at least one skill." in response.content.decode()


def test_a_mentor_sees_skills_to_share_and_a_mentee_skills_to_develop(
    client_for, mentor_user, mentee_user, organization, programme, skill
):
    ParticipantFactory(
        organization=organization, programme=programme, user=mentor_user, role="mentor", invited=True
    )
    ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, role="mentee", invited=True
    )
    assert (
        "Skills you can share"
        in client_for(mentor_user).get(url("enrol", organization, programme_id=programme.pk)).content.decode()
    )
    assert (
        "Skills you want to develop"
        in client_for(mentee_user).get(url("enrol", organization, programme_id=programme.pk)).content.decode()
    )


def test_a_member_enrols_on_their_own_in_an_open_programme(
    client_for, mentor_user, organization, programme, skill
):
    client = client_for(mentor_user)
    assert programme.name in client.get(url("my_programmes", organization)).content.decode()
    response = client.post(
        url("enrol", organization, programme_id=programme.pk) + "?role=mentor", profile_data(skill)
    )
    assert response.status_code == 302
    with tenant_context(organization):
        participant = Participant.objects.get(user=mentor_user)
    assert (participant.role, participant.status) == ("mentor", "enrolled")


def test_a_member_cannot_enrol_in_a_role_they_do_not_hold(
    client_for, mentor_user, organization, programme, skill
):
    response = client_for(mentor_user).get(
        url("enrol", organization, programme_id=programme.pk) + "?role=mentee"
    )
    assert response.status_code == 404


def test_nobody_enrols_on_their_own_in_a_draft_programme(client_for, mentor_user, organization):
    programme = ProgrammeFactory(organization=organization, status="draft")
    assert (
        client_for(mentor_user).get(url("enrol", organization, programme_id=programme.pk)).status_code == 404
    )


def test_an_invited_person_waits_while_the_programme_is_a_draft(client_for, mentee_user, organization, skill):
    programme = ProgrammeFactory(organization=organization, status="draft")
    ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, role="mentee", invited=True
    )
    response = client_for(mentee_user).get(url("enrol", organization, programme_id=programme.pk))
    assert response.status_code == 409
    assert "Enrolment has not opened yet" in response.content.decode()


def test_an_enrolled_person_edits_their_profile(client_for, mentee_user, organization, programme, skill):
    participant = ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, role="mentee", status="enrolled"
    )
    client = client_for(mentee_user)
    assert client.get(url("enrol", organization, programme_id=programme.pk)).url == url(
        "my_profile", organization, programme_id=programme.pk
    )
    response = client.post(
        url("my_profile", organization, programme_id=programme.pk), profile_data(skill, job_title="CEO")
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.job_title == "CEO"


def test_a_person_withdraws_and_hr_sees_it(client_for, mentee_user, hr_admin, organization, programme):
    participant = ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, role="mentee", status="enrolled"
    )
    client_for(mentee_user).post(url("withdraw", organization, programme_id=programme.pk))
    participant.refresh_from_db()
    assert participant.status == Participant.Status.WITHDRAWN and participant.withdrawn_at
    listing = client_for(hr_admin).get(
        url("participant_list", organization, programme_id=programme.pk), {"status": "withdrawn"}
    )
    assert [p.pk for p in listing.context["page"]] == [participant.pk]


def test_the_charter_page_shows_the_material_for_the_person_role_only(
    client_for, mentee_user, organization, programme
):
    ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, role="mentee", invited=True
    )
    with tenant_context(organization):
        Resource.objects.create(
            programme=programme, title="For mentees", audience="mentees", url="https://e.x/1"
        )
        Resource.objects.create(
            programme=programme, title="For everyone", audience="everyone", url="https://e.x/2"
        )
        Resource.objects.create(
            programme=programme, title="For mentors", audience="mentors", url="https://e.x/3"
        )
    body = (
        client_for(mentee_user).get(url("charter", organization, programme_id=programme.pk)).content.decode()
    )
    assert "For mentees" in body and "For everyone" in body
    assert "For mentors" not in body


def test_a_mentor_cannot_download_the_mentees_material(
    client_for, mentor_user, organization, programme, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ParticipantFactory(
        organization=organization, programme=programme, user=mentor_user, role="mentor", invited=True
    )
    with tenant_context(organization):
        resource = Resource(programme=programme, title="Mentees only", audience="mentees")
        resource.file.save("m.txt", SimpleUploadedFile("m.txt", b"secret"), save=True)
    page = url("resource_download", organization, programme_id=programme.pk, resource_id=resource.pk)
    assert client_for(mentor_user).get(page).status_code == 404


def test_participant_pages_answer_their_owner_and_refuse_others(
    client_for, mentee_user, executive, outsider, organization, programme
):
    ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, role="mentee", status="enrolled"
    )
    pages = [
        url("my_programmes", organization),
        url("my_profile", organization, programme_id=programme.pk),
        url("charter", organization, programme_id=programme.pk),
    ]
    for page in pages:
        assert client_for(mentee_user).get(page).status_code == 200, page
        assert client_for(executive).get(page).status_code == 403, page
        assert client_for(outsider).get(page).status_code == 404, page


def test_a_member_who_is_not_in_the_programme_cannot_see_its_charter(
    client_for, mentor_user, organization, programme
):
    assert (
        client_for(mentor_user).get(url("charter", organization, programme_id=programme.pk)).status_code
        == 404
    )
    assert (
        client_for(mentor_user).get(url("my_profile", organization, programme_id=programme.pk)).status_code
        == 404
    )


def test_an_imported_person_sets_a_password_from_the_invitation_and_lands_on_enrolment(
    client, organization, programme, hr_admin, settings, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        participant_import = imports.prepare_import(
            programme=programme,
            upload=SimpleUploadedFile(
                "p.csv", b"email,first_name,last_name,role\nnew@acme.example,Nina,Nouvelle,mentee\n"
            ),
            uploaded_by=hr_admin,
        )
        with django_capture_on_commit_callbacks(execute=True):
            imports.apply_import(participant_import=participant_import, invited_by=hr_admin)
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    assert page.context["form"].initial["first_name"] == "Nina"
    response = client.post(
        "/" + path,
        {
            "first_name": "Nina",
            "last_name": "Nouvelle",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
    )
    assert response.url == url("enrol", organization, programme_id=programme.pk)
    from accounts.models import User

    user = User.objects.get(email="new@acme.example")
    assert user.check_password(DEFAULT_PASSWORD)
    assert User.objects.filter(email="new@acme.example").count() == 1


def test_an_account_that_has_signed_in_must_sign_in_to_accept(
    client, organization, django_capture_on_commit_callbacks
):
    from organizations.services import invite_member

    existing = member(organization, Role.MENTOR, email="known@acme.example")
    existing.set_unusable_password()
    existing.last_login = existing.date_joined
    existing.save()
    with django_capture_on_commit_callbacks(execute=True):
        invite_member(organization=organization, email="known@acme.example", role=Role.MENTEE)
    link = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert "organizations/invitation_sign_in.html" in [template.name for template in page.templates]
