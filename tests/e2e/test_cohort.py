import datetime
import re

from django.utils import timezone

from organizations.roles import Role
from organizations.tenancy import tenant_context
from programmes.models import Participant
from sessions.models import CohortAttendance, CohortSession
from tests.factories import (
    DEFAULT_PASSWORD,
    CohortSessionFactory,
    OrganizationFactory,
    ParticipantFactory,
    ProgrammeFactory,
    UserFactory,
    member,
)

from .conftest import sign_in


def test_hr_plans_a_debrief_and_records_who_came_to_the_training(page, screenshot):
    organization = OrganizationFactory(name="Acme Industries", slug="acme", default_language="en")
    member(organization, Role.HR_ADMIN, email="rh@acme.example", first_name="Hélène", last_name="RH")
    programme = ProgrammeFactory(organization=organization, name="Pilot 2026")
    lea, tom = (
        ParticipantFactory(
            organization=organization,
            programme=programme,
            role=Participant.Role.MENTOR,
            user=UserFactory(email=f"{first.lower()}@acme.example", first_name=first, last_name="Junior"),
        )
        for first in ("Lea", "Tom")
    )
    training = CohortSessionFactory(
        organization=organization, programme=programme, held=True, title="Kick-off training"
    )
    day = timezone.localdate() + datetime.timedelta(days=12)

    sign_in(page, "rh@acme.example", DEFAULT_PASSWORD)
    page.goto(f"/o/acme/programmes/{programme.pk}/")
    page.get_by_role("link", name="Mentors' cohort").first.click()
    page.wait_for_url(re.compile(rf"/o/acme/programmes/{programme.pk}/cohort/$"))
    page.get_by_role("link", name="Plan a cohort session").click()
    page.check("input[name=kind][value=debrief]")
    page.fill("input[name=title]", "Quarterly debrief")
    page.fill("input[name=date]", day.isoformat())
    page.fill("input[name=start_time]", "17:30")
    page.fill("input[name=duration_minutes]", "90")
    page.fill("input[name=location]", "Salle Lumière")
    page.select_option("select[name=repeat]", "3")
    screenshot("cohort-plan")
    page.get_by_role("button", name="Plan and invite the mentors").click()
    page.wait_for_selector("text=Every mentor of the programme is invited")
    upcoming = page.locator("#cohort-upcoming")
    assert "Quarterly debrief" in upcoming.inner_text()
    with tenant_context(organization):
        debriefs = list(
            CohortSession.objects.filter(programme=programme, kind="debrief").order_by("starts_at")
        )
    assert debriefs and timezone.localtime(debriefs[0].starts_at).date() == day
    assert timezone.localtime(debriefs[0].starts_at).strftime("%H:%M") == "17:30"

    page.locator("#cohort-past").get_by_role("link", name="Record attendance").click()
    page.wait_for_url(re.compile(rf"/cohort/{training.pk}/attendance/$"))
    page.check(f"input[name=mentor_{lea.pk}][value=present]")
    page.check(f"input[name=mentor_{tom.pk}][value=absent]")
    screenshot("cohort-attendance")
    page.get_by_role("button", name="Save the attendance").click()
    page.wait_for_selector("text=Attendance recorded")
    assert page.locator("#attendance-rate").inner_text() == "50%"
    with tenant_context(organization):
        recorded = dict(
            CohortAttendance.objects.filter(cohort_session=training).values_list("participant_id", "status")
        )
    assert recorded == {lea.pk: "present", tom.pk: "absent"}

    page.get_by_role("link", name="Mentors' cohort").last.click()
    assert page.locator("#cohort-past .attendance-rate").inner_text() == "50%"
    screenshot("cohort-page")

    # Léa finds it from her home page, with the upcoming debrief and her own attendance.
    page.context.clear_cookies()
    sign_in(page, "lea@acme.example", DEFAULT_PASSWORD)
    page.goto("/o/acme/")
    page.get_by_role("link", name="Mentors' cohort").first.click()
    page.wait_for_url(re.compile(rf"/o/acme/programmes/{programme.pk}/cohort/$"))
    assert "Quarterly debrief" in page.locator("#cohort-upcoming").inner_text()
    assert "100%" in page.locator("#own-attendance").inner_text()
