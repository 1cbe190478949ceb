from collections import Counter

from django.core.management import call_command

from organizations.models import Organization
from organizations.tenancy import tenant_context
from programmes.models import Participant, Programme


def test_the_demo_has_a_running_pilot_with_everyone_enrolled_and_an_open_cohort(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # idempotent
    organization = Organization.objects.get(slug="demo")
    with tenant_context(organization):
        pilot = Programme.objects.get(name="Programme pilote 2026")
        cohort = Programme.objects.get(name="Cohorte 2027")
        assert (pilot.status, cohort.status) == ("running", "open")
        assert pilot.cross_phase and pilot.cross_start_date > pilot.end_date and not cohort.cross_phase
        assert pilot.participants.filter(status="enrolled", role="mentor").count() == 19
        assert pilot.participants.filter(status="enrolled", role="mentee").count() == 19
        assert not pilot.participants.exclude(charter_accepted_at__isnull=False).exists()
        assert all(participant.skills.exists() for participant in pilot.participants.all())
        tom = Participant.objects.get(programme=pilot, user__email="tom.moreau@demo.binome.example")
        assert tom.manager.email == "jean.lefebvre@demo.binome.example"
        assert set(cohort.participants.values_list("status", flat=True)) == {"invited", "enrolled"}


def test_the_pilot_departments_are_large_enough_for_the_dashboard_to_show_them(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    with tenant_context(Organization.objects.get(slug="demo")):
        pilot = Programme.objects.get(name="Programme pilote 2026")
        departments = Counter(pilot.participants.values_list("department", flat=True))
        # A person works in the same department in every programme they join.
        per_person = Counter(Participant.objects.values_list("user_id", "department").distinct())
    assert departments["Direction financière"] == 6
    # Only the small general management stays under the privacy threshold of five people.
    assert {name for name, people in departments.items() if people < 5} == {"Direction générale"}
    assert len(per_person) == len({user_id for user_id, _department in per_person})
