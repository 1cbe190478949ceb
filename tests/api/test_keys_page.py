"""HR creates and revokes the organisation's API keys in the browser; the secret is shown once."""

import pytest

from api.models import ApiKey
from organizations.audit import Action
from organizations.models import AuditEvent
from organizations.tenancy import tenant_context

from .conftest import KeyClient

pytestmark = pytest.mark.django_db


def _url(organization):
    return f"/o/{organization.slug}/security/api-keys/"


def test_hr_creates_a_key_and_sees_its_secret_once(client, hr_admin, organization, seeded):
    client.force_login(hr_admin)
    response = client.post(_url(organization), {"name": "Power BI", "scopes": ["figures:read", "pairs:read"]})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["secret"]
    assert secret.startswith("bnm_") and secret in response.content.decode()
    with tenant_context(organization):
        key = ApiKey.objects.get()
        event = AuditEvent.objects.get(action=Action.API_KEY_CREATED)
    assert key.scopes == ["pairs:read", "figures:read"]
    assert key.created_by == hr_admin
    assert event.details == {"name": "Power BI", "scopes": ["pairs:read", "figures:read"]}
    assert secret not in str(event.details)
    assert KeyClient(secret).get("/api/v1/figures/").status_code == 200
    listed = client.get(_url(organization)).content.decode()
    assert "Power BI" in listed and key.hint in listed and secret not in listed


def test_a_key_needs_a_name_and_a_scope(client, hr_admin, organization):
    client.force_login(hr_admin)
    response = client.post(_url(organization), {"name": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "scopes"}
    with tenant_context(organization):
        assert not ApiKey.objects.exists()


def test_hr_revokes_a_key_and_it_stops_working(client, hr_admin, organization, seeded):
    client.force_login(hr_admin)
    secret = client.post(_url(organization), {"name": "Script", "scopes": ["programmes:read"]}).context[
        "secret"
    ]
    with tenant_context(organization):
        key = ApiKey.objects.get()
    response = client.post(f"{_url(organization)}{key.pk}/revoke/")
    assert response.status_code == 302
    assert KeyClient(secret).get("/api/v1/programmes/").status_code == 401
    with tenant_context(organization):
        assert AuditEvent.objects.filter(action=Action.API_KEY_REVOKED).count() == 1
    assert "revoked" in client.get(_url(organization)).content.decode()


def test_an_executive_may_not_manage_keys(client, executive, organization):
    client.force_login(executive)
    assert client.get(_url(organization)).status_code == 403
    assert client.post(_url(organization), {"name": "x", "scopes": ["figures:read"]}).status_code == 403


def test_an_outsider_gets_404(client, outsider, organization):
    client.force_login(outsider)
    assert client.get(_url(organization)).status_code == 404


def test_another_organisations_key_cannot_be_revoked_here(client, hr_admin, organization, other_organization):
    with tenant_context(other_organization):
        key, secret = ApiKey.issue(organization=other_organization, name="Globex", scopes=["programmes:read"])
    client.force_login(hr_admin)
    assert client.post(f"{_url(organization)}{key.pk}/revoke/").status_code == 404
    assert KeyClient(secret).get("/api/v1/programmes/").status_code == 200


def test_the_keys_page_lists_in_a_fixed_number_of_queries(
    client, hr_admin, organization, django_assert_num_queries
):
    with tenant_context(organization):
        for number in range(5):
            ApiKey.issue(
                organization=organization, name=f"Key {number}", scopes=["figures:read"], created_by=hr_admin
            )
    client.force_login(hr_admin)
    client.get(_url(organization))
    with CountingQueries() as first:
        client.get(_url(organization))
    with tenant_context(organization):
        ApiKey.issue(organization=organization, name="one more", scopes=["figures:read"], created_by=hr_admin)
    with CountingQueries() as second:
        client.get(_url(organization))
    assert first.count == second.count


class CountingQueries:
    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self._context = CaptureQueriesContext(connection)
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        self._context.__exit__(*exc)
        self.count = len(self._context)
