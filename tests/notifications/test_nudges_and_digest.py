"""Inactivity nudges (twice the cadence without a session) and the weekly HR digest."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from notifications.handlers import HR_DIGEST
from organizations.tenancy import tenant_context
from pairing.models import Pair
from sessions.models import Session
from sessions.notifications import PAIR_INACTIVE
from tests.factories import PairFactory, ParticipantFactory, SessionFactory

from .helpers import rows, run_hourly

START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # a Monday


@pytest.fixture
def pair(organization):
    with time_machine.travel(START, tick=False):
        return PairFactory(organization=organization, started_at=START)


def _nudges():
    return [message for message in mail.outbox if "Time to meet" in message.subject]


def test_a_pair_silent_for_twice_the_cadence_is_nudged_once(pair, organization):
    with time_machine.travel(START + dt.timedelta(days=27), tick=False):
        run_hourly()
    assert _nudges() == []
    with time_machine.travel(START + dt.timedelta(days=28), tick=False):
        run_hourly()
        run_hourly()
    assert sorted(message.to[0] for message in _nudges()) == sorted(
        [pair.mentor.user.email, pair.mentee.user.email]
    )


def test_a_pair_with_an_upcoming_session_is_not_nudged(pair, organization):
    with time_machine.travel(START + dt.timedelta(days=28), tick=False):
        SessionFactory(organization=organization, pair=pair, starts_at=START + dt.timedelta(days=30))
        run_hourly()
    assert rows(organization, kind=PAIR_INACTIVE) == []


def test_the_silence_counts_from_the_last_session(pair, organization):
    with time_machine.travel(START, tick=False):
        SessionFactory(
            organization=organization,
            pair=pair,
            starts_at=START + dt.timedelta(days=10),
            status=Session.Status.HELD,
        )
    with time_machine.travel(START + dt.timedelta(days=37), tick=False):
        run_hourly()
    assert rows(organization, kind=PAIR_INACTIVE) == []
    with time_machine.travel(START + dt.timedelta(days=38), tick=False):
        run_hourly()
    assert len(rows(organization, kind=PAIR_INACTIVE)) == 2


def test_an_ended_pair_is_not_nudged(pair, organization):
    with tenant_context(organization):
        Pair.objects.filter(pk=pair.pk).update(status=Pair.Status.ENDED)
    with time_machine.travel(START + dt.timedelta(days=60), tick=False):
        run_hourly()
    assert rows(organization, kind=PAIR_INACTIVE) == []


def test_the_hr_digest_goes_out_on_monday_morning_in_the_organisations_time_zone(
    pair, organization, hr_admin, mentee_user
):
    ParticipantFactory(organization=organization, programme=pair.programme, user=mentee_user)
    with tenant_context(organization):
        Pair.objects.filter(pk=pair.pk).update(started_at=START - dt.timedelta(days=1))
    sunday = dt.datetime(2026, 3, 29, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(sunday, tick=False):
        run_hourly()
    assert [m for m in mail.outbox if m.to == [hr_admin.email]] == []
    # 06:30 UTC on Monday 30 March is 08:30 in Paris (summer time): the digest is due.
    with time_machine.travel(dt.datetime(2026, 3, 30, 6, 30, tzinfo=dt.UTC), tick=False):
        run_hourly()
        run_hourly()
    digests = [m for m in mail.outbox if m.to == [hr_admin.email]]
    assert len(digests) == 1
    body = digests[0].body
    assert "weekly reverse-mentoring digest" in digests[0].subject
    assert "Pairs at risk" in body and f"{pair}: no session for 28 days" in body
    assert "People without a pair" in body and str(mentee_user) in body
    assert "surveys await an answer" in body or "survey awaits an answer" in body


def test_the_digest_is_not_sent_before_eight_on_monday(organization, hr_admin):
    with time_machine.travel(dt.datetime(2026, 3, 30, 5, 30, tzinfo=dt.UTC), tick=False):
        run_hourly()
    assert rows(organization, kind=HR_DIGEST) == []
