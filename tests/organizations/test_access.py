import pytest
from django.http import Http404

from organizations.access import get_member
from organizations.roles import Capability, Role, capabilities_of


def test_get_member_returns_every_role_of_the_user(organization, mentee_user):
    from tests.factories import MembershipFactory

    MembershipFactory(organization=organization, user=mentee_user, role=Role.EXECUTIVE)
    member = get_member(mentee_user, organization.slug)
    assert member.roles == {Role.MENTEE, Role.EXECUTIVE}
    assert member.can(Capability.VIEW_DASHBOARD)


def test_get_member_404s_for_an_unknown_organisation(mentee_user):
    with pytest.raises(Http404):
        get_member(mentee_user, "nowhere")


def test_get_member_404s_for_a_non_member(organization, outsider):
    with pytest.raises(Http404):
        get_member(outsider, organization.slug)


def test_get_member_404s_for_an_anonymous_user(organization):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        get_member(AnonymousUser(), organization.slug)


def test_capabilities_are_denied_by_default():
    assert capabilities_of([]) == frozenset()
    assert capabilities_of(["unknown-role"]) == frozenset()


@pytest.mark.parametrize(
    "role,allowed,denied",
    [
        (Role.HR_ADMIN, Capability.MANAGE_MEMBERS, Capability.PARTICIPATE),
        (Role.EXECUTIVE, Capability.VIEW_DASHBOARD, Capability.MANAGE_MEMBERS),
        (Role.MENTOR, Capability.PARTICIPATE, Capability.VIEW_DASHBOARD),
        (Role.MENTEE, Capability.PARTICIPATE, Capability.MANAGE_PROGRAMMES),
    ],
)
def test_each_role_has_its_capabilities_only(role, allowed, denied):
    assert allowed in capabilities_of([role])
    assert denied not in capabilities_of([role])
