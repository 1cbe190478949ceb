"""Platform staff see each organisation's outbox lag, the slowest first; nobody else sees the page."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import selectors, services
from notifications.models import Notification
from organizations.roles import Role
from organizations.tenancy import tenant_context
from pairing.notifications import PAIR_PUBLISHED
from tests.factories import OrganizationFactory, PairFactory, UserFactory, member

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
URL = "/admin/notifications/notification/lag/"


def _row(organization, key, due_at, status=Notification.Status.PENDING, delivered_at=None):
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        services.plan(
            organization=organization,
            recipient=pair.mentor.user,
            kind=PAIR_PUBLISHED,
            key=key,
            due_at=due_at,
            object_id=pair.pk,
        )
        Notification.objects.filter(key=key).update(status=status, delivered_at=delivered_at)
    return pair


@pytest.fixture
def outboxes(organization, other_organization):
    """Globex is 20 minutes behind; Acme 1 minute, with one failed row and one sent at 08:30."""
    quiet = OrganizationFactory(name="Initech", slug="initech")
    _row(other_organization, "late", NOW - dt.timedelta(minutes=20))
    _row(other_organization, "later", NOW - dt.timedelta(minutes=5))
    _row(organization, "fresh", NOW - dt.timedelta(minutes=1))
    _row(organization, "not-yet", NOW + dt.timedelta(hours=1))
    _row(organization, "gave-up", NOW - dt.timedelta(days=2), status=Notification.Status.FAILED)
    _row(
        organization,
        "went-out",
        NOW - dt.timedelta(hours=1),
        status=Notification.Status.SENT,
        delivered_at=NOW - dt.timedelta(minutes=30),
    )
    return organization, other_organization, quiet


def test_it_lists_every_organisation_the_slowest_first(outboxes):
    with time_machine.travel(NOW, tick=False):
        lags = selectors.outbox_lag_by_organization(now=NOW)
    assert [(row.name, row.due, row.lag_seconds, row.failed) for row in lags] == [
        ("Globex", 2, 1200, 0),
        ("Acme", 1, 60, 1),
        ("Initech", 0, 0, 0),
    ]
    assert lags[1].last_sent_at == NOW - dt.timedelta(minutes=30)
    assert lags[0].last_sent_at is None


def test_it_reads_every_organisation_in_one_query(outboxes, django_assert_num_queries):
    for index in range(5):
        _row(OrganizationFactory(), f"more-{index}", NOW - dt.timedelta(minutes=index))
    with django_assert_num_queries(1):
        lags = selectors.outbox_lag_by_organization(now=NOW)
    assert len(lags) == 8


def test_staff_see_the_lag_page_linked_from_the_admin_index(client, outboxes):
    staff = UserFactory(email="staff@binome.example", is_staff=True, is_superuser=True, language="en")
    client.force_login(staff)
    assert URL in client.get("/admin/").content.decode()
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL, headers={"accept-language": "en"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Globex") < body.index("Acme") < body.index("Initech")
    assert "20\xa0minutes" in body and "late" in body
    # Counts and organisation names only: no person's address.
    pair_addresses = [user.email for user in UserFactory._meta.model.objects.exclude(pk=staff.pk)]
    assert not [address for address in pair_addresses if address in body]


def test_the_page_costs_the_same_queries_whatever_the_number_of_organisations(client, outboxes):
    client.force_login(UserFactory(email="staff@binome.example", is_staff=True, is_superuser=True))
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for index in range(10):
        _row(OrganizationFactory(), f"more-{index}", NOW - dt.timedelta(minutes=index))
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)


def test_staff_without_the_view_permission_are_refused(client, outboxes):
    client.force_login(UserFactory(email="support@binome.example", is_staff=True))
    assert client.get(URL).status_code == 403


def test_staff_with_the_view_permission_see_it(client, outboxes):
    support = UserFactory(email="support@binome.example", is_staff=True)
    support.user_permissions.add(Permission.objects.get(codename="view_notification"))
    client.force_login(support)
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.EXECUTIVE, Role.MENTOR, Role.MENTEE])
def test_an_organisations_members_get_the_admin_sign_in_and_no_figures(client, outboxes, role):
    acme = outboxes[0]
    client.force_login(member(acme, role, email=f"{role}@acme.example"))
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_visitor_gets_the_admin_sign_in(client, outboxes):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
