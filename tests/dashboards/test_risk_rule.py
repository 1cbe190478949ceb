"""One rule of a pair at risk: the HR digest and the operations page list the same pairs.

On 15 June 2026 (a Monday), with a 14-day cadence, each case is one active pair that started on
1 March: two cadences (28 days) back is 18 May.
"""

import datetime

import pytest
import time_machine

from organizations.tenancy import tenant_context
from sessions.models import Session
from sessions.notifications import digest_pairs_at_risk
from tests.factories import PairFactory, ProgrammeFactory, SessionFactory

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
STARTED = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)


def days(count):
    return NOW + datetime.timedelta(days=count)


# Each case: the sessions of the pair, as (when, status), and whether the pair is at risk.
CASES = {
    "no session": ([], True),
    "only a past session, scheduled and never logged": ([(days(-10), Session.Status.SCHEDULED)], True),
    "a session held long ago": ([(days(-40), Session.Status.HELD)], True),
    "a session held long ago and one planned ahead": (
        [(days(-40), Session.Status.HELD), (days(3), Session.Status.SCHEDULED)],
        False,
    ),
    "a recent session held, an earlier one's log overdue": (
        [(days(-5), Session.Status.HELD), (days(-12), Session.Status.SCHEDULED)],
        True,
    ),
    "a recent session held": ([(days(-5), Session.Status.HELD)], False),
    "a session just past, its log not yet overdue": (
        [(days(-5), Session.Status.HELD), (days(-1), Session.Status.SCHEDULED)],
        False,
    ),
}


def _digest_pairs(organization, pairs):
    with tenant_context(organization):
        _title, lines = digest_pairs_at_risk(organization, NOW)
    return {pair.pk for pair in pairs if any(line.startswith(f"{pair}:") for line in lines)}


def _operations_pairs(client_for, hr_admin, organization):
    response = client_for(hr_admin).get(f"/o/{organization.slug}/dashboard/operations/")
    assert response.status_code == 200
    return {pair.pk for pair in response.context["pairs"]}


@pytest.mark.parametrize("case", CASES)
def test_the_digest_and_the_operations_page_list_the_same_pairs(client_for, hr_admin, organization, case):
    sessions, at_risk = CASES[case]
    with time_machine.travel(NOW, tick=False):
        programme = ProgrammeFactory(organization=organization, cadence_days=14)
        pair = PairFactory(organization=organization, programme=programme, started_at=STARTED)
        for when, status in sessions:
            SessionFactory(organization=organization, pair=pair, starts_at=when, status=status)
        digest = _digest_pairs(organization, [pair])
        operations = _operations_pairs(client_for, hr_admin, organization)
    assert digest == operations
    assert digest == ({pair.pk} if at_risk else set())


def test_they_agree_on_every_case_at_once(client_for, hr_admin, organization):
    with time_machine.travel(NOW, tick=False):
        programme = ProgrammeFactory(organization=organization, cadence_days=14)
        pairs, expected = [], set()
        for sessions, at_risk in CASES.values():
            pair = PairFactory(organization=organization, programme=programme, started_at=STARTED)
            for when, status in sessions:
                SessionFactory(organization=organization, pair=pair, starts_at=when, status=status)
            pairs.append(pair)
            if at_risk:
                expected.add(pair.pk)
        digest = _digest_pairs(organization, pairs)
        operations = _operations_pairs(client_for, hr_admin, organization)
    assert digest == operations == expected
