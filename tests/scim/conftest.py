import json

import pytest

from scim import services

SCIM = "application/scim+json"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def user_body(user_name, **fields):
    """A User resource; Binôme's accounts are addresses, so it has one."""
    fields.setdefault("emails", [{"value": user_name, "type": "work", "primary": True}])
    fields.setdefault("active", True)
    return {"schemas": [USER_SCHEMA], "userName": user_name, **fields}


class ScimClient:
    """Django's test client speaking SCIM with one organisation's token."""

    def __init__(self, client, secret):
        self.client = client
        self.secret = secret

    def _headers(self, headers):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}", **(headers or {})}

    def get(self, path, params=None, **headers):
        return self.client.get(f"/scim/v2/{path}", params or {}, **self._headers(headers))

    def _send(self, method, path, body, headers):
        return getattr(self.client, method)(
            f"/scim/v2/{path}", json.dumps(body), content_type=SCIM, **self._headers(headers)
        )

    def post(self, path, body, **headers):
        return self._send("post", path, body, headers)

    def put(self, path, body, **headers):
        return self._send("put", path, body, headers)

    def patch(self, path, operations, **headers):
        return self._send("patch", path, {"schemas": [PATCH_SCHEMA], "Operations": operations}, headers)

    def delete(self, path, **headers):
        return self.client.delete(f"/scim/v2/{path}", **self._headers(headers))

    def create_user(self, user_name="ada@acme.example", **fields):
        response = self.post("Users", user_body(user_name, **fields))
        assert response.status_code == 201, response.content
        return response.json()


@pytest.fixture
def scim_token(organization):
    token, secret = services.issue_token(organization=organization, name="Entra ID")
    return token, secret


@pytest.fixture
def scim(client, scim_token):
    return ScimClient(client, scim_token[1])


@pytest.fixture
def other_scim(other_organization):
    from django.test import Client

    _token, secret = services.issue_token(organization=other_organization, name="Okta")
    return ScimClient(Client(), secret)
