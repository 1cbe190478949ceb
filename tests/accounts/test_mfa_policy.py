"""Who must enrol a second factor: each organisation's policy over the roles a person holds there, the
strictest of their organisations winning."""

import pytest

from accounts import mfa
from organizations.models import MfaPolicy
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import MembershipFactory, OrganizationFactory, member

from .mfa_helpers import enrol_totp, set_policy

# (policy, role) -> must that role's holder enrol?
EXPECTED = {
    (MfaPolicy.NOBODY, Role.HR_ADMIN): False,
    (MfaPolicy.NOBODY, Role.EXECUTIVE): False,
    (MfaPolicy.NOBODY, Role.MENTOR): False,
    (MfaPolicy.NOBODY, Role.MENTEE): False,
    (MfaPolicy.HR_ADMINS, Role.HR_ADMIN): True,
    (MfaPolicy.HR_ADMINS, Role.EXECUTIVE): False,
    (MfaPolicy.HR_ADMINS, Role.MENTOR): False,
    (MfaPolicy.HR_ADMINS, Role.MENTEE): False,
    (MfaPolicy.HR_ADMINS_AND_EXECUTIVES, Role.HR_ADMIN): True,
    (MfaPolicy.HR_ADMINS_AND_EXECUTIVES, Role.EXECUTIVE): True,
    (MfaPolicy.HR_ADMINS_AND_EXECUTIVES, Role.MENTOR): False,
    (MfaPolicy.HR_ADMINS_AND_EXECUTIVES, Role.MENTEE): False,
    (MfaPolicy.EVERYONE, Role.HR_ADMIN): True,
    (MfaPolicy.EVERYONE, Role.EXECUTIVE): True,
    (MfaPolicy.EVERYONE, Role.MENTOR): True,
    (MfaPolicy.EVERYONE, Role.MENTEE): True,
    (MfaPolicy.NOBODY, Role.ASSISTANT): False,
    (MfaPolicy.HR_ADMINS, Role.ASSISTANT): False,
    (MfaPolicy.HR_ADMINS_AND_EXECUTIVES, Role.ASSISTANT): False,
    (MfaPolicy.EVERYONE, Role.ASSISTANT): True,
}


def test_the_table_covers_every_policy_and_role():
    assert set(EXPECTED) == {(policy, role) for policy in MfaPolicy for role in Role}


@pytest.mark.parametrize(
    ("policy", "role"), list(EXPECTED), ids=[f"{p.value}-{r.value}" for p, r in EXPECTED]
)
def test_the_policy_covers_exactly_its_roles(organization, policy, role):
    set_policy(organization, policy)
    person = member(organization, role)
    assert mfa.must_enrol(user=person) is EXPECTED[(policy, role)]
    assert MfaPolicy.requires(policy, {role}) is EXPECTED[(policy, role)]


def test_a_new_organisation_requires_nobody(db):
    assert OrganizationFactory().mfa_required_for == MfaPolicy.NOBODY


def test_any_of_the_persons_roles_counts(organization):
    set_policy(organization, MfaPolicy.HR_ADMINS_AND_EXECUTIVES)
    person = member(organization, Role.MENTOR, Role.EXECUTIVE)
    assert mfa.must_enrol(user=person)


def test_the_strictest_of_several_organisations_wins(organization, other_organization):
    set_policy(organization, MfaPolicy.NOBODY)
    set_policy(other_organization, MfaPolicy.EVERYONE)
    person = member(organization, Role.HR_ADMIN)
    MembershipFactory(organization=other_organization, user=person, role=Role.MENTEE)
    assert mfa.must_enrol(user=person)
    assert mfa.organizations_requiring_mfa(user=person) == [other_organization]


def test_a_role_held_elsewhere_does_not_count_here(organization, other_organization):
    # HR admin in Globex, which asks nothing; mentee in Acme, which asks its HR admins only.
    set_policy(organization, MfaPolicy.HR_ADMINS)
    person = member(other_organization, Role.HR_ADMIN)
    MembershipFactory(organization=organization, user=person, role=Role.MENTEE)
    assert not mfa.must_enrol(user=person)


def test_every_organisation_that_requires_it_is_named(organization, other_organization):
    third = OrganizationFactory(name="Initech", slug="initech")
    for org in (organization, other_organization, third):
        set_policy(org, MfaPolicy.EVERYONE)
    person = member(organization, Role.MENTEE)
    MembershipFactory(organization=third, user=person, role=Role.MENTOR)
    assert mfa.organizations_requiring_mfa(user=person) == [organization, third]


def test_an_enrolled_person_has_nothing_left_to_do(organization):
    set_policy(organization, MfaPolicy.EVERYONE)
    person = member(organization, Role.MENTEE)
    enrol_totp(person)
    assert not mfa.must_enrol(user=person)


def test_recovery_codes_alone_are_no_enrolment(organization):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    set_policy(organization, MfaPolicy.EVERYONE)
    person = member(organization, Role.MENTEE)
    RecoveryCodes.activate(person)
    assert mfa.must_enrol(user=person)


def test_the_count_of_members_still_to_enrol(organization, other_organization):
    set_policy(organization, MfaPolicy.HR_ADMINS_AND_EXECUTIVES)
    hr = member(organization, Role.HR_ADMIN)
    executive = member(organization, Role.EXECUTIVE)
    member(organization, Role.MENTOR)
    enrol_totp(hr)
    # Another organisation's executive does not count in Acme.
    member(other_organization, Role.EXECUTIVE)
    with tenant_context(organization):
        status = mfa.enrolment_status(organization=organization)
    assert status.required == 2
    assert status.pending == [executive]


def test_an_unknown_policy_is_refused_by_the_database(organization):
    from django.db import IntegrityError, transaction

    organization.mfa_required_for = "interns"
    with pytest.raises(IntegrityError), transaction.atomic():
        organization.save()
