"""The matching engine: score every (mentor, mentee) couple and find the assignment with the best total.

Pure Python + numpy + SciPy, no database: the service layer turns participants into ``Profile``
objects, the hard constraints it knows about (reporting line, former partners, HR rules) into
``forbidden`` couples, and calls ``match``. Scores are computed for all couples at once with matrix
products, never with a loop over couples, so 2,000 × 2,000 stays well under a few seconds.

The assignment is SciPy's ``linear_sum_assignment`` (a Hungarian-type method) on mentees × mentor
"seats", each mentor expanded into as many seats as mentees they can still take. Infeasible couples
get a prohibitive cost, and a couple chosen at that cost is reported as unmatched, with the reason.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

CRITERIA = ("skills", "interests", "languages", "availability", "time_zone", "diversity")

# Reasons a person is left without a partner (the service layer translates them).
NO_SHARED_LANGUAGE = "no_shared_language"
ALL_EXCLUDED = "all_excluded"
NO_CAPACITY = "no_capacity"
TAKEN_BY_OTHERS = "taken_by_others"
NO_MENTEE_LEFT = "no_mentee_left"
NO_COMPATIBLE_MENTEE = "no_compatible_mentee"

# Hard-constraint reasons for a forbidden couple (passed in by the caller, reported in explanations).
REPORTING_LINE = "reporting_line"
FORMER_PARTNERS = "former_partners"
NEVER_TOGETHER = "never_together"

INFEASIBLE_COST = 1e6
# Enough shared slots in the week to meet comfortably; more adds nothing.
ENOUGH_SHARED_SLOTS = 3
MAX_TIME_ZONE_GAP_HOURS = 12.0


@dataclass(frozen=True)
class Weights:
    """How much each criterion counts, 0 meaning it is ignored. HR tunes them per programme."""

    skills: float = 4.0
    interests: float = 1.0
    languages: float = 1.0
    availability: float = 2.0
    time_zone: float = 1.0
    diversity: float = 1.0

    def as_array(self):
        return np.array([getattr(self, name) for name in CRITERIA], dtype=float)


@dataclass(frozen=True)
class Profile:
    """One participant as the engine sees them.

    ``skills`` maps a skill id to a level 1-3 (proficiency for a mentor, wish for a mentee).
    ``capacity`` is how many more mentees a mentor can take (ignored for mentees).
    """

    id: int
    skills: dict = field(default_factory=dict)
    interests: frozenset = frozenset()
    languages: frozenset = frozenset()
    availability: frozenset = frozenset()
    utc_offset_hours: float = 0.0
    department: str = ""
    capacity: int = 1


@dataclass(frozen=True)
class Assignment:
    mentor_id: int
    mentee_id: int
    score: float
    breakdown: dict
    locked: bool = False


@dataclass(frozen=True)
class Unmatched:
    participant_id: int
    role: str  # "mentor" or "mentee"
    reason: str


@dataclass
class Result:
    assignments: list
    unmatched: list

    @property
    def total_score(self):
        return float(sum(assignment.score for assignment in self.assignments))


def _binary(profiles, attribute):
    vocabulary = sorted({value for profile in profiles for value in getattr(profile, attribute)})
    index = {value: position for position, value in enumerate(vocabulary)}
    matrix = np.zeros((len(profiles), len(vocabulary)), dtype=np.float32)
    for row, profile in enumerate(profiles):
        for value in getattr(profile, attribute):
            matrix[row, index[value]] = 1.0
    return matrix


def _binary_pair(mentors, mentees, attribute):
    """Indicator matrices of the same vocabulary for both sides."""
    both = _binary(list(mentors) + list(mentees), attribute)
    return both[: len(mentors)], both[len(mentors) :]


def _levels_pair(mentors, mentees):
    vocabulary = sorted({skill for profile in [*mentors, *mentees] for skill in profile.skills})
    index = {skill: position for position, skill in enumerate(vocabulary)}

    def fill(profiles):
        matrix = np.zeros((len(profiles), len(vocabulary)), dtype=np.float32)
        for row, profile in enumerate(profiles):
            for skill, level in profile.skills.items():
                matrix[row, index[skill]] = level
        return matrix

    return fill(mentors), fill(mentees)


@dataclass
class ScoreMatrix:
    """Scores of every couple: ``criteria[c]`` is a mentees × mentors array in [0, 1] per criterion."""

    mentors: list
    mentees: list
    weights: Weights
    criteria: np.ndarray  # shape (len(CRITERIA), mentees, mentors)
    shared_language: np.ndarray  # bool, mentees × mentors

    @property
    def total(self):
        """Weighted score of every couple on a 0-100 scale."""
        weights = self.weights.as_array()
        weight_sum = weights.sum() or 1.0
        return np.tensordot(weights, self.criteria, axes=1) * (100.0 / weight_sum)

    def breakdown(self, mentee_row, mentor_column):
        weights = self.weights.as_array()
        scale = 100.0 / (weights.sum() or 1.0)
        return {
            name: round(
                float(weights[position] * self.criteria[position, mentee_row, mentor_column] * scale), 1
            )
            for position, name in enumerate(CRITERIA)
        }


def score(mentors, mentees, weights=Weights()):
    """Score every couple at once (matrix products over skills, interests, languages and slots)."""
    mentors, mentees = list(mentors), list(mentees)
    offered, wanted = _levels_pair(mentors, mentees)
    # Skills: what the mentee wants × how well the mentor knows it, relative to the best possible.
    skills = wanted @ offered.T
    best_possible = wanted.sum(axis=1, keepdims=True) * 3.0
    skills = np.divide(skills, best_possible, out=np.zeros_like(skills), where=best_possible > 0)

    mentor_interests, mentee_interests = _binary_pair(mentors, mentees, "interests")
    shared = mentee_interests @ mentor_interests.T
    union = mentee_interests.sum(axis=1, keepdims=True) + mentor_interests.sum(axis=1)[None, :] - shared
    interests = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)

    mentor_languages, mentee_languages = _binary_pair(mentors, mentees, "languages")
    shared_languages = mentee_languages @ mentor_languages.T
    languages = np.minimum(shared_languages, 2.0) / 2.0

    mentor_slots, mentee_slots = _binary_pair(mentors, mentees, "availability")
    availability = np.minimum(mentee_slots @ mentor_slots.T, ENOUGH_SHARED_SLOTS) / ENOUGH_SHARED_SLOTS

    mentor_offsets = np.array([profile.utc_offset_hours for profile in mentors], dtype=np.float32)
    mentee_offsets = np.array([profile.utc_offset_hours for profile in mentees], dtype=np.float32)
    gap = np.abs(mentee_offsets[:, None] - mentor_offsets[None, :])
    gap = np.minimum(gap, 24.0 - gap)
    time_zone = np.clip(1.0 - gap / MAX_TIME_ZONE_GAP_HOURS, 0.0, 1.0)

    departments = {name: code for code, name in enumerate(sorted({p.department for p in mentors + mentees}))}
    mentor_departments = np.array([departments[p.department] for p in mentors], dtype=int)
    mentee_departments = np.array([departments[p.department] for p in mentees], dtype=int)
    known = (
        np.array([bool(p.department) for p in mentees], dtype=bool)[:, None]
        & np.array([bool(p.department) for p in mentors], dtype=bool)[None, :]
    )
    diversity = np.where(
        known, (mentee_departments[:, None] != mentor_departments[None, :]).astype(np.float32), 0.5
    )

    criteria = np.stack([skills, interests, languages, availability, time_zone, diversity]).astype(np.float32)
    return ScoreMatrix(mentors, mentees, weights, criteria, shared_languages > 0)


def match(mentors, mentees, weights=Weights(), forbidden=None, locked=()):
    """The assignment of mentees to mentors with the highest total score under the hard constraints.

    ``forbidden`` maps (mentor_id, mentee_id) to a reason; ``locked`` lists (mentor_id, mentee_id)
    couples kept whatever happens (HR locks and "must pair" rules). Each mentor takes at most
    ``capacity`` mentees, locked ones included.
    """
    mentors, mentees = list(mentors), list(mentees)
    forbidden = forbidden or {}
    matrix = score(mentors, mentees, weights)
    total = matrix.total
    mentor_column = {profile.id: column for column, profile in enumerate(mentors)}
    mentee_row = {profile.id: row for row, profile in enumerate(mentees)}

    feasible = matrix.shared_language.copy()
    for mentor_id, mentee_id in forbidden:
        if mentor_id in mentor_column and mentee_id in mentee_row:
            feasible[mentee_row[mentee_id], mentor_column[mentor_id]] = False

    capacity = np.array([max(profile.capacity, 0) for profile in mentors], dtype=int)
    assignments = []
    locked_rows = set()
    for mentor_id, mentee_id in locked:
        if mentor_id not in mentor_column or mentee_id not in mentee_row:
            continue
        row, column = mentee_row[mentee_id], mentor_column[mentor_id]
        if row in locked_rows:
            continue
        locked_rows.add(row)
        capacity[column] = max(capacity[column] - 1, 0)
        assignments.append(
            Assignment(
                mentor_id, mentee_id, round(float(total[row, column]), 1), matrix.breakdown(row, column), True
            )
        )

    free_rows = np.array([row for row in range(len(mentees)) if row not in locked_rows], dtype=int)
    seats = np.repeat(np.arange(len(mentors)), capacity)
    matched_rows = set(locked_rows)
    if len(free_rows) and len(seats):
        cost = np.where(feasible[np.ix_(free_rows, seats)], -total[np.ix_(free_rows, seats)], INFEASIBLE_COST)
        rows, columns = linear_sum_assignment(cost)
        for row_position, seat_position in zip(rows, columns, strict=True):
            if cost[row_position, seat_position] >= INFEASIBLE_COST:
                continue
            row, column = int(free_rows[row_position]), int(seats[seat_position])
            matched_rows.add(row)
            assignments.append(
                Assignment(
                    mentors[column].id,
                    mentees[row].id,
                    round(float(total[row, column]), 1),
                    matrix.breakdown(row, column),
                )
            )

    unmatched = _unmatched_reasons(matrix, feasible, capacity, assignments, matched_rows)
    return Result(assignments=assignments, unmatched=unmatched)


def _unmatched_reasons(matrix, feasible, remaining_capacity, assignments, matched_rows):
    mentors, mentees = matrix.mentors, matrix.mentees
    has_capacity = remaining_capacity > 0
    unmatched = []
    for row, mentee in enumerate(mentees):
        if row in matched_rows:
            continue
        if not matrix.shared_language[row].any():
            reason = NO_SHARED_LANGUAGE
        elif not feasible[row].any():
            reason = ALL_EXCLUDED
        elif not (feasible[row] & has_capacity).any():
            reason = NO_CAPACITY
        else:
            reason = TAKEN_BY_OTHERS
        unmatched.append(Unmatched(mentee.id, "mentee", reason))
    busy = {assignment.mentor_id for assignment in assignments}
    free_rows = np.array([row not in matched_rows for row in range(len(mentees))], dtype=bool)
    for column, mentor in enumerate(mentors):
        if mentor.id in busy or mentor.capacity <= 0:
            continue
        if len(mentees) and not matrix.shared_language[:, column].any():
            reason = NO_SHARED_LANGUAGE
        elif len(mentees) and not feasible[:, column].any():
            reason = ALL_EXCLUDED
        elif not (feasible[:, column] & free_rows).any():
            reason = NO_MENTEE_LEFT
        else:
            reason = NO_COMPATIBLE_MENTEE
        unmatched.append(Unmatched(mentor.id, "mentor", reason))
    return unmatched


def greedy(mentors, mentees, weights=Weights(), forbidden=None):
    """The baseline the optimiser is measured against: each mentee in turn takes the best free mentor."""
    mentors, mentees = list(mentors), list(mentees)
    forbidden = forbidden or {}
    matrix = score(mentors, mentees, weights)
    total = matrix.total
    feasible = matrix.shared_language.copy()
    columns = {profile.id: column for column, profile in enumerate(mentors)}
    rows = {profile.id: row for row, profile in enumerate(mentees)}
    for mentor_id, mentee_id in forbidden:
        if mentor_id in columns and mentee_id in rows:
            feasible[rows[mentee_id], columns[mentor_id]] = False
    capacity = np.array([profile.capacity for profile in mentors], dtype=int)
    assignments = []
    for row in range(len(mentees)):
        candidates = np.where(feasible[row] & (capacity > 0), total[row], -np.inf)
        column = int(np.argmax(candidates)) if len(candidates) else 0
        if not len(candidates) or candidates[column] == -np.inf:
            continue
        capacity[column] -= 1
        assignments.append(
            Assignment(
                mentors[column].id,
                mentees[row].id,
                round(float(total[row, column]), 1),
                matrix.breakdown(row, column),
            )
        )
    return Result(assignments=assignments, unmatched=[])


def suggestions(mentors, mentee, weights=Weights(), forbidden=None, limit=3):
    """The mentee's ``limit`` best mentors with room left, best first: (mentor_id, score, breakdown)."""
    mentors = [profile for profile in mentors if profile.capacity > 0]
    if not mentors:
        return []
    forbidden = forbidden or {}
    matrix = score(mentors, [mentee], weights)
    total = matrix.total[0]
    feasible = matrix.shared_language[0].copy()
    for column, mentor in enumerate(mentors):
        if (mentor.id, mentee.id) in forbidden:
            feasible[column] = False
    order = [column for column in np.argsort(-total, kind="stable") if feasible[column]][:limit]
    return [
        (mentors[column].id, round(float(total[column]), 1), matrix.breakdown(0, column)) for column in order
    ]


def explain(mentor, mentee):
    """What the two share: skill ids offered and wanted, interests, languages, slots, department."""
    return {
        "skills": sorted(set(mentor.skills) & set(mentee.skills)),
        "interests": sorted(mentor.interests & mentee.interests),
        "languages": sorted(mentor.languages & mentee.languages),
        "availability": sorted(mentor.availability & mentee.availability),
        "same_department": bool(mentor.department) and mentor.department == mentee.department,
    }
