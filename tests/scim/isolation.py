"""Isolation samples for the provisioning pages: another organisation's SCIM token (``token_id``).

The ``/scim/v2/`` endpoints take no session: the bearer token names the organisation, and
tests/scim/test_cross_organisation.py proves that one organisation's token reaches nothing of another's.
"""

from scim import services
from tests.isolation import FOREIGN_MARKER


def _token_id(organization):
    token, _secret = services.issue_token(organization=organization, name=FOREIGN_MARKER)
    return token.pk


SAMPLES = {"token_id": _token_id}

CAPABILITY_URLS = dict.fromkeys(
    [
        "scim_service_provider_config",
        "scim_resource_types",
        "scim_resource_type",
        "scim_schemas",
        "scim_schema",
        "scim_search",
        "scim_users",
        "scim_users_search",
        "scim_user",
        "scim_groups",
        "scim_groups_search",
        "scim_group",
        "scim_unknown",
    ],
    "tests/scim/test_cross_organisation.py (a bearer token names the organisation)",
)
