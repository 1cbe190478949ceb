"""The survey builder's operations, each type's validation and storage, and versions."""

import pytest
from django.core.exceptions import ValidationError

from programmes.models import ParticipantSkill, Skill
from surveys import selectors, services
from surveys.models import Answer, Question, SurveyResponse, SurveyTemplate, SurveyVersion
from tests.factories import PairFactory, ProgrammeFactory

Type = Question.Type


@pytest.fixture
def template(in_organization):
    programme = ProgrammeFactory(organization=in_organization)
    return SurveyTemplate.objects.create(
        programme=programme,
        moment=SurveyTemplate.Moment.FINAL,
        audience=SurveyTemplate.Audience.MENTEE,
        title="Votre progression",
        title_en="Your progress",
    )


def _add(template, text, type=Type.SCALE, **fields):
    return services.add_question(template=template, text=text, type=type, **fields).question


def _texts(template, version=None):
    return list(selectors.questions_of(template, version).values_list("text", flat=True))


@pytest.fixture
def answered(template, in_organization):
    """The template with three questions and one person's answers to them."""
    _add(template, "Satisfait ?", text_en="Satisfied?")
    _add(
        template, "Outil ?", Type.CHOICE, choices=["Teams", "Slack"], choices_en=["Teams (EN)", "Slack (EN)"]
    )
    _add(template, "Un commentaire ?", Type.TEXT, required=False)
    pair = PairFactory(organization=in_organization, programme=template.programme)
    response = services.send_survey(template=template, participant=pair.mentee, key="final:test", pair=pair)
    scale, choice, text = selectors.questions_of(template)
    services.submit_answers(
        response=response,
        answers=[
            (scale, None, 4, "", False),
            (choice, None, None, "Slack", False),
            (text, None, None, "Bien", True),
        ],
    )
    template.refresh_from_db()
    return template


# --- Operations on a version nobody answered: in place -------------------------------------------------


def test_a_new_template_starts_at_version_one_with_its_wording(template):
    version = SurveyVersion.objects.get(template=template)
    assert (version.number, version.title, version.title_en) == (1, "Votre progression", "Your progress")


def test_hr_edits_a_question_in_french_and_english_in_place_before_any_answer(template):
    question = _add(template, "Satisfait ?")
    change = services.update_question(
        question=question, text="Êtes-vous satisfait ?", text_en="Are you satisfied?", type=Type.SCALE
    )
    question.refresh_from_db()
    assert not change.new_version and change.template.version == 1
    assert (question.text, question.text_en, question.version) == (
        "Êtes-vous satisfait ?",
        "Are you satisfied?",
        1,
    )


def test_reordering_moves_a_question_one_place_and_stops_at_either_end(template):
    first, second, third = (_add(template, text) for text in ("A", "B", "C"))
    services.move_question(question=third, up=True)
    assert _texts(template) == ["A", "C", "B"]
    services.move_question(question=first, up=False)
    assert _texts(template) == ["C", "A", "B"]
    services.move_question(question=second, up=False)
    services.move_question(question=third, up=True)
    assert _texts(template) == ["C", "A", "B"]
    assert list(selectors.questions_of(template).values_list("position", flat=True)) == [1, 2, 3]


def test_deleting_a_question_closes_the_gap(template):
    _add(template, "A")
    middle = _add(template, "B")
    _add(template, "C")
    services.delete_question(question=middle)
    assert _texts(template) == ["A", "C"]
    assert list(selectors.questions_of(template).values_list("position", flat=True)) == [1, 2]


def test_duplicating_inserts_a_copy_right_after_with_its_own_identity(template):
    _add(template, "A")
    original = _add(
        template, "B", Type.CHOICE, choices=["x", "y"], choices_en=["x en", "y en"], required=False
    )
    _add(template, "C")
    copy = services.duplicate_question(question=original).question
    assert _texts(template) == ["A", "B", "B", "C"]
    assert (copy.choices, copy.choices_en, copy.required) == (["x", "y"], ["x en", "y en"], False)
    assert copy.identity != original.identity


def test_hr_changes_the_title_and_introduction_in_both_languages(template):
    services.update_template(
        template=template, title="Bilan", title_en="Review", introduction="Merci", introduction_en="Thanks"
    )
    template.refresh_from_db()
    version = template.versions.get()
    assert (template.title, template.title_en, template.introduction_en) == ("Bilan", "Review", "Thanks")
    assert (version.title, version.title_en, version.introduction) == ("Bilan", "Review", "Merci")


def test_choice_options_are_bilingual_and_each_reader_reads_theirs(template):
    question = _add(
        template,
        "Outil ?",
        Type.MULTIPLE,
        choices=["Réunions", "Messagerie"],
        choices_en=["Meetings", "Chat"],
    )
    assert question.options("en") == [("Réunions", "Meetings"), ("Messagerie", "Chat")]
    assert question.options("fr") == [("Réunions", "Réunions"), ("Messagerie", "Messagerie")]
    untranslated = _add(template, "Outil 2 ?", Type.CHOICE, choices=["Un", "Deux"])
    assert untranslated.options("en") == [("Un", "Un"), ("Deux", "Deux")]


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"text": "", "type": Type.SCALE}, "cannot be empty"),
        ({"text": "Deux\nlignes", "type": Type.SCALE}, "fit on one line"),
        ({"text": "Choix", "type": Type.CHOICE, "choices": ["Seul"]}, "at least two choices"),
        ({"text": "Choix", "type": Type.MULTIPLE, "choices": ["A", "A"]}, "different"),
        (
            {"text": "Choix", "type": Type.CHOICE, "choices": ["A", "B"], "choices_en": ["A"]},
            "as many choices",
        ),
        ({"text": "Quoi", "type": "slider"}, "type of question"),
    ],
)
def test_a_bad_question_is_refused_and_changes_nothing(template, fields, message):
    with pytest.raises(ValidationError, match=message):
        services.add_question(template=template, **fields)
    assert not template.questions.exists()


def test_options_are_dropped_from_a_question_that_is_not_a_choice(template):
    question = _add(template, "Note", Type.SCALE, choices=["a", "b"], choices_en=["c", "d"])
    assert (question.choices, question.choices_en) == ([], [])


# --- Each type: what an answer may be, and how it is stored -------------------------------------------


@pytest.fixture
def every_type(template, in_organization):
    questions = {
        kind: _add(template, kind, kind)
        for kind in (Type.SCALE, Type.RECOMMEND, Type.YES_NO, Type.TEXT, Type.SKILLS)
    }
    questions[Type.CHOICE] = _add(template, "choice", Type.CHOICE, choices=["A", "B", "C"])
    questions[Type.MULTIPLE] = _add(template, "multiple", Type.MULTIPLE, choices=["A", "B", "C"])
    pair = PairFactory(organization=in_organization, programme=template.programme)
    skill = Skill.objects.create(name="IA")
    ParticipantSkill.objects.create(participant=pair.mentee, skill=skill)
    response = services.send_survey(template=template, participant=pair.mentee, key="t:types", pair=pair)
    return questions, response, skill


def test_every_type_is_stored_in_a_shape_sql_can_aggregate(every_type):
    questions, response, skill = every_type
    services.submit_answers(
        response=response,
        answers=[
            (questions[Type.SCALE], None, 5, "", False),
            (questions[Type.RECOMMEND], None, 0, "", False),
            (questions[Type.YES_NO], None, 1, "", False),
            (questions[Type.TEXT], None, None, "Très utile", False),
            (questions[Type.SKILLS], skill, 3, "", False),
            (questions[Type.CHOICE], None, None, "B", False),
            (questions[Type.MULTIPLE], None, None, "A", False),
            (questions[Type.MULTIPLE], None, None, "C", False),
        ],
    )
    stored = {
        (answer.question.type, answer.option, answer.number, answer.text, answer.skill_id)
        for answer in Answer.objects.select_related("question")
    }
    assert stored == {
        (Type.SCALE, None, 5, "", None),
        (Type.RECOMMEND, None, 0, "", None),
        (Type.YES_NO, None, 1, "", None),
        (Type.TEXT, None, None, "Très utile", None),
        (Type.SKILLS, None, 3, "", skill.pk),
        (Type.CHOICE, 2, None, "B", None),
        (Type.MULTIPLE, 1, None, "A", None),
        (Type.MULTIPLE, 3, None, "C", None),
    }
    response.refresh_from_db()
    assert response.version == 1


@pytest.mark.parametrize(
    "kind,skill,number,text",
    [
        (Type.SCALE, False, 6, ""),
        (Type.SCALE, False, 0, ""),
        (Type.RECOMMEND, False, 11, ""),
        (Type.YES_NO, False, 2, ""),
        (Type.SKILLS, False, 3, ""),
        (Type.SKILLS, True, 6, ""),
        (Type.SCALE, True, 3, ""),
        (Type.CHOICE, False, None, "D"),
        (Type.MULTIPLE, False, None, "Z"),
        (Type.TEXT, False, 3, ""),
    ],
)
def test_an_answer_its_question_cannot_take_is_refused_and_nothing_is_stored(
    every_type, kind, skill, number, text
):
    questions, response, the_skill = every_type
    with pytest.raises(ValidationError, match="does not fit"):
        services.submit_answers(
            response=response, answers=[(questions[kind], the_skill if skill else None, number, text, False)]
        )
    response.refresh_from_db()
    assert response.answered_at is None and not Answer.objects.exists()


# --- Versions --------------------------------------------------------------------------------------------


def test_an_edit_after_answers_creates_a_new_version_and_the_old_one_stays_as_asked(answered):
    scale = selectors.questions_of(answered).first()
    change = services.update_question(
        question=scale, text="Très satisfait ?", text_en="Very satisfied?", type=Type.SCALE
    )
    assert change.new_version and change.template.version == 2
    assert _texts(answered, 1) == ["Satisfait ?", "Outil ?", "Un commentaire ?"]
    assert _texts(answered, 2) == ["Très satisfait ?", "Outil ?", "Un commentaire ?"]
    assert list(answered.versions.values_list("number", flat=True)) == [2, 1]


def test_answers_stay_tied_to_the_wording_that_was_asked(answered):
    for question in list(selectors.questions_of(answered)):
        services.update_question(
            question=question,
            text=f"{question.text} (v2)",
            type=question.type,
            choices=["Un", "Deux"] if question.type == Type.CHOICE else None,
        )
    services.update_template(template=answered, title="Nouveau titre")
    answered.refresh_from_db()
    assert answered.version == 2  # several edits, one new version: the second has no answers yet
    asked = {
        (answer.question.text, answer.question.version, answer.text or answer.number)
        for answer in Answer.objects.select_related("question")
    }
    assert asked == {("Satisfait ?", 1, 4), ("Outil ?", 1, "Slack"), ("Un commentaire ?", 1, "Bien")}
    assert answered.versions.get(number=1).title == "Votre progression"
    assert SurveyResponse.objects.get().version == 1


@pytest.mark.parametrize("operation", ["move", "delete", "duplicate", "add", "required"])
def test_every_operation_after_answers_leaves_the_answered_version_untouched(answered, operation):
    before = list(selectors.questions_of(answered, 1).values_list("pk", "text", "position", "required"))
    first = selectors.questions_of(answered).last()
    if operation == "move":
        services.move_question(question=first, up=True)
    elif operation == "delete":
        services.delete_question(question=first)
    elif operation == "duplicate":
        services.duplicate_question(question=first)
    elif operation == "add":
        services.add_question(template=answered, text="Nouvelle", type=Type.SCALE)
    else:
        services.update_question(question=first, text=first.text, type=first.type, required=True)
    answered.refresh_from_db()
    assert answered.version == 2
    assert (
        list(selectors.questions_of(answered, 1).values_list("pk", "text", "position", "required")) == before
    )


def test_an_edit_that_changes_nothing_creates_no_version(answered):
    question = selectors.questions_of(answered).first()
    services.update_question(
        question=question, text=question.text, text_en=question.text_en, type=question.type
    )
    services.update_template(template=answered, title=answered.title, title_en=answered.title_en)
    answered.refresh_from_db()
    assert answered.version == 1


def test_surveys_answered_after_an_edit_use_the_new_version(answered, in_organization):
    services.add_question(template=answered, text="Nouvelle", type=Type.SCALE, required=False)
    answered.refresh_from_db()
    pair = PairFactory(organization=in_organization, programme=answered.programme)
    response = services.send_survey(template=answered, participant=pair.mentee, key="final:later", pair=pair)
    questions = list(selectors.questions_of(answered))
    services.submit_answers(response=response, answers=[(questions[0], None, 5, "", False)])
    response.refresh_from_db()
    assert response.version == 2
    assert Answer.objects.get(response=response).question.version == 2


def test_answers_mixing_two_versions_are_refused(answered, in_organization):
    services.add_question(template=answered, text="Nouvelle", type=Type.SCALE)
    pair = PairFactory(organization=in_organization, programme=answered.programme)
    response = services.send_survey(template=answered, participant=pair.mentee, key="final:mixed", pair=pair)
    old, new = selectors.questions_of(answered, 1).first(), selectors.questions_of(answered, 2).first()
    with pytest.raises(ValidationError, match="not those of this survey"):
        services.submit_answers(
            response=response, answers=[(old, None, 4, "", False), (new, None, 4, "", False)]
        )


def test_a_question_keeps_its_identity_while_its_wording_and_type_stay(answered):
    scale, choice, text = selectors.questions_of(answered)
    services.update_question(
        question=scale, text="Satisfait ?", text_en="Satisfied?", type=Type.SCALE, required=False
    )
    services.update_question(question=choice, text="Outil ?", type=Type.CHOICE, choices=["Teams", "Zoom"])
    services.update_question(question=text, text="Un commentaire ?", type=Type.SCALE)
    answered.refresh_from_db()
    new_scale, new_choice, new_text = selectors.questions_of(answered)
    assert new_scale.identity == scale.identity  # "required" is not wording
    assert new_choice.identity != choice.identity  # an option changed
    assert new_text.identity != text.identity  # the type changed


def test_the_comparable_questions_of_a_question_are_the_identical_ones_of_other_versions(answered):
    scale, choice, _text = selectors.questions_of(answered)
    services.update_question(
        question=choice, text="Outil préféré ?", type=Type.CHOICE, choices=["Teams", "Slack"]
    )
    answered.refresh_from_db()
    v2_scale, v2_choice, _v2_text = selectors.questions_of(answered)
    assert list(selectors.comparable_questions(scale)) == [v2_scale]
    assert list(selectors.comparable_questions(v2_scale)) == [scale]
    assert list(selectors.comparable_questions(choice)) == []
    assert list(selectors.comparable_questions(v2_choice)) == []


def test_an_earlier_versions_question_is_edited_through_its_current_copy(answered):
    old = selectors.questions_of(answered).first()
    services.add_question(template=answered, text="Nouvelle", type=Type.SCALE)
    change = services.update_question(question=old, text="Encore satisfait ?", type=Type.SCALE)
    assert change.question.version == 2 and not change.new_version
    old.refresh_from_db()
    assert old.text == "Satisfait ?"


def test_the_versions_list_counts_the_answers_of_each(answered, django_assert_num_queries):
    services.add_question(template=answered, text="Nouvelle", type=Type.SCALE)
    with django_assert_num_queries(1):
        versions = [
            (v.number, v.question_count, v.answered) for v in selectors.versions_with_counts(answered)
        ]
    assert versions == [(2, 4, 0), (1, 3, 1)]
