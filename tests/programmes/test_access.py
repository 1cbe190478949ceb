import pytest
from django.http import Http404

from organizations.access import get_member
from programmes.access import access_own_participation, access_participant, access_programme, access_resource
from tests.factories import ParticipantFactory, ProgrammeFactory, ResourceFactory


def as_member(user, organization):
    return get_member(user, organization.slug)


def test_access_programme_returns_the_organisation_programme_to_hr(hr_admin, organization, in_organization):
    programme = ProgrammeFactory(organization=organization)
    assert access_programme(as_member(hr_admin, organization), programme.pk) == programme


def test_access_programme_refuses_a_missing_id_another_organisation_and_a_participant(
    hr_admin, mentor_user, organization, other_organization, in_organization
):
    foreign = ProgrammeFactory(organization=other_organization)
    own = ProgrammeFactory(organization=organization)
    for member, programme_id in [
        (as_member(hr_admin, organization), 999999),
        (as_member(hr_admin, organization), foreign.pk),
        (as_member(mentor_user, organization), own.pk),
    ]:
        with pytest.raises(Http404):
            access_programme(member, programme_id)


def test_access_participant_refuses_one_of_another_programme(hr_admin, organization, in_organization):
    programme = ProgrammeFactory(organization=organization)
    elsewhere = ParticipantFactory(organization=organization)
    with pytest.raises(Http404):
        access_participant(as_member(hr_admin, organization), programme, elsewhere.pk)


def test_access_own_participation_returns_none_for_someone_not_in_the_programme(
    mentor_user, organization, in_organization
):
    programme = ProgrammeFactory(organization=organization)
    assert access_own_participation(as_member(mentor_user, organization), programme.pk) == (programme, None)


def test_access_resource_branches(hr_admin, mentor_user, mentee_user, organization, in_organization):
    programme = ProgrammeFactory(organization=organization)
    for_mentees = ResourceFactory(organization=organization, programme=programme, audience="mentees")
    ParticipantFactory(organization=organization, programme=programme, user=mentee_user, role="mentee")
    ParticipantFactory(
        organization=organization, programme=programme, user=mentor_user, role="mentor", status="withdrawn"
    )
    assert access_resource(as_member(hr_admin, organization), programme.pk, for_mentees.pk) == for_mentees
    assert access_resource(as_member(mentee_user, organization), programme.pk, for_mentees.pk) == for_mentees
    with pytest.raises(Http404):
        access_resource(as_member(mentor_user, organization), programme.pk, for_mentees.pk)
    with pytest.raises(Http404):
        access_resource(as_member(hr_admin, organization), programme.pk + 1, for_mentees.pk)
