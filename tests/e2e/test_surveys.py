import re

from django.core import mail

from organizations.roles import Role
from organizations.tenancy import tenant_context
from surveys import services
from surveys.defaults import ensure_default_templates
from surveys.models import Answer, SurveyTemplate
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, PairFactory, member

from .conftest import RESULTS, sign_in


def test_a_mentee_answers_from_the_email_link_on_a_phone_and_hr_sees_the_rate_go_up(
    page, browser, screenshot, settings
):
    settings.SITE_URL = page.live_server_url
    organization = OrganizationFactory(name="Acme Industries", slug="acme", default_language="en")
    member(organization, Role.HR_ADMIN, email="claire@acme.example", first_name="Claire")
    pair = PairFactory(organization=organization)
    with tenant_context(organization):
        ensure_default_templates(pair.programme, "en")
        template = SurveyTemplate.objects.get(
            programme=pair.programme,
            moment=SurveyTemplate.Moment.FINAL,
            audience=SurveyTemplate.Audience.MENTEE,
        )
        questions = list(template.questions.all())
        services.send_survey(
            template=template, participant=pair.mentee, key=f"final:pair:{pair.pk}", pair=pair
        )
    email = next(message for message in mail.outbox if message.to == [pair.mentee.user.email])
    link = re.search(r"http\S+/s/\S+/", email.body).group(0)

    sign_in(page, "claire@acme.example", DEFAULT_PASSWORD)
    page.goto("/o/acme/surveys/")
    rate = page.locator(f"[data-rate='{template.pk}']")
    assert rate.inner_text().strip() == "0%"  # English writes no space before the sign

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB", is_mobile=True)
    mentee = phone.new_page()
    mentee.goto(link)
    mentee.wait_for_selector("text=The end of your pair: your progress")
    for question in questions:
        if question.type == "choice":
            # The options are stored in French; an English reader reads and ticks their English twin.
            mentee.get_by_role("radio", name=question.choices_en[1], exact=True).check()
        elif question.type == "recommend":
            mentee.check(f"input[name=q{question.pk}][value='9']")
        elif question.type == "scale":
            mentee.check(f"input[name=q{question.pk}][value='4']")
        elif question.type == "text":
            mentee.fill(f"textarea[name=q{question.pk}]", "My mentor showed me how to use an AI assistant.")
            share = mentee.locator(f"input[name=q{question.pk}_share]")
            assert not share.is_checked()
            mentee.get_by_label("Share this comment anonymously with the programme's sponsors").check()
    RESULTS.mkdir(exist_ok=True)
    mentee.screenshot(path=str(RESULTS / "test_surveys-answer-on-a-phone.png"), full_page=True)
    mentee.get_by_role("button", name="Send my answers").click()
    mentee.wait_for_selector("text=Thank you!")

    page.reload()
    assert page.locator(f"[data-rate='{template.pk}']").inner_text().strip() == "100%"
    with tenant_context(organization):
        comment = Answer.objects.get(question__template=template, question__type="text")
        assert comment.shared_anonymously
    screenshot("response-rates")

    mentee.goto(link)
    mentee.wait_for_selector("text=You already answered this survey")
    phone.close()
