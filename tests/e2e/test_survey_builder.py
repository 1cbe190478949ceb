"""HR reshapes a survey that people already answered: a new version appears, the old one stays as asked."""

from organizations.roles import Role
from organizations.tenancy import tenant_context
from surveys import selectors, services
from surveys.defaults import ensure_default_templates
from surveys.models import SurveyTemplate
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, PairFactory, member

from .conftest import sign_in


def test_hr_edits_a_survey_that_has_answers_and_a_new_version_appears(page, screenshot):
    organization = OrganizationFactory(name="Acme Industries", slug="acme", default_language="en")
    member(organization, Role.HR_ADMIN, email="claire@acme.example", first_name="Claire")
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        ensure_default_templates(pair.programme, "en")
        template = SurveyTemplate.objects.get(
            programme=pair.programme,
            moment=SurveyTemplate.Moment.PULSE,
            audience=SurveyTemplate.Audience.MENTEE,
        )
        question = selectors.questions_of(template).get()
        response = services.send_survey(
            template=template, participant=pair.mentee, key="pulse:e2e", pair=pair
        )
        services.submit_answers(response=response, answers=[(question, None, 4, "", False)])

    sign_in(page, "claire@acme.example", DEFAULT_PASSWORD)
    page.goto(f"/o/acme/surveys/{template.pk}/")
    assert page.locator("[data-answered='1']").inner_text().strip() == "1"
    page.get_by_role("link", name="Edit (question 1)").click()
    page.get_by_label("Question (English)").fill("How much did your last session help you?")
    page.get_by_label("Question (French)").fill("Votre dernière séance vous a-t-elle aidé ?")
    page.get_by_role("button", name="Save the question").click()

    page.wait_for_selector("text=Version 2 of the survey started")
    questions = page.locator("li[data-question] .fw-semibold")
    assert questions.all_inner_texts() == ["How much did your last session help you?"]
    versions = page.get_by_role("table", name="Each version keeps the wording its respondents answered.")
    assert versions.locator("[data-answered='2']").inner_text().strip() == "0"
    assert versions.locator("[data-answered='1']").inner_text().strip() == "1"
    screenshot("survey-builder-new-version")

    versions.get_by_role("link", name="Version 1").click()
    page.wait_for_selector("text=can no longer change")
    assert questions.all_inner_texts() == ["How useful was your last session?"]
    assert page.get_by_role("link", name="Edit (question 1)").count() == 0

    page.goto(f"/o/acme/surveys/{template.pk}/preview/?language=en")
    assert page.get_by_role("group", name="How much did your last session help you?").count() == 1
