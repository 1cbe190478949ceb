import pytest
from django.http import Http404

from dashboards.access import access_pair
from organizations.access import get_member
from tests.factories import PairFactory


def test_access_pair_returns_the_organisation_s_pair(hr_admin, organization, in_organization):
    pair = PairFactory(organization=organization)
    assert access_pair(get_member(hr_admin, organization.slug), pair.pk) == pair


def test_access_pair_404s_for_another_organisation_s_pair(hr_admin, organization, other_organization):
    foreign = PairFactory(organization=other_organization)
    member = get_member(hr_admin, organization.slug)
    with pytest.raises(Http404):
        from organizations.tenancy import tenant_context

        with tenant_context(organization):
            access_pair(member, foreign.pk)


def test_access_pair_404s_for_a_missing_pair(hr_admin, organization, in_organization):
    with pytest.raises(Http404):
        access_pair(get_member(hr_admin, organization.slug), 987654)
