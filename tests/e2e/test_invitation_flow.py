import re

from django.core import mail

from organizations import services
from organizations.roles import Role
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory

from .conftest import sign_in


def test_an_invited_hr_admin_joins_signs_in_and_reads_the_home_in_french(page, screenshot, settings):
    settings.SITE_URL = page.live_server_url
    organization = OrganizationFactory(name="Acme Industries", slug="acme", default_language="en")
    services.invite_member(organization=organization, email="claire@acme.example", role=Role.HR_ADMIN)
    link = re.search(r"http\S+/invitations/\S+/", mail.outbox[-1].body).group(0)

    page.goto(link)
    page.fill("input[name=first_name]", "Claire")
    page.fill("input[name=last_name]", "Dubois")
    page.fill("input[name=password1]", DEFAULT_PASSWORD)
    page.fill("input[name=password2]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(re.compile(r"/o/acme/$"))

    page.locator("#account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    sign_in(page, "claire@acme.example", DEFAULT_PASSWORD)
    page.wait_for_url(re.compile(r"/o/acme/$"))

    page.select_option("#language-switcher", "fr")
    page.wait_for_load_state()
    page.wait_for_selector("text=Bienvenue, Claire Dubois")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Membres").first.is_visible()
    screenshot("organisation-home-fr")
