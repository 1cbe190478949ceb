"""'Try it' challenges: the mentee commits after a held session, answers by the date with a line of
reflection the mentor reads, is reminded through the outbox, and owns them in their data."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.personal_data import erase_personal_data, personal_data
from notifications.models import Notification
from organizations.tenancy import tenant_context
from sessions import curriculum
from sessions.models import Challenge
from sessions.notifications import CHALLENGE_DUE, render_challenge_due
from tests.factories import ChallengeFactory, CurriculumModuleFactory, SessionFactory


def _url(name, pair, **kwargs):
    return reverse(name, kwargs={"org_slug": pair.organization.slug, "pair_id": pair.pk, **kwargs})


@pytest.fixture
def held(organization, pair):
    with tenant_context(organization):
        module = CurriculumModuleFactory(
            organization=organization,
            programme=pair.programme,
            challenge="Publier",
            challenge_en="Publish a post",
        )
        return SessionFactory(organization=organization, pair=pair, held=True, module=module)


def _in(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def test_the_mentee_is_taken_to_the_challenge_after_logging_a_held_session(
    organization, pair, client_for, mentee_user
):
    with tenant_context(organization):
        session = SessionFactory(
            organization=organization, pair=pair, starts_at=timezone.now() - datetime.timedelta(hours=3)
        )
    response = client_for(mentee_user).post(
        _url("session_log", pair, session_id=session.pk),
        {"held": "yes", "actual_minutes": 45, "actions-TOTAL_FORMS": 0, "actions-INITIAL_FORMS": 0},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("challenge_create", pair) + f"?session={session.pk}"


def test_the_challenge_form_suggests_the_modules_challenge(pair, held, client_for, mentee_user):
    response = client_for(mentee_user).get(_url("challenge_create", pair) + f"?session={held.pk}")
    assert response.context["form"].initial["text"] == "Publish a post"
    assert response.context["form"].initial["due_date"] == _in(14)


def test_the_mentee_commits_to_a_challenge_and_a_reminder_is_planned_for_the_date(
    organization, pair, held, client_for, mentee_user
):
    response = client_for(mentee_user).post(
        _url("challenge_create", pair), {"session": held.pk, "text": "Publier un post", "due_date": _in(7)}
    )
    assert response.status_code == 302
    with tenant_context(organization):
        challenge = Challenge.objects.get()
        reminder = Notification.objects.get(kind=CHALLENGE_DUE)
    assert (challenge.text, challenge.due_date, challenge.owner) == ("Publier un post", _in(7), mentee_user)
    assert challenge.module == held.module and challenge.is_pending
    assert reminder.recipient == mentee_user and reminder.object_id == challenge.pk
    assert timezone.localtime(reminder.due_at, datetime.UTC).date() == _in(7)


def test_the_mentor_cannot_commit_for_the_mentee(organization, pair, held, client_for, mentor_user):
    response = client_for(mentor_user).post(
        _url("challenge_create", pair), {"session": held.pk, "text": "X", "due_date": _in(7)}
    )
    assert response.status_code == 403
    with tenant_context(organization):
        assert not Challenge.objects.exists()


@pytest.mark.parametrize("days", [-1, 91])
def test_a_date_in_the_past_or_months_away_is_refused(
    organization, pair, held, client_for, mentee_user, days
):
    response = client_for(mentee_user).post(
        _url("challenge_create", pair), {"session": held.pk, "text": "X", "due_date": _in(days)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"]


def test_a_challenge_follows_a_held_session_only(organization, pair):
    with tenant_context(organization):
        planned = SessionFactory(organization=organization, pair=pair)
        with pytest.raises(ValidationError):
            curriculum.commit_to_challenge(
                pair=pair, by=pair.mentee.user, session=planned, text="X", due_date=_in(3)
            )


def test_the_mentee_marks_it_done_with_a_line_of_reflection_and_the_mentor_reads_it(
    organization, pair, client_for, mentee_user, mentor_user
):
    with tenant_context(organization):
        challenge = ChallengeFactory(organization=organization, session__pair=pair, text="Publier un post")
    response = client_for(mentee_user).post(
        _url("challenge_answer", pair, challenge_id=challenge.pk),
        {"done": "yes", "reflection": "Trois réponses dans l'heure"},
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.DONE and challenge.answered_at
    page = client_for(mentor_user).get(_url("challenge_list", pair)).content.decode()
    assert "Publier un post" in page and "Trois réponses dans l&#x27;heure" in page and "Done" in page


def test_the_mentor_reads_but_cannot_answer(organization, pair, client_for, mentor_user):
    with tenant_context(organization):
        challenge = ChallengeFactory(organization=organization, session__pair=pair)
    client = client_for(mentor_user)
    page = client.get(_url("challenge_answer", pair, challenge_id=challenge.pk))
    assert page.status_code == 200 and page.context["form"] is None
    response = client.post(_url("challenge_answer", pair, challenge_id=challenge.pk), {"done": "yes"})
    assert response.status_code == 403
    challenge.refresh_from_db()
    assert challenge.is_pending


def test_not_done_is_an_answer_too(organization, pair):
    with tenant_context(organization):
        challenge = ChallengeFactory(organization=organization, session__pair=pair)
        curriculum.answer_challenge(
            challenge=challenge, by=pair.mentee.user, done=False, reflection="Pas le temps"
        )
        challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.NOT_DONE and challenge.reflection == "Pas le temps"


def test_the_reminder_is_skipped_once_answered(organization, pair):
    with tenant_context(organization):
        challenge = ChallengeFactory(organization=organization, session__pair=pair)
        curriculum.commit_to_challenge(
            pair=pair, by=pair.mentee.user, session=challenge.session, text="Poster", due_date=_in(2)
        )
        row = Notification.objects.get(kind=CHALLENGE_DUE)
        message = render_challenge_due(row)
        assert "Poster" in message.paragraphs[0]
        mine = Challenge.objects.get(pk=row.object_id)
        curriculum.answer_challenge(challenge=mine, by=pair.mentee.user, done=True, reflection="")
        assert render_challenge_due(row) is None


def test_the_pair_space_invites_the_mentee_to_commit_after_a_held_session(
    pair, held, client_for, mentee_user, mentor_user
):
    link = _url("challenge_create", pair) + f"?session={held.pk}"
    assert link in client_for(mentee_user).get(_url("pair_space", pair)).content.decode()
    assert link not in client_for(mentor_user).get(_url("pair_space", pair)).content.decode()


def test_the_list_pins_its_query_count(
    organization, pair, client_for, mentor_user, django_assert_num_queries
):
    with tenant_context(organization):
        for _ in range(3):
            ChallengeFactory(organization=organization, session__pair=pair, session__module=None)
    client = client_for(mentor_user)
    client.get(_url("challenge_list", pair))
    with django_assert_num_queries(6):
        client.get(_url("challenge_list", pair))


def test_another_pairs_challenge_is_404(organization, pair, client_for, mentee_user):
    with tenant_context(organization):
        other = ChallengeFactory(organization=organization)
    response = client_for(mentee_user).get(_url("challenge_answer", pair, challenge_id=other.pk))
    assert response.status_code == 404


def test_a_member_of_another_organisation_gets_404(organization, pair, client_for, outsider):
    with tenant_context(organization):
        challenge = ChallengeFactory(organization=organization, session__pair=pair)
    client = client_for(outsider)
    assert client.get(_url("challenge_list", pair)).status_code == 404
    assert client.get(_url("challenge_answer", pair, challenge_id=challenge.pk)).status_code == 404


def test_the_mentees_challenges_are_in_their_data_export(organization, pair):
    with tenant_context(organization):
        ChallengeFactory(organization=organization, session__pair=pair, text="Publier", reflection="Fait")
    data = personal_data(user=pair.mentee.user)
    entry = data["organisations"][0]["pairs"][0]["try_it_challenges"][0]
    assert (entry["challenge"], entry["reflection"], entry["status"]) == ("Publier", "Fait", "pending")


def test_erasure_forgets_the_words_and_keeps_the_count(organization, pair):
    with tenant_context(organization):
        challenge = ChallengeFactory(organization=organization, session__pair=pair, text="Publier")
        curriculum.answer_challenge(challenge=challenge, by=pair.mentee.user, done=True, reflection="Fait")
    erase_personal_data(user=pair.mentee.user)
    with tenant_context(organization):
        challenge.refresh_from_db()
    assert (challenge.text, challenge.reflection, challenge.status) == ("", "", "done")


def test_only_the_owner_answers_through_the_service(organization, pair):
    with tenant_context(organization):
        challenge = ChallengeFactory(organization=organization, session__pair=pair)
        with pytest.raises(PermissionDenied):
            curriculum.answer_challenge(challenge=challenge, by=pair.mentor.user, done=True, reflection="")
