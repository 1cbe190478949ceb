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


def test_get_member_holds_the_persons_own_organisations_only_by_name(
    organization, other_organization, mentee_user, outsider
):
    from tests.factories import MembershipFactory, OrganizationFactory

    zenith = OrganizationFactory(name="Zenith", slug="zenith")
    MembershipFactory(organization=zenith, user=mentee_user, role=Role.MENTOR)
    MembershipFactory(organization=zenith, user=mentee_user, role=Role.EXECUTIVE)
    member = get_member(mentee_user, "zenith")
    assert member.organization == zenith
    assert member.roles == {Role.MENTOR, Role.EXECUTIVE}
    # Acme and Zenith, each once; Globex, where only the outsider is, never.
    assert [o.slug for o in member.organizations] == ["acme", "zenith"]
    assert [o.slug for o in get_member(outsider, "globex").organizations] == ["globex"]


def test_an_organisation_page_reads_the_memberships_once_for_the_roles_and_the_switcher(
    organization, other_organization, client_for, hr_admin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.factories import MembershipFactory

    MembershipFactory(organization=other_organization, user=hr_admin, role=Role.MENTOR)
    client = client_for(hr_admin)
    url = reverse("members", kwargs={"org_slug": organization.slug})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert [o.slug for o in response.context["my_organizations"]] == ["acme", "globex"]
    reads = [q["sql"] for q in queries.captured_queries if '"organizations_organization"' in q["sql"]]
    assert len(reads) == 1, reads
    assert '"organizations_membership"' in reads[0]


def test_a_session_opened_through_an_organisations_idp_lists_that_organisation_only(
    organization, other_organization, client_for, hr_admin
):
    from django.urls import reverse

    from organizations.access import SSO_SESSION_KEY
    from tests.factories import MembershipFactory

    MembershipFactory(organization=other_organization, user=hr_admin, role=Role.MENTOR)
    client = client_for(hr_admin)
    session = client.session
    session[SSO_SESSION_KEY] = organization.pk
    session.save()
    response = client.get(reverse("members", kwargs={"org_slug": organization.slug}))
    assert [o.slug for o in response.context["my_organizations"]] == ["acme"]
    assert client.get(reverse("members", kwargs={"org_slug": other_organization.slug})).status_code == 404
