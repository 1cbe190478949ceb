"""The vectorised engine chooses exactly the pairs the engine chose before it (commit bdaf89e).

``data/engine_reference.json`` holds what that engine returned on seeded instances: assignments with
their scores, and the unmatched with their reasons. The instances are rebuilt here from their seeds,
and their constraints given the new way (id arrays and a department mask) rather than as the
``{(mentor, mentee): reason}`` couples the old engine read one by one.
"""

import json
import random
from pathlib import Path

import pytest

from pairing import engine

REFERENCE = Path(__file__).parent / "data" / "engine_reference.json"
INSTANCES = {
    # name: (seed, mentors, mentees, capacity, forbidden share, locked couples, across departments only)
    "square": (1, 120, 120, 1, 0.02, 0, False),
    "capacity_two": (2, 50, 90, 2, 0.05, 3, False),
    "more_mentees": (3, 40, 100, 1, 0.01, 0, False),
    "departments": (4, 80, 80, 1, 0.0, 0, True),
    "departments_and_locks": (5, 70, 75, 2, 0.03, 4, True),
}
DEPARTMENTS = ["", "finance", "it", "sales", "legal", "hr"]
LANGUAGES = [{"fr"}, {"fr"}, {"fr", "en"}, {"en"}, {"de"}]


def instance(seed, mentor_count, mentee_count, capacity, forbidden_share, lock_count, across_departments):
    rng = random.Random(seed)

    def profile(identifier, role_capacity):
        return engine.Profile(
            id=identifier,
            skills={skill: rng.randint(1, 3) for skill in rng.sample(range(12), rng.randint(0, 4))},
            interests=frozenset(
                rng.sample(["ai", "social", "data", "music", "sport", "travel"], rng.randint(0, 3))
            ),
            languages=frozenset(rng.choice(LANGUAGES)),
            availability=frozenset(rng.sample(range(10), rng.randint(1, 5))),
            utc_offset_hours=rng.choice([0.0, 1.0, 1.0, 1.0, -5.0, 8.0, 5.5]),
            department=rng.choice(DEPARTMENTS),
            capacity=role_capacity,
        )

    mentors = [profile(1000 + number, capacity) for number in range(mentor_count)]
    mentees = [profile(5000 + number, 1) for number in range(mentee_count)]
    couples = {}
    for mentor in mentors:
        for mentee in mentees:
            if rng.random() < forbidden_share:
                couples[(mentor.id, mentee.id)] = rng.choice(
                    [engine.REPORTING_LINE, engine.FORMER_PARTNERS, engine.NEVER_TOGETHER]
                )
    locked = [(rng.choice(mentors).id, mentee.id) for mentee in rng.sample(mentees, lock_count)]
    return mentors, mentees, couples, locked, across_departments


def old_style_couples(mentors, mentees, couples, across_departments):
    """The constraints as the old engine took them: every same-department couple listed one by one."""
    couples = dict(couples)
    if across_departments:
        for mentor in mentors:
            for mentee in mentees:
                if mentor.department and mentor.department == mentee.department:
                    couples.setdefault((mentor.id, mentee.id), engine.SAME_DEPARTMENT)
    return couples


def new_style_constraints(mentors, mentees, couples, across_departments):
    forbidden = engine.Forbidden([m.id for m in mentors], [m.id for m in mentees])
    by_reason = {}
    for (mentor_id, mentee_id), reason in couples.items():
        by_reason.setdefault(reason, ([], []))
        by_reason[reason][0].append(mentor_id)
        by_reason[reason][1].append(mentee_id)
    for reason, (mentor_ids, mentee_ids) in by_reason.items():
        forbidden.forbid(mentor_ids, mentee_ids, reason)
    if across_departments:
        forbidden.forbid_where(engine.departments_mask(mentors, mentees), engine.SAME_DEPARTMENT)
    return forbidden


def summary(result):
    return {
        "assignments": [
            [a.mentor_id, a.mentee_id, a.score, a.locked, a.breakdown] for a in result.assignments
        ],
        "unmatched": [[u.participant_id, u.role, u.reason] for u in result.unmatched],
    }


@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_the_vectorised_engine_chooses_the_pairs_the_old_one_chose(name):
    mentors, mentees, couples, locked, across_departments = instance(*INSTANCES[name])
    forbidden = new_style_constraints(mentors, mentees, couples, across_departments)

    result = engine.match(mentors, mentees, engine.Weights(), forbidden, locked)

    expected = json.loads(REFERENCE.read_text())[name]
    assert summary(result) == expected
    assert len(result.assignments) > 0


@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_couples_given_one_by_one_or_as_a_mask_forbid_the_same(name):
    mentors, mentees, couples, _, across_departments = instance(*INSTANCES[name])
    as_mask = new_style_constraints(mentors, mentees, couples, across_departments)
    one_by_one = engine.Forbidden.from_couples(
        mentors, mentees, old_style_couples(mentors, mentees, couples, across_departments)
    )
    assert (as_mask.codes == one_by_one.codes).all()
