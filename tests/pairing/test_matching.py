"""Running a matching round on a programme: hard constraints, locks, exclusions, swaps, rules."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from organizations.tenancy import tenant_context
from pairing import services
from pairing.models import MatchingRound, Pair, PairingRule
from programmes.models import Participant
from tests.factories import PairFactory, ParticipantFactory, ProgrammeFactory, UserFactory, enrol

pytestmark = pytest.mark.django_db


def proposals(matching_round):
    return {
        (pair.mentor_id, pair.mentee_id)
        for pair in Pair.objects.filter(matching_round=matching_round, status=Pair.Status.PROPOSED)
    }


def unmatched(matching_round):
    return {entry["participant_id"]: entry["reason"] for entry in matching_round.unmatched}


def test_it_proposes_the_optimal_pairs_not_the_greedy_ones(
    in_organization, programme, make_mentor, make_mentee, ai, cloud
):
    generalist = make_mentor(skills={cloud: 3, ai: 3})
    cloud_expert = make_mentor(skills={cloud: 3})
    mostly_cloud = make_mentee(skills={cloud: 3, ai: 1})
    ai_only = make_mentee(skills={ai: 3})

    matching_round = services.run_matching(programme=programme)

    assert proposals(matching_round) == {(cloud_expert.pk, mostly_cloud.pk), (generalist.pk, ai_only.pk)}
    assert matching_round.status == MatchingRound.Status.DRAFT
    assert matching_round.number == 1


def test_each_proposal_explains_itself(in_organization, programme, make_mentor, make_mentee, ai):
    make_mentor(skills={ai: 3}, interests=["jazz", "chess"], languages=["fr", "en"])
    make_mentee(skills={ai: 2}, interests=["jazz"], languages=["en"])

    pair = Pair.objects.get(matching_round=services.run_matching(programme=programme))

    assert pair.score_breakdown["skills"] == [{"name": "Generative AI", "mentor_level": 3, "mentee_level": 2}]
    assert pair.score_breakdown["interests"] == ["jazz"]
    assert pair.score_breakdown["languages"] == ["en"]
    assert set(pair.score_breakdown["criteria"]) == {
        "skills",
        "interests",
        "languages",
        "availability",
        "time_zone",
        "diversity",
    }
    assert pair.score == pytest.approx(sum(pair.score_breakdown["criteria"].values()), abs=0.5)


def test_only_enrolled_participants_are_matched(in_organization, programme, make_mentor, make_mentee):
    make_mentor()
    make_mentee(status=Participant.Status.INVITED)
    make_mentee(status=Participant.Status.WITHDRAWN)

    assert proposals(services.run_matching(programme=programme)) == set()


def test_it_never_pairs_someone_with_a_person_in_their_reporting_line(
    organization, in_organization, programme, make_mentor, make_mentee
):
    director = make_mentee()
    other_mentee = make_mentee()
    manager = UserFactory()
    # The mentor's manager reports to the director: known through the manager's own enrolment elsewhere.
    ParticipantFactory(
        organization=organization,
        programme=ProgrammeFactory(organization=organization),
        user=manager,
        manager=director.user,
    )
    junior = make_mentor(manager=manager)

    matching_round = services.run_matching(programme=programme)

    assert proposals(matching_round) == {(junior.pk, other_mentee.pk)}


def test_a_direct_report_is_never_proposed_to_their_manager(
    in_organization, programme, make_mentor, make_mentee
):
    boss = make_mentee()
    make_mentor(manager=boss.user)

    matching_round = services.run_matching(programme=programme)

    assert proposals(matching_round) == set()
    assert unmatched(matching_round)[boss.pk] == "all_excluded"


def test_it_never_pairs_former_partners_again(
    organization, in_organization, programme, make_mentor, make_mentee
):
    mentor, mentee = make_mentor(), make_mentee()
    earlier = ProgrammeFactory(organization=organization, name="2025")
    PairFactory(
        organization=organization,
        programme=earlier,
        mentor=enrol(earlier, "mentor", user=mentor.user),
        mentee=enrol(earlier, "mentee", user=mentee.user),
        status=Pair.Status.ENDED,
    )

    matching_round = services.run_matching(programme=programme)

    assert proposals(matching_round) == set()
    assert unmatched(matching_round) == {mentee.pk: "all_excluded", mentor.pk: "all_excluded"}


def test_people_without_a_shared_language_are_left_unmatched_with_the_reason(
    in_organization, programme, make_mentor, make_mentee
):
    mentor = make_mentor(languages=["fr"])
    mentee = make_mentee(languages=["de"])

    matching_round = services.run_matching(programme=programme)

    assert proposals(matching_round) == set()
    assert unmatched(matching_round) == {mentee.pk: "no_shared_language", mentor.pk: "no_shared_language"}


def test_mentor_capacity_counts_the_pairs_they_already_have(
    organization, in_organization, programme, make_mentor, make_mentee
):
    programme.mentor_capacity = 2
    programme.save()
    mentor = make_mentor()
    busy = PairFactory(
        organization=organization, programme=programme, mentor=mentor, status=Pair.Status.ACTIVE
    )
    first, second = make_mentee(), make_mentee()

    matching_round = services.run_matching(programme=programme)

    assert len(proposals(matching_round)) == 1
    left_out = (set(unmatched(matching_round)) - {busy.mentee_id}).pop()
    assert left_out in {first.pk, second.pk}
    assert unmatched(matching_round)[left_out] == "taken_by_others"


def test_people_already_paired_are_not_matched_again(
    organization, in_organization, programme, make_mentor, make_mentee
):
    pair = PairFactory(organization=organization, programme=programme, status=Pair.Status.ACTIVE)
    newcomer = make_mentor()

    matching_round = services.run_matching(programme=programme)

    assert proposals(matching_round) == set()
    assert pair.mentee_id not in unmatched(matching_round)
    assert unmatched(matching_round) == {newcomer.pk: "no_mentee_left"}


def test_a_locked_pair_is_kept_when_the_optimiser_runs_again(
    in_organization, programme, make_mentor, make_mentee, ai, cloud
):
    generalist = make_mentor(skills={cloud: 3, ai: 3})
    cloud_expert = make_mentor(skills={cloud: 3})
    mostly_cloud = make_mentee(skills={cloud: 3, ai: 1})
    ai_only = make_mentee(skills={ai: 3})
    matching_round = services.run_matching(programme=programme)
    Pair.objects.filter(matching_round=matching_round).delete()
    locked = Pair.objects.create(
        programme=programme,
        matching_round=matching_round,
        mentor=generalist,
        mentee=mostly_cloud,
        locked=True,
    )

    services.rerun_round(matching_round=matching_round)

    assert proposals(matching_round) == {(generalist.pk, mostly_cloud.pk), (cloud_expert.pk, ai_only.pk)}
    locked.refresh_from_db()
    assert locked.locked and locked.score > 0


def test_running_again_reuses_the_draft_round(in_organization, programme, make_mentor, make_mentee):
    make_mentor(), make_mentee()

    first = services.run_matching(programme=programme)
    second = services.run_matching(programme=programme)

    assert first == second
    assert Pair.objects.filter(matching_round=first).count() == 1


def test_excluding_a_proposal_forbids_the_couple_in_the_next_runs(
    hr_admin, in_organization, programme, make_mentor, make_mentee, ai
):
    best = make_mentor(skills={ai: 3})
    other = make_mentor(skills={ai: 1})
    mentee = make_mentee(skills={ai: 3})
    matching_round = services.run_matching(programme=programme)

    services.exclude_pair(pair=Pair.objects.get(mentor=best), excluded_by=hr_admin)
    services.rerun_round(matching_round=matching_round)

    assert proposals(matching_round) == {(other.pk, mentee.pk)}
    assert PairingRule.objects.get(mentor=best, mentee=mentee).kind == PairingRule.Kind.NEVER


def test_a_never_together_rule_is_respected(
    organization, in_organization, programme, make_mentor, make_mentee, ai
):
    best = make_mentor(skills={ai: 3})
    other = make_mentor(skills={ai: 1})
    mentee = make_mentee(skills={ai: 3})
    services.add_rule(programme=programme, kind="never", mentor=best, mentee=mentee)

    assert proposals(services.run_matching(programme=programme)) == {(other.pk, mentee.pk)}


def test_a_must_pair_rule_is_applied_even_against_the_score(
    in_organization, programme, make_mentor, make_mentee, ai
):
    make_mentor(skills={ai: 3})
    weak = make_mentor(skills={ai: 1})
    mentee = make_mentee(skills={ai: 3})
    services.add_rule(programme=programme, kind="must", mentor=weak, mentee=mentee)

    matching_round = services.run_matching(programme=programme)

    assert proposals(matching_round) == {(weak.pk, mentee.pk)}
    assert Pair.objects.get(matching_round=matching_round).locked


def test_a_rule_needs_a_mentor_and_a_mentee_of_the_programme(
    organization, in_organization, programme, make_mentor, make_mentee
):
    mentor, mentee = make_mentor(), make_mentee()
    elsewhere = enrol(ProgrammeFactory(organization=organization), "mentee")

    with pytest.raises(ValidationError):
        services.add_rule(programme=programme, kind="never", mentor=mentor, mentee=elsewhere)
    with pytest.raises(ValidationError):
        services.add_rule(programme=programme, kind="never", mentor=mentee, mentee=mentor)


def test_swapping_two_proposals_exchanges_the_mentees_and_locks_both(
    in_organization, programme, make_mentor, make_mentee
):
    make_mentor(), make_mentor()
    make_mentee(), make_mentee()
    matching_round = services.run_matching(programme=programme)
    first, second = Pair.objects.filter(matching_round=matching_round).order_by("pk")
    swapped = {(first.mentor_id, second.mentee_id), (second.mentor_id, first.mentee_id)}

    services.swap_mentees(first=first, second=second)

    assert proposals(matching_round) == swapped
    assert set(Pair.objects.filter(matching_round=matching_round).values_list("locked", flat=True)) == {True}


def test_a_swap_that_breaks_a_hard_constraint_is_refused_and_changes_nothing(
    in_organization, programme, make_mentor, make_mentee
):
    make_mentor(languages=["fr"]), make_mentor(languages=["en"])
    make_mentee(languages=["fr"]), make_mentee(languages=["en"])
    matching_round = services.run_matching(programme=programme)
    first, second = Pair.objects.filter(matching_round=matching_round)
    before = proposals(matching_round)

    with pytest.raises(ValidationError):
        services.swap_mentees(first=first, second=second)

    assert proposals(matching_round) == before


def test_a_published_round_can_no_longer_change(in_organization, programme, make_mentor, make_mentee):
    make_mentor(), make_mentee()
    matching_round = services.run_matching(programme=programme)
    services.publish_round(matching_round=matching_round)
    pair = Pair.objects.get(matching_round=matching_round)

    with pytest.raises(ValidationError):
        services.rerun_round(matching_round=matching_round)
    with pytest.raises(ValidationError):
        services.set_locked(pair=pair, locked=True)
    with pytest.raises(ValidationError):
        services.exclude_pair(pair=pair)


def test_matching_refuses_a_draft_programme(organization, in_organization):
    with pytest.raises(ValidationError):
        services.run_matching(programme=ProgrammeFactory(organization=organization, status="draft"))


def test_loading_a_programme_takes_a_fixed_number_of_queries(
    organization, programme, make_mentor, make_mentee, ai, django_assert_num_queries
):
    def grow(count):
        for _ in range(count):
            make_mentor(skills={ai: 2}, manager=UserFactory())
            make_mentee(skills={ai: 3})

    with tenant_context(organization):
        services.matching_settings_for(programme)
        grow(2)
        with django_assert_num_queries(8):
            services.load_problem(programme=programme)
        grow(10)
        with django_assert_num_queries(8):
            problem = services.load_problem(programme=programme)
    assert len(problem.mentors) == 12


WINTER = datetime.datetime(2026, 2, 10, 9, 0, tzinfo=datetime.UTC)
SUMMER = datetime.datetime(2026, 7, 10, 9, 0, tzinfo=datetime.UTC)


def test_time_zone_offsets_follow_the_date_across_a_dst_change(
    in_organization, programme, make_mentor, make_mentee
):
    # Paris is UTC+1 in winter and UTC+2 in summer; Lagos stays at +1 and Johannesburg at +2.
    # The programme runs through the whole year, so each matching uses the offsets of its own day.
    programme.start_date, programme.end_date = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    programme.save(update_fields=["start_date", "end_date"])
    lagos = make_mentor(time_zone="Africa/Lagos")
    johannesburg = make_mentor(time_zone="Africa/Johannesburg")
    paris = make_mentee(time_zone="Europe/Paris")

    with time_machine.travel(WINTER, tick=False):
        assert services.load_problem(programme=programme).profiles[paris.pk].utc_offset_hours == 1.0
        winter_pairs = proposals(services.run_matching(programme=programme))
    with time_machine.travel(SUMMER, tick=False):
        assert services.load_problem(programme=programme).profiles[paris.pk].utc_offset_hours == 2.0
        summer_pairs = proposals(services.run_matching(programme=programme))

    assert winter_pairs == {(lagos.pk, paris.pk)}
    assert summer_pairs == {(johannesburg.pk, paris.pk)}


def test_a_programme_matched_before_it_starts_uses_the_offsets_of_its_start(organization, in_organization):
    summer_programme = ProgrammeFactory(
        organization=organization, start_date=datetime.date(2026, 6, 1), end_date=datetime.date(2026, 9, 30)
    )
    paris = enrol(summer_programme, Participant.Role.MENTEE, time_zone="Europe/Paris")

    with time_machine.travel(WINTER, tick=False):
        problem = services.load_problem(programme=summer_programme)

    assert problem.profiles[paris.pk].utc_offset_hours == 2.0


def test_an_unknown_time_zone_counts_as_utc():
    assert services.utc_offset_hours("Mars/Olympus_Mons", datetime.date(2026, 7, 10)) == 0.0


def across_departments_only(programme):
    settings = services.matching_settings_for(programme)
    settings.across_departments_only = True
    settings.save()


def test_across_departments_only_never_pairs_two_people_of_one_department(
    in_organization, programme, make_mentor, make_mentee, ai
):
    colleague = make_mentor(skills={ai: 3}, department="Finance")
    elsewhere = make_mentor(skills={ai: 1}, department="Sales")
    mentee = make_mentee(skills={ai: 3}, department="finance ")
    unknown = make_mentee(department="")
    assert proposals(services.run_matching(programme=programme)) == {
        (colleague.pk, mentee.pk),
        (elsewhere.pk, unknown.pk),
    }
    across_departments_only(programme)

    matching_round = services.run_matching(programme=programme)

    # Departments compare as the matching reads them (trimmed, any case); an unknown one rules out nobody.
    assert proposals(matching_round) == {(elsewhere.pk, mentee.pk), (colleague.pk, unknown.pk)}


def test_a_must_pair_rule_lifts_the_department_rule(in_organization, programme, make_mentor, make_mentee):
    colleague = make_mentor(department="Finance")
    mentee = make_mentee(department="Finance")
    across_departments_only(programme)
    assert proposals(services.run_matching(programme=programme)) == set()

    services.add_rule(programme=programme, kind="must", mentor=colleague, mentee=mentee)

    assert proposals(services.run_matching(programme=programme)) == {(colleague.pk, mentee.pk)}


def test_a_swap_into_one_department_is_refused_with_the_reason(
    in_organization, programme, make_mentor, make_mentee
):
    finance_mentor, sales_mentor = make_mentor(department="Finance"), make_mentor(department="Sales")
    make_mentee(department="Sales"), make_mentee(department="Finance")
    across_departments_only(programme)
    matching_round = services.run_matching(programme=programme)
    first, second = Pair.objects.filter(matching_round=matching_round)
    assert {first.mentor_id, second.mentor_id} == {finance_mentor.pk, sales_mentor.pk}

    with pytest.raises(ValidationError, match="same department"):
        services.swap_mentees(first=first, second=second)
