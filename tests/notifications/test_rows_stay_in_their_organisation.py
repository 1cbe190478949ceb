"""A row of one organisation is never delivered from another's context."""

from unittest import mock

from django.core import mail

from notifications import services, tasks
from notifications.invitations import INVITATION
from notifications.models import Notification
from organizations import services as organization_services
from organizations.roles import Role
from organizations.tenancy import tenant_context
from sessions.notifications import SESSION_INVITATION, notify_session_invitations
from tests.factories import PairFactory, SessionFactory

from .helpers import rows


def test_an_organisations_rows_are_never_delivered_in_another_organisations_context(
    organization, other_organization
):
    with tenant_context(organization), mock.patch("notifications.services.enqueue_delivery"):
        organization_services.invite_member(
            organization=organization, email="new@acme.example", role=Role.MENTOR
        )
        session = SessionFactory(organization=organization, pair=PairFactory(organization=organization))
        notify_session_invitations([session], "REQUEST")
    with tenant_context(other_organization):
        assert services.deliver_due(organization=other_organization) == 0
    assert tasks.deliver_notifications(other_organization.pk) == 0
    assert mail.outbox == []
    assert {row.status for row in rows(organization)} == {Notification.Status.PENDING}
    assert {row.kind for row in rows(organization)} == {INVITATION, SESSION_INVITATION}
    assert tasks.deliver_notifications(organization.pk) == 3
