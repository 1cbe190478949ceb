"""HR's nudge goes through the outbox: a person who muted it is not e-mailed, quiet hours hold it."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from dashboards import services
from dashboards.models import Nudge
from dashboards.notifications import HR_NUDGE
from notifications import services as notification_services
from notifications.models import Notification
from organizations.tenancy import tenant_context
from tests.factories import PairFactory

from ..notifications.helpers import rows, run_dispatcher

NIGHT = dt.datetime(2026, 3, 2, 23, 0, tzinfo=dt.UTC)


@pytest.fixture
def pair(organization):
    return PairFactory(organization=organization)


def _nudge(organization, pair, hr_admin):
    with tenant_context(organization):
        return services.nudge_pair(pair=pair, sent_by=hr_admin, reasons=["no_recent_session"])


def test_the_nudge_is_not_emailed_to_a_person_who_muted_it(
    organization, pair, hr_admin, django_capture_on_commit_callbacks
):
    with tenant_context(organization):
        notification_services.update_preferences(user=pair.mentee.user, muted_kinds=[HR_NUDGE])
    with django_capture_on_commit_callbacks(execute=True):
        _nudge(organization, pair, hr_admin)
    assert [message.to for message in mail.outbox] == [[pair.mentor.user.email]]
    (muted,) = rows(organization, recipient=pair.mentee.user)
    assert (muted.status, muted.skip_reason) == (Notification.Status.IN_APP, "unsubscribed")
    assert "time for a session" in muted.subject


def test_the_nudge_waits_for_the_end_of_the_persons_quiet_hours(
    organization, pair, hr_admin, django_capture_on_commit_callbacks
):
    mentee = pair.mentee.user
    mentee.time_zone = "UTC"
    mentee.save()
    with tenant_context(organization):
        notification_services.update_preferences(
            user=mentee, muted_kinds=[], quiet_start=dt.time(22), quiet_end=dt.time(7)
        )
    with time_machine.travel(NIGHT, tick=False), django_capture_on_commit_callbacks(execute=True):
        nudge = _nudge(organization, pair, hr_admin)
    assert [message.to for message in mail.outbox] == [[pair.mentor.user.email]]
    (held,) = rows(organization, recipient=mentee)
    assert (held.status, held.due_at) == (
        Notification.Status.PENDING,
        dt.datetime(2026, 3, 3, 7, 0, tzinfo=dt.UTC),
    )
    with time_machine.travel(dt.datetime(2026, 3, 3, 7, 0, tzinfo=dt.UTC), tick=False):
        run_dispatcher()
    assert mail.outbox[-1].to == [mentee.email]
    assert "time for a session" in mail.outbox[-1].subject
    with tenant_context(organization):
        # Recorded when the first of the two e-mails left.
        assert Nudge.objects.get(pk=nudge.pk).sent_at == NIGHT


def test_the_nudge_can_be_unsubscribed_from_and_is_offered_on_the_preferences_page(
    organization, pair, hr_admin, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _nudge(organization, pair, hr_admin)
    assert all(message.extra_headers["List-Unsubscribe"].startswith("<http") for message in mail.outbox)
    page = client_for(pair.mentee.user).get(f"/o/{organization.slug}/notifications/preferences/")
    assert HR_NUDGE.value in [value for value, _label in page.context["form"].fields["wanted"].choices]


def test_a_nudge_held_by_quiet_hours_is_dropped_if_the_pair_ends_meanwhile(
    organization, pair, hr_admin, django_capture_on_commit_callbacks
):
    from pairing.models import Pair

    for person in (pair.mentor.user, pair.mentee.user):
        person.time_zone = "UTC"
        person.save()
        with tenant_context(organization):
            notification_services.update_preferences(
                user=person, muted_kinds=[], quiet_start=dt.time(22), quiet_end=dt.time(7)
            )
    with time_machine.travel(NIGHT, tick=False), django_capture_on_commit_callbacks(execute=True):
        _nudge(organization, pair, hr_admin)
    with tenant_context(organization):
        Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED)
    with time_machine.travel(dt.datetime(2026, 3, 3, 7, 0, tzinfo=dt.UTC), tick=False):
        run_dispatcher()
    assert mail.outbox == []
    assert {row.skip_reason for row in rows(organization, kind=HR_NUDGE)} == {"stale"}
