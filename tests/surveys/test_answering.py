"""The signed survey link: no password, once per person and survey, expiring."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from organizations.tenancy import tenant_context
from programmes.models import ParticipantSkill, Skill
from surveys import services
from surveys.models import Answer, SkillProgress, SurveyTemplate
from surveys.tokens import response_token
from tests.factories import PairFactory

Moment, Audience = SurveyTemplate.Moment, SurveyTemplate.Audience


@pytest.fixture
def final_response(organization):
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        from surveys.defaults import ensure_default_templates

        ensure_default_templates(pair.programme, "en")
        template = SurveyTemplate.objects.get(
            programme=pair.programme, moment=Moment.FINAL, audience=Audience.MENTEE
        )
        for name, participant in (("Prompting", pair.mentor), ("Teams", pair.mentee)):
            skill = Skill.objects.create(name=name)
            ParticipantSkill.objects.create(participant=participant, skill=skill, level=2)
        return services.send_survey(template=template, participant=pair.mentee, key="final:test", pair=pair)


def _url(response):
    return f"/s/{response_token(response)}/"


def _full_answers(response):
    data = {}
    with tenant_context(response.organization):
        for question in response.template.questions.all():
            if question.type == "skills":
                for skill in Skill.objects.all():
                    data[f"q{question.pk}_skill{skill.pk}"] = "4"
            elif question.type == "choice":
                data[f"q{question.pk}"] = question.choices[0]
            elif question.type == "text":
                data[f"q{question.pk}"] = "Great programme"
            elif question.type == "recommend":
                data[f"q{question.pk}"] = "9"
            else:
                data[f"q{question.pk}"] = "5"
    return data


def test_the_link_opens_the_survey_without_signing_in_and_lists_the_pairs_skills(client, final_response):
    response = client.get(_url(final_response))
    assert response.status_code == 200
    assert b"Prompting" in response.content and b"Teams" in response.content
    assert b"How likely are you to recommend" in response.content


def test_answers_are_stored_once(client, final_response, organization):
    response = client.post(_url(final_response), _full_answers(final_response))
    assert response.status_code == 200 and b"Thank you" in response.content
    with tenant_context(organization):
        final_response.refresh_from_db()
        assert final_response.answered_at is not None
        stored = Answer.objects.filter(response=final_response).count()
        assert stored == 2 + 4  # two skills, then practice, satisfaction, recommendation, comment
    again = client.post(_url(final_response), _full_answers(final_response))
    assert b"You already answered this survey" in again.content
    with tenant_context(organization):
        assert Answer.objects.filter(response=final_response).count() == stored


def test_the_skill_levels_answered_through_the_link_reach_the_skill_progress(
    client, final_response, organization
):
    client.post(_url(final_response), _full_answers(final_response))
    with tenant_context(organization):
        final_response.refresh_from_db()
        progress = SkillProgress.objects.filter(participant=final_response.participant)
        assert sorted(progress.values_list("skill__name", "final", "final_at", "baseline")) == [
            ("Prompting", 4, final_response.answered_at, None),
            ("Teams", 4, final_response.answered_at, None),
        ]


def test_a_missing_required_answer_re_renders_the_form_and_stores_nothing(
    client, final_response, organization
):
    data = _full_answers(final_response)
    data.pop(next(key for key in data if "skill" not in key))
    response = client.post(_url(final_response), data)
    assert response.status_code == 200 and b"This field is required" in response.content
    with tenant_context(organization):
        assert not Answer.objects.exists()


def test_an_expired_link_is_refused(client, final_response):
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert client.get(_url(final_response)).status_code == 410


def test_a_forged_link_is_refused(client, final_response):
    assert client.get(f"/s/{response_token(final_response)}x/").status_code == 404
    assert client.get("/s/nonsense/").status_code == 404


def test_a_second_submission_is_refused_under_the_row_lock(final_response, organization):
    with tenant_context(organization):
        services.submit_answers(response=final_response, answers=[])
        with pytest.raises(services.AlreadyAnswered):
            services.submit_answers(response=final_response, answers=[])


# --- Consent to share a comment anonymously -------------------------------------------------------------


def _comment_question(response):
    with tenant_context(response.organization):
        return response.template.questions.get(type="text")


def test_each_comment_box_offers_an_unticked_consent_to_share_it(client, final_response):
    question = _comment_question(final_response)
    body = client.get(_url(final_response)).content.decode()
    assert "Share this comment anonymously with the programme&#x27;s sponsors" in body
    checkbox = next(tag for tag in body.split("<input") if f'name="q{question.pk}_share"' in tag)
    assert 'type="checkbox"' in checkbox and "checked" not in checkbox


def test_a_comment_is_kept_private_unless_its_author_ticks_the_box(client, final_response, organization):
    client.post(_url(final_response), _full_answers(final_response))
    with tenant_context(organization):
        comment = Answer.objects.get(response=final_response, question__type="text")
        assert comment.text == "Great programme" and not comment.shared_anonymously


def test_the_author_s_consent_is_stored_with_the_comment(client, final_response, organization):
    question = _comment_question(final_response)
    data = {**_full_answers(final_response), f"q{question.pk}_share": "on"}
    assert client.post(_url(final_response), data).status_code == 200
    with tenant_context(organization):
        shared = Answer.objects.filter(response=final_response, shared_anonymously=True)
        assert [(answer.question_id, answer.text) for answer in shared] == [(question.pk, "Great programme")]


def test_a_consent_without_a_comment_or_on_another_question_shares_nothing(
    client, final_response, organization
):
    comment = _comment_question(final_response)
    data = {**_full_answers(final_response), f"q{comment.pk}": "", f"q{comment.pk}_share": "on"}
    with tenant_context(organization):
        for question in final_response.template.questions.exclude(type="text"):
            data[f"q{question.pk}_share"] = "on"
    client.post(_url(final_response), data)
    with tenant_context(organization):
        assert Answer.objects.filter(response=final_response).exists()
        assert not Answer.objects.filter(shared_anonymously=True).exists()


def test_the_service_keeps_a_consent_only_for_a_free_text_answer(final_response, organization):
    with tenant_context(organization):
        questions = {question.type: question for question in final_response.template.questions.all()}
        services.submit_answers(
            response=final_response,
            answers=[
                (questions["text"], None, None, "Merci !", True),
                (questions["choice"], None, None, questions["choice"].choices[0], True),
                (questions["scale"], None, 4, "", True),
            ],
        )
        shared = Answer.objects.filter(shared_anonymously=True).values_list("question__type", flat=True)
        assert list(shared) == ["text"]


def test_no_model_form_or_admin_page_can_give_the_consent_for_the_respondent(organization):
    from django.forms import modelform_factory

    with tenant_context(organization):
        assert "shared_anonymously" not in modelform_factory(Answer, fields="__all__")().fields


def test_the_database_refuses_a_consent_without_a_comment(organization, final_response):
    from django.db import IntegrityError, transaction

    with tenant_context(organization):
        question = _comment_question(final_response)
        with pytest.raises(IntegrityError), transaction.atomic():
            Answer.objects.create(
                response=final_response, question=question, text="", shared_anonymously=True
            )
