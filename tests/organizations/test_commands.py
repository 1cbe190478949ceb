import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from organizations.models import Invitation, Membership, Organization
from organizations.tenancy import tenant_context, unscoped


def test_create_organization_creates_it_and_invites_the_first_hr_admin(
    db, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_organization",
            "--name",
            "Initech",
            "--slug",
            "initech",
            "--admin-email",
            "boss@initech.example",
        )
    organization = Organization.objects.get(slug="initech")
    with tenant_context(organization):
        invitation = Invitation.objects.get()
    assert invitation.role == "hr_admin"
    assert mail.outbox[0].to == ["boss@initech.example"]
    assert "/invitations/" in capsys.readouterr().out


def test_create_organization_refuses_a_taken_slug(db):
    call_command("create_organization", "--name", "A", "--slug", "taken", "--admin-email", "a@a.example")
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_organization", "--name", "B", "--slug", "taken", "--admin-email", "b@b.example")


def _counts():
    with unscoped("test counts every row"):
        from django.apps import apps

        from organizations.tenancy import tenant_models

        counts = {model.__name__: model.objects.count() for model in tenant_models()}
        counts["User"] = apps.get_model("accounts", "User").objects.count()
    return counts


def test_seed_demo_is_idempotent_and_prints_the_log_ins(db, capsys):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    output = capsys.readouterr().out
    assert "rh@demo.binome.example" in output
    assert "demo-binome-2026" in output
    demo = Organization.objects.get(slug="demo")
    with tenant_context(demo):
        assert Membership.objects.filter(role="hr_admin").exists()
        assert Membership.objects.filter(role="executive").exists()


def test_demo_log_ins_work(client, db):
    call_command("seed_demo")
    assert client.login(username="rh@demo.binome.example", password="demo-binome-2026")
