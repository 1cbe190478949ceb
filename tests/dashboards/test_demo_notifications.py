"""Every demo role finds real items in its notification list at first visit (issue 12, item 9).

Seeding the demo takes seconds, so each test seeds once and checks every role."""

import html

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from notifications import selectors
from notifications.models import Notification
from organizations import demo
from organizations.models import Organization
from organizations.roles import Role
from organizations.tenancy import tenant_context

INBOX = "/o/demo/notifications/"
# Each role that signs in, with the kind of message it must find (None: any, a pair's news).
ROLES = {
    Role.HR_ADMIN: ("rh@demo.binome.example", "hr_digest"),
    Role.EXECUTIVE: ("direction@demo.binome.example", "executive_summary"),
    Role.MENTOR: ("lea.martin@demo.binome.example", "pair_accepted"),
    Role.MENTEE: ("jean.lefebvre@demo.binome.example", "pair_accepted"),
    Role.ASSISTANT: ("nadia.perrot@demo.binome.example", "delegation_granted"),
}


@pytest.fixture
def demo_organization(db):
    call_command("seed_demo", stdout=None)
    return Organization.objects.get(slug="demo")


def test_each_demo_role_finds_real_notifications_at_first_visit(demo_organization):
    assert set(ROLES) == set(Role)
    for role, (email, kind) in ROLES.items():
        user = User.objects.get(email=email)
        with tenant_context(demo_organization):
            shown = list(selectors.inbox(user=user))
        assert kind in {row.kind for row in shown}, role
        client = Client()
        client.force_login(user)
        body = client.get(INBOX).content.decode()
        for row in shown:
            # Rendered by the kind's own renderer, in the person's language: a real subject, on the page.
            assert row.subject and html.escape(row.subject, quote=False) in body, (role, row.kind)


def test_every_printed_demo_person_finds_items(demo_organization):
    with tenant_context(demo_organization):
        for email, _first, _last, roles, _language in demo.PEOPLE:
            assert list(selectors.inbox(user=User.objects.get(email=email))), (email, roles)


def test_the_demo_history_sends_no_email_and_seeding_again_adds_nothing(demo_organization):
    assert mail.outbox == []
    with tenant_context(demo_organization):
        count = Notification.objects.count()
    call_command("seed_demo", stdout=None)
    with tenant_context(demo_organization):
        assert Notification.objects.count() == count
        assert not Notification.objects.filter(status=Notification.Status.PENDING).exists()
