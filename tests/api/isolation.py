"""Values for the API's URL keywords, made in another organisation for the isolation test.

The /api/v1/ endpoints take the ids the other apps' samples make (programme_id, pair_id...): a signed-in
member gets 401 there (keys only), and a key of another organisation 404 (tests/api/test_resources.py).
"""

from api.models import ApiKey
from organizations.tenancy import tenant_context
from tests.isolation import FOREIGN_MARKER


def _key_id(organization):
    with tenant_context(organization):
        key, _secret = ApiKey.issue(
            organization=organization, name=FOREIGN_MARKER, scopes=["programmes:read"]
        )
    return key.pk


SAMPLES = {"key_id": _key_id}
