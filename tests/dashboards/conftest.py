"""A small programme whose every figure is computed by hand in the tests' docstrings.

On 15 June 2026 (the frozen "now"), with a 14-day cadence:
- pair A (mentor m1 Finance, mentee e1 Finance), active since 1 March: held 10 Apr (60 min),
  held 20 May (30), cancelled 25 May, held 10 Jun (45);
- pair B (mentor m2 IT, mentee e2 Finance), active since 1 March: held 12 Apr (60), 1 May still
  "scheduled" (log overdue), no-show 15 May;
- pair C (mentor m3 IT, mentee e3 IT): declined; neither has another pair;
- e4 (IT) enrolled without a pair; i1 invited; w1 withdrawn.
"""

import datetime

import pytest
import time_machine

from pairing.models import Pair
from programmes.models import Participant
from sessions.models import Session
from tests.factories import PairFactory, ParticipantFactory, ProgrammeFactory, SessionFactory

NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def programme_data(organization, frozen_now):
    organization.minimum_group_size = 2
    organization.save()
    programme = ProgrammeFactory(
        organization=organization,
        name="Digital 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        cadence_days=14,
    )

    def person(role, department, status=Participant.Status.ENROLLED, **user):
        return ParticipantFactory(
            organization=organization, programme=programme, role=role, department=department, status=status
        )

    mentor, mentee = Participant.Role.MENTOR, Participant.Role.MENTEE
    m1, e1 = person(mentor, "Finance"), person(mentee, "Finance")
    m2, e2 = person(mentor, "IT"), person(mentee, "Finance")
    m3, e3 = person(mentor, "IT"), person(mentee, "IT")
    e4 = person(mentee, "IT")
    person(mentor, "IT", status=Participant.Status.INVITED)
    person(mentee, "Finance", status=Participant.Status.WITHDRAWN)

    def pair(a_mentor, a_mentee, status):
        return PairFactory(
            organization=organization,
            programme=programme,
            mentor=a_mentor,
            mentee=a_mentee,
            status=status,
            started_at=at(3, 1) if status == Pair.Status.ACTIVE else None,
        )

    a = pair(m1, e1, Pair.Status.ACTIVE)
    b = pair(m2, e2, Pair.Status.ACTIVE)
    c = pair(m3, e3, Pair.Status.DECLINED)

    def session(a_pair, when, minutes, status):
        SessionFactory(
            organization=organization, pair=a_pair, starts_at=when, duration_minutes=minutes, status=status
        )

    session(a, at(4, 10), 60, Session.Status.HELD)
    session(a, at(5, 20), 30, Session.Status.HELD)
    session(a, at(5, 25), 60, Session.Status.CANCELLED)
    session(a, at(6, 10), 45, Session.Status.HELD)
    session(b, at(4, 12), 60, Session.Status.HELD)
    session(b, at(5, 1), 60, Session.Status.SCHEDULED)
    session(b, at(5, 15), 60, Session.Status.NO_SHOW)
    return {
        "programme": programme,
        "pairs": {"a": a, "b": b, "c": c},
        "people": {"m1": m1, "e1": e1, "m2": m2, "e2": e2, "m3": m3, "e3": e3, "e4": e4},
    }


@pytest.fixture
def pair_members(organization, programme_data):
    """The people of pairs A and B hold their pair role in the organisation, as everyone enrolled through
    an invitation does: the outbox only mails a pair's news to people who still hold such a role."""
    from organizations.models import Membership
    from organizations.roles import Role
    from organizations.tenancy import tenant_context

    # The shared ParticipantFactory already gives most of them their membership.
    with tenant_context(organization):
        for pair in (programme_data["pairs"]["a"], programme_data["pairs"]["b"]):
            for participant, role in ((pair.mentor, Role.MENTOR), (pair.mentee, Role.MENTEE)):
                Membership.objects.get_or_create(organization=organization, user=participant.user, role=role)
    return programme_data
