import pytest
from django.core.management import call_command

from organizations import demo as organization_demo
from organizations.tenancy import tenant_context
from pairing import demo
from pairing.models import MatchingRound, Pair
from programmes.models import Programme
from tests.factories import ProgrammeFactory, enrol

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_spring_cohort_with_proposals_to_review_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    organization, _people = organization_demo.seed()
    with tenant_context(organization):
        spring = Programme.objects.get(name=demo.SPRING)
        matching_round = MatchingRound.objects.get(programme=spring)
        pairs = Pair.objects.filter(matching_round=matching_round).select_related(
            "mentor__user", "mentee__user"
        )
        couples = {(pair.mentor.user.email, pair.mentee.user.email) for pair in pairs}
    assert spring.status == Programme.Status.MATCHING
    assert matching_round.status == MatchingRound.Status.DRAFT
    assert len(couples) == 5
    # Hugo reports to Michel: never proposed together, however well they score.
    assert ("hugo.bernard@demo.binome.example", "michel.fournier@demo.binome.example") not in couples


def test_the_running_pilot_gets_active_pairs():
    organization, people = organization_demo.seed()
    with tenant_context(organization):
        pilot = ProgrammeFactory(organization=organization, name=demo.PILOT, status=Programme.Status.RUNNING)
        for email in ("lea.martin", "hugo.bernard", "ines.petit"):
            enrol(pilot, "mentor", user=people[f"{email}@demo.binome.example"])
        for email in ("jean.lefebvre", "catherine.roux"):
            enrol(pilot, "mentee", user=people[f"{email}@demo.binome.example"])

        demo.seed_demo(organization, people)
        demo.seed_demo(organization, people)

        statuses = list(Pair.objects.filter(programme=pilot).values_list("status", flat=True))
    assert statuses == [Pair.Status.ACTIVE, Pair.Status.ACTIVE]


def test_the_engine_pairs_every_pilot_participant_once_and_never_with_their_manager():
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    organization, _people = organization_demo.seed()
    with tenant_context(organization):
        pilot = Programme.objects.get(name=demo.PILOT)
        matching_round = MatchingRound.objects.get(programme=pilot)
        pairs = list(Pair.objects.filter(programme=pilot).select_related("mentor", "mentee"))
        enrolled = set(pilot.participants.filter(status="enrolled").values_list("pk", flat=True))
    assert matching_round.status == MatchingRound.Status.PUBLISHED
    assert {pair.status for pair in pairs} == {Pair.Status.ACTIVE}
    people = [pair.mentor_id for pair in pairs] + [pair.mentee_id for pair in pairs]
    assert len(pairs) == 19 and sorted(people) == sorted(enrolled)
    assert all(pair.mentee.user_id != pair.mentor.manager_id for pair in pairs)
    assert all(pair.mentor.user_id != pair.mentee.manager_id for pair in pairs)
