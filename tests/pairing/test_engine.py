"""The engine on hand-made cases whose optimum is known: no database involved."""

import numpy as np

from pairing import engine
from pairing.engine import Profile, Weights

SKILLS_ONLY = Weights(skills=1, interests=0, languages=0, availability=0, time_zone=0, diversity=0)


def mentor(id, **fields):
    return Profile(id=id, languages=frozenset(fields.pop("languages", {"fr"})), **fields)


mentee = mentor


def couples(result):
    return {(assignment.mentor_id, assignment.mentee_id) for assignment in result.assignments}


def test_the_optimum_beats_the_greedy_choice():
    # X is a little better with A, but Y can only learn from A: greedy gives A to X and wastes Y.
    mentors = [mentor(1, skills={"cloud": 3, "ai": 3}), mentor(2, skills={"cloud": 3})]
    mentees = [mentee(10, skills={"cloud": 3, "ai": 1}), mentee(11, skills={"ai": 3})]

    greedy = engine.greedy(mentors, mentees, SKILLS_ONLY)
    optimal = engine.match(mentors, mentees, SKILLS_ONLY)

    assert couples(greedy) == {(1, 10), (2, 11)}
    assert greedy.total_score == 100
    assert couples(optimal) == {(2, 10), (1, 11)}
    assert optimal.total_score == 175


def test_a_couple_without_a_shared_language_is_never_formed_and_the_reason_is_given():
    mentors = [mentor(1, languages={"fr"})]
    mentees = [mentee(10, languages={"en"})]

    result = engine.match(mentors, mentees)

    assert result.assignments == []
    assert engine.Unmatched(10, "mentee", engine.NO_SHARED_LANGUAGE) in result.unmatched
    assert engine.Unmatched(1, "mentor", engine.NO_SHARED_LANGUAGE) in result.unmatched


def test_a_forbidden_couple_is_avoided_even_when_it_scores_best():
    mentors = [mentor(1, skills={"ai": 3}), mentor(2, skills={"ai": 1})]
    mentees = [mentee(10, skills={"ai": 3})]

    result = engine.match(mentors, mentees, SKILLS_ONLY, forbidden={(1, 10): engine.REPORTING_LINE})

    assert couples(result) == {(2, 10)}


def test_a_mentee_whose_every_mentor_is_forbidden_is_reported_as_excluded():
    result = engine.match([mentor(1)], [mentee(10)], forbidden={(1, 10): engine.FORMER_PARTNERS})

    assert result.unmatched == [
        engine.Unmatched(10, "mentee", engine.ALL_EXCLUDED),
        engine.Unmatched(1, "mentor", engine.ALL_EXCLUDED),
    ]


def test_a_mentor_takes_as_many_mentees_as_their_capacity_and_no_more():
    mentors = [mentor(1, skills={"ai": 3}, capacity=2), mentor(2, languages={"en"})]
    mentees = [mentee(10, skills={"ai": 3}), mentee(11, skills={"ai": 2}), mentee(12, skills={"ai": 1})]

    result = engine.match(mentors, mentees, SKILLS_ONLY)

    assert couples(result) == {(1, 10), (1, 11)}
    assert result.unmatched == [
        engine.Unmatched(12, "mentee", engine.TAKEN_BY_OTHERS),
        engine.Unmatched(2, "mentor", engine.NO_SHARED_LANGUAGE),
    ]


def test_a_mentor_with_no_capacity_left_gets_nobody():
    result = engine.match([mentor(1, capacity=0)], [mentee(10)])

    assert result.assignments == []
    assert result.unmatched == [engine.Unmatched(10, "mentee", engine.NO_CAPACITY)]


def test_a_locked_pair_is_kept_even_when_the_optimum_would_break_it():
    mentors = [mentor(1, skills={"cloud": 3, "ai": 3}), mentor(2, skills={"cloud": 3})]
    mentees = [mentee(10, skills={"cloud": 3, "ai": 1}), mentee(11, skills={"ai": 3})]

    result = engine.match(mentors, mentees, SKILLS_ONLY, locked=[(1, 10)])

    assert couples(result) == {(1, 10), (2, 11)}
    assert [assignment.locked for assignment in result.assignments if assignment.mentor_id == 1] == [True]


def test_a_locked_pair_uses_one_seat_of_the_mentor():
    mentors = [mentor(1, capacity=1), mentor(2)]
    mentees = [mentee(10), mentee(11)]

    result = engine.match(mentors, mentees, locked=[(1, 11)])

    assert couples(result) == {(1, 11), (2, 10)}


def test_a_mentee_beaten_to_every_compatible_mentor_is_told_so():
    mentors = [mentor(1, skills={"ai": 3})]
    mentees = [mentee(10, skills={"ai": 3}), mentee(11, skills={"ai": 1})]

    result = engine.match(mentors, mentees, SKILLS_ONLY)

    assert result.unmatched == [engine.Unmatched(11, "mentee", engine.TAKEN_BY_OTHERS)]


def test_each_criterion_scores_between_zero_and_one_and_the_total_is_out_of_100():
    everything = Weights(skills=1, interests=1, languages=1, availability=1, time_zone=1, diversity=1)
    twin = dict(
        skills={"ai": 3},
        interests=frozenset({"running"}),
        languages={"fr", "en"},
        availability=frozenset({"mon-lunch", "tue-lunch", "wed-lunch"}),
    )
    matrix = engine.score(
        [mentor(1, department="it", **twin)], [mentee(10, department="sales", **twin)], everything
    )

    assert np.allclose(matrix.criteria[:, 0, 0], 1.0)
    assert round(float(matrix.total[0, 0]), 1) == 100.0
    assert matrix.breakdown(0, 0)["skills"] == round(100 / 6, 1)


def test_time_zones_far_apart_score_lower_than_neighbours():
    mentors = [mentor(1, utc_offset_hours=1), mentor(2, utc_offset_hours=-5)]
    matrix = engine.score(mentors, [mentee(10, utc_offset_hours=1)])

    time_zone = matrix.criteria[engine.CRITERIA.index("time_zone")]
    assert time_zone[0, 0] == 1.0
    assert time_zone[0, 1] == 0.5


def test_department_diversity_prefers_another_department_and_can_be_switched_off():
    mentors = [mentor(1, department="finance"), mentor(2, department="digital")]
    mentees = [mentee(10, department="finance")]

    assert couples(engine.match(mentors, mentees)) == {(2, 10)}
    diversity = engine.score(mentors, mentees).criteria[engine.CRITERIA.index("diversity")]
    assert list(diversity[0]) == [0.0, 1.0]
    no_preference = Weights(diversity=0)
    assert (
        engine.score(mentors, mentees, no_preference).total[0, 0]
        == engine.score(mentors, mentees, no_preference).total[0, 1]
    )


def test_suggestions_are_the_three_best_mentors_with_room_left():
    mentors = [
        mentor(1, skills={"ai": 1}),
        mentor(2, skills={"ai": 3}),
        mentor(3, skills={"ai": 2}),
        mentor(4, skills={"ai": 3}, capacity=0),
        mentor(5, skills={"ai": 3}, languages={"en"}),
        mentor(6),
    ]
    suggestions = engine.suggestions(mentors, mentee(10, skills={"ai": 3}), SKILLS_ONLY)

    assert [mentor_id for mentor_id, _score, _breakdown in suggestions] == [2, 3, 1]


def test_explain_names_what_the_pair_shares():
    common = engine.explain(
        mentor(1, skills={"ai": 3, "cloud": 2}, interests=frozenset({"jazz", "chess"})),
        mentee(10, skills={"ai": 2}, interests=frozenset({"jazz"}), languages={"fr", "en"}),
    )

    assert common["skills"] == ["ai"]
    assert common["interests"] == ["jazz"]
    assert common["languages"] == ["fr"]


def test_forbidden_couples_are_set_from_id_arrays_and_ignore_people_it_does_not_know():
    forbidden = engine.Forbidden([7, 3, 900_000_001], [42, 10])
    forbidden.forbid([3, 7, 555], [10, 42, 10], engine.REPORTING_LINE)

    assert forbidden[(3, 10)] == engine.REPORTING_LINE
    assert (7, 42) in forbidden
    assert (900_000_001, 10) not in forbidden
    assert (555, 10) not in forbidden
    assert len(forbidden) == 2


def test_an_earlier_reason_can_be_kept_and_a_ban_lifted():
    forbidden = engine.Forbidden([1, 2], [10])
    forbidden.forbid([1], [10], engine.REPORTING_LINE)
    forbidden.forbid([1, 2], [10, 10], engine.FORMER_PARTNERS, keep_earlier=True)

    assert forbidden[(1, 10)] == engine.REPORTING_LINE
    assert forbidden[(2, 10)] == engine.FORMER_PARTNERS
    forbidden.allow([2], [10])
    assert (2, 10) not in forbidden


def test_a_department_mask_forbids_same_department_couples_and_keeps_earlier_reasons():
    mentors = [mentor(1, department="it"), mentor(2, department="sales"), mentor(3, department="")]
    mentees = [mentee(10, department="it"), mentee(11, department="")]
    forbidden = engine.Forbidden([1, 2, 3], [10, 11])
    forbidden.forbid([2], [11], engine.NEVER_TOGETHER)

    forbidden.forbid_where(engine.departments_mask(mentors, mentees), engine.SAME_DEPARTMENT)

    assert forbidden[(1, 10)] == engine.SAME_DEPARTMENT
    assert forbidden[(2, 11)] == engine.NEVER_TOGETHER
    assert len(forbidden) == 2


def test_match_reads_a_subset_of_the_people_a_forbidden_matrix_knows():
    mentors = [mentor(1, skills={"ai": 3}), mentor(2, skills={"ai": 1})]
    forbidden = engine.Forbidden([2, 1, 3], [11, 10])
    forbidden.forbid([1], [10], engine.NEVER_TOGETHER)

    result = engine.match(mentors, [mentee(10, skills={"ai": 3})], SKILLS_ONLY, forbidden)

    assert [(a.mentor_id, a.mentee_id) for a in result.assignments] == [(2, 10)]
