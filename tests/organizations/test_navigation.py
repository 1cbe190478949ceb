"""The navigation bar: one entry per page a member's roles open, each a URL that exists."""

import pytest
from django.urls import NoReverseMatch

from organizations import navigation
from organizations.access import Member
from organizations.roles import Capability, Role


def member_with(organization, *roles):
    return Member(user=None, organization=organization, roles=frozenset(roles))


def test_a_member_with_every_role_gets_every_entry(organization):
    items = navigation.navigation_for(member_with(organization, *Role))

    assert [item["label"] for item in items] == [label for _cap, _name, label, _text in navigation.NAVIGATION]
    assert all(item["url"].startswith(f"/o/{organization.slug}/") for item in items)


def test_an_executive_gets_only_the_entries_of_their_capabilities(organization):
    items = navigation.navigation_for(member_with(organization, Role.EXECUTIVE))

    assert [item["url"] for item in items] == [
        f"/o/{organization.slug}/notifications/",
        f"/o/{organization.slug}/dashboard/",
    ]


def test_a_broken_url_name_fails_loudly(organization, monkeypatch):
    monkeypatch.setattr(
        navigation, "NAVIGATION", [(Capability.VIEW_ORGANIZATION, "no_such_page", "Nowhere", "")]
    )

    with pytest.raises(NoReverseMatch):
        navigation.navigation_for(member_with(organization, Role.EXECUTIVE))
