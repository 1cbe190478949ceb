"""A junior mentor's attestation, and the senior mentee's endorsement on it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from organizations.models import Person
from organizations.people import forget_names
from pairing.models import Pair
from sessions import attestation
from sessions.models import Endorsement, Session
from tests.factories import PairFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

SECRET_GOAL = "MARKER-goal-text"


@pytest.fixture
def pair(organization, in_organization, mentor_user, mentee_user):
    from programmes.models import Participant
    from tests.factories import ParticipantFactory

    programme = ProgrammeFactory(organization=organization, name="Digital 2026")
    mentor = ParticipantFactory(
        organization=organization, programme=programme, role=Participant.Role.MENTOR, user=mentor_user
    )
    mentee = ParticipantFactory(
        organization=organization, programme=programme, user=mentee_user, job_title="Directrice financière"
    )
    Person.objects.filter(user=mentor_user).update(first_name="Léa", last_name="Martin")
    Person.objects.filter(user=mentee_user).update(first_name="Anne", last_name="Durand")
    forget_names()
    pair = PairFactory(organization=organization, programme=programme, mentor=mentor, mentee=mentee)
    when = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    for days, status, minutes, actual, topics in (
        (0, Session.Status.HELD, 60, 45, "LinkedIn\nIA générative"),
        (14, Session.Status.HELD, 30, None, "- IA générative\n- Données"),
        (28, Session.Status.CANCELLED, 60, None, "Not held"),
    ):
        SessionFactory(
            organization=organization,
            pair=pair,
            starts_at=when + datetime.timedelta(days=days),
            duration_minutes=minutes,
            actual_minutes=actual,
            status=status,
            topics=topics,
        )
    return pair


def attestation_url(pair):
    return reverse("mentor_attestation", args=[pair.organization.slug, pair.programme_id])


def endorsement_url(pair):
    return reverse("endorsement", args=[pair.organization.slug, pair.pk])


def test_the_attestation_counts_held_sessions_and_their_time(pair):
    result = attestation.attestation(programme=pair.programme, mentor=pair.mentor)
    assert (result.sessions_held, result.minutes) == (2, 75)  # 45 logged + 30 planned
    assert (result.first_session, result.last_session) == (
        datetime.date(2026, 3, 2),
        datetime.date(2026, 3, 16),
    )
    assert result.mentor_name == "Léa Martin"


def test_without_an_endorsement_the_executive_is_not_named_and_no_topic_is_shown(
    pair, client_for, mentor_user
):
    page = client_for(mentor_user).get(attestation_url(pair)).content.decode()
    assert "Léa Martin" in page
    assert "Anne Durand" not in page and "LinkedIn" not in page


def test_an_endorsement_names_the_executive_and_shows_topics_only_if_they_allowed_it(
    pair, client_for, mentor_user
):
    attestation.give_endorsement(
        pair=pair, by=pair.mentee.user, text="Léa m'a appris à publier.", show_topics=False
    )
    page = client_for(mentor_user).get(attestation_url(pair)).content.decode()
    assert (
        "Anne Durand" in page and "Directrice financière" in page and "Léa m&#x27;a appris à publier." in page
    )
    assert "LinkedIn" not in page
    attestation.give_endorsement(pair=pair, by=pair.mentee.user, text="Merci.", show_topics=True)
    result = attestation.attestation(programme=pair.programme, mentor=pair.mentor)
    assert result.pairs[0].topics == ["LinkedIn", "IA générative", "Données"]


def test_the_mentee_endorses_changes_and_withdraws(pair, client_for, mentee_user):
    client = client_for(mentee_user)
    assert client.get(endorsement_url(pair)).status_code == 200
    client.post(endorsement_url(pair), {"action": "save", "text": "Bravo", "show_topics": "on"})
    assert Endorsement.objects.get(pair=pair).show_topics
    client.post(endorsement_url(pair), {"action": "save", "text": "Bravo encore"})
    endorsement = Endorsement.objects.get(pair=pair)
    assert (endorsement.text, endorsement.show_topics) == ("Bravo encore", False)
    client.post(endorsement_url(pair), {"action": "withdraw"})
    assert not Endorsement.objects.filter(pair=pair).exists()


def test_an_empty_endorsement_re_renders_with_a_message(pair, client_for, mentee_user):
    page = client_for(mentee_user).post(endorsement_url(pair), {"action": "save", "text": "  "})
    assert page.status_code == 200 and page.context["form"].errors
    assert not Endorsement.objects.exists()


def test_the_mentor_cannot_endorse_themselves(pair, client_for, mentor_user):
    assert client_for(mentor_user).get(endorsement_url(pair)).status_code == 403
    with pytest.raises(PermissionDenied):
        attestation.give_endorsement(pair=pair, by=mentor_user, text="Me", show_topics=True)


def test_a_mentee_has_no_attestation_of_mentoring(pair, client_for, mentee_user):
    assert client_for(mentee_user).get(attestation_url(pair)).status_code == 404


def test_hr_and_outsiders_get_nothing(pair, client_for, hr_admin, outsider):
    assert client_for(hr_admin).get(endorsement_url(pair)).status_code == 403
    assert client_for(hr_admin).get(attestation_url(pair)).status_code == 403
    assert client_for(outsider).get(attestation_url(pair)).status_code == 404
    assert client_for(outsider).get(endorsement_url(pair)).status_code == 404


def test_a_proposed_pair_is_not_on_the_attestation(pair, organization):
    PairFactory(organization=organization, programme=pair.programme, mentor=pair.mentor, proposed=True)
    assert len(attestation.attestation(programme=pair.programme, mentor=pair.mentor).pairs) == 1


def test_the_attestation_costs_the_same_queries_whatever_the_pairs(
    pair, organization, client_for, mentor_user, django_assert_max_num_queries
):
    client = client_for(mentor_user)
    attestation.give_endorsement(pair=pair, by=pair.mentee.user, text="Merci", show_topics=True)
    client.get(attestation_url(pair))
    for _ in range(4):
        other = PairFactory(
            organization=organization, programme=pair.programme, mentor=pair.mentor, status=Pair.Status.ENDED
        )
        attestation.give_endorsement(pair=other, by=other.mentee.user, text="Merci", show_topics=True)
        SessionFactory(organization=organization, pair=other, status=Session.Status.HELD, topics="Cyber")
    with django_assert_max_num_queries(12):
        assert client.get(attestation_url(pair)).status_code == 200
