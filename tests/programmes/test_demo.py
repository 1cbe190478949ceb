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
        assert pilot.participants.filter(status="enrolled", role="mentor").count() == 6
        assert pilot.participants.filter(status="enrolled", role="mentee").count() == 6
        assert not pilot.participants.exclude(charter_accepted_at__isnull=False).exists()
        assert all(participant.skills.exists() for participant in pilot.participants.all())
        tom = Participant.objects.get(programme=pilot, user__email="tom.moreau@demo.binome.example")
        assert tom.manager.email == "jean.lefebvre@demo.binome.example"
        assert set(cohort.participants.values_list("status", flat=True)) == {"invited", "enrolled"}
