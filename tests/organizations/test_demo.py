from django.contrib.auth.hashers import check_password
from django.core.management import call_command

from accounts.models import User
from organizations import demo
from organizations.models import Membership, Organization
from organizations.tenancy import tenant_context


def test_the_rest_of_the_cohort_are_members_with_the_demo_password_but_are_not_printed(db, capsys):
    call_command("seed_demo")
    output = capsys.readouterr().out
    cohort = {email: roles for email, _first, _last, roles, _language in demo.everyone()[len(demo.PEOPLE) :]}
    assert len(cohort) == len(demo.COHORT) == 26
    assert "eric.dumont@demo.binome.example" in cohort  # accents dropped from the address
    with tenant_context(Organization.objects.get(slug="demo")):
        memberships = set(
            Membership.objects.filter(user__email__in=cohort).values_list("user__email", "role")
        )
    assert memberships == {(email, roles[0]) for email, roles in cohort.items()}
    assert not any(email in output for email in cohort)
    assert check_password(
        demo.DEMO_PASSWORD, User.objects.get(email="eric.dumont@demo.binome.example").password
    )
