import pytest
from django.http import Http404

from organizations.access import get_member
from organizations.tenancy import tenant_context
from pairing.models import Pair
from sessions.access import access_pair
from tests.factories import PairFactory


def _access(user, organization, pair_id):
    member = get_member(user, organization.slug)
    with tenant_context(organization):
        return access_pair(member, pair_id)


def test_it_gives_the_mentor_and_the_mentee_their_pair(pair, organization, mentor_user, mentee_user):
    assert _access(mentor_user, organization, pair.pk) == pair
    assert _access(mentee_user, organization, pair.pk) == pair


def test_it_still_opens_an_ended_pair(pair, organization, mentee_user):
    with tenant_context(organization):
        Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED)
    assert _access(mentee_user, organization, pair.pk) == pair


@pytest.mark.parametrize("status", [Pair.Status.PROPOSED, Pair.Status.ACCEPTED, Pair.Status.DECLINED])
def test_it_hides_a_pair_that_has_not_started(pair, organization, mentee_user, status):
    with tenant_context(organization):
        Pair.objects.filter(pk=pair.pk).update(status=status)
    with pytest.raises(Http404):
        _access(mentee_user, organization, pair.pk)


def test_it_hides_the_pair_from_someone_outside_it(pair, organization, stranger, hr_admin, executive):
    for user in (stranger, hr_admin, executive):
        with pytest.raises(Http404):
            _access(user, organization, pair.pk)


def test_it_hides_a_missing_pair(pair, organization, mentee_user):
    with pytest.raises(Http404):
        _access(mentee_user, organization, pair.pk + 1000)


def test_it_hides_another_organisations_pair_even_from_its_own_participant(
    organization, other_organization, mentee_user
):
    foreign = PairFactory(organization=other_organization, mentee__user=mentee_user)
    with pytest.raises(Http404):
        _access(mentee_user, organization, foreign.pk)
