import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes.models import Objective, Participant, Programme, Resource, Skill
from tests.factories import (
    ObjectiveFactory,
    ParticipantFactory,
    ParticipantSkillFactory,
    ProgrammeFactory,
    SkillFactory,
    member,
)


def url(name, organization, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


HR_PAGES = [
    ("programme_list", {}),
    ("programme_create", {}),
    ("skill_list", {}),
    ("programme_overview", {"programme_id": None}),
    ("programme_edit", {"programme_id": None}),
    ("programme_duplicate", {"programme_id": None}),
    ("programme_resources", {"programme_id": None}),
    ("participant_list", {"programme_id": None}),
    ("participant_import", {"programme_id": None}),
    ("participant_export", {"programme_id": None}),
]


def _page(name, kwargs, organization, programme):
    return url(name, organization, **{key: programme.pk for key in kwargs})


@pytest.mark.parametrize("name,kwargs", HR_PAGES)
def test_hr_pages_answer_the_hr_admin(client_for, hr_admin, organization, programme, name, kwargs):
    assert client_for(hr_admin).get(_page(name, kwargs, organization, programme)).status_code == 200


@pytest.mark.parametrize("name,kwargs", HR_PAGES)
def test_a_mentor_cannot_reach_hr_pages(client_for, mentor_user, organization, programme, name, kwargs):
    assert client_for(mentor_user).get(_page(name, kwargs, organization, programme)).status_code == 403


@pytest.mark.parametrize("name,kwargs", HR_PAGES)
def test_an_executive_cannot_reach_hr_pages(client_for, executive, organization, programme, name, kwargs):
    assert client_for(executive).get(_page(name, kwargs, organization, programme)).status_code == 403


def test_participant_and_import_pages_answer_the_hr_admin(client_for, hr_admin, organization, programme):
    from organizations.tenancy import tenant_context
    from programmes.models import ParticipantImport

    participant = ParticipantFactory(organization=organization, programme=programme)
    with tenant_context(organization):
        participant_import = ParticipantImport.objects.create(programme=programme, filename="x.csv", rows=[])
    client = client_for(hr_admin)
    detail = url("participant_detail", organization, programme_id=programme.pk, participant_id=participant.pk)
    assert client.get(detail).status_code == 200
    preview = url(
        "participant_import_preview", organization, programme_id=programme.pk, import_id=participant_import.pk
    )
    assert client.get(preview).status_code == 200


def test_a_participant_of_another_programme_is_not_found(client_for, hr_admin, organization, programme):
    other = ParticipantFactory(organization=organization)
    detail = url("participant_detail", organization, programme_id=programme.pk, participant_id=other.pk)
    assert client_for(hr_admin).get(detail).status_code == 404


def _programme_data(**overrides):
    data = {
        "name": "Cohorte 2031",
        "description": "Digital skills for the executive committee.",
        "start_date": "2031-01-15",
        "end_date": "2031-12-15",
        "session_min_minutes": "30",
        "session_max_minutes": "60",
        "cadence_days": "14",
        "rotation_months": "6",
        "mentor_capacity": "1",
        "charter": "# Charter\n\n* Confidentiality\n* Kindness",
        "new_objectives": "Use AI every week\n\n",
    }
    data.update(overrides)
    return data


def test_hr_creates_a_programme_with_default_and_own_objectives(client_for, hr_admin, organization):
    organization.default_language = "en"
    organization.save()
    client = client_for(hr_admin)
    client.get(url("programme_create", organization))  # seeds the organisation's default objectives
    from organizations.tenancy import tenant_context

    with tenant_context(organization):
        default = Objective.objects.get(name_en="Master new digital tools")
    response = client.post(url("programme_create", organization), _programme_data(objectives=[default.pk]))
    with tenant_context(organization):
        programme = Programme.objects.get(name="Cohorte 2031")
        assert response.url == url("programme_overview", organization, programme_id=programme.pk)
        assert programme.status == Programme.Status.DRAFT
        assert programme.rotation_months == 6
        # The default is seeded in both languages; HR's own is in the one HR wrote it in.
        with translation.override("en"):
            assert sorted(str(objective) for objective in programme.objectives.all()) == [
                "Master new digital tools",
                "Use AI every week",
            ]


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"end_date": "2031-01-01"}, "end_date", "must come after the start date"),
        ({"session_min_minutes": "10"}, "session_min_minutes", "greater than or equal to 15"),
        ({"session_max_minutes": "180"}, "session_max_minutes", "less than or equal to 120"),
        (
            {"session_min_minutes": "90", "session_max_minutes": "45"},
            "session_max_minutes",
            "cannot be shorter",
        ),
        ({"mentor_capacity": "0"}, "mentor_capacity", "greater than or equal to 1"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_bad_programme_input_re_renders_with_messages_and_changes_nothing(
    client_for, hr_admin, organization, overrides, field, message
):
    response = client_for(hr_admin).post(url("programme_create", organization), _programme_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    from organizations.tenancy import tenant_context

    with tenant_context(organization):
        assert not Programme.objects.exists()


def test_a_programme_name_is_unique_in_the_organisation_only(
    client_for, hr_admin, organization, other_organization
):
    ProgrammeFactory(organization=organization, name="Pilote 2031")
    ProgrammeFactory(organization=other_organization, name="Elsewhere 2031")
    client = client_for(hr_admin)
    response = client.post(url("programme_create", organization), _programme_data(name="pilote 2031"))
    assert "already exists" in " ".join(response.context["form"].errors["name"])
    response = client.post(url("programme_create", organization), _programme_data(name="Elsewhere 2031"))
    assert response.status_code == 302


def test_hr_edits_a_programme(client_for, hr_admin, organization, programme):
    response = client_for(hr_admin).post(
        url("programme_edit", organization, programme_id=programme.pk), _programme_data(name="Pilote renamed")
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Pilote renamed"


def test_the_overview_shows_counts(client_for, hr_admin, organization, programme):
    from organizations.tenancy import tenant_context
    from pairing.models import Pair

    mentor = ParticipantFactory(
        organization=organization, programme=programme, role="mentor", status="enrolled"
    )
    mentee = ParticipantFactory(
        organization=organization, programme=programme, role="mentee", status="enrolled"
    )
    ParticipantFactory(
        organization=organization, programme=programme, role="mentee", status="enrolled", unprepared=True
    )
    ParticipantFactory(organization=organization, programme=programme, role="mentor", status="invited")
    ParticipantFactory(organization=organization, programme=programme, role="mentor", status="withdrawn")
    with tenant_context(organization):
        Pair.objects.create(programme=programme, mentor=mentor, mentee=mentee, status="active")
    response = client_for(hr_admin).get(url("programme_overview", organization, programme_id=programme.pk))
    assert response.context["counts"] == {
        "invited": 1,
        "enrolled": 3,
        "withdrawn": 1,
        "mentors": 1,
        "mentees": 2,
        "prepared": 2,
        "unprepared": 1,
        "unmatched": 1,
    }


def test_the_overview_explains_why_a_transition_is_refused(client_for, hr_admin, organization, programme):
    response = client_for(hr_admin).get(url("programme_overview", organization, programme_id=programme.pk))
    assert "one enrolled mentor and one enrolled mentee" in response.content.decode()


def test_a_refused_transition_shows_its_reason_and_changes_nothing(
    client_for, hr_admin, organization, programme
):
    response = client_for(hr_admin).post(
        url("programme_transition", organization, programme_id=programme.pk),
        {"status": "running"},
        follow=True,
    )
    assert "cannot go from" in response.content.decode()
    programme.refresh_from_db()
    assert programme.status == "open"


def test_an_accepted_transition_changes_the_status(client_for, hr_admin, organization):
    programme = ProgrammeFactory(organization=organization, draft=True)
    client_for(hr_admin).post(
        url("programme_transition", organization, programme_id=programme.pk), {"status": "open"}
    )
    programme.refresh_from_db()
    assert programme.status == "open"


def test_duplicating_a_programme_copies_settings_objectives_and_resources_but_no_people(
    client_for, hr_admin, organization, programme
):
    from organizations.tenancy import tenant_context

    objective = ObjectiveFactory(organization=organization)
    with tenant_context(organization):
        programme.objectives.add(objective)
        Resource.objects.create(programme=programme, title="Guide", url="https://example.com/guide")
    ParticipantFactory(organization=organization, programme=programme)
    response = client_for(hr_admin).post(
        url("programme_duplicate", organization, programme_id=programme.pk),
        {"name": "Cohorte 2", "start_date": "2032-01-01", "end_date": "2032-12-01"},
    )
    with tenant_context(organization):
        copy = Programme.objects.get(name="Cohorte 2")
        assert response.url == url("programme_edit", organization, programme_id=copy.pk)
        assert copy.status == "draft" and copy.charter == programme.charter
        assert list(copy.objectives.all()) == [objective]
        assert copy.resources.get().title == "Guide"
        assert not copy.participants.exists()


def test_duplicating_under_an_existing_name_is_refused(client_for, hr_admin, organization, programme):
    response = client_for(hr_admin).post(
        url("programme_duplicate", organization, programme_id=programme.pk),
        {"name": "Pilote", "start_date": "2032-01-01", "end_date": "2032-12-01"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_hr_adds_a_link_and_a_file_and_removes_a_resource(
    client_for, hr_admin, organization, programme, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from organizations.tenancy import tenant_context

    settings.MEDIA_ROOT = tmp_path
    client = client_for(hr_admin)
    page = url("programme_resources", organization, programme_id=programme.pk)
    client.post(page, {"title": "Video", "audience": "mentors", "url": "https://example.com/v"})
    client.post(
        page, {"title": "Guide", "audience": "mentees", "file": SimpleUploadedFile("guide.pdf", b"%PDF-1.4")}
    )
    response = client.post(page, {"title": "Nothing", "audience": "everyone"})
    assert "either a link or a file" in response.content.decode()
    with tenant_context(organization):
        assert sorted(programme.resources.values_list("title", flat=True)) == ["Guide", "Video"]
        guide = programme.resources.get(title="Guide")
    download = client.get(
        url("resource_download", organization, programme_id=programme.pk, resource_id=guide.pk)
    )
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    client.post(
        url("programme_resource_delete", organization, programme_id=programme.pk, resource_id=guide.pk)
    )
    with tenant_context(organization):
        assert list(programme.resources.values_list("title", flat=True)) == ["Video"]


def test_the_remove_button_of_a_resource_posts_to_the_programme_s_resource(
    client_for, hr_admin, organization, programme
):
    client = client_for(hr_admin)
    page = url("programme_resources", organization, programme_id=programme.pk)
    client.post(page, {"title": "Video", "audience": "mentors", "url": "https://example.com/v"})
    from organizations.tenancy import tenant_context

    with tenant_context(organization):
        video = programme.resources.get(title="Video")
    remove = url("programme_resource_delete", organization, programme_id=programme.pk, resource_id=video.pk)
    assert f'action="{remove}"' in client.get(page).content.decode()


def test_the_first_visit_of_the_skills_page_seeds_the_defaults(client_for, hr_admin, organization):
    organization.default_language = "en"
    organization.save()
    response = client_for(hr_admin).get(url("skill_list", organization))
    names = [skill.name_en for skill in response.context["skills"]]
    assert "AI tools" in names and "Cybersecurity hygiene" in names
    client_for(hr_admin).get(url("skill_list", organization))
    from organizations.tenancy import tenant_context

    with tenant_context(organization):
        assert Skill.objects.filter(name_en="AI tools").count() == 1


def test_defaults_are_seeded_in_french_too(organization):
    from organizations.tenancy import tenant_context
    from programmes.services import ensure_default_taxonomy

    organization.default_language = "fr"
    organization.save()
    ensure_default_taxonomy(organization)
    with tenant_context(organization):
        assert Skill.objects.filter(name="Outils d'IA").exists()
        assert Objective.objects.filter(name="Maîtriser les nouveaux outils numériques").exists()


def test_hr_adds_and_edits_skills(client_for, hr_admin, organization):
    from organizations.tenancy import tenant_context

    client = client_for(hr_admin)
    client.post(url("skill_list", organization), {"name": "Prompt engineering", "is_active": "on"})
    response = client.post(url("skill_list", organization), {"name": "prompt ENGINEERING"})
    assert "already exists" in response.content.decode()
    with tenant_context(organization):
        skill = Skill.objects.get(name="Prompt engineering")
    client.post(
        url("skill_edit", organization, skill_id=skill.pk), {"name": "Prompting", "description": "Ask well"}
    )
    skill.refresh_from_db()
    assert (skill.name, skill.is_active) == ("Prompting", False)


def test_the_participant_list_filters_by_role_status_department_and_search(
    client_for, hr_admin, organization, programme
):
    from tests.factories import UserFactory

    ParticipantFactory(
        organization=organization,
        programme=programme,
        role="mentor",
        department="IT",
        invited=True,
        user=UserFactory(first_name="Léa", last_name="Martin"),
    )
    ParticipantFactory(
        organization=organization,
        programme=programme,
        role="mentee",
        department="Finance",
        status="enrolled",
        user=UserFactory(first_name="Jean", last_name="Lefebvre"),
    )
    client = client_for(hr_admin)
    page = url("participant_list", organization, programme_id=programme.pk)

    def names(**query):
        return [p.user.first_name for p in client.get(page, query).context["page"]]

    assert names() == ["Jean", "Léa"]
    assert names(role="mentor") == ["Léa"]
    assert names(status="enrolled") == ["Jean"]
    assert names(department="IT") == ["Léa"]
    assert names(search="lefeb") == ["Jean"]
    assert names(search="nobody") == []


@pytest.mark.parametrize("count", [5, 50])
def test_the_participant_list_query_count_does_not_grow(
    client_for, hr_admin, organization, programme, count, django_assert_num_queries
):
    skills = [SkillFactory(organization=organization) for _ in range(3)]
    manager = member(organization, Role.MENTEE)
    for _ in range(count):
        participant = ParticipantFactory(organization=organization, programme=programme, manager=manager)
        for skill in skills[:2]:
            ParticipantSkillFactory(organization=organization, participant=participant, skill=skill)
    client = client_for(hr_admin)
    page = url("participant_list", organization, programme_id=programme.pk)
    client.get(page)
    cache.clear()  # nothing kept (organizations/pagecache.py): the list is drawn from its rows
    # One of them reads the names the organisation holds for everyone shown (managers included).
    with django_assert_num_queries(8):
        response = client.get(page)
    assert len(response.context["page"].object_list) == count
    # Then kept for its reader, filters and page: the session, the account with its memberships.
    with django_assert_num_queries(2):
        again = client.get(page)
    assert _without_tokens(again.content) == _without_tokens(response.content)


def _without_tokens(html):
    """A page without its CSRF tokens, which are masked anew at every answer."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def test_the_export_downloads_csv_and_xlsx(client_for, hr_admin, organization, programme):
    ParticipantFactory(organization=organization, programme=programme)
    client = client_for(hr_admin)
    page = url("participant_export", organization, programme_id=programme.pk)
    csv_response = client.get(page, {"format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert b"email,first_name" in csv_response.content
    xlsx_response = client.get(page, {"format": "xlsx"})
    assert xlsx_response.content.startswith(b"PK")


def test_a_new_organisation_starts_with_the_default_skills_and_objectives(db):
    from organizations.services import create_organization
    from organizations.tenancy import tenant_context

    organization, _invitation = create_organization(
        name="Initech", slug="initech", admin_email="boss@initech.example", default_language="en"
    )
    with tenant_context(organization):
        assert Skill.objects.filter(name_en="Data literacy").exists()
        assert Objective.objects.filter(name_en="Communicate in a modern way").exists()


def _upload(client, organization, programme, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        url("participant_import", organization, programme_id=programme.pk),
        {"file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("people.csv", b"", "The submitted file is empty."),
        ("people.pdf", b"%PDF-1.7\x00\x00binary", "neither a CSV nor an Excel"),
        ("people.csv", b"x" * (10 * 1024 * 1024), "The file is too large (10 MB): the limit is 5 MB."),
    ],
)
def test_the_import_page_explains_a_file_it_cannot_read(
    client_for, hr_admin, organization, programme, name, content, message
):
    response = _upload(client_for(hr_admin), organization, programme, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_import_page_previews_then_imports_on_confirmation(client_for, hr_admin, organization, programme):
    from organizations.tenancy import tenant_context

    client = client_for(hr_admin)
    response = _upload(
        client, organization, programme, "people.csv", b"email,first_name,role\nlea@acme.example,Lea,mentor\n"
    )
    with tenant_context(organization):
        assert not Participant.objects.exists()
    preview = client.get(response.url)
    assert "1 row is valid and ready to import." in preview.content.decode()
    done = client.post(response.url)
    assert done.url == url("participant_list", organization, programme_id=programme.pk)
    with tenant_context(organization):
        assert Participant.objects.get().user.email == "lea@acme.example"


@pytest.mark.parametrize("count", [2, 20])
def test_the_programme_list_query_count_does_not_grow(
    client_for, hr_admin, organization, count, django_assert_num_queries
):
    for _ in range(count):
        programme = ProgrammeFactory(organization=organization)
        ParticipantFactory.create_batch(2, organization=organization, programme=programme)
    client = client_for(hr_admin)
    client.get(url("programme_list", organization))
    with django_assert_num_queries(3):
        response = client.get(url("programme_list", organization))
    assert len(response.context["programmes"]) == count


@pytest.mark.parametrize("count", [1, 10])
def test_my_programmes_query_count_does_not_grow(
    client_for, mentor_user, organization, count, django_assert_num_queries
):
    for _ in range(count):
        ParticipantFactory(organization=organization, user=mentor_user)
        ProgrammeFactory(organization=organization, status="open")
    client = client_for(mentor_user)
    client.get(url("my_programmes", organization))
    with django_assert_num_queries(4):
        client.get(url("my_programmes", organization))


def test_the_kept_participant_list_follows_every_write_and_keeps_filters_and_readers_apart(
    client_for, hr_admin, organization, programme, outsider
):
    ParticipantFactory(
        organization=organization, programme=programme, role=Participant.Role.MENTOR, job_title="Analyste"
    )
    client = client_for(hr_admin)
    page = url("participant_list", organization, programme_id=programme.pk)
    assert "Analyste" in client.get(page).content.decode()
    # Filters are kept apart: the kept unfiltered list is not served for a filter.
    assert "Analyste" not in client.get(page, {"role": Participant.Role.MENTEE}).content.decode()
    # A row added, then a bulk change with no signal: each reaches the kept list.
    ParticipantFactory(organization=organization, programme=programme, job_title="Directrice financière")
    assert "Directrice financière" in client.get(page).content.decode()
    with tenant_context(organization):
        Participant.objects.filter(job_title="Analyste").update(job_title="Data analyste")
    assert "Data analyste" in client.get(page).content.decode()
    # HR of another organisation is refused before anything kept is looked at.
    refused = client_for(outsider).get(page)
    assert refused.status_code == 404 and "Data analyste" not in refused.content.decode()
