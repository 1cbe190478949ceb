"""Provisioning tokens: created, named and revoked by the HR admin (shown once), printed by
``manage.py scim_token``; a revoked or unknown token gets 401."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organizations.audit import Action
from organizations.models import AuditEvent
from organizations.tenancy import tenant_context
from scim import services
from scim.models import ScimToken

from .conftest import SCIM, ScimClient

pytestmark = pytest.mark.django_db


def _page(organization):
    return reverse("security_scim", kwargs={"org_slug": organization.slug})


def test_the_hr_admin_creates_a_token_shown_once(client_for, hr_admin, organization):
    client = client_for(hr_admin)
    response = client.post(_page(organization), {"name": "Entra ID production"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("scim_")
    assert secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    again = client.get(_page(organization))
    assert secret not in again.content.decode()
    assert "Entra ID production" in again.content.decode()
    with tenant_context(organization):
        token = ScimToken.objects.get()
        assert token.digest != secret and token.created_by == hr_admin
        assert AuditEvent.objects.filter(action=Action.SCIM_TOKEN_CREATED, actor=hr_admin).exists()
    assert ScimClient(Client(), secret).get("ServiceProviderConfig").status_code == 200


def test_a_token_needs_a_name(client_for, hr_admin, organization):
    response = client_for(hr_admin).post(_page(organization), {"name": ""})
    assert response.status_code == 400
    with tenant_context(organization):
        assert not ScimToken.objects.exists()


def test_the_hr_admin_revokes_a_token_and_it_stops_working(
    client_for, hr_admin, organization, scim, scim_token
):
    token, _secret = scim_token
    response = client_for(hr_admin).post(
        reverse("security_scim_revoke_token", kwargs={"org_slug": organization.slug, "token_id": token.pk})
    )
    assert response.status_code == 302
    refused = scim.get("Users")
    assert refused.status_code == 401
    assert refused["Content-Type"] == SCIM
    assert refused["WWW-Authenticate"].startswith("Bearer")
    with tenant_context(organization):
        assert AuditEvent.objects.filter(action=Action.SCIM_TOKEN_REVOKED).exists()


def test_a_lower_role_gets_403(client_for, executive, organization):
    assert client_for(executive).get(_page(organization)).status_code == 403


def test_another_organisations_admin_gets_404(client_for, outsider, organization):
    assert client_for(outsider).get(_page(organization)).status_code == 404


def test_another_organisations_token_cannot_be_revoked_from_here(
    client_for, hr_admin, organization, other_organization
):
    from scim import services

    theirs, secret = services.issue_token(organization=other_organization, name="Okta")
    response = client_for(hr_admin).post(
        reverse("security_scim_revoke_token", kwargs={"org_slug": organization.slug, "token_id": theirs.pk})
    )
    assert response.status_code == 404
    assert ScimClient(Client(), secret).get("Users").status_code == 200


@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer scim_nope", "Basic c2NpbTpzY2lt", "Bearer bnm_x"])
def test_requests_without_a_valid_token_get_401(client, header):
    response = client.get("/scim/v2/Users", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["status"] == "401"


def test_the_command_prints_a_token_that_works(organization):
    output = StringIO()
    call_command("scim_token", organization=organization.slug, name="script", stdout=output)
    secret = output.getvalue().strip()
    assert ScimClient(Client(), secret).get("Users").status_code == 200


def test_the_command_refuses_an_unknown_organisation(db):
    with pytest.raises(CommandError):
        call_command("scim_token", organization="nobody", name="script", stdout=StringIO())


def test_use_updates_last_used_at_at_most_every_few_minutes(
    organization, scim, scim_token, django_assert_num_queries
):
    token, _secret = scim_token
    scim.get("ServiceProviderConfig")
    with tenant_context(organization):
        first = ScimToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the token's lookup, no write
        scim.get("ServiceProviderConfig")
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        scim.get("ServiceProviderConfig")
        with tenant_context(organization):
            assert ScimToken.objects.get(pk=token.pk).last_used_at > first


def test_a_token_over_its_rate_gets_429_with_retry_after_and_the_others_go_on(
    client, organization, other_organization, settings
):
    settings.SCIM_RATE_LIMIT = "3/minute"
    busy = ScimClient(client, services.issue_token(organization=organization, name="Looping")[1])
    calm = ScimClient(client, services.issue_token(organization=other_organization, name="Okta")[1])

    answers = [busy.get("Users").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    refused = busy.get("Users")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["status"] == "429"
    assert "urn:ietf:params:scim:api:messages:2.0:Error" in refused.json()["schemas"]
    assert calm.get("Users").status_code == 200


def test_the_rate_starts_again_in_the_next_window(client, organization, settings):
    settings.SCIM_RATE_LIMIT = "2/minute"
    scim = ScimClient(client, services.issue_token(organization=organization, name="Entra ID")[1])
    with time_machine.travel("2026-12-01 10:00:05Z", tick=False):
        assert [scim.get("Users").status_code for _ in range(3)] == [200, 200, 429]

    with time_machine.travel("2026-12-01 10:01:01Z", tick=False):
        assert scim.get("Users").status_code == 200
