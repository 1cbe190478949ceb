"""HR's curriculum editor: the default curriculum copied into a programme, then adapted, reordered,
duplicated and deleted; each programme's modules are its own rows."""

import pytest
from django.urls import reverse

from mentoring.l10n import both_languages
from organizations.tenancy import tenant_context
from programmes import services
from programmes.curriculum import DEFAULT_CURRICULUM
from programmes.models import CurriculumModule
from tests.factories import CurriculumModuleFactory, ProgrammeFactory


def _url(name, programme, **kwargs):
    return reverse(
        name, kwargs={"org_slug": programme.organization.slug, "programme_id": programme.pk, **kwargs}
    )


def _titles(programme):
    with tenant_context(programme.organization):
        return list(programme.modules.order_by("position", "pk").values_list("title", flat=True))


def test_hr_copies_the_default_curriculum_in_french_and_english(client_for, hr_admin, programme):
    response = client_for(hr_admin).post(_url("curriculum_copy_default", programme), follow=True)
    assert "5 modules copied from the default curriculum" in response.content.decode()
    with tenant_context(programme.organization):
        modules = list(programme.modules.order_by("position"))
    assert [m.title for m in modules] == [entry["title"] for entry in DEFAULT_CURRICULUM]
    social = modules[1]
    assert (social.title, social.title_en) == ("Réseaux sociaux", "Social networks")
    assert social.objectives and social.objectives_en and social.agenda and social.agenda_en
    assert social.challenge_en == "Publish a post on the internal social network and answer the comments"
    assert [m.position for m in modules] == [0, 1, 2, 3, 4]


def test_the_copy_is_the_programmes_own_rows(organization, programme):
    other = ProgrammeFactory(organization=organization, name="Other")
    with tenant_context(organization):
        services.copy_default_curriculum(programme=programme)
        services.copy_default_curriculum(programme=other)
        module = programme.modules.get(position=1)
        module.title = "Réseaux sociaux internes"
        services.save_module(module=module)
        assert other.modules.get(position=1).title == "Réseaux sociaux"
        assert CurriculumModule.objects.filter(programme=other).count() == 5


def test_the_editor_lists_the_modules_in_order_in_a_fixed_number_of_queries(
    client_for, hr_admin, programme, django_assert_num_queries
):
    with tenant_context(programme.organization):
        for title in ["Second", "First"]:
            CurriculumModuleFactory(organization=programme.organization, programme=programme, title=title)
    client = client_for(hr_admin)
    client.get(_url("curriculum", programme))
    with django_assert_num_queries(4):
        page = client.get(_url("curriculum", programme)).content.decode()
    assert page.index("Second") < page.index("First")


def test_hr_adds_and_edits_a_bilingual_module(client_for, hr_admin, programme):
    client = client_for(hr_admin)
    data = {
        "title": "Vidéo courte",
        "title_en": "Short video",
        "agenda": "Regarder trois exemples\nTourner ensemble",
        "challenge": "Tourner une vidéo de deux minutes",
    }
    response = client.post(_url("module_create", programme), data)
    assert response.status_code == 302
    with tenant_context(programme.organization):
        module = programme.modules.get()
    assert module.agenda_lines("fr") == ["Regarder trois exemples", "Tourner ensemble"]
    assert module.agenda_lines("en") == ["Regarder trois exemples", "Tourner ensemble"]  # English left empty
    client.post(_url("module_edit", programme, module_id=module.pk), {**data, "agenda_en": "Watch\nFilm"})
    module.refresh_from_db()
    assert module.agenda_lines("en") == ["Watch", "Film"]


def test_a_module_without_a_title_is_refused_with_a_message(client_for, hr_admin, programme):
    response = client_for(hr_admin).post(_url("module_create", programme), {"title": " ", "title_en": "X"})
    assert response.status_code == 200
    assert response.context["form"].errors
    with tenant_context(programme.organization):
        assert not programme.modules.exists()


def test_hr_moves_a_module_up_and_down(client_for, hr_admin, programme):
    with tenant_context(programme.organization):
        services.copy_default_curriculum(programme=programme)
        third = programme.modules.get(position=2)
    client = client_for(hr_admin)
    client.post(_url("module_move", programme, module_id=third.pk), {"direction": "up"})
    assert _titles(programme)[1] == third.title
    client.post(_url("module_move", programme, module_id=third.pk), {"direction": "down"})
    client.post(_url("module_move", programme, module_id=third.pk), {"direction": "down"})
    assert _titles(programme)[3] == third.title


def test_the_first_module_cannot_move_further_up(organization, programme):
    with tenant_context(organization):
        services.copy_default_curriculum(programme=programme)
        first = programme.modules.get(position=0)
        services.move_module(module=first, offset=-1)
    assert _titles(programme)[0] == first.title


def test_hr_duplicates_a_module_right_after_it(client_for, hr_admin, programme):
    with tenant_context(programme.organization):
        services.copy_default_curriculum(programme=programme)
        social = programme.modules.get(position=1)
    response = client_for(hr_admin).post(_url("module_duplicate", programme, module_id=social.pk))
    assert response.status_code == 302
    titles = _titles(programme)
    # The French of "(copy)" comes with the catalogue (/work/translations/h15-curriculum.po).
    french, _english = both_languages("%(title)s (copy)")
    assert titles[1:3] == ["Réseaux sociaux", french % {"title": "Réseaux sociaux"}]
    assert len(titles) == 6
    with tenant_context(programme.organization):
        copy = programme.modules.get(position=2)
    assert copy.title_en == "Social networks (copy)"
    assert copy.challenge == social.challenge


def test_hr_deletes_a_module(client_for, hr_admin, programme):
    with tenant_context(programme.organization):
        module = CurriculumModuleFactory(organization=programme.organization, programme=programme)
    client_for(hr_admin).post(_url("module_delete", programme, module_id=module.pk))
    assert _titles(programme) == []


def test_duplicating_a_programme_copies_its_curriculum(organization, programme):
    import datetime

    with tenant_context(organization):
        services.copy_default_curriculum(programme=programme)
        copy = services.duplicate_programme(
            programme=programme,
            name="Next",
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2027, 12, 31),
        )
    assert _titles(copy) == _titles(programme)


@pytest.mark.parametrize("name", ["curriculum", "module_create"])
def test_a_mentee_is_refused_the_editor(client_for, mentee_user, programme, name):
    assert client_for(mentee_user).get(_url(name, programme)).status_code == 403


def test_an_hr_admin_of_another_organisation_gets_404(client_for, outsider, programme):
    with tenant_context(programme.organization):
        module = CurriculumModuleFactory(organization=programme.organization, programme=programme)
    client = client_for(outsider)
    assert client.get(_url("curriculum", programme)).status_code == 404
    assert client.post(_url("module_delete", programme, module_id=module.pk)).status_code == 404
    with tenant_context(programme.organization):
        assert CurriculumModule.objects.filter(pk=module.pk).exists()


def test_a_module_of_another_programme_is_not_reachable_through_this_one(client_for, hr_admin, programme):
    with tenant_context(programme.organization):
        other = CurriculumModuleFactory(organization=programme.organization)
    response = client_for(hr_admin).get(_url("module_edit", programme, module_id=other.pk))
    assert response.status_code == 404
