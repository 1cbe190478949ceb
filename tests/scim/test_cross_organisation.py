"""One organisation's token never reads or changes another's people: their ids are unknown to it (404),
its lists and groups hold its own people only, and a person both provision stays two resources."""

import pytest

from organizations.models import Membership, Person
from organizations.tenancy import tenant_context

from .conftest import USER_SCHEMA, user_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_user(scim):
    return scim.create_user("ada@acme.example", name={"givenName": "Ada", "familyName": "Acme"})


def test_another_organisations_token_gets_404_for_every_operation_on_a_user(other_scim, acme_user):
    path = f"Users/{acme_user['id']}"
    assert other_scim.get(path).status_code == 404
    assert other_scim.put(path, user_body("ada@acme.example")).status_code == 404
    assert other_scim.patch(path, [{"op": "replace", "path": "active", "value": False}]).status_code == 404
    assert other_scim.delete(path).status_code == 404


def test_the_user_is_untouched_after_another_organisations_attempts(
    scim, other_scim, acme_user, organization
):
    other_scim.patch(f"Users/{acme_user['id']}", [{"op": "replace", "path": "active", "value": False}])
    other_scim.delete(f"Users/{acme_user['id']}")
    assert scim.get(f"Users/{acme_user['id']}").json()["active"] is True


def test_lists_and_filters_hold_the_organisations_own_people_only(other_scim, acme_user):
    assert other_scim.get("Users").json()["totalResults"] == 0
    found = other_scim.get("Users", {"filter": 'userName eq "ada@acme.example"'}).json()
    assert found["totalResults"] == 0
    assert other_scim.get("Users", {"filter": f'id eq "{acme_user["id"]}"'}).json()["totalResults"] == 0


def test_groups_of_another_organisation_neither_list_nor_take_its_people(
    scim, other_scim, acme_user, organization
):
    scim.patch(
        "Groups/mentor-pool", [{"op": "add", "path": "members", "value": [{"value": acme_user["id"]}]}]
    )
    assert "members" not in other_scim.get("Groups/mentor-pool").json()
    response = other_scim.patch(
        "Groups/hr-admins", [{"op": "add", "path": "members", "value": [{"value": acme_user["id"]}]}]
    )
    assert response.status_code == 400
    with tenant_context(organization):
        assert list(
            Membership.objects.filter(user__email="ada@acme.example").values_list("role", flat=True)
        ) == ["mentor"]


def test_the_same_person_provisioned_by_two_organisations_is_two_resources(
    scim, other_scim, acme_user, organization, other_organization
):
    theirs = other_scim.create_user("ada@acme.example", name={"givenName": "Ada", "familyName": "Globex"})
    assert theirs["id"] != acme_user["id"]
    assert theirs["name"] == {"givenName": "Ada", "familyName": "Globex"}
    assert scim.get(f"Users/{acme_user['id']}").json()["name"]["familyName"] == "Acme"
    with tenant_context(organization):
        assert Person.objects.get(user__email="ada@acme.example").last_name == "Acme"
    other_scim.patch(f"Users/{theirs['id']}", [{"op": "replace", "path": "active", "value": False}])
    assert scim.get(f"Users/{acme_user['id']}").json()["active"] is True


def test_provisioning_an_address_known_elsewhere_answers_as_for_a_new_one(
    scim, other_scim, other_organization
):
    from tests.factories import member

    member(other_organization, "mentor", email="known@acme.example", first_name="Secret", last_name="Name")
    known = scim.create_user("known@acme.example")
    new = scim.create_user("new@acme.example")
    assert set(known) == set(new)
    assert "Secret" not in str(known) and "groups" not in known


def test_another_organisations_user_cannot_be_named_manager(scim, other_scim):
    theirs = other_scim.create_user("boss@globex.example")
    body = user_body("ada@acme.example")
    body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = {"manager": {"value": theirs["id"]}}
    assert scim.post("Users", body).status_code == 400
    assert body["schemas"] == [USER_SCHEMA]
