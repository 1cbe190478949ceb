"""Impact figures over the goals, session logs and surveys of other apps.

Figures are hand-computed on conftest.py's programme (threshold: 2 people).
"""

import datetime

import pytest

from dashboards import impact, selectors
from dashboards.filters import DashboardFilters
from sessions.models import Goal, GoalProgress
from surveys.models import Answer, Question, SurveyResponse, SurveyTemplate

from .conftest import at


def filters_for(organization, **chosen):
    return DashboardFilters.default(organization, **chosen)


def test_the_dashboard_has_the_goal_and_survey_groups(organization, programme_data, in_organization):
    groups = impact.figures(filters=filters_for(organization), minimum=2)
    assert "goals" in groups
    assert "nps" in groups


# --- Goals ---------------------------------------------------------------------------------------------


def test_goal_progress_is_each_goal_s_latest_value_as_a_percentage(
    organization, programme_data, in_organization
):
    """A: a level goal at 2 then 4 (80 %) and a percentage goal at 30 %; B: a goal not started.
    Average over the started goals: (80 + 30) / 2 = 55 %."""
    pairs = programme_data["pairs"]
    level = Goal.objects.create(pair=pairs["a"], title="Use Teams", scale="level")
    GoalProgress.objects.create(goal=level, recorded_on=datetime.date(2026, 5, 1), value=2)
    GoalProgress.objects.create(goal=level, recorded_on=datetime.date(2026, 6, 1), value=4)
    percent = Goal.objects.create(pair=pairs["a"], title="Prompting", scale="percent")
    GoalProgress.objects.create(goal=percent, recorded_on=datetime.date(2026, 6, 1), value=30)
    Goal.objects.create(pair=pairs["b"], title="LinkedIn", scale="level")

    goals = impact.goal_progress(filters=filters_for(organization), minimum=2)
    figures = {name: figure.value for name, figure in goals["figures"].items()}
    assert (figures["goals"], figures["not_started"], figures["average"]) == (3, 1, 55)
    assert [count for _, count in goals["buckets"]] == [0, 1, 0, 1]

    earlier = impact.goal_progress(
        filters=filters_for(organization, end=datetime.date(2026, 5, 15)), minimum=2
    )
    assert earlier["figures"]["average"].value == 40  # only the level goal, then at 2 (40 %)


def test_goal_progress_of_a_single_pair_is_hidden(organization, programme_data, in_organization):
    Goal.objects.create(pair=programme_data["pairs"]["a"], title="Use Teams", scale="level")
    goals = impact.goal_progress(filters=filters_for(organization), minimum=3)
    assert goals["hidden"] and goals["figures"]["goals"].value is None
    assert all(count is None for _, count in goals["buckets"])


def test_the_average_usefulness_of_logged_sessions(organization, programme_data, in_organization):
    from sessions.models import Session

    Session.objects.filter(pair=programme_data["pairs"]["a"], starts_at=at(4, 10)).update(usefulness=5)
    Session.objects.filter(pair=programme_data["pairs"]["b"], starts_at=at(4, 12)).update(usefulness=2)
    _, _, usefulness = selectors.sessions_overview(filters=filters_for(organization), minimum=2)
    assert (usefulness["average"].value, usefulness["rated"].value) == (3.5, 2)


def test_usefulness_counts_only_the_people_of_rated_sessions(organization, programme_data, in_organization):
    """Pair A alone rated a session: 2 people, under a minimum of 3, though the period has more."""
    from sessions.models import Session

    Session.objects.filter(pair=programme_data["pairs"]["a"], starts_at=at(4, 10)).update(usefulness=5)
    _, totals, usefulness = selectors.sessions_overview(filters=filters_for(organization), minimum=3)
    assert totals["held"].shown
    assert usefulness["average"].hidden and usefulness["average"].value is None


def test_a_session_rated_1_or_2_puts_the_pair_at_risk(organization, programme_data, in_organization):
    from sessions.models import Session

    Session.objects.filter(pair=programme_data["pairs"]["a"], starts_at=at(6, 10)).update(usefulness=1)
    filters = filters_for(organization)
    at_risk = {
        pair.pk: pair for pair in selectors.pairs_at_risk(filters=filters, options=selectors.filter_options())
    }
    assert at_risk[programme_data["pairs"]["a"].pk].low_rating


# --- Surveys -------------------------------------------------------------------------------------------


@pytest.fixture
def surveys(organization, programme_data, in_organization):
    """Baseline, mid-programme and final surveys of the mentees e1 and e2, the mentor m1 and the mentee e3.

    Skills (1-5), baseline → latest: e1 IA 1 → 4 (final); e2 IA 2 → 3 (midpoint, no final); e3 IA 2 at
    baseline only; m1 IA 3 → 5. Practices (final): e1 and e2 "AI assistant", m1 "None yet". Satisfaction:
    e1 4, e2 5. Recommend: e1 10, e2 9, m1 6, e3 8. Sent: 4 baseline (3 answered), 3 final (all answered),
    1 midpoint (answered).
    """
    from programmes.models import Skill
    from surveys.services import record_skill_levels

    programme, people, pairs = programme_data["programme"], programme_data["people"], programme_data["pairs"]
    skill = Skill.objects.create(name="IA")
    templates, questions = {}, {}
    for moment in ("baseline", "midpoint", "final", "pulse"):
        for audience in ("mentee", "mentor"):
            template = SurveyTemplate.objects.create(
                programme=programme, moment=moment, audience=audience, title=moment
            )
            templates[moment, audience] = template
            for position, (kind, text) in enumerate(
                [
                    ("skills", "Skills"),
                    ("choice", "Practice"),
                    ("scale", "How satisfied are you?"),
                    ("recommend", "Recommend?"),
                    ("text", "Comments"),
                ],
                start=1,
            ):
                questions[moment, audience, kind] = Question.objects.create(
                    template=template,
                    position=position,
                    text=text,
                    type=kind,
                    choices=["AI assistant", "None yet"] if kind == "choice" else [],
                )
    counter = iter(range(1000))

    def respond(person, moment, answers, answered=True, pair=None):
        audience = person.role
        response = SurveyResponse.objects.create(
            template=templates[moment, audience],
            participant=person,
            pair=pair,
            key=f"k{next(counter)}",
            sent_at=at(5, 1),
            expires_at=at(7, 1),
            answered_at=at(5, 2) if answered else None,
        )
        for kind, value in answers.items():
            question = questions[moment, audience, kind]
            if kind == "skills":
                Answer.objects.create(response=response, question=question, skill=skill, number=value)
            elif kind in ("choice", "text"):
                Answer.objects.create(response=response, question=question, text=value)
            else:
                Answer.objects.create(response=response, question=question, number=value)
        if answered and "skills" in answers:
            # The answers are written as dated rows; the per-person progress follows them as it does
            # when a survey is answered through ``submit_answers``.
            record_skill_levels(response=response, levels={skill.pk: answers["skills"]})
        return response

    e1, e2, e3, m1, e4 = (people[key] for key in ("e1", "e2", "e3", "m1", "e4"))
    respond(e1, "baseline", {"skills": 1, "text": "Zorglub is my manager"})
    respond(e2, "baseline", {"skills": 2})
    respond(e3, "baseline", {"skills": 2})
    respond(m1, "baseline", {"skills": 3})
    respond(e4, "baseline", {}, answered=False)
    respond(e2, "midpoint", {"skills": 3})
    respond(e1, "final", {"skills": 4, "choice": "AI assistant", "scale": 4, "recommend": 10})
    respond(e2, "final", {"choice": "AI assistant", "scale": 5, "recommend": 9})
    respond(m1, "final", {"skills": 5, "choice": "None yet", "recommend": 6})
    respond(e3, "final", {"recommend": 8})
    return {"skill": skill, "respond": respond, "pairs": pairs, "people": people}


def test_skills_gained_compare_each_person_s_baseline_and_latest(organization, surveys):
    skills = impact.skills_gained(filters=filters_for(organization), minimum=2)
    assert skills["mentee"] == [
        {"skill": "IA", "people": 2, "hidden": False, "baseline": 1.5, "latest": 3.5, "gain": 2.0}
    ]
    assert skills["mentor"] == [
        {"skill": "IA", "people": 1, "hidden": True, "baseline": None, "latest": None, "gain": None}
    ]


def test_practices_adopted_as_shares_of_the_respondents(organization, surveys):
    practices = impact.practices_adopted(filters=filters_for(organization), minimum=2)
    assert practices["respondents"] == 3
    assert practices["choices"] == [
        {"label": "AI assistant", "people": 2, "share": 66.7},
        {"label": "None yet", "people": 1, "share": 33.3},
    ]
    assert impact.practices_adopted(filters=filters_for(organization), minimum=4)["hidden"]


def test_satisfaction_averages_each_scale_question(organization, surveys):
    assert impact.satisfaction(filters=filters_for(organization), minimum=2)[0] == [
        {"question": "How satisfied are you?", "people": 2, "hidden": False, "average": 4.5}
    ]


def test_the_net_promoter_score(organization, surveys):
    """10 and 9 promote, 6 detracts, 8 is passive: 50 % − 25 % = 25."""
    nps = impact.satisfaction(filters=filters_for(organization), minimum=2)[1]
    assert (nps["score"].value, nps["promoters"].value, nps["detractors"].value) == (25, 50.0, 25.0)
    assert impact.satisfaction(filters=filters_for(organization), minimum=5)[1]["score"].hidden


def test_response_rates_per_moment(organization, surveys):
    rates = {
        str(row["moment"]): row for row in impact.response_rates(filters=filters_for(organization), minimum=2)
    }
    baseline = next(row for moment, row in rates.items() if moment.startswith("Baseline"))
    final = next(row for moment, row in rates.items() if moment.startswith("Final"))
    assert (baseline["sent"], baseline["answered"], baseline["rate"]) == (5, 4, 80.0)
    assert (final["sent"], final["answered"], final["rate"]) == (4, 4, 100.0)


def test_no_free_text_answer_reaches_the_dashboard(client_for, executive, organization, surveys):
    body = client_for(executive).get(f"/o/{organization.slug}/dashboard/report/").content.decode()
    assert "How satisfied are you?" in body
    assert "Zorglub is my manager" not in body


def test_a_pulse_rated_2_puts_the_pair_at_risk(organization, surveys):
    pair_a = surveys["pairs"]["a"]
    surveys["respond"](pair_a.mentee, "pulse", {"scale": 2}, pair=pair_a)
    filters = filters_for(organization)
    at_risk = {
        pair.pk: pair for pair in selectors.pairs_at_risk(filters=filters, options=selectors.filter_options())
    }
    assert at_risk[pair_a.pk].low_rating


def test_hr_sees_the_surveys_waiting_for_an_answer(client_for, hr_admin, organization, surveys):
    response = client_for(hr_admin).get(f"/o/{organization.slug}/dashboard/operations/")
    assert [row["pending"] for row in response.context["pending_surveys"]] == [1]


def test_the_dashboard_with_every_impact_group_keeps_a_constant_query_count(
    client_for, executive, organization, surveys
):
    client = client_for(executive)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(f"/o/{organization.slug}/dashboard/")
    for person in ("e1", "e2", "m2", "e3"):
        surveys["respond"](surveys["people"][person], "midpoint", {"recommend": 7})
    with CaptureQueriesContext(connection) as second:
        client.get(f"/o/{organization.slug}/dashboard/")
    assert len(first) == len(second)


def test_practices_are_counted_by_their_french_option_and_read_in_the_readers_language(organization, surveys):
    from django.utils import translation

    from organizations.tenancy import tenant_context

    with tenant_context(organization):
        Question.objects.filter(type="choice").update(
            choices=["Assistant IA", "Rien"], choices_en=["AI assistant", "None yet"]
        )
        Answer.objects.filter(text="AI assistant").update(text="Assistant IA", option=1)
        Answer.objects.filter(text="None yet").update(text="Rien", option=2)
        for language, labels in (("en", ["AI assistant", "None yet"]), ("fr", ["Assistant IA", "Rien"])):
            with translation.override(language):
                practices = impact.practices_adopted(filters=filters_for(organization), minimum=2)
            assert [entry["label"] for entry in practices["choices"]] == labels
            assert [entry["people"] for entry in practices["choices"]] == [2, 1]
