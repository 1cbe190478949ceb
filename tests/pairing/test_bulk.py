"""Ending a rotation's pairs and re-running a round cost a fixed number of queries, whatever their number.

The counts are pinned at 10 and at 500 pairs: the same number at both sizes, so nothing is done pair by
pair. The e-mails still go out once per person.
"""

from collections import Counter

import pytest
from django.core import mail

from accounts.models import User
from notifications.models import Notification
from pairing import services
from pairing.models import MatchingRound, Pair
from pairing.notifications import PAIR_ENDED
from programmes.models import Participant
from sessions.models import Session
from sessions.notifications import SESSION_INVITATION
from tests.factories import (
    MatchingRoundFactory,
    PairFactory,
    ParticipantFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [10, 500]
# Opening a rotation: the draft check, the live pairs locked, one update, the sessions locked, one update,
# one insert of the calendar cancellations, one of the pair-ended e-mails, the organisation's webhook
# endpoints looked up once for the pairs ended and once for the sessions cancelled, then the new round's
# matching.
ROTATION_QUERIES = 34
# Re-running a round: the unlocked proposals deleted, the problem loaded, one update of the kept ones.
RERUN_QUERIES = 16


def _people(programme, count, role):
    """``count`` enrolled participants of ``role``, available for matching, saved in two inserts.

    Built by the factories and saved in bulk: a thousand people saved one by one would be most of the
    test's time, and the saving is not what is measured.
    """
    users = User.objects.bulk_create(UserFactory.build_batch(count))
    return Participant.objects.bulk_create(
        ParticipantFactory.build(
            organization=programme.organization, programme=programme, user=user, role=role, available=True
        )
        for user in users
    )


def _pairs(programme, count, **fields):
    mentors = _people(programme, count, Participant.Role.MENTOR)
    mentees = _people(programme, count, Participant.Role.MENTEE)
    return Pair.objects.bulk_create(
        PairFactory.build(
            organization=programme.organization,
            programme=programme,
            mentor=mentor,
            mentee=mentee,
            **fields,
        )
        for mentor, mentee in zip(mentors, mentees, strict=True)
    )


def _active_pairs_with_a_session(programme, count):
    """``count`` active pairs, each with a session planned next week."""
    pairs = _pairs(programme, count)
    Session.objects.bulk_create(
        SessionFactory.build(organization=programme.organization, pair=pair) for pair in pairs
    )
    return pairs


@pytest.mark.parametrize("count", SIZES)
def test_opening_a_rotation_takes_the_same_queries_for_10_or_500_pairs(
    in_organization, programme, count, django_assert_num_queries
):
    _active_pairs_with_a_session(programme, count)

    with django_assert_num_queries(ROTATION_QUERIES):
        matching_round = services.open_rotation_round(programme=programme)

    assert Pair.objects.filter(programme=programme, status=Pair.Status.ENDED).count() == count
    assert set(Pair.objects.filter(status=Pair.Status.ENDED).values_list("end_reason", flat=True)) == {
        services.ROTATION_END_REASON
    }
    assert Session.objects.filter(status=Session.Status.CANCELLED, sequence=1).count() == count
    assert Notification.objects.filter(kind=PAIR_ENDED).count() == 2 * count
    assert Notification.objects.filter(kind=SESSION_INVITATION).count() == 2 * count
    assert Pair.objects.filter(matching_round=matching_round, status=Pair.Status.PROPOSED).count() == count


@pytest.mark.parametrize("count", SIZES)
def test_rerunning_a_round_saves_its_locked_proposals_in_the_same_queries_for_10_or_500(
    organization, in_organization, programme, count, django_assert_num_queries
):
    matching_round = MatchingRoundFactory(organization=organization, programme=programme)
    locked = _pairs(programme, count, proposed=True, matching_round=matching_round, locked=True, score=0)

    with django_assert_num_queries(RERUN_QUERIES):
        services.rerun_round(matching_round=matching_round)

    kept = Pair.objects.filter(matching_round=matching_round)
    assert set(kept.values_list("pk", flat=True)) == {pair.pk for pair in locked}
    assert not kept.filter(score=0).exists()
    assert all(pair.score_breakdown["criteria"] for pair in kept)
    assert matching_round.status == MatchingRound.Status.DRAFT


def test_a_rotation_tells_every_person_once_that_their_pair_ended(
    organization, in_organization, programme, django_capture_on_commit_callbacks
):
    pairs = [PairFactory(organization=organization, programme=programme) for _ in range(3)]
    SessionFactory(organization=organization, pair=pairs[0])

    with django_capture_on_commit_callbacks(execute=True):
        services.open_rotation_round(programme=programme)

    ended = Counter(message.to[0] for message in mail.outbox if "has ended" in message.subject)
    people = {user.email for pair in pairs for user in pair.people()}
    assert ended == Counter({email: 1 for email in people})
    cancelled = Counter(message.to[0] for message in mail.outbox if "has ended" not in message.subject)
    assert cancelled == Counter({user.email: 1 for user in pairs[0].people()})


def test_a_withdrawal_ends_all_the_persons_pairs_at_once(organization, in_organization, programme):
    mentor = ParticipantFactory(organization=organization, programme=programme, role=Participant.Role.MENTOR)
    mine = [PairFactory(organization=organization, programme=programme, mentor=mentor) for _ in range(2)]
    other = PairFactory(organization=organization, programme=programme)

    assert services.end_live_pairs(participant=mentor, reason="Left the company") == 2

    assert {pair.pk for pair in Pair.objects.filter(status=Pair.Status.ENDED)} == {pair.pk for pair in mine}
    other.refresh_from_db()
    assert other.status == Pair.Status.ACTIVE
    assert Notification.objects.filter(kind=PAIR_ENDED).count() == 4
