"""HR's response rates and aggregated results; never per person, never for executives."""

import itertools

from django.utils import timezone

from organizations.tenancy import tenant_context
from surveys.models import Answer, SurveyTemplate
from tests.factories import ParticipantFactory, default_templates
from tests.isolation import FOREIGN_MARKER

Moment, Audience = SurveyTemplate.Moment, SurveyTemplate.Audience
_keys = itertools.count()


def _send(organization, template, n, answered, text=None):
    from surveys.services import send_survey

    responses = []
    with tenant_context(organization):
        for index in range(n):
            participant = ParticipantFactory(organization=organization, programme=template.programme)
            response = send_survey(template=template, participant=participant, key=f"t:{next(_keys)}")
            if index < answered:
                question = template.questions.first()
                Answer.objects.create(response=response, question=question, number=4, text=text or "")
                response.answered_at = timezone.now()
                response.save()
            responses.append(response)
    return responses


def test_hr_sees_the_response_rate_of_each_survey(client_for, organization, hr_admin):
    _programme, templates = default_templates(organization)
    _send(organization, templates[(Moment.PULSE, Audience.MENTEE)], 4, answered=1)
    response = client_for(hr_admin).get("/o/acme/surveys/")
    assert response.status_code == 200
    assert b"25%" in response.content


def test_executives_and_participants_may_not_see_survey_results(
    client_for, organization, executive, mentee_user
):
    _programme, templates = default_templates(organization)
    template = templates[(Moment.FINAL, Audience.MENTEE)]
    for user in (executive, mentee_user):
        assert client_for(user).get("/o/acme/surveys/").status_code == 403
        assert client_for(user).get(f"/o/acme/surveys/{template.pk}/").status_code == 403


def test_another_organisations_template_is_404(client_for, other_organization, hr_admin):
    _programme, templates = default_templates(other_organization, name=FOREIGN_MARKER)
    template = next(iter(templates.values()))
    response = client_for(hr_admin).get(f"/o/acme/surveys/{template.pk}/")
    assert response.status_code == 404


def test_results_are_hidden_below_the_minimum_group_and_never_per_person(client_for, organization, hr_admin):
    _programme, templates = default_templates(organization)
    template = templates[(Moment.PULSE, Audience.MENTEE)]
    _send(organization, template, 4, answered=4, text="")
    client = client_for(hr_admin)
    page = client.get(f"/o/acme/surveys/{template.pk}/")
    assert b"too few to show" in page.content and b"Average" not in page.content
    people = _send(organization, template, 1, answered=1)
    page = client.get(f"/o/acme/surveys/{template.pk}/")
    assert b"Average" in page.content and b"4.0" in page.content
    assert people[0].participant.user.email.encode() not in page.content


def test_hr_adds_a_question_and_a_bad_one_changes_nothing(client_for, organization, hr_admin):
    _programme, templates = default_templates(organization)
    template = templates[(Moment.FINAL, Audience.MENTOR)]
    client = client_for(hr_admin)
    with tenant_context(organization):
        before = template.questions.count()
    bad = client.post(f"/o/acme/surveys/{template.pk}/", {"text": "Pick", "type": "choice", "choices": "One"})
    assert bad.status_code == 200 and b"at least two choices" in bad.content
    good = client.post(
        f"/o/acme/surveys/{template.pk}/",
        {"text": "Which tool?", "type": "choice", "choices": "Teams\nSlack", "required": "on"},
    )
    assert good.status_code == 302
    with tenant_context(organization):
        assert template.questions.count() == before + 1


def test_the_rates_page_runs_a_fixed_number_of_queries(
    client_for, organization, hr_admin, django_assert_num_queries
):
    client = client_for(hr_admin)
    default_templates(organization)
    client.get("/o/acme/surveys/")
    with django_assert_num_queries(3):
        client.get("/o/acme/surveys/")
    default_templates(organization)
    with django_assert_num_queries(3):
        client.get("/o/acme/surveys/")
