"""Text that reaches a header stays on one line: the validator, and its entry points in this app."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from accounts.models import User
from organizations import services
from organizations.forms import AcceptInvitationForm
from organizations.models import Organization
from organizations.roles import Role
from organizations.validators import NoControlCharacters, no_control_characters, single_line

REFUSED = {
    "line feed": "Durand\nBcc: all@acme.example",
    "carriage return": "Durand\rX",
    "tab": "Durand\tX",
    "null": "Durand\x00",
    "escape": "Durand\x1b[31m",
    "delete": "Durand\x7f",
    "next line U+0085": "Durand\x85X",
    "line separator U+2028": "Durand\u2028X",
    "paragraph separator U+2029": "Durand\u2029X",
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_it_refuses_line_breaks_tabs_and_other_control_characters(text):
    with pytest.raises(ValidationError) as refusal:
        no_control_characters(text)
    assert refusal.value.code == "control_characters"
    assert "one line" in refusal.value.messages[0]


@pytest.mark.parametrize("text", ["Léa Martin-Dubois", "O'Brien", "Zoë 李 🙂", "", "a  b"])
def test_it_accepts_ordinary_text_in_any_script(text):
    assert no_control_characters(text) is None
    assert Organization(name=text or "Acme", slug="acme").clean_fields(exclude=["slug"]) is None


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_single_line_leaves_no_control_character_behind(text):
    cleaned = single_line(text)
    no_control_characters(cleaned)
    assert cleaned.startswith("Durand")


def test_single_line_turns_each_run_into_one_space_and_trims():
    assert single_line(" Durand \r\n\r\n Bcc: x \t") == "Durand Bcc: x"
    assert single_line(None) == ""


def test_the_validator_deconstructs_for_migrations():
    path, args, kwargs = no_control_characters.deconstruct()
    assert (path, args, kwargs) == ("organizations.validators.NoControlCharacters", (), {})
    assert NoControlCharacters() == no_control_characters


def test_create_organization_refuses_a_name_with_a_line_break(db):
    with pytest.raises(CommandError, match="one line"):
        call_command(
            "create_organization",
            "--name",
            "Acme\r\nBcc: all",
            "--slug",
            "acme-x",
            "--admin-email",
            "a@a.example",
        )
    assert not Organization.objects.filter(slug="acme-x").exists()


def test_the_invitation_form_refuses_a_last_name_with_a_line_break():
    form = AcceptInvitationForm(
        data={
            "first_name": "Jean",
            "last_name": "Durand\nBcc: all@acme.example",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
        email="jean@acme.example",
    )
    assert not form.is_valid()
    assert "one line" in form.errors["last_name"][0]


@pytest.fixture
def staff_client(client, db):
    staff = User.objects.create_superuser(
        email="staff@binome.example", password="x-long-staff-pass-42", language="en"
    )
    client.force_login(staff)
    return client


def test_the_admin_refuses_an_organisation_name_with_a_line_break(staff_client):
    response = staff_client.post(
        "/admin/organizations/organization/add/",
        {
            "name": "Acme\r\nBcc: all",
            "slug": "acme-admin",
            "default_language": "fr",
            "time_zone": "Europe/Paris",
            "minimum_group_size": 5,
        },
    )
    assert response.status_code == 200
    assert "one line" in response.content.decode()
    assert not Organization.objects.filter(slug="acme-admin").exists()


def test_the_admin_refuses_a_user_name_with_a_line_break(staff_client, hr_admin):
    response = staff_client.post(
        f"/admin/accounts/user/{hr_admin.pk}/change/",
        {
            "email": hr_admin.email,
            "first_name": "Hélène",
            "last_name": "RH\nBcc: all@acme.example",
            "language": "en",
            "time_zone": "Europe/Paris",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "one line" in response.content.decode()
    hr_admin.refresh_from_db()
    assert hr_admin.last_name == "RH"


def test_a_legacy_organisation_name_across_two_lines_still_sends_a_one_line_invitation(
    organization, django_capture_on_commit_callbacks
):
    Organization.objects.filter(pk=organization.pk).update(name="Acme\r\nBcc: all@acme.example")
    organization.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(organization=organization, email="new@acme.example", role=Role.MENTEE)
    [message] = mail.outbox
    assert "Acme Bcc: all@acme.example" in message.subject
    assert message.message()["Bcc"] is None
