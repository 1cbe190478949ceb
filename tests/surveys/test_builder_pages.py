"""The survey builder's pages: who may use them, what they do, what a respondent sees in a preview."""

import pytest

from organizations.tenancy import tenant_context
from surveys import selectors, services
from surveys.models import Answer, Question, SurveyResponse, SurveyTemplate
from tests.factories import PairFactory, default_templates

Moment, Audience, Type = SurveyTemplate.Moment, SurveyTemplate.Audience, Question.Type


@pytest.fixture
def template(organization):
    _programme, templates = default_templates(organization)
    return templates[(Moment.FINAL, Audience.MENTOR)]


def _questions(organization, template, version=None):
    with tenant_context(organization):
        template.refresh_from_db()
        return list(selectors.questions_of(template, version))


def _answer(organization, template):
    """One mentor answers the current version's 1-5 questions."""
    with tenant_context(organization):
        pair = PairFactory(organization=organization, programme=template.programme)
        response = services.send_survey(
            template=template, participant=pair.mentor, key=f"k:{pair.pk}", pair=pair
        )
        scales = [q for q in selectors.questions_of(template) if q.type == Type.SCALE]
        services.submit_answers(response=response, answers=[(q, None, 4, "", False) for q in scales])
        return response


def _pages(template, question):
    base = f"/o/acme/surveys/{template.pk}"
    return {
        "builder": (f"{base}/", "get"),
        "edit": (f"{base}/edit/", "get"),
        "preview": (f"{base}/preview/", "get"),
        "question": (f"{base}/questions/{question.pk}/", "get"),
        "delete": (f"{base}/questions/{question.pk}/delete/", "get"),
        "move": (f"{base}/questions/{question.pk}/move/", "post"),
        "duplicate": (f"{base}/questions/{question.pk}/duplicate/", "post"),
    }


def test_hr_opens_every_builder_page(client_for, organization, hr_admin, template):
    client = client_for(hr_admin)
    for name, (url, method) in _pages(template, _questions(organization, template)[1]).items():
        response = getattr(client, method)(url)
        assert response.status_code == (302 if method == "post" else 200), name


@pytest.mark.parametrize("persona", ["executive", "mentor_user", "mentee_user"])
def test_other_roles_are_refused_every_builder_page_and_nothing_changes(
    request, client_for, organization, template, persona
):
    client = client_for(request.getfixturevalue(persona))
    before = [(q.pk, q.position) for q in _questions(organization, template)]
    for name, (url, method) in _pages(template, _questions(organization, template)[1]).items():
        assert getattr(client, method)(url).status_code == 403, name
    assert [(q.pk, q.position) for q in _questions(organization, template)] == before


def test_another_organisations_survey_and_questions_are_404(
    client_for, organization, other_organization, hr_admin
):
    _programme, templates = default_templates(other_organization)
    foreign = templates[(Moment.FINAL, Audience.MENTOR)]
    client = client_for(hr_admin)
    for name, (url, method) in _pages(foreign, _questions(other_organization, foreign)[0]).items():
        assert getattr(client, method)(url).status_code == 404, name
    own = default_templates(organization)[1][(Moment.FINAL, Audience.MENTOR)]
    foreign_question = _questions(other_organization, foreign)[0]
    # Acme's survey with Globex's question in the URL: 404 too.
    assert client.get(f"/o/acme/surveys/{own.pk}/questions/{foreign_question.pk}/").status_code == 404
    assert client.post(f"/o/acme/surveys/{own.pk}/questions/{foreign_question.pk}/delete/").status_code == 404


def test_hr_edits_a_question_in_both_languages(client_for, organization, hr_admin, template):
    question = _questions(organization, template)[2]
    response = client_for(hr_admin).post(
        f"/o/acme/surveys/{template.pk}/questions/{question.pk}/",
        {"text": "Êtes-vous satisfait ?", "text_en": "Are you satisfied?", "type": "scale", "required": "on"},
    )
    assert response.status_code == 302
    question = _questions(organization, template)[2]
    assert (question.text, question.text_en, question.version) == (
        "Êtes-vous satisfait ?",
        "Are you satisfied?",
        1,
    )


def test_a_bad_edit_re_renders_the_form_with_its_message_and_changes_nothing(
    client_for, organization, hr_admin, template
):
    question = _questions(organization, template)[1]
    page = client_for(hr_admin).post(
        f"/o/acme/surveys/{template.pk}/questions/{question.pk}/",
        {"text": question.text, "type": "choice", "choices": "A\nB", "choices_en": "A"},
    )
    assert page.status_code == 200 and b"as many choices in English" in page.content
    assert _questions(organization, template)[1].choices == question.choices


def test_hr_reorders_with_up_and_down_buttons(client_for, organization, hr_admin, template):
    first, second = _questions(organization, template)[:2]
    client = client_for(hr_admin)
    client.post(f"/o/acme/surveys/{template.pk}/questions/{second.pk}/move/", {"direction": "up"})
    assert [q.pk for q in _questions(organization, template)[:2]] == [second.pk, first.pk]
    client.post(f"/o/acme/surveys/{template.pk}/questions/{second.pk}/move/", {"direction": "down"})
    assert [q.pk for q in _questions(organization, template)[:2]] == [first.pk, second.pk]
    page = client.get(f"/o/acme/surveys/{template.pk}/")
    assert b'name="direction" value="up"' in page.content and b'name="direction" value="down"' in page.content


def test_hr_duplicates_and_deletes_after_confirming(client_for, organization, hr_admin, template):
    client = client_for(hr_admin)
    count = len(_questions(organization, template))
    question = _questions(organization, template)[0]
    client.post(f"/o/acme/surveys/{template.pk}/questions/{question.pk}/duplicate/")
    assert len(_questions(organization, template)) == count + 1
    confirm = client.get(f"/o/acme/surveys/{template.pk}/questions/{question.pk}/delete/")
    assert b"Delete this question?" in confirm.content
    assert len(_questions(organization, template)) == count + 1
    client.post(f"/o/acme/surveys/{template.pk}/questions/{question.pk}/delete/")
    assert len(_questions(organization, template)) == count


def test_a_get_does_not_move_or_duplicate(client_for, organization, hr_admin, template):
    question = _questions(organization, template)[1]
    client = client_for(hr_admin)
    for action in ("move", "duplicate"):
        assert (
            client.get(f"/o/acme/surveys/{template.pk}/questions/{question.pk}/{action}/").status_code == 405
        )
    assert _questions(organization, template)[1].pk == question.pk


def test_hr_changes_the_title_in_french_and_english(client_for, organization, hr_admin, template):
    client_for(hr_admin).post(
        f"/o/acme/surveys/{template.pk}/edit/", {"title": "Bilan final", "title_en": "Final review"}
    )
    with tenant_context(organization):
        template.refresh_from_db()
    assert (template.title, template.title_en) == ("Bilan final", "Final review")


def test_an_edit_after_answers_says_a_new_version_started_and_the_versions_show_their_answers(
    client_for, organization, hr_admin, template
):
    _answer(organization, template)
    question = _questions(organization, template)[2]
    client = client_for(hr_admin)
    response = client.post(
        f"/o/acme/surveys/{template.pk}/questions/{question.pk}/",
        {"text": "Êtes-vous très satisfait ?", "type": "scale", "required": "on"},
        follow=True,
    )
    assert b"Version 2 of the survey started" in response.content
    assert b'data-answered="1">1<' in response.content and b'data-answered="2">0<' in response.content
    with tenant_context(organization):
        assert selectors.questions_of(template, 1)[2].text == question.text
    old = client.get(f"/o/acme/surveys/{template.pk}/?version=1")
    assert b"can no longer change" in old.content
    assert f"/questions/{question.pk}/".encode() not in old.content  # no edit button on the old version
    edit_old = client.get(f"/o/acme/surveys/{template.pk}/questions/{question.pk}/", follow=True)
    assert b"belongs to an earlier version" in edit_old.content


def test_the_preview_shows_the_survey_in_either_language_and_records_nothing(
    client_for, organization, hr_admin, template
):
    client = client_for(hr_admin)
    url = f"/o/acme/surveys/{template.pk}/preview/"
    questions = _questions(organization, template)
    english = client.get(url + "?language=en")
    french = client.get(url + "?language=fr")
    assert questions[2].text_en.encode() in english.content
    assert "Êtes-vous".encode() in french.content or questions[2].text.encode() in french.content
    assert b"<fieldset" in english.content and b"<legend" in english.content
    data = {"version": template.version}
    for question in questions:
        if question.type in (Type.SCALE, Type.RECOMMEND):
            data[f"q{question.pk}"] = "4"
        elif question.type == Type.YES_NO:
            data[f"q{question.pk}"] = "1"
        elif question.type == Type.CHOICE:
            data[f"q{question.pk}"] = question.choices[0]
    checked = client.post(url + "?language=en", data)
    assert checked.status_code == 200 and b"They were not recorded" in checked.content
    with tenant_context(organization):
        assert not Answer.objects.exists() and not SurveyResponse.objects.exists()
    incomplete = client.post(url, {"version": template.version})
    assert b"This field is required" in incomplete.content or b"obligatoire" in incomplete.content


def test_the_builder_page_runs_a_fixed_number_of_queries(
    client_for, organization, hr_admin, template, django_assert_num_queries
):
    client = client_for(hr_admin)
    url = f"/o/acme/surveys/{template.pk}/"
    client.get(url)
    with django_assert_num_queries(6):
        client.get(url)
    _answer(organization, template)
    with tenant_context(organization):
        for question in list(selectors.questions_of(template))[:3]:
            services.duplicate_question(question=question)
        services.add_question(template=template, text="Outils ?", type=Type.MULTIPLE, choices=["A", "B", "C"])
    with django_assert_num_queries(6):
        client.get(url)
    with django_assert_num_queries(6):
        client.get(url + "?version=1")


def test_answers_sent_to_a_version_the_survey_no_longer_asks_are_not_stored(client, organization, template):
    from surveys.tokens import response_token

    _answer(organization, template)
    with tenant_context(organization):
        pair = PairFactory(organization=organization, programme=template.programme)
        waiting = services.send_survey(template=template, participant=pair.mentor, key="k:waiting", pair=pair)
        services.add_question(template=template, text="Nouvelle ?", type=Type.SCALE, required=False)
    old = _questions(organization, template, 1)
    data = {"version": 1, **{f"q{q.pk}": "4" for q in old if q.type == Type.SCALE}}
    page = client.post(f"/s/{response_token(waiting)}/", data)
    assert page.status_code == 200 and b"The survey changed while you were answering it" in page.content
    assert b"Nouvelle" in page.content
    with tenant_context(organization):
        waiting.refresh_from_db()
        assert waiting.answered_at is None and not Answer.objects.filter(response=waiting).exists()
