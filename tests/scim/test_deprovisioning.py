"""Deprovisioning (``active`` false, or DELETE) ends access at once: the sessions, the calendar feed, the
live pairs (as a withdrawal, the partner told). Reactivation gives the roles back, not the pairs."""

from importlib import import_module

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from notifications.models import Notification
from organizations.audit import Action
from organizations.models import AuditEvent, Membership
from organizations.tenancy import tenant_context
from pairing.models import Pair
from pairing.notifications import PAIR_ENDED
from programmes.models import Participant
from sessions import services as session_services
from tests.factories import PairFactory, ProgrammeFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def camille(organization):
    return member(organization, "mentee", email="camille@acme.example", first_name="Camille")


@pytest.fixture
def pair(organization, camille):
    partner = member(organization, "mentor", email="bernard@acme.example", first_name="Bernard")
    return PairFactory(
        organization=organization,
        programme=ProgrammeFactory(organization=organization),
        mentor__user=partner,
        mentee__user=camille,
    )


@pytest.fixture
def provisioned(scim, camille, pair):
    return scim.create_user(camille.email, name={"givenName": "Camille", "familyName": "Martin"})


def _signed_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def _signed_out(browser):
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return not import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def _deactivate(scim, user_id):
    response = scim.patch(f"Users/{user_id}", [{"op": "replace", "path": "active", "value": False}])
    assert response.status_code == 200, response.content
    return response.json()


def test_deactivating_ends_sessions_feed_roles_and_pairs(scim, organization, camille, pair, provisioned):
    browser = _signed_in(camille)
    with tenant_context(organization):
        feed = session_services.create_calendar_feed(organization=organization, user=camille)
    body = _deactivate(scim, provisioned["id"])
    assert body["active"] is False
    assert _signed_out(browser)
    assert Client().get(reverse("calendar_feed", kwargs={"token": feed.token})).status_code == 404
    with tenant_context(organization):
        assert not Membership.objects.filter(user=camille).exists()
        pair.refresh_from_db()
        assert pair.status == Pair.Status.ENDED
        assert Participant.objects.get(pk=pair.mentee_id).status == Participant.Status.WITHDRAWN


def test_the_partner_is_told_that_the_pair_ended(scim, organization, pair, provisioned):
    _deactivate(scim, provisioned["id"])
    with tenant_context(organization):
        told = Notification.objects.filter(kind=PAIR_ENDED, recipient=pair.mentor.user)
        assert told.count() == 1


def test_deprovisioning_is_recorded_in_the_audit_trail(scim, organization, provisioned):
    _deactivate(scim, provisioned["id"])
    with tenant_context(organization):
        event = AuditEvent.objects.get(action=Action.SCIM_DEPROVISIONED)
    assert event.actor_kind == "directory"
    assert event.actor_label == "Entra ID"
    assert event.details["roles"] == ["mentee"]


def test_deprovisioning_twice_changes_nothing_more(scim, organization, provisioned):
    _deactivate(scim, provisioned["id"])
    _deactivate(scim, provisioned["id"])
    with tenant_context(organization):
        assert AuditEvent.objects.filter(action=Action.SCIM_DEPROVISIONED).count() == 1


def test_a_deprovisioned_user_keeps_their_groups_for_the_directory(scim, provisioned):
    body = _deactivate(scim, provisioned["id"])
    assert [group["value"] for group in body["groups"]] == ["mentee-pool"]


def test_reactivating_gives_back_the_roles_but_not_the_pairs(scim, organization, camille, pair, provisioned):
    _deactivate(scim, provisioned["id"])
    response = scim.patch(f"Users/{provisioned['id']}", [{"op": "replace", "path": "active", "value": True}])
    assert response.json()["active"] is True
    with tenant_context(organization):
        assert list(Membership.objects.filter(user=camille).values_list("role", flat=True)) == ["mentee"]
        pair.refresh_from_db()
        assert pair.status == Pair.Status.ENDED


def test_a_group_given_while_deprovisioned_comes_with_the_reactivation(
    scim, organization, camille, provisioned
):
    _deactivate(scim, provisioned["id"])
    scim.patch(
        "Groups/executives", [{"op": "add", "path": "members", "value": [{"value": provisioned["id"]}]}]
    )
    with tenant_context(organization):
        assert not Membership.objects.filter(user=camille).exists()
    scim.patch(f"Users/{provisioned['id']}", [{"op": "replace", "path": "active", "value": True}])
    with tenant_context(organization):
        assert set(Membership.objects.filter(user=camille).values_list("role", flat=True)) == {
            "mentee",
            "executive",
        }


def test_delete_ends_the_pairs_and_tells_the_partner(scim, organization, camille, pair, provisioned):
    browser = _signed_in(camille)
    assert scim.delete(f"Users/{provisioned['id']}").status_code == 204
    assert _signed_out(browser)
    with tenant_context(organization):
        pair.refresh_from_db()
        assert pair.status == Pair.Status.ENDED
        assert Notification.objects.filter(kind=PAIR_ENDED, recipient=pair.mentor.user).exists()


def test_deprovisioning_leaves_the_persons_other_organisations_alone(
    scim, other_organization, camille, provisioned
):
    member(other_organization, "mentor", email=camille.email)
    _deactivate(scim, provisioned["id"])
    with tenant_context(other_organization):
        assert list(Membership.objects.filter(user=camille).values_list("role", flat=True)) == ["mentor"]
    camille.refresh_from_db()
    assert camille.is_active
