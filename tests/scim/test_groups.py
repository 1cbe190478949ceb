"""Groups are Binôme's roles: HR admins, Executives, Mentor pool, Mentee pool. Their members are the
people the directory provisioned; PATCH and PUT give and take the roles."""

import pytest

from organizations.audit import Action
from organizations.models import AuditEvent, Membership
from organizations.tenancy import tenant_context

pytestmark = pytest.mark.django_db

GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


def _roles(organization, email):
    with tenant_context(organization):
        return set(Membership.objects.filter(user__email=email).values_list("role", flat=True))


def test_it_lists_the_four_groups(scim):
    body = scim.get("Groups").json()
    assert body["totalResults"] == 4
    assert [group["displayName"] for group in body["Resources"]] == [
        "HR admins",
        "Executives",
        "Mentor pool",
        "Mentee pool",
    ]


def test_it_finds_a_group_by_its_name(scim):
    body = scim.get(
        "Groups", {"filter": 'displayName eq "mentor pool"', "excludedAttributes": "members"}
    ).json()
    assert [group["id"] for group in body["Resources"]] == ["mentor-pool"]


def test_an_unknown_group_is_404(scim):
    assert scim.get("Groups/board").status_code == 404


def test_patch_add_gives_the_role_and_remove_takes_it(scim, organization):
    ada = scim.create_user("ada@acme.example")
    response = scim.patch(
        "Groups/mentor-pool", [{"op": "add", "path": "members", "value": [{"value": ada["id"]}]}]
    )
    assert response.status_code == 204
    assert _roles(organization, "ada@acme.example") == {"mentor"}
    members = scim.get("Groups/mentor-pool").json()["members"]
    assert [member["value"] for member in members] == [ada["id"]]
    assert scim.get(f"Users/{ada['id']}").json()["groups"][0]["display"] == "Mentor pool"
    scim.patch("Groups/mentor-pool", [{"op": "remove", "path": f'members[value eq "{ada["id"]}"]'}])
    assert _roles(organization, "ada@acme.example") == set()


def test_put_sets_exactly_the_members(scim, organization):
    ada = scim.create_user("ada@acme.example")
    grace = scim.create_user("grace@acme.example")
    scim.patch("Groups/executives", [{"op": "add", "path": "members", "value": [{"value": ada["id"]}]}])
    response = scim.put(
        "Groups/executives",
        {"schemas": [GROUP_SCHEMA], "displayName": "Executives", "members": [{"value": grace["id"]}]},
    )
    assert response.status_code == 200
    assert _roles(organization, "ada@acme.example") == set()
    assert _roles(organization, "grace@acme.example") == {"executive"}


def test_a_member_hr_invited_by_hand_keeps_their_role(scim, organization, hr_admin):
    ada = scim.create_user("ada@acme.example")
    scim.put(
        "Groups/hr-admins",
        {"schemas": [GROUP_SCHEMA], "displayName": "HR admins", "members": [{"value": ada["id"]}]},
    )
    assert _roles(organization, hr_admin.email) == {"hr_admin"}
    assert _roles(organization, "ada@acme.example") == {"hr_admin"}


def test_groups_cannot_be_created_or_deleted(scim):
    assert scim.post("Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Board"}).status_code == 501
    assert scim.delete("Groups/executives").status_code == 501


def test_an_unknown_member_is_refused(scim):
    response = scim.patch(
        "Groups/executives",
        [{"op": "add", "path": "members", "value": [{"value": "8a0f6a5e-6e0c-4bd4-9f55-2b7c8a9a1f00"}]}],
    )
    assert response.status_code == 400


def test_role_changes_are_recorded(scim, organization):
    ada = scim.create_user("ada@acme.example")
    scim.patch("Groups/executives", [{"op": "add", "path": "members", "value": [{"value": ada["id"]}]}])
    scim.patch("Groups/executives", [{"op": "remove", "path": "members", "value": [{"value": ada["id"]}]}])
    with tenant_context(organization):
        actions = list(AuditEvent.objects.order_by("occurred_at", "id").values_list("action", flat=True))
    assert actions[-2:] == [Action.ROLE_GRANTED, Action.ROLE_REVOKED]
