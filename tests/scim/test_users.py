"""The Users endpoint: create, read, replace, patch, delete, list with filters and pages (RFC 7644 §3)."""

import pytest

from organizations.models import Membership, Person
from organizations.roles import Role
from organizations.tenancy import tenant_context
from scim.models import ScimIdentity
from tests.factories import member

from .conftest import ENTERPRISE, SCIM, USER_SCHEMA, user_body

pytestmark = pytest.mark.django_db


def test_it_creates_a_user_with_the_organisations_record_of_the_person(scim, organization):
    created = scim.create_user(
        "ada@acme.example",
        externalId="00u1",
        name={"givenName": "Ada", "familyName": "Lovelace"},
        title="Engineer",
        emails=[{"value": "ada@acme.example", "type": "work", "primary": True}],
        **{ENTERPRISE: {"department": "R&D", "employeeNumber": "42"}},
    )
    assert created["userName"] == "ada@acme.example"
    assert created["name"] == {"givenName": "Ada", "familyName": "Lovelace"}
    assert created[ENTERPRISE] == {"department": "R&D", "employeeNumber": "42"}
    assert created["active"] is True
    assert created["meta"]["version"] == 'W/"1"'
    with tenant_context(organization):
        person = Person.objects.get(user__email="ada@acme.example")
        assert (person.first_name, person.last_name) == ("Ada", "Lovelace")
        assert ScimIdentity.objects.get().external_id == "00u1"
    assert person.user.first_name == "" and not person.user.has_usable_password()


def test_it_answers_in_scim_json_with_a_location_and_an_etag(scim):
    response = scim.post("Users", user_body("ada@acme.example"))
    assert response.status_code == 201
    assert response["Content-Type"] == SCIM
    assert response["Location"].endswith(f"/scim/v2/Users/{response.json()['id']}")
    assert response["ETag"] == 'W/"1"'


def test_it_refuses_a_user_name_taken_whatever_its_case(scim):
    scim.create_user("ada@acme.example")
    response = scim.post("Users", user_body("ADA@acme.example"))
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_it_refuses_a_user_without_any_email_address(scim):
    response = scim.post("Users", {"schemas": [USER_SCHEMA], "userName": "ada"})
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"


def test_it_refuses_a_missing_user_name_with_scims_error(scim):
    response = scim.post("Users", {"schemas": [USER_SCHEMA]})
    assert response.status_code == 400
    assert response.json()["status"] == "400"


def test_it_refuses_a_body_that_is_not_json(scim, client):
    response = client.post(
        "/scim/v2/Users", "{nope", content_type=SCIM, HTTP_AUTHORIZATION=f"Bearer {scim.secret}"
    )
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidSyntax"


def test_it_gets_a_user_and_answers_304_to_its_current_etag(scim):
    created = scim.create_user()
    response = scim.get(f"Users/{created['id']}")
    assert response.status_code == 200
    assert response.json()["id"] == created["id"]
    assert scim.get(f"Users/{created['id']}", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_it_answers_404_for_an_unknown_or_malformed_id(scim):
    assert scim.get("Users/8a0f6a5e-6e0c-4bd4-9f55-2b7c8a9a1f00").status_code == 404
    response = scim.get("Users/not-a-uuid")
    assert response.status_code == 404
    assert response["Content-Type"] == SCIM


def test_put_replaces_the_resource_and_bumps_the_version(scim, organization):
    created = scim.create_user(name={"givenName": "Ada", "familyName": "Lovelace"}, title="Engineer")
    response = scim.put(
        f"Users/{created['id']}",
        user_body("ada@acme.example", name={"givenName": "Augusta"}),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == {"givenName": "Augusta"}
    assert "title" not in body
    assert body["meta"]["version"] == 'W/"2"'
    with tenant_context(organization):
        assert Person.objects.get().last_name == ""


def test_a_change_with_a_stale_if_match_is_refused_with_412(scim):
    created = scim.create_user()
    scim.patch(f"Users/{created['id']}", [{"op": "replace", "path": "title", "value": "CTO"}])
    response = scim.put(
        f"Users/{created['id']}",
        user_body("ada@acme.example"),
        HTTP_IF_MATCH='W/"1"',
    )
    assert response.status_code == 412
    fresh = scim.put(
        f"Users/{created['id']}",
        user_body("ada@acme.example"),
        HTTP_IF_MATCH='W/"2"',
    )
    assert fresh.status_code == 200


def test_patch_adds_replaces_and_removes_attributes(scim):
    created = scim.create_user(title="Engineer", **{ENTERPRISE: {"department": "R&D"}})
    response = scim.patch(
        f"Users/{created['id']}",
        [
            {"op": "add", "path": "displayName", "value": "Ada L."},
            {"op": "replace", "value": {"name.givenName": "Ada", f"{ENTERPRISE}:department": "Sales"}},
            {"op": "remove", "path": "title"},
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["displayName"] == "Ada L."
    assert body["name"]["givenName"] == "Ada"
    assert body[ENTERPRISE]["department"] == "Sales"
    assert "title" not in body


def test_attributes_binome_does_not_keep_are_dropped_not_refused(scim):
    created = scim.create_user(password="Okta-sync-1", phoneNumbers=[{"value": "+33 1 23 45 67 89"}])
    assert "phoneNumbers" not in created and "password" not in created
    response = scim.patch(f"Users/{created['id']}", [{"op": "replace", "path": "nickName", "value": "x"}])
    assert response.status_code == 200
    assert "nickName" not in response.json()


def test_entra_replaces_the_work_address_by_its_filter(scim):
    created = scim.create_user(emails=[{"value": "ada@acme.example", "type": "work", "primary": True}])
    response = scim.patch(
        f"Users/{created['id']}",
        [{"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ada.lovelace@acme.example"}],
    )
    assert [entry["value"] for entry in response.json()["emails"]] == ["ada.lovelace@acme.example"]


def test_entra_sends_active_as_a_string(scim):
    created = scim.create_user()
    response = scim.patch(f"Users/{created['id']}", [{"op": "Replace", "path": "active", "value": "False"}])
    assert response.json()["active"] is False


def test_the_manager_is_another_user_of_the_organisation(scim):
    boss = scim.create_user("grace@acme.example", displayName="Grace Hopper")
    created = scim.create_user(**{ENTERPRISE: {"manager": {"value": boss["id"]}}})
    manager = created[ENTERPRISE]["manager"]
    assert manager["value"] == boss["id"]
    assert manager["displayName"] == "Grace Hopper"
    assert manager["$ref"].endswith(f"/Users/{boss['id']}")


def test_a_manager_unknown_to_the_organisation_is_refused(scim, other_scim):
    stranger = other_scim.create_user("someone@globex.example")
    response = scim.post(
        "Users",
        user_body("ada@acme.example", **{ENTERPRISE: {"manager": {"value": stranger["id"]}}}),
    )
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"


def test_delete_removes_the_resource_and_the_access(scim, organization):
    created = scim.create_user()
    scim.patch("Groups/mentor-pool", [{"op": "add", "path": "members", "value": [{"value": created["id"]}]}])
    assert scim.delete(f"Users/{created['id']}").status_code == 204
    assert scim.get(f"Users/{created['id']}").status_code == 404
    with tenant_context(organization):
        assert not Membership.objects.filter(user__email="ada@acme.example").exists()
        assert Person.objects.filter(user__email="ada@acme.example").exists()


def test_an_existing_member_is_linked_and_keeps_their_roles(scim, organization, mentor_user):
    created = scim.create_user(mentor_user.email, name={"givenName": "Marc", "familyName": "Mentor"})
    assert [group["value"] for group in created["groups"]] == ["mentor-pool"]
    with tenant_context(organization):
        assert ScimIdentity.objects.get().user == mentor_user


def test_it_lists_users_with_paging(scim):
    for index in range(5):
        scim.create_user(f"person{index}@acme.example")
    response = scim.get("Users", {"startIndex": 2, "count": 2})
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]
    assert body["totalResults"] == 5
    assert body["startIndex"] == 2
    assert body["itemsPerPage"] == 2
    assert [user["userName"] for user in body["Resources"]] == [
        "person1@acme.example",
        "person2@acme.example",
    ]


def test_count_zero_gives_the_total_only(scim):
    scim.create_user()
    body = scim.get("Users", {"count": 0}).json()
    assert body["totalResults"] == 1
    assert "Resources" not in body


@pytest.mark.parametrize(
    "expression",
    [
        'userName eq "ADA@acme.example"',
        'externalId eq "00u1"',
        'emails.value eq "ada@acme.example"',
        'emails[value eq "ada@acme.example"]',
        'name.familyName sw "Love" and active eq true',
        f'{ENTERPRISE}:department eq "R&D"',
    ],
)
def test_it_filters_users(scim, expression):
    scim.create_user(
        "ada@acme.example",
        externalId="00u1",
        name={"familyName": "Lovelace"},
        emails=[{"value": "ada@acme.example", "primary": True}],
        **{ENTERPRISE: {"department": "R&D"}},
    )
    scim.create_user("grace@acme.example", externalId="00u2")
    body = scim.get("Users", {"filter": expression}).json()
    assert [user["userName"] for user in body["Resources"]] == ["ada@acme.example"]


def test_a_filter_that_matches_nobody_gives_an_empty_list(scim):
    scim.create_user()
    body = scim.get("Users", {"filter": 'userName eq "nobody"'}).json()
    assert body["totalResults"] == 0


@pytest.mark.parametrize("expression", ["userName eq", 'nickName eq "x"', "userName gt true"])
def test_it_refuses_a_filter_it_cannot_answer(scim, expression):
    response = scim.get("Users", {"filter": expression})
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"


def test_attributes_and_excluded_attributes_select_what_is_returned(scim):
    created = scim.create_user(title="Engineer")
    only = scim.get(f"Users/{created['id']}", {"attributes": "userName"}).json()
    assert set(only) == {"schemas", "id", "userName"}
    without = scim.get(f"Users/{created['id']}", {"excludedAttributes": "title"}).json()
    assert "title" not in without and without["userName"] == "ada@acme.example"


def test_the_list_costs_the_same_queries_whatever_its_length(scim, organization, django_assert_num_queries):
    boss = scim.create_user("boss@acme.example")
    for index in range(6):
        created = scim.create_user(
            f"person{index}@acme.example", **{ENTERPRISE: {"manager": {"value": boss["id"]}}}
        )
        scim.patch(
            "Groups/mentee-pool", [{"op": "add", "path": "members", "value": [{"value": created["id"]}]}]
        )
    # token, count, page (with names and managers), roles
    with django_assert_num_queries(4):
        body = scim.get("Users", {"count": 7}).json()
    assert len(body["Resources"]) == 7
    with django_assert_num_queries(4):
        scim.get("Users", {"count": 2})


def test_an_unsupported_method_is_refused_with_405(scim):
    response = scim.delete("Users")
    assert response.status_code == 405


def test_a_body_in_another_type_is_refused(scim, client):
    response = client.post(
        "/scim/v2/Users",
        "userName=x",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {scim.secret}",
    )
    assert response.status_code == 415


def test_a_user_name_with_control_characters_is_refused(scim):
    response = scim.post("Users", user_body("ada\r\n@acme.example", emails=[{"value": "ada@acme.example"}]))
    assert response.status_code == 400


def test_hr_record_is_what_the_directory_writes_not_the_account(scim, organization, other_organization):
    # An account a person owns, with their own name, and a record in another organisation.
    person = member(
        other_organization, Role.MENTOR, email="ada@acme.example", first_name="Ada", last_name="Own"
    )
    with tenant_context(other_organization):
        Person.objects.update_or_create(
            organization=other_organization, user=person, defaults={"first_name": "Globex"}
        )
    created = scim.create_user("ada@acme.example", name={"givenName": "Directory", "familyName": "Name"})
    assert created["name"]["givenName"] == "Directory"
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Ada", "Own")
    with tenant_context(other_organization):
        assert Person.objects.get(user=person).first_name == "Globex"
