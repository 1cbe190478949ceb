"""Access ends at once: whatever takes a role away signs the person out of every open session.

A session is one browser's sign-in, shared by every organisation of the person: it cannot be narrowed to the
organisation that changed, so they are signed out of it and sign in again to what they still have. Camille
is HR admin and mentor at Acme and mentee at Globex; Hélène is Acme's HR admin, Bernard a colleague.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from organizations import services
from organizations.models import Membership
from organizations.roles import Role
from organizations.tenancy import tenant_context
from tests.factories import InvitationFactory, member


@dataclass
class World:
    camille: object
    laptop: Client
    phone: Client
    hr_browser: Client
    bernard_browser: Client


def _signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def _is_signed_in(browser):
    return browser.get(reverse("my_data")).status_code == 200


@pytest.fixture
def world(organization, other_organization, hr_admin):
    camille = member(organization, Role.HR_ADMIN, Role.MENTOR, email="camille@acme.example")
    with tenant_context(other_organization):
        Membership.objects.create(user=camille, role=Role.MENTEE)
    bernard = member(organization, Role.MENTEE, email="bernard@acme.example")
    return World(
        camille=camille,
        laptop=_signed_in(camille),
        phone=_signed_in(camille),
        hr_browser=_signed_in(hr_admin),
        bernard_browser=_signed_in(bernard),
    )


def _assert_camille_signed_out_and_nobody_else(world):
    assert not _is_signed_in(world.laptop) and not _is_signed_in(world.phone)
    assert _is_signed_in(world.hr_browser) and _is_signed_in(world.bernard_browser)


def _remove_role_url(organization, user, role):
    return reverse("remove_role", kwargs={"org_slug": organization.slug, "user_id": user.pk, "role": role})


def test_hr_taking_the_hr_role_away_signs_the_person_out_everywhere(world, organization):
    response = world.hr_browser.post(_remove_role_url(organization, world.camille, Role.HR_ADMIN))
    assert response.status_code == 302
    _assert_camille_signed_out_and_nobody_else(world)


def test_signing_in_again_gives_what_is_left(world, organization, other_organization):
    world.hr_browser.post(_remove_role_url(organization, world.camille, Role.HR_ADMIN))
    world.laptop.force_login(world.camille)
    assert world.laptop.get(f"/o/{organization.slug}/").status_code == 200, "still a mentor at Acme"
    assert world.laptop.get(f"/o/{organization.slug}/members/").status_code == 403, "no more HR pages"
    assert world.laptop.get(f"/o/{other_organization.slug}/").status_code == 200


def test_removing_the_member_signs_them_out(world, organization):
    for role in (Role.HR_ADMIN, Role.MENTOR):
        world.hr_browser.post(_remove_role_url(organization, world.camille, role))
    _assert_camille_signed_out_and_nobody_else(world)


def test_ending_their_access_in_one_organisation_signs_them_out(world, organization):
    services.end_access(organization=organization, user=world.camille, reason="left the company")
    _assert_camille_signed_out_and_nobody_else(world)


def test_a_role_changed_in_place_signs_them_out(world, organization):
    """What the Membership admin does when staff turn an HR admin into an executive."""
    with tenant_context(organization):
        Membership.objects.filter(user=world.camille, role=Role.HR_ADMIN).update(role=Role.EXECUTIVE)
    services.roles_removed(
        organization=organization, user=world.camille, reason="membership changed in the admin"
    )
    _assert_camille_signed_out_and_nobody_else(world)


def test_deactivating_the_account_signs_them_out(world):
    world.camille.is_active = False
    world.camille.save()
    _assert_camille_signed_out_and_nobody_else(world)


def test_revoking_an_invitation_signs_nobody_out(world, organization):
    invitation = InvitationFactory(organization=organization, email=world.camille.email, role=Role.EXECUTIVE)
    with tenant_context(organization):
        services.revoke_invitation(invitation=invitation)
    assert _is_signed_in(world.laptop) and _is_signed_in(world.phone)
    assert _is_signed_in(world.hr_browser) and _is_signed_in(world.bernard_browser)


def test_a_change_elsewhere_keeps_everyone_signed_in(world, organization, other_organization):
    outsider = member(other_organization, Role.MENTOR, email="gaston@globex.example")
    services.end_access(organization=other_organization, user=outsider, reason="left")
    assert _is_signed_in(world.laptop) and _is_signed_in(world.phone)
    assert _is_signed_in(world.hr_browser) and _is_signed_in(world.bernard_browser)


def test_an_hr_admin_taking_away_their_own_role_is_signed_out_cleanly(world, organization):
    """The request that ended its own session still answers (no "session deleted" error)."""
    response = world.laptop.post(_remove_role_url(organization, world.camille, Role.MENTOR))
    assert response.status_code == 302
    assert not _is_signed_in(world.laptop) and not _is_signed_in(world.phone)
    world.laptop.force_login(world.camille)
    assert world.laptop.get(f"/o/{organization.slug}/members/").status_code == 200, "still HR admin"
