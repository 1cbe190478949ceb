import io

import pytest
from django.core.management import CommandError, call_command

from api.models import ApiKey
from api.scopes import READ_SCOPES
from organizations.audit import Action
from organizations.models import AuditEvent
from organizations.tenancy import tenant_context

from .conftest import KeyClient

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_read_prints_a_key_with_every_read_scope(organization, seeded):
    secret = _run("--organization", "acme", "--scopes", "read")
    with tenant_context(organization):
        key = ApiKey.objects.get()
        assert AuditEvent.objects.filter(action=Action.API_KEY_CREATED).count() == 1
    assert key.scopes == [str(scope) for scope in READ_SCOPES]
    assert KeyClient(secret).get("/api/v1/pairs/").status_code == 200
    assert (
        KeyClient(secret).post("/api/v1/participants/", {}, content_type="application/json").status_code
        == 403
    )


def test_explicit_scopes_and_a_name(organization):
    _run("--organization", "acme", "--scopes", "figures:read,participants:write", "--name", "HRIS sync")
    with tenant_context(organization):
        key = ApiKey.objects.get()
    assert key.name == "HRIS sync"
    assert key.scopes == ["figures:read", "participants:write"]


def test_an_unknown_scope_or_organisation_is_refused(organization):
    with pytest.raises(CommandError, match="Unknown scope"):
        _run("--organization", "acme", "--scopes", "everything")
    with pytest.raises(CommandError, match="No organisation"):
        _run("--organization", "nowhere", "--scopes", "read")
