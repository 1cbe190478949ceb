"""In Chromium: HR builds a curriculum from the default one, a pair holds a session on a module, and the
mentee commits to a "try it" challenge and marks it done."""

import datetime
import re

from django.utils import timezone

from organizations.roles import Role
from organizations.tenancy import tenant_context
from sessions.models import Challenge, Session
from tests.factories import (
    DEFAULT_PASSWORD,
    OrganizationFactory,
    PairFactory,
    ProgrammeFactory,
    UserFactory,
    member,
)

from .conftest import sign_in


def test_hr_builds_a_curriculum_and_a_pair_follows_it_to_a_challenge_done(page, screenshot):
    organization = OrganizationFactory(name="Acme Industries", slug="acme", default_language="en")
    member(organization, Role.HR_ADMIN, email="hr@acme.example")
    programme = ProgrammeFactory(organization=organization, name="Pilot 2026")
    mentee = UserFactory(email="claire@acme.example", first_name="Claire", last_name="Senior")
    mentor = UserFactory(email="lucas@acme.example", first_name="Lucas", last_name="Junior")
    pair = PairFactory(
        organization=organization, programme=programme, mentee__user=mentee, mentor__user=mentor
    )

    # HR copies the default curriculum, adapts a module and puts it first.
    sign_in(page, "hr@acme.example", DEFAULT_PASSWORD)
    page.goto(f"/o/acme/programmes/{programme.pk}/")
    page.get_by_role("link", name="Curriculum").click()
    page.get_by_role("button", name="Copy the default curriculum").click()
    page.wait_for_selector("text=5 modules copied from the default curriculum")
    page.get_by_role("link", name="Generative AI every day").click()
    page.fill("input[name=title_en]", "AI assistants every day")
    page.fill("textarea[name=agenda_en]", "Back to the last challenge\nSummarise a real report together")
    page.get_by_role("button", name="Save the module").click()
    page.wait_for_selector("text=Module saved")
    for _ in range(2):
        page.get_by_role("button", name="Move up AI assistants every day").click()
        page.wait_for_load_state()
    modules = page.locator("li.curriculum-module h3")
    assert "AI assistants every day" in modules.nth(0).inner_text()
    screenshot("curriculum-editor")

    # The mentee plans the session on the current module: its agenda comes from the module.
    page.context.clear_cookies()
    sign_in(page, "claire@acme.example", DEFAULT_PASSWORD)
    page.goto(f"/o/acme/pairs/{pair.pk}/")
    assert "AI assistants every day" in page.locator("section.pair-curriculum").inner_text()
    page.get_by_role("link", name="See the curriculum").click()
    page.get_by_role("link", name="Plan a session on this module").first.click()
    day = timezone.localdate() + datetime.timedelta(days=2)
    page.fill("input[name=date]", day.isoformat())
    page.fill("input[name=start_time]", "12:30")
    page.fill("input[name=duration_minutes]", "45")
    page.fill("input[name=location]", "https://meet.example/claire-lucas")
    page.get_by_role("button", name="Plan and send the invitation").click()
    page.wait_for_selector("text=Session planned")
    page.wait_for_selector("text=Summarise a real report together")
    assert page.get_by_text("Curriculum module: AI assistants every day").is_visible()

    # It takes place; the mentee logs it and is asked for a challenge, suggested by the module.
    with tenant_context(organization):
        Session.objects.filter(pair=pair).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    page.goto(f"/o/acme/pairs/{pair.pk}/")
    page.get_by_role("link", name="Log this session").first.click()
    page.check("input[name=held][value=yes]")
    page.fill("textarea[name=shared_notes]", "Prompts are briefs")
    page.get_by_role("button", name="Save the log").click()
    page.wait_for_url(re.compile(r"/challenges/new/\?session="))
    text = page.locator("input[name=text]")
    assert "Summarise a report with an AI assistant" in text.input_value()
    text.fill("Summarise the quarterly report with the AI assistant")
    page.get_by_role("button", name="I commit to it").click()
    page.wait_for_selector("text=Challenge noted")
    screenshot("challenges-mentee")

    page.get_by_role("link", name="Summarise the quarterly report with the AI assistant").click()
    page.check("input[name=done][value=yes]")
    page.fill("input[name=reflection]", "Good summary, two figures to fix")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=your mentor will read how it went")
    with tenant_context(organization):
        assert Challenge.objects.get().status == Challenge.Status.DONE

    # The mentor reads it, and the module is done for the pair.
    page.context.clear_cookies()
    sign_in(page, "lucas@acme.example", DEFAULT_PASSWORD)
    page.goto(f"/o/acme/pairs/{pair.pk}/challenges/")
    assert "Good summary, two figures to fix" in page.locator("table.challenge-table").inner_text()
    page.goto(f"/o/acme/pairs/{pair.pk}/curriculum/")
    assert "1 module done out of 5." in page.content()
    assert page.locator("li.module-done h2").inner_text().endswith("AI assistants every day")
    screenshot("curriculum-mentor")
