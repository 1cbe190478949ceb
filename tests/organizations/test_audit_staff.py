"""Platform staff's access to an organisation's data is in that organisation's trail: the Django admin,
and ``unscoped()`` while a staff user's request is served. The system's own unscoped work is not."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from accounts.audit import AuditMiddleware
from organizations.audit import Action, ActorKind, record
from organizations.models import Invitation
from organizations.roles import Role
from organizations.tenancy import unscoped
from tests.factories import InvitationFactory, UserFactory, member

from .audit_helpers import all_events, events_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True, email="staff@binome.example")


def test_a_changelist_across_organisations_records_one_event_per_organisation_shown(
    client, staff, organization, other_organization
):
    acme = [InvitationFactory(organization=organization) for _ in range(3)]
    globex = InvitationFactory(organization=other_organization)
    client.force_login(staff)

    response = client.get(reverse("admin:organizations_invitation_changelist"))

    assert response.status_code == 200
    [in_acme] = events_of(organization, action=Action.STAFF_ACCESS)
    [in_globex] = events_of(other_organization, action=Action.STAFF_ACCESS)
    assert (in_acme.actor_id, in_acme.actor_kind) == (staff.pk, ActorKind.STAFF)
    assert in_acme.details["objects"]["organizations.invitation"] == {
        "count": 3,
        "ids": sorted(str(invitation.pk) for invitation in acme),
    }
    assert in_globex.details["objects"]["organizations.invitation"]["ids"] == [str(globex.pk)]
    assert in_acme.details["path"] == reverse("admin:organizations_invitation_changelist")


def test_a_change_view_records_the_object_in_its_organisation_only(
    client, staff, organization, other_organization
):
    invitation = InvitationFactory(organization=organization)
    client.force_login(staff)

    client.get(reverse("admin:organizations_invitation_change", args=[invitation.pk]))

    [event] = events_of(organization, action=Action.STAFF_ACCESS)
    assert (event.target_type, event.target_id) == ("organizations.invitation", str(invitation.pk))
    assert events_of(other_organization) == []


def test_all_the_staff_events_of_a_request_cost_one_insert(client, staff, organization, other_organization):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    InvitationFactory(organization=organization)
    InvitationFactory(organization=other_organization)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("admin:organizations_invitation_changelist"))
    assert sum('INSERT INTO "organizations_auditevent"' in query["sql"] for query in queries) == 1


def test_unscoped_reading_while_serving_staff_is_recorded_with_its_reason(
    staff, organization, other_organization
):
    InvitationFactory(organization=organization, email="a@acme.example")

    def view(request):
        with unscoped("a support tool lists invitations"):
            list(Invitation.objects.all())
        return HttpResponse("ok")

    request = RequestFactory().get("/support/")
    request.user = staff
    AuditMiddleware(view)(request)

    [event] = all_events(action=Action.STAFF_ACCESS)
    assert event.organization_id == organization.pk
    assert event.details["reasons"] == ["a support tool lists invitations"]
    assert events_of(other_organization) == []


def test_a_member_s_request_or_the_system_s_unscoped_work_records_nothing(organization):
    InvitationFactory(organization=organization)
    hr = member(organization, Role.HR_ADMIN)

    def view(request):
        with unscoped("the dispatcher scans every organisation"):
            list(Invitation.objects.all())
        return HttpResponse("ok")

    request = RequestFactory().get("/anything/")
    request.user = hr
    AuditMiddleware(view)(request)
    with unscoped("a task, with no request"):
        list(Invitation.objects.all())

    assert all_events() == []


def test_staff_reading_their_own_rows_is_not_recorded(client, organization):
    staff_member = member(organization, Role.HR_ADMIN, is_staff=True)
    client.force_login(staff_member)
    client.get(reverse("organization_home", kwargs={"org_slug": organization.slug}))
    assert events_of(organization, action=Action.STAFF_ACCESS) == []


def test_the_admin_shows_audit_events_read_only(client, staff, organization):
    event = record(Action.EXPORT, organization=organization, details={"what": "participants"})
    client.force_login(staff)

    page = client.get(reverse("admin:organizations_auditevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(reverse("admin:organizations_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.get(reverse("admin:organizations_auditevent_add")).status_code == 403


def test_staff_removing_a_role_in_the_admin_is_recorded_as_staff(client, staff, organization):
    person = member(organization, Role.MENTOR, email="mentor@acme.example")
    from organizations.models import Membership
    from organizations.tenancy import tenant_context

    with tenant_context(organization):
        membership = Membership.objects.get(user=person)
    client.force_login(staff)
    client.post(reverse("admin:organizations_membership_delete", args=[membership.pk]), {"post": "yes"})

    [event] = events_of(organization, action=Action.ROLE_REVOKED)
    assert (event.actor_id, event.actor_kind, event.target_label) == (staff.pk, ActorKind.STAFF, person.email)
    assert event.details == {"role": "mentor", "by": "Django admin"}
