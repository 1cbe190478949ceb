import re

from organizations.roles import Role
from organizations.tenancy import tenant_context
from pairing.models import Pair
from tests.factories import (
    DEFAULT_PASSWORD,
    OrganizationFactory,
    ProgrammeFactory,
    SkillFactory,
    enrol,
    member,
)

from .conftest import sign_in


def test_hr_runs_matching_locks_a_pair_reruns_and_publishes_then_the_mentor_accepts(page, screenshot):
    organization = OrganizationFactory(name="Acme Industries", slug="acme", default_language="en")
    member(organization, Role.HR_ADMIN, email="claire@acme.example", first_name="Claire", last_name="Dubois")
    with tenant_context(organization):
        programme = ProgrammeFactory(organization=organization, name="Pilot 2026")
        ai, social = (
            SkillFactory(organization=organization, name="AI tools"),
            SkillFactory(organization=organization, name="Social networks"),
        )
        lea = enrol(programme, "mentor", skills={ai: 3, social: 2}, department="Data", interests=["jazz"])
        enrol(programme, "mentor", skills={social: 3}, department="Marketing")
        enrol(programme, "mentee", skills={ai: 3}, department="Finance", interests=["jazz"])
        enrol(programme, "mentee", skills={social: 3}, department="Sales")
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, "claire@acme.example", DEFAULT_PASSWORD)
    page.get_by_role("link", name="Matching").first.click()
    page.get_by_role("link", name="Pilot 2026").click()
    page.get_by_role("button", name="Run matching").click()
    page.wait_for_selector("text=Proposals ready for review.")
    assert page.locator("#proposals tbody tr").count() == 2
    assert page.locator("#proposals").get_by_text("AI tools").first.is_visible()

    lea_row = page.locator("#proposals tbody tr", has_text=str(lea.user))
    lea_row.get_by_role("button", name="Lock").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Re-run around locked pairs").click()
    page.wait_for_selector("text=The optimiser ran again around the locked pairs.")
    lea_row = page.locator("#proposals tbody tr", has_text=str(lea.user))
    assert lea_row.get_by_text("Locked").is_visible()
    screenshot("round-review")

    page.get_by_role("button", name="Publish").click()
    page.wait_for_selector("text=Proposals published: each person has been told.")
    screenshot("programme-after-publish")

    page.context.clear_cookies()
    sign_in(page, lea.user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="My match").first.click()
    page.wait_for_url(re.compile(r"/o/acme/my-matches/$"))
    page.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=Thank you: we are waiting for your partner's answer.")
    screenshot("mentor-accepted")

    with tenant_context(organization):
        pair = Pair.objects.get(mentor=lea)
    assert pair.locked and pair.mentor_accepted_at is not None
