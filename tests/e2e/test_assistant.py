import datetime
import re

from django.utils import timezone

from organizations.tenancy import tenant_context
from programmes.models import Side
from sessions.models import Session
from tests.factories import (
    DEFAULT_PASSWORD,
    DelegationFactory,
    GoalFactory,
    OrganizationFactory,
    PairFactory,
    UserFactory,
)

from .conftest import sign_in

GOAL = "Lead my board meetings on Teams"


def test_an_assistant_plans_a_session_for_their_executive(page, screenshot):
    organization = OrganizationFactory(name="Acme Industries", slug="acme", default_language="en")
    executive = UserFactory(email="claire@acme.example", first_name="Claire", last_name="Senior")
    mentor = UserFactory(email="lucas@acme.example", first_name="Lucas", last_name="Junior")
    pair = PairFactory(
        organization=organization,
        programme__scheduled_by=Side.MENTEE,
        programme__agenda_by=Side.MENTOR,
        mentee__user=executive,
        mentor__user=mentor,
    )
    GoalFactory(organization=organization, pair=pair, title=GOAL)
    DelegationFactory(
        organization=organization,
        executive=executive,
        assistant=UserFactory(email="nadia@acme.example", first_name="Nadia", last_name="Assistant"),
    )
    day = timezone.localdate() + datetime.timedelta(days=4)

    sign_in(page, "nadia@acme.example", DEFAULT_PASSWORD)
    page.goto("/o/acme/")
    page.get_by_role("link", name="Sessions to organise").first.click()
    page.wait_for_url(re.compile(r"/o/acme/assisting/$"))
    assert "Claire Senior" in page.content()
    page.get_by_role("link", name="Plan a session").first.click()
    page.fill("input[name=date]", day.isoformat())
    page.fill("input[name=start_time]", "08:30")
    page.fill("input[name=duration_minutes]", "30")
    page.check("input[name=format][value=in_person]")
    page.fill("input[name=location]", "Salle du conseil")
    assert page.locator("input[name=agenda-0-text]").count() == 0
    screenshot("assistant-plans")
    page.get_by_role("button", name="Plan and send the invitation").click()
    page.wait_for_selector("text=Session planned")
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Upcoming sessions"))
    assert "Salle du conseil" in upcoming.inner_text()
    assert GOAL not in page.content()
    screenshot("assistant-sessions")
    with tenant_context(organization):
        session = Session.objects.get(pair=pair)
    assert timezone.localtime(session.starts_at).date() == day

    # The pair's own space stays closed to the assistant.
    assert page.goto(f"/o/acme/pairs/{pair.pk}/").status == 403
    assert GOAL not in page.content()

    page.context.clear_cookies()
    sign_in(page, "claire@acme.example", DEFAULT_PASSWORD)
    page.goto(f"/o/acme/pairs/{pair.pk}/")
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Upcoming sessions"))
    assert "08:30" in upcoming.inner_text()
