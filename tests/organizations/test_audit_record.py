import pytest

from organizations.audit import Action, ActorKind, record
from organizations.models import AuditEvent
from organizations.tenancy import tenant_context
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_recording_an_event_costs_one_insert(django_assert_num_queries):
    organization = OrganizationFactory()
    user = UserFactory()
    with django_assert_num_queries(1):
        record(Action.EXPORT, organization=organization, actor=user, details={"what": "participants"})
    with tenant_context(organization):
        event = AuditEvent.objects.get()
    assert (event.action, event.actor_label, event.details) == (
        "export",
        user.email,
        {"what": "participants"},
    )


def test_staff_outside_the_organisation_is_recorded_as_staff():
    organization = OrganizationFactory()
    staff = UserFactory(is_staff=True)
    event = record(Action.STAFF_ACCESS, organization=organization, actor=staff)
    assert event.actor_kind == ActorKind.STAFF


def test_an_event_cannot_be_changed():
    event = record(Action.EXPORT, organization=OrganizationFactory())
    event.details = {"tampered": True}
    with pytest.raises(ValueError):
        event.save()
