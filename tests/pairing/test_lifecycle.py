"""A pair's life: published → accepted → active → ended, declines, rotation, self-service, e-mails."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from notifications.models import Notification
from organizations.tenancy import tenant_context
from pairing import services, tasks
from pairing.models import MatchingRound, MatchingSettings, Pair
from pairing.notifications import PAIR_PUBLISHED
from pairing.signals import pairs_ended
from programmes.models import Programme
from tests.factories import PairFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_pair(in_organization, programme, make_mentor, make_mentee, django_capture_on_commit_callbacks):
    make_mentor(user=UserFactory(email="lea@acme.example", language="fr"))
    make_mentee(user=UserFactory(email="jean@acme.example", language="en"))
    matching_round = services.run_matching(programme=programme)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_round(matching_round=matching_round)
    return Pair.objects.select_related("mentor__user", "mentee__user").get(matching_round=matching_round)


def test_publishing_tells_both_people_in_their_own_language(published_pair):
    assert published_pair.matching_round.status == MatchingRound.Status.PUBLISHED
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"lea@acme.example", "jean@acme.example"}
    assert "Pilot" in by_recipient["jean@acme.example"].subject
    assert "You have been matched with" in by_recipient["jean@acme.example"].body
    assert "Vous formez un binôme avec" in by_recipient["lea@acme.example"].body
    assert by_recipient["lea@acme.example"].alternatives[0][1] == "text/html"
    assert "/o/acme/my-matches/" in by_recipient["jean@acme.example"].body


def test_nothing_is_sent_before_the_transaction_commits(
    in_organization, programme, make_mentor, make_mentee, django_capture_on_commit_callbacks
):
    make_mentor(), make_mentee()
    matching_round = services.run_matching(programme=programme)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.publish_round(matching_round=matching_round)
    assert mail.outbox == []
    assert callbacks
    # The messages wait in the outbox, one per person, for the commit (or the next dispatcher run).
    assert Notification.objects.filter(kind=PAIR_PUBLISHED, delivered_at__isnull=True).count() == 2


def test_a_round_without_proposals_cannot_be_published(in_organization, programme):
    matching_round = services.run_matching(programme=programme)
    with pytest.raises(ValidationError):
        services.publish_round(matching_round=matching_round)


def test_the_pair_is_accepted_once_both_accept(published_pair, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    services.accept_pair(pair=published_pair, user=published_pair.mentor.user)
    published_pair.refresh_from_db()
    assert published_pair.status == Pair.Status.PROPOSED
    assert published_pair.mentor_accepted_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        services.accept_pair(pair=published_pair, user=published_pair.mentee.user)

    published_pair.refresh_from_db()
    assert published_pair.status == Pair.Status.ACCEPTED
    assert len(mail.outbox) == 2


def test_a_pair_accepted_in_a_running_programme_starts_at_once(published_pair, programme):
    Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.RUNNING)
    services.accept_pair(pair=published_pair, user=published_pair.mentor.user)
    pair = services.accept_pair(pair=published_pair, user=published_pair.mentee.user)
    assert pair.status == Pair.Status.ACTIVE
    assert pair.started_at is not None


def test_hr_starts_the_accepted_pairs_when_the_programme_begins(published_pair, programme):
    services.accept_pair(pair=published_pair, user=published_pair.mentor.user)
    services.accept_pair(pair=published_pair, user=published_pair.mentee.user)

    assert services.start_accepted_pairs(programme=programme) == 1
    published_pair.refresh_from_db()
    assert published_pair.status == Pair.Status.ACTIVE


def test_someone_outside_the_pair_cannot_answer_it(published_pair):
    with pytest.raises(ValidationError):
        services.accept_pair(pair=published_pair, user=UserFactory())


def test_a_decline_needs_a_reason(published_pair):
    with pytest.raises(ValidationError):
        services.decline_pair(pair=published_pair, user=published_pair.mentee.user, reason="  ")
    published_pair.refresh_from_db()
    assert published_pair.status == Pair.Status.PROPOSED


def test_a_decline_tells_the_other_person_and_frees_both_for_the_next_run(
    published_pair, programme, make_mentor, make_mentee, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_pair(
            pair=published_pair, user=published_pair.mentee.user, reason="We already work together"
        )

    published_pair.refresh_from_db()
    assert published_pair.status == Pair.Status.DECLINED
    assert published_pair.decline_reason == "We already work together"
    assert [message.to for message in mail.outbox] == [["lea@acme.example"]]
    assert "We already work together" not in mail.outbox[0].body

    other_mentor, other_mentee = make_mentor(), make_mentee()
    next_round = services.run_matching(programme=programme)
    proposed = set(Pair.objects.filter(matching_round=next_round).values_list("mentor_id", "mentee_id"))
    assert proposed == {
        (published_pair.mentor_id, other_mentee.pk),
        (other_mentor.pk, published_pair.mentee_id),
    }
    assert next_round.number == 2


def test_an_answered_proposal_cannot_be_answered_again(published_pair):
    services.decline_pair(pair=published_pair, user=published_pair.mentee.user, reason="No")
    with pytest.raises(ValidationError):
        services.accept_pair(pair=published_pair, user=published_pair.mentor.user)


def test_ending_a_pair_fires_the_closing_survey_hook(organization, in_organization, programme):
    pair = PairFactory(organization=organization, programme=programme, status=Pair.Status.ACTIVE)
    received = []

    def receiver(sender, pairs, **kwargs):
        received.extend(pairs)

    pairs_ended.connect(receiver)
    try:
        services.end_pair(pair=pair, reason="Objectives met")
    finally:
        pairs_ended.disconnect(receiver)

    pair.refresh_from_db()
    assert received == [pair]
    assert pair.status == Pair.Status.ENDED
    assert pair.end_reason == "Objectives met"
    with pytest.raises(ValidationError):
        services.end_pair(pair=pair, reason="Again")


def test_both_people_are_told_their_pair_ended_but_not_hrs_reason(
    organization, in_organization, programme, django_capture_on_commit_callbacks
):
    pair = PairFactory(organization=organization, programme=programme, status=Pair.Status.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        services.end_pair(pair=pair, reason="Tensions reported to HR")
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [pair.mentor.user.email, pair.mentee.user.email]
    )
    partner_name = pair.mentee.user.get_full_name()
    to_mentor = next(message for message in mail.outbox if message.to[0] == pair.mentor.user.email)
    assert f"Your pair with {partner_name} has ended" in to_mentor.subject
    assert all("Tensions" not in message.body for message in mail.outbox)


def test_a_rotation_round_ends_current_pairs_and_avoids_former_partners(
    organization, in_organization, programme, make_mentor, make_mentee
):
    first_mentor, second_mentor = make_mentor(), make_mentor()
    first_mentee, second_mentee = make_mentee(), make_mentee()
    PairFactory(
        organization=organization,
        programme=programme,
        mentor=first_mentor,
        mentee=first_mentee,
        status="active",
    )
    PairFactory(
        organization=organization,
        programme=programme,
        mentor=second_mentor,
        mentee=second_mentee,
        status="active",
    )
    ended = []
    pairs_ended.connect(receiver := lambda sender, pairs, **kwargs: ended.extend(pair.pk for pair in pairs))
    try:
        matching_round = services.open_rotation_round(programme=programme)
    finally:
        pairs_ended.disconnect(receiver)

    assert len(ended) == 2
    assert matching_round.is_rotation
    proposed = set(Pair.objects.filter(matching_round=matching_round).values_list("mentor_id", "mentee_id"))
    assert proposed == {(first_mentor.pk, second_mentee.pk), (second_mentor.pk, first_mentee.pk)}


def test_a_rotation_cannot_open_while_a_round_is_under_review(
    in_organization, programme, make_mentor, make_mentee
):
    make_mentor(), make_mentee()
    services.run_matching(programme=programme)
    with pytest.raises(ValidationError):
        services.open_rotation_round(programme=programme)


def test_the_scheduler_opens_a_rotation_round_when_the_period_is_over(
    organization, programme, make_mentor, make_mentee
):
    with tenant_context(organization):
        Programme.objects.filter(pk=programme.pk).update(status=Programme.Status.RUNNING, rotation_months=3)
        pair = PairFactory(organization=organization, programme=programme, status="active")
        Pair.objects.filter(pk=pair.pk).update(started_at=datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC))

    with time_machine.travel(datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)):
        tasks.open_due_rotation_rounds.delay()
    with tenant_context(organization):
        assert not MatchingRound.objects.exists()

    with time_machine.travel(datetime.datetime(2026, 4, 11, tzinfo=datetime.UTC)):
        tasks.open_due_rotation_rounds.delay()
    with tenant_context(organization):
        pair.refresh_from_db()
        assert pair.status == Pair.Status.ENDED
        assert MatchingRound.objects.get().is_rotation


def test_in_self_service_a_mentee_chooses_among_their_three_best_mentors(
    in_organization, programme, make_mentor, make_mentee, ai, django_capture_on_commit_callbacks
):
    MatchingSettings.objects.create(programme=programme, mode=MatchingSettings.Mode.SELF_SERVICE)
    mentors = [make_mentor(skills={ai: level}) for level in (1, 3, 2)]
    make_mentor(skills={ai: 3}, languages=["de"])
    busy = make_mentor(skills={ai: 3})
    PairFactory(organization=programme.organization, programme=programme, mentor=busy, status="active")
    mentee = make_mentee(skills={ai: 3})

    suggestions = services.suggestions_for(mentee=mentee)

    assert [suggestion.mentor for suggestion in suggestions] == [mentors[1], mentors[2], mentors[0]]
    with django_capture_on_commit_callbacks(execute=True):
        pair = services.choose_mentor(mentee=mentee, mentor_id=mentors[2].pk)
    assert pair.status == Pair.Status.PROPOSED and pair.chosen_by_mentee and pair.mentee_accepted_at
    assert [message.to for message in mail.outbox] == [[mentors[2].user.email]]
    with pytest.raises(ValidationError):
        services.choose_mentor(mentee=mentee, mentor_id=mentors[1].pk)


def test_a_mentee_cannot_choose_a_mentor_outside_their_suggestions(
    in_organization, programme, make_mentor, make_mentee
):
    MatchingSettings.objects.create(programme=programme, mode=MatchingSettings.Mode.SELF_SERVICE)
    stranger = make_mentor(languages=["de"])
    mentee = make_mentee()
    with pytest.raises(ValidationError):
        services.choose_mentor(mentee=mentee, mentor_id=stranger.pk)


def test_self_service_is_refused_when_hr_assigns(in_organization, programme, make_mentor, make_mentee):
    mentor, mentee = make_mentor(), make_mentee()
    with pytest.raises(ValidationError):
        services.choose_mentor(mentee=mentee, mentor_id=mentor.pk)
