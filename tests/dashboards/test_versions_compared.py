"""Figures over the answers of several versions of a survey compare only identical questions.

The mentors' final survey is answered in version 1 by two mentors (satisfied 5, recommend 10, practice
"None yet"). HR then rewords the recommendation and the practices questions and leaves the satisfaction
question as it was: version 2, answered by three mentors (satisfied 3, recommend 0, a new practice).

- satisfaction, unchanged: one question over both versions, (2 × 5 + 3 × 3) / 5 = 3.8;
- recommendation, reworded: version 2's own score, −100 (three detractors), and not −20, which adding the
  two wordings together would give (40 % promoters, 60 % detractors);
- practices, reworded: version 2's question and options only, over its three respondents.
"""

import pytest

from dashboards import impact
from dashboards.filters import DashboardFilters
from organizations.tenancy import tenant_context
from surveys import selectors, services
from surveys.models import Question, SurveyTemplate
from tests.factories import PairFactory, SessionFactory, default_templates

Moment, Audience, Type = SurveyTemplate.Moment, SurveyTemplate.Audience, Question.Type


def _question(template, kind):
    return next(q for q in selectors.questions_of(template) if q.type == kind)


def _answer(template, pair, numbers, practice, key, session_id=None):
    template.refresh_from_db()
    response = services.send_survey(
        template=template, participant=pair.mentor, key=key, pair=pair, session_id=session_id
    )
    answers = [(_question(template, kind), None, number, "", False) for kind, number in numbers.items()]
    if practice is not None:
        choice = _question(template, Type.CHOICE)
        # An answer stores the French option: by its number among the question's options.
        answers.append((choice, None, None, choice.choices[practice], False))
    services.submit_answers(response=response, answers=answers)


@pytest.fixture
def two_versions(organization):
    programme, templates = default_templates(organization)
    template = templates[(Moment.FINAL, Audience.MENTOR)]
    with tenant_context(organization):
        pairs = [PairFactory(organization=organization, programme=programme) for _ in range(5)]
        for number, pair in enumerate(pairs[:2]):
            _answer(template, pair, {Type.SCALE: 5, Type.RECOMMEND: 10}, -1, f"v1:{number}")
        template.refresh_from_db()
        services.update_question(
            question=_question(template, Type.RECOMMEND),
            text="Recommanderiez-vous votre mentor ?",
            text_en="Would you recommend your mentee?",
            type=Type.RECOMMEND,
        )
        choice = _question(template, Type.CHOICE)
        services.update_question(
            question=choice,
            text="Quelle pratique avez-vous essayée ?",
            text_en="Which practice have you tried?",
            type=Type.CHOICE,
            choices=["Un outil", "Rien"],
            choices_en=["A tool", "Nothing"],
        )
        template.refresh_from_db()
        assert template.version == 2
        for number, pair in enumerate(pairs[2:]):
            _answer(template, pair, {Type.SCALE: 3, Type.RECOMMEND: 0}, 0, f"v2:{number}")
    return template


def _figures(organization):
    with tenant_context(organization):
        filters = DashboardFilters.default(organization)
        scales, nps = impact.satisfaction(filters=filters, minimum=2)
        practices = impact.practices_adopted(filters=filters, minimum=2)
    return scales, nps, practices


def test_an_unchanged_question_is_one_figure_over_both_versions(organization, two_versions):
    scales, _nps, _practices = _figures(organization)
    satisfied = [row for row in scales if row["question"].startswith("How satisfied")]
    assert [(row["people"], row["average"]) for row in satisfied] == [(5, 3.8)]


def test_a_reworded_recommendation_question_is_never_added_to_the_earlier_wording(organization, two_versions):
    _scales, nps, _practices = _figures(organization)
    assert nps["score"].value == -100
    assert nps["answers"].value == 3
    assert nps["question"] == "Would you recommend your mentee?"


def test_a_reworded_practices_question_counts_its_own_options_only(organization, two_versions):
    _scales, _nps, practices = _figures(organization)
    assert practices["question"] == "Which practice have you tried?"
    assert practices["respondents"] == 3
    assert [(row["label"], row["people"], row["share"]) for row in practices["choices"]] == [
        ("A tool", 3, 100.0)
    ]


def test_the_same_practices_question_in_two_versions_is_counted_together(organization):
    programme, templates = default_templates(organization)
    template = templates[(Moment.FINAL, Audience.MENTOR)]
    with tenant_context(organization):
        pairs = [PairFactory(organization=organization, programme=programme) for _ in range(3)]
        _answer(template, pairs[0], {}, -1, "v1")
        # Only the satisfaction question is reworded: the practices question keeps its identity.
        services.update_question(
            question=_question(template, Type.SCALE),
            text="Satisfait ?",
            text_en="Satisfied?",
            type=Type.SCALE,
        )
        template.refresh_from_db()
        assert template.version == 2
        for number, pair in enumerate(pairs[1:]):
            _answer(template, pair, {}, -1, f"v2:{number}")
        practices = impact.practices_adopted(filters=DashboardFilters.default(organization), minimum=2)
    assert practices["respondents"] == 3
    assert [(row["label"], row["people"]) for row in practices["choices"]] == [("None yet", 3)]


def _pulse(organization, template, pair, rating, number):
    session = SessionFactory(organization=organization, pair=pair, held=True)
    _answer_pulse(template, pair, rating, f"pulse:{pair.pk}:{number}", session.pk)


def _answer_pulse(template, pair, rating, key, session_id):
    template.refresh_from_db()
    response = services.send_survey(
        template=template, participant=pair.mentor, key=key, pair=pair, session_id=session_id
    )
    services.submit_answers(
        response=response, answers=[(_question(template, Type.SCALE), None, rating, "", False)]
    )


def test_a_lower_rating_is_declining_only_against_the_same_pulse_question(organization):
    programme, templates = default_templates(organization)
    template = templates[(Moment.PULSE, Audience.MENTOR)]
    with tenant_context(organization):
        steady, reworded = (PairFactory(organization=organization, programme=programme) for _ in range(2))
        _pulse(organization, template, steady, 4, 1)
        _pulse(organization, template, reworded, 4, 1)
        _pulse(organization, template, steady, 2, 2)
        assert {pair.pk for pair in selectors.pairs_with_declining_ratings()} == {steady.pk}
        services.update_question(
            question=_question(template, Type.SCALE),
            text="Cette séance vous a-t-elle plu ?",
            text_en="Did you enjoy this session?",
            type=Type.SCALE,
        )
        # Rated 2 on another question: not a decline from the 4 given to the first wording.
        _pulse(organization, template, reworded, 2, 2)
        assert {pair.pk for pair in selectors.pairs_with_declining_ratings()} == {steady.pk}
