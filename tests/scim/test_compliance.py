"""scim2-tester, an independent checker of RFC 7643/7644, against a live server over real HTTP, with a
token printed by ``manage.py scim_token``: no failure for what Binôme implements.

Skipped, and why (README, "Provisioning from Entra ID or Okta"): every Group check that starts by creating a
Group (create, read back, replace, patch, delete), since Binôme's groups are its four fixed roles;
tests/scim/test_groups.py covers reading and changing their members. The checker itself skips a search
across every resource type (``POST /.search``), which Binôme answers 501.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

FAILURES = {Status.ERROR, Status.CRITICAL}


def _client(live_server, organization):
    output = StringIO()
    call_command("scim_token", organization=organization.slug, name="scim2-tester", stdout=output)
    secret = output.getvalue().strip()
    # A generous timeout: CI shares its cores with the rest of the suite.
    http = Client(
        base_url=f"{live_server.url}/scim/v2", headers={"Authorization": f"Bearer {secret}"}, timeout=120
    )
    return SyncSCIMClient(http)


def _failures(results):
    return [
        f"{result.resource_type or ''} {result.title}: {result.reason}"
        for result in results
        if result.status in FAILURES
    ]


@pytest.mark.django_db(transaction=True)
def test_scim2_tester_finds_no_failure_on_users_and_discovery(live_server, organization):
    results = check_server(_client(live_server, organization), resource_types=["User"])
    assert len(results) > 20
    failures = _failures(results)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db(transaction=True)
def test_scim2_tester_finds_the_fixed_groups_described_without_failure(live_server, organization):
    results = check_server(
        _client(live_server, organization), resource_types=["Group"], include_tags={"discovery", "misc"}
    )
    failures = _failures(results)
    assert not failures, "\n".join(failures)
