"""Events are kept for the organisation's retention, then purged daily in batches; nothing else deletes
or changes them, and on PostgreSQL the database itself refuses."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction

from organizations import services
from organizations.audit import Action, record
from organizations.models import AuditEvent
from organizations.tasks import purge_audit_events
from organizations.tenancy import unscoped
from tests.factories import OrganizationFactory, UserFactory

from .audit_helpers import all_events, events_of

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


def _at(moment, organization, label):
    with time_machine.travel(moment, tick=False):
        return record(Action.EXPORT, organization=organization, actor_label=label)


def test_the_purge_deletes_what_is_past_each_organisation_s_retention_only(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    default = OrganizationFactory()
    short = OrganizationFactory(audit_retention_months=1)
    _at(START, default, "default-old")
    _at(START + timedelta(days=300), default, "default-recent")
    _at(START + timedelta(days=300), short, "short-old")
    _at(START + timedelta(days=370), short, "short-recent")

    with time_machine.travel(START + timedelta(days=380), tick=False):
        assert purge_audit_events() == 2
        assert purge_audit_events() == 0

    assert [e.actor_label for e in events_of(default)] == ["default-recent"]
    assert [e.actor_label for e in events_of(short)] == ["short-recent"]


def test_the_purge_works_in_batches(settings):
    settings.AUDIT_PURGE_BATCH = 2
    organization = OrganizationFactory(audit_retention_months=1)
    for number in range(5):
        _at(START, organization, f"old-{number}")
    with time_machine.travel(START + timedelta(days=60), tick=False):
        assert services.purge_audit_events() == 5
    assert events_of(organization) == []


def test_the_purge_is_in_the_beat_schedule(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "organizations.tasks.purge_audit_events" in schedule


def test_the_retention_is_bounded_in_the_database_too():
    from django.db import IntegrityError

    organization = OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(organization).objects.filter(pk=organization.pk).update(audit_retention_months=200)


@postgresql_only
def test_the_database_refuses_to_change_an_event():
    event = record(Action.EXPORT, organization=OrganizationFactory(), details={"what": "participants"})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with unscoped("the test tampers with the trail"):
            AuditEvent.objects.filter(pk=event.pk).update(details={"what": "nothing"})


@postgresql_only
def test_the_database_refuses_to_delete_an_event_outside_the_purge():
    event = record(Action.EXPORT, organization=OrganizationFactory())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with unscoped("the test tampers with the trail"):
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert all_events() == [event]


def test_deleting_an_organisation_takes_its_trail_and_deleting_a_person_keeps_their_events():
    organization = OrganizationFactory()
    kept = OrganizationFactory()
    person = UserFactory(email="gone@acme.example")
    record(Action.EXPORT, organization=organization)
    event = record(Action.EXPORT, organization=kept, actor=person)

    organization.delete()
    person.delete()

    [left] = all_events()
    assert (left.pk, left.actor_id, left.actor_label) == (event.pk, None, "gone@acme.example")
