"""Names HR types for programmes, skills, objectives and people stay on one line, at every entry point."""

import pytest
from django.core.exceptions import ValidationError

from organizations.tenancy import tenant_context
from programmes import services
from programmes.forms import AddPersonForm, DuplicateForm, ProgrammeForm
from programmes.models import Objective, Programme, Skill

from .test_hr_pages import url
from .test_import import HEADER, errors_of, prepare


@pytest.fixture
def programme(in_organization):
    from tests.factories import ProgrammeFactory, SkillFactory

    SkillFactory(organization=in_organization, name="AI tools")
    return ProgrammeFactory(organization=in_organization, status="open")


@pytest.mark.parametrize("column", ["first_name", "last_name", "department", "job_title"])
def test_an_import_row_with_a_control_character_gets_its_own_error(programme, column):
    fields = {"first_name": "Léa", "last_name": "Martin", "department": "Digital", "job_title": "CM"}
    fields[column] = f'"{fields[column]}\nBcc: all@acme.example"'
    bad = f"lea@acme.example,{fields['first_name']},{fields['last_name']},mentor,{fields['department']},{fields['job_title']},fr,,\n"
    good = "jean@acme.example,Jean,Lefebvre,mentee,Finance,CFO,fr,,\n"
    participant_import = prepare(programme, HEADER + bad + good)
    errors = errors_of(participant_import)
    assert list(errors) == [2]
    assert any(column in error and "control character" in error for error in errors[2])


def test_an_import_row_with_a_tab_in_a_name_is_refused(programme):
    participant_import = prepare(programme, HEADER + "lea@acme.example,Léa\tX,Martin,mentor,,,fr,,\n")
    assert "control character" in " ".join(errors_of(participant_import)[2])


def test_the_uploaded_file_name_is_kept_on_one_line(programme):
    participant_import = prepare(
        programme, HEADER + "lea@acme.example,Léa,Martin,mentor,,,fr,,\n", name="a\r\nb.csv"
    )
    assert participant_import.filename == "a b.csv"


def test_adding_a_person_by_hand_refuses_a_line_break_in_a_name(in_organization):
    form = AddPersonForm(data={"email": "lea@acme.example", "last_name": "Martin\nX", "role": "mentor"})
    assert not form.is_valid() and "one line" in form.errors["last_name"][0]


def test_the_programme_form_refuses_a_name_or_objective_with_a_control_character(in_organization):
    data = {
        "name": "Pilot\r\nBcc: all",
        "new_objectives": "Learn AI\nUse\ttools",
        "start_date": "2026-01-05",
        "end_date": "2026-06-30",
        "session_min_minutes": 30,
        "session_max_minutes": 60,
        "cadence_days": 14,
        "mentor_capacity": 1,
    }
    form = ProgrammeForm(data=data, instance=Programme())
    assert not form.is_valid()
    assert "one line" in form.errors["name"][0]
    assert "one line" in form.errors["new_objectives"][0]


def test_duplicating_refuses_a_name_with_a_line_break():
    form = DuplicateForm(data={"name": "Pilot\nX", "start_date": "2026-01-05", "end_date": "2026-06-30"})
    assert not form.is_valid() and "name" in form.errors


def test_hr_cannot_name_a_skill_across_two_lines(client_for, hr_admin, organization):
    response = client_for(hr_admin).post(url("skill_list", organization), {"name": "Prompt\r\nengineering"})
    assert "one line" in response.content.decode()
    with tenant_context(organization):
        assert not Skill.objects.filter(name__startswith="Prompt").exists()


def test_an_address_column_is_reported_once_as_an_address(programme):
    participant_import = prepare(programme, HEADER + '"lea@acme.example\nx",Léa,Martin,mentor,,,fr,,\n')
    [error] = errors_of(participant_import)[2]
    assert "Bad e-mail address" in error


def test_saving_a_programme_refuses_an_objective_with_a_control_character(in_organization):
    programme = Programme(name="Pilot", start_date="2026-01-05", end_date="2026-06-30")
    with pytest.raises(ValidationError) as refusal:
        services.save_programme(programme=programme, new_objectives=["Use\ttools"])
    assert "new_objectives" in refusal.value.message_dict
    assert not Objective.objects.filter(name__startswith="Use").exists()
