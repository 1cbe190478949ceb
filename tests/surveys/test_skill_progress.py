"""Each person's skill levels per moment, kept in step with the answers the dashboard would otherwise scan."""

import datetime as dt

import pytest
import time_machine

from dashboards import impact
from dashboards.filters import DashboardFilters
from organizations.tenancy import tenant_context
from programmes.models import Skill
from surveys import services
from surveys.defaults import ensure_default_templates
from surveys.models import Answer, SkillProgress, SurveyTemplate
from tests.factories import PairFactory

Moment, Audience = SurveyTemplate.Moment, SurveyTemplate.Audience
PARIS = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture
def mentee_surveys(organization):
    """A mentee's baseline, mid-programme and final surveys, sent, with two skills to assess."""
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        ensure_default_templates(pair.programme, "en")
        skills = [Skill.objects.create(name=name) for name in ("Prompting", "Teams")]
        sent = {}
        with time_machine.travel(dt.datetime(2026, 1, 5, 9, tzinfo=PARIS), tick=False):
            for moment in (Moment.BASELINE, Moment.MIDPOINT, Moment.FINAL, Moment.PULSE):
                template = SurveyTemplate.objects.get(
                    programme=pair.programme, moment=moment, audience=Audience.MENTEE
                )
                sent[moment] = services.send_survey(
                    template=template, participant=pair.mentee, key=f"{moment}:test", pair=pair
                )
    return {"pair": pair, "skills": skills, "sent": sent}


def answer(organization, response, levels, when):
    """Answer ``response`` through the service at ``when``: {skill: level}."""
    with tenant_context(organization), time_machine.travel(when, tick=False):
        question = response.template.questions.get(type="skills")
        services.submit_answers(
            response=response,
            answers=[(question, skill, level, "", False) for skill, level in levels.items()],
        )


def progress_of(organization):
    with tenant_context(organization):
        return {
            row.skill.name: (row.audience, row.baseline, row.midpoint, row.final)
            for row in SkillProgress.objects.select_related("skill")
        }


def test_answering_a_survey_records_each_skill_level_at_its_moment(organization, mentee_surveys):
    prompting, teams = mentee_surveys["skills"]
    sent = mentee_surveys["sent"]
    answer(
        organization, sent[Moment.BASELINE], {prompting: 1, teams: 2}, dt.datetime(2026, 1, 6, tzinfo=PARIS)
    )
    answer(organization, sent[Moment.FINAL], {prompting: 4}, dt.datetime(2026, 1, 20, tzinfo=PARIS))
    assert progress_of(organization) == {
        "Prompting": ("mentee", 1, None, 4),
        "Teams": ("mentee", 2, None, None),
    }
    with tenant_context(organization):
        row = SkillProgress.objects.get(skill=prompting)
    assert row.baseline_at == dt.datetime(2026, 1, 6, tzinfo=PARIS)
    assert row.final_at == dt.datetime(2026, 1, 20, tzinfo=PARIS)


def test_a_pulse_survey_does_not_count_as_a_skill_assessment(organization, mentee_surveys):
    prompting, _ = mentee_surveys["skills"]
    response = mentee_surveys["sent"][Moment.PULSE]
    with tenant_context(organization):
        response.answered_at = dt.datetime(2026, 1, 6, tzinfo=PARIS)
        services.record_skill_levels(response=response, levels={prompting.pk: 5})
    assert progress_of(organization) == {}


def test_a_rebuild_from_the_answers_gives_what_answering_gave(organization, mentee_surveys):
    prompting, teams = mentee_surveys["skills"]
    sent = mentee_surveys["sent"]
    answer(
        organization, sent[Moment.BASELINE], {prompting: 1, teams: 2}, dt.datetime(2026, 1, 6, tzinfo=PARIS)
    )
    answer(organization, sent[Moment.MIDPOINT], {teams: 3}, dt.datetime(2026, 1, 12, tzinfo=PARIS))
    answered_one_by_one = progress_of(organization)
    with tenant_context(organization):
        SkillProgress.objects.all().delete()
        services.rebuild_skill_progress()
    assert progress_of(organization) == answered_one_by_one


def test_a_rebuild_leaves_other_organisations_alone(organization, other_organization, mentee_surveys):
    prompting, _ = mentee_surveys["skills"]
    answer(
        organization,
        mentee_surveys["sent"][Moment.BASELINE],
        {prompting: 3},
        dt.datetime(2026, 1, 6, tzinfo=PARIS),
    )
    with tenant_context(other_organization):
        services.rebuild_skill_progress()
        assert not SkillProgress.objects.exists()
    assert progress_of(organization) == {"Prompting": ("mentee", 3, None, None)}


def test_the_skills_figure_as_of_a_date_uses_the_levels_given_by_then(organization, mentee_surveys):
    """Baseline on 6 January, mid-programme on the 12th, final on the 20th: a period ending on the 15th
    compares the baseline with the mid-programme level; one ending on the 10th has no later level yet."""
    prompting, _ = mentee_surveys["skills"]
    sent = mentee_surveys["sent"]
    answer(organization, sent[Moment.BASELINE], {prompting: 1}, dt.datetime(2026, 1, 6, tzinfo=PARIS))
    answer(organization, sent[Moment.MIDPOINT], {prompting: 3}, dt.datetime(2026, 1, 12, tzinfo=PARIS))
    answer(organization, sent[Moment.FINAL], {prompting: 5}, dt.datetime(2026, 1, 20, tzinfo=PARIS))

    def latest_level(end):
        filters = DashboardFilters.default(
            organization, start=dt.date(2026, 1, 1), end=end, now=dt.datetime(2026, 2, 1, tzinfo=PARIS)
        )
        with tenant_context(organization):
            skills = impact.skills_gained(filters=filters, minimum=1)["mentee"]
        return [(row["skill"], row["baseline"], row["latest"]) for row in skills]

    assert latest_level(dt.date(2026, 1, 31)) == [("Prompting", 1.0, 5.0)]
    assert latest_level(dt.date(2026, 1, 15)) == [("Prompting", 1.0, 3.0)]
    assert latest_level(dt.date(2026, 1, 10)) == []


def test_the_answers_stay_the_source(organization, mentee_surveys):
    """The progress rows copy the answers: the same levels, not a second opinion."""
    prompting, teams = mentee_surveys["skills"]
    answer(
        organization,
        mentee_surveys["sent"][Moment.BASELINE],
        {prompting: 2, teams: 4},
        dt.datetime(2026, 1, 6, tzinfo=PARIS),
    )
    with tenant_context(organization):
        answers = dict(Answer.objects.filter(skill__isnull=False).values_list("skill__name", "number"))
    assert {name: levels[1] for name, levels in progress_of(organization).items()} == answers


def test_the_skills_figure_reads_only_its_own_organisation(organization, other_organization, mentee_surveys):
    prompting, _ = mentee_surveys["skills"]
    sent = mentee_surveys["sent"]
    answer(organization, sent[Moment.BASELINE], {prompting: 1}, dt.datetime(2026, 1, 6, tzinfo=PARIS))
    answer(organization, sent[Moment.FINAL], {prompting: 5}, dt.datetime(2026, 1, 20, tzinfo=PARIS))
    filters = DashboardFilters.default(
        other_organization,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 1, 31),
        now=dt.datetime(2026, 2, 1, tzinfo=PARIS),
    )
    with tenant_context(other_organization):
        assert impact.skills_gained(filters=filters, minimum=1) == {"mentee": [], "mentor": []}
