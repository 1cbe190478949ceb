"""The mentor rates the mentee's level on the pair's skills: after the first sessions (in the pulse survey,
until answered once), halfway and at the end; kept on the mentee's skill progress as the mentor's rating."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from organizations.tenancy import tenant_context
from programmes.models import ParticipantSkill, Skill
from surveys import services
from surveys.models import Answer, Question, SkillProgress, SurveyTemplate
from surveys.tokens import response_token
from tests.factories import PairFactory, SessionFactory

Moment, Audience = SurveyTemplate.Moment, SurveyTemplate.Audience


@pytest.fixture
def pair(organization):
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        from surveys.defaults import ensure_default_templates

        ensure_default_templates(pair.programme, "en")
        for name, participant in (("Prompting", pair.mentor), ("Teams", pair.mentee)):
            skill = Skill.objects.create(name=name)
            ParticipantSkill.objects.create(participant=participant, skill=skill, level=2)
    return pair


def _send(pair, moment, key, session_id=None):
    template = SurveyTemplate.objects.get(programme=pair.programme, moment=moment, audience=Audience.MENTOR)
    return services.send_survey(
        template=template, participant=pair.mentor, key=key, pair=pair, session_id=session_id
    )


def _answers(client, response, level):
    """Every required answer, the mentee's skills at ``level``; returns the page's HTML."""
    page = client.get(f"/s/{response_token(response)}/")
    data = {"version": response.template.version}
    with tenant_context(response.organization):
        for question in response.template.current_questions:
            if question.type in Question.PER_SKILL:
                for skill in Skill.objects.all():
                    data[f"q{question.pk}_skill{skill.pk}"] = str(level)
            elif question.type == "choice":
                data[f"q{question.pk}"] = question.choices[0]
            elif question.type == "yes_no":
                data[f"q{question.pk}"] = "1"
            elif question.type != "text":
                data[f"q{question.pk}"] = "4"
    client.post(f"/s/{response_token(response)}/", data)
    return page.content.decode()


def test_the_first_pulse_asks_the_mentor_to_rate_the_mentee_and_the_next_does_not(client, organization, pair):
    with tenant_context(organization):
        first = _send(pair, Moment.PULSE, "pulse:1", SessionFactory(organization=organization, pair=pair).pk)
    page = _answers(client, first, 2)
    assert "After your first sessions: where is your mentee on each skill of your pair?" in page
    assert "Your mentee does not see your rating" in page
    with tenant_context(organization):
        progress = SkillProgress.objects.filter(participant=pair.mentee).order_by("skill__name")
        assert [(p.skill.name, p.mentor_baseline, p.baseline, p.audience) for p in progress] == [
            ("Prompting", 2, None, "mentee"),
            ("Teams", 2, None, "mentee"),
        ]
        assert not SkillProgress.objects.filter(participant=pair.mentor).exists()
        second = _send(pair, Moment.PULSE, "pulse:2", SessionFactory(organization=organization, pair=pair).pk)
    page = _answers(client, second, 5)
    assert "where is your mentee" not in page
    with tenant_context(organization):
        assert set(SkillProgress.objects.values_list("mentor_baseline", flat=True)) == {2}


def test_the_mentor_s_final_rating_is_kept_beside_the_mentee_s_own(client, organization, pair):
    with tenant_context(organization):
        final = _send(pair, Moment.FINAL, "final:mentor")
    page = _answers(client, final, 4)
    assert "At the end of your pair: where is your mentee now on each skill?" in page
    with tenant_context(organization):
        final.refresh_from_db()
        mentee_rows = SkillProgress.objects.filter(participant=pair.mentee)
        assert set(mentee_rows.values_list("mentor_final", "mentor_final_at")) == {(4, final.answered_at)}
        # The mentor's own levels stay theirs.
        assert set(SkillProgress.objects.filter(participant=pair.mentor).values_list("final", flat=True)) == {
            4
        }


def test_a_pulse_rating_given_later_does_not_move_the_starting_point(organization, pair):
    with tenant_context(organization):
        skill = Skill.objects.get(name="Teams")
        question = SurveyTemplate.objects.get(
            programme=pair.programme, moment=Moment.PULSE, audience=Audience.MENTOR
        ).current_questions.get(type=Question.Type.MENTEE_SKILLS)
        for index, level in enumerate((2, 5)):
            response = _send(pair, Moment.PULSE, f"pulse:{index}")
            services.submit_answers(response=response, answers=[(question, skill, level, "", False)])
        assert SkillProgress.objects.get(participant=pair.mentee, skill=skill).mentor_baseline == 2
        # Rebuilt from the answers, the read model says the same.
        services.rebuild_skill_progress()
        assert SkillProgress.objects.get(participant=pair.mentee, skill=skill).mentor_baseline == 2


def test_the_rebuild_keeps_who_rated(organization, pair):
    with tenant_context(organization):
        skill = Skill.objects.get(name="Teams")
        template = SurveyTemplate.objects.get(
            programme=pair.programme, moment=Moment.FINAL, audience=Audience.MENTOR
        )
        own = template.current_questions.get(type=Question.Type.SKILLS)
        mentee = template.current_questions.get(type=Question.Type.MENTEE_SKILLS)
        response = _send(pair, Moment.FINAL, "final:m")
        services.submit_answers(
            response=response, answers=[(own, skill, 5, "", False), (mentee, skill, 3, "", False)]
        )
        before = list(SkillProgress.objects.order_by("participant_id").values())
        services.rebuild_skill_progress()
        after = list(SkillProgress.objects.order_by("participant_id").values())
        assert sorted((row["participant_id"], row["final"], row["mentor_final"]) for row in after) == sorted(
            [(pair.mentor_id, 5, None), (pair.mentee_id, None, 3)]
        )
        assert [{**row, "id": None} for row in before] == [{**row, "id": None} for row in after]


def test_a_mentee_survey_cannot_ask_to_rate_a_mentee(organization, pair):
    with tenant_context(organization):
        template = SurveyTemplate.objects.get(
            programme=pair.programme, moment=Moment.FINAL, audience=Audience.MENTEE
        )
        with pytest.raises(ValidationError, match="Only a survey sent to mentors"):
            services.add_question(template=template, text="Rate your mentee", type="mentee_skills")
        mentor_template = SurveyTemplate.objects.get(
            programme=pair.programme, moment=Moment.BASELINE, audience=Audience.MENTOR
        )
        change = services.add_question(template=mentor_template, text="Your mentee", type="mentee_skills")
        assert change.question.type == Question.Type.MENTEE_SKILLS


def test_a_survey_about_no_pair_leaves_the_mentor_s_rating_out(client, organization, pair):
    """The baseline goes out at the programme's start, before the pairs: nothing to rate yet."""
    with tenant_context(organization):
        template = SurveyTemplate.objects.get(
            programme=pair.programme, moment=Moment.BASELINE, audience=Audience.MENTOR
        )
        services.add_question(template=template, text="Your mentee", type="mentee_skills")
        response = services.send_survey(template=template, participant=pair.mentor, key="baseline:m")
    page = client.get(f"/s/{response_token(response)}/").content.decode()
    assert "Your mentee" not in page
    with tenant_context(organization):
        assert not Answer.objects.exists()


def test_the_midpoint_survey_is_about_the_person_s_active_pair(organization, pair):
    from surveys.notifications import plan_surveys

    programme = pair.programme
    halfway = programme.start_date + (programme.end_date - programme.start_date) / 2
    moment = dt.datetime.combine(halfway, dt.time(10), tzinfo=dt.UTC) + dt.timedelta(days=1)
    with time_machine.travel(moment, tick=False), tenant_context(organization):
        plan_surveys(organization, moment)
        from surveys.models import SurveyResponse

        midpoint = SurveyResponse.objects.get(key=f"midpoint:participant:{pair.mentor_id}")
        assert midpoint.pair_id == pair.pk
