"""The matching engine: score every (mentor, mentee) couple and find the assignment with the best total.

Pure Python + numpy + SciPy, no database: the service layer turns participants into ``Profile``
objects, the hard constraints it knows about (reporting line, former partners, HR rules, the
programme's department rule) into a ``Forbidden`` matrix, and calls ``match``. Scores and constraints
are computed for all couples at once with matrix operations and masks, never with a Python loop over
couples: at 2,000 × 2,000 everything but SciPy's solver takes a fraction of the solver's own time
(``bench/pairing.py`` prints both).

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
SAME_DEPARTMENT = "same_department"
# Reason codes stored in a ``Forbidden`` matrix (0: allowed). The order is the storage format only.
REASON_CODES = {REPORTING_LINE: 1, FORMER_PARTNERS: 2, NEVER_TOGETHER: 3, SAME_DEPARTMENT: 4}
REASONS_BY_CODE = {code: reason for reason, code in REASON_CODES.items()}

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


class Forbidden:
    """Hard constraints as one reason code per (mentee, mentor) couple, 0 where the couple is allowed.

    Built from arrays of ids and from boolean masks, never couple by couple: a rule that forbids
    millions of couples (pairs within a department) is one vectorised operation, and ``match`` reads the
    matrix without a loop. Ids are looked up with a sorted index (``searchsorted``), so database ids of
    any size cost nothing. Couples of people the matrix does not know are ignored, as ids of people no
    longer enrolled must be.
    """

    def __init__(self, mentor_ids, mentee_ids):
        self.mentor_ids = np.asarray(list(mentor_ids), dtype=np.int64)
        self.mentee_ids = np.asarray(list(mentee_ids), dtype=np.int64)
        self._mentor_order = np.argsort(self.mentor_ids, kind="stable")
        self._mentee_order = np.argsort(self.mentee_ids, kind="stable")
        self._sorted_mentors = self.mentor_ids[self._mentor_order]
        self._sorted_mentees = self.mentee_ids[self._mentee_order]
        self.codes = np.zeros((len(self.mentee_ids), len(self.mentor_ids)), dtype=np.uint8)

    @classmethod
    def from_couples(cls, mentors, mentees, couples):
        """From a ``{(mentor_id, mentee_id): reason}`` mapping (small hand-made problems, tests)."""
        forbidden = cls([profile.id for profile in mentors], [profile.id for profile in mentees])
        by_reason = {}
        for (mentor_id, mentee_id), reason in (couples or {}).items():
            by_reason.setdefault(reason, ([], []))
            by_reason[reason][0].append(mentor_id)
            by_reason[reason][1].append(mentee_id)
        for reason, (mentor_ids, mentee_ids) in by_reason.items():
            forbidden.forbid(mentor_ids, mentee_ids, reason)
        return forbidden

    @staticmethod
    def _positions(ids, sorted_ids, order):
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if not len(sorted_ids):
            return np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=bool)
        slots = np.clip(np.searchsorted(sorted_ids, ids), 0, len(sorted_ids) - 1)
        return order[slots], sorted_ids[slots] == ids

    def _couple_positions(self, mentor_ids, mentee_ids):
        columns, known_mentors = self._positions(mentor_ids, self._sorted_mentors, self._mentor_order)
        rows, known_mentees = self._positions(mentee_ids, self._sorted_mentees, self._mentee_order)
        known = known_mentors & known_mentees
        return rows[known], columns[known]

    def forbid(self, mentor_ids, mentee_ids, reason, *, keep_earlier=False):
        """Forbid the couples ``zip(mentor_ids, mentee_ids)``; ``keep_earlier`` keeps a reason already set."""
        rows, columns = self._couple_positions(mentor_ids, mentee_ids)
        code = REASON_CODES[reason]
        if keep_earlier:
            current = self.codes[rows, columns]
            self.codes[rows, columns] = np.where(current == 0, code, current)
        else:
            self.codes[rows, columns] = code

    def forbid_where(self, mask, reason, *, keep_earlier=True):
        """Forbid every couple where ``mask`` (mentees × mentors, in the order given) is true."""
        code = np.uint8(REASON_CODES[reason])
        if keep_earlier:
            mask = mask & (self.codes == 0)
        self.codes[mask] = code

    def allow(self, mentor_ids, mentee_ids):
        rows, columns = self._couple_positions(mentor_ids, mentee_ids)
        self.codes[rows, columns] = 0

    def reason(self, mentor_id, mentee_id):
        """The reason the couple is forbidden, or None."""
        rows, columns = self._couple_positions([mentor_id], [mentee_id])
        if not len(rows):
            return None
        return REASONS_BY_CODE.get(int(self.codes[rows[0], columns[0]]))

    def __contains__(self, couple):
        return self.reason(*couple) is not None

    def __getitem__(self, couple):
        reason = self.reason(*couple)
        if reason is None:
            raise KeyError(couple)
        return reason

    def __len__(self):
        return int(np.count_nonzero(self.codes))

    def allowed_for(self, mentors, mentees):
        """Allowed couples (bool, mentees × mentors) for these profiles, in their order."""
        columns, known_columns = self._positions(
            [profile.id for profile in mentors], self._sorted_mentors, self._mentor_order
        )
        rows, known_rows = self._positions(
            [profile.id for profile in mentees], self._sorted_mentees, self._mentee_order
        )
        if len(columns) == len(self.mentor_ids) and len(rows) == len(self.mentee_ids):
            if known_columns.all() and known_rows.all():
                if (columns == np.arange(len(columns))).all() and (rows == np.arange(len(rows))).all():
                    return self.codes == 0
        allowed = np.ones((len(rows), len(columns)), dtype=bool)
        inner = np.ix_(np.flatnonzero(known_rows), np.flatnonzero(known_columns))
        allowed[inner] = self.codes[np.ix_(rows[known_rows], columns[known_columns])] == 0
        return allowed


def departments_mask(mentors, mentees):
    """Couples of the same (known) department, mentees × mentors: what "across departments only" forbids."""
    mentor_codes, mentee_codes = _department_codes(mentors, mentees)
    return (mentee_codes[:, None] == mentor_codes[None, :]) & (mentee_codes[:, None] >= 0)


def _department_codes(mentors, mentees):
    """Each profile's department as an integer, -1 where it is unknown."""
    names = sorted({profile.department for profile in [*mentors, *mentees] if profile.department})
    code = {name: position for position, name in enumerate(names)}
    mentor_codes = np.array([code.get(profile.department, -1) for profile in mentors], dtype=np.int64)
    mentee_codes = np.array([code.get(profile.department, -1) for profile in mentees], dtype=np.int64)
    return mentor_codes, mentee_codes


def _allowed(matrix, mentors, mentees, forbidden):
    """Couples that share a language and break no hard constraint (bool, mentees × mentors)."""
    if forbidden is None or isinstance(forbidden, dict):
        forbidden = Forbidden.from_couples(mentors, mentees, forbidden)
    return matrix.shared_language & forbidden.allowed_for(mentors, mentees)


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
        # Accumulated criterion by criterion in float64: the same sums as a tensordot over the stack,
        # without casting the whole stack to float64 first (6× faster at 2,000 × 2,000).
        total = np.multiply(self.criteria[0], weights[0], dtype=np.float64)
        term = np.empty_like(total)
        for position in range(1, len(CRITERIA)):
            np.multiply(self.criteria[position], weights[position], out=term, dtype=np.float64)
            total += term
        total *= 100.0 / weight_sum
        return total

    def breakdowns(self, mentee_rows, mentor_columns):
        """``breakdown`` for many couples at once: one gather over the criteria, not one per couple."""
        weights = self.weights.as_array()
        scale = 100.0 / (weights.sum() or 1.0)
        points = weights[:, None] * self.criteria[:, mentee_rows, mentor_columns] * scale
        return [
            {name: round(value, 1) for name, value in zip(CRITERIA, couple, strict=True)}
            for couple in points.T.tolist()
        ]

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
    """Score every couple at once (matrix products over skills, interests, languages and slots).

    Each criterion is computed straight into its slice of one float32 array, in place where it can
    be: at 5,000 × 5,000 a criterion is 100 MB, and copies (a stack, a cast) cost as much as the maths.
    """
    mentors, mentees = list(mentors), list(mentees)
    criteria = np.empty((len(CRITERIA), len(mentees), len(mentors)), dtype=np.float32)
    skills, interests, languages, availability, time_zone, diversity = criteria

    # Skills: what the mentee wants × how well the mentor knows it, relative to the best possible.
    offered, wanted = _levels_pair(mentors, mentees)
    np.matmul(wanted, offered.T, out=skills)
    best_possible = wanted.sum(axis=1, keepdims=True) * 3.0
    # Where a mentee wants nothing, the product above is already 0.
    np.divide(skills, best_possible, out=skills, where=best_possible > 0)

    mentor_interests, mentee_interests = _binary_pair(mentors, mentees, "interests")
    np.matmul(mentee_interests, mentor_interests.T, out=interests)
    union = mentee_interests.sum(axis=1, keepdims=True) + mentor_interests.sum(axis=1)[None, :] - interests
    np.divide(interests, union, out=interests, where=union > 0)
    del union

    mentor_languages, mentee_languages = _binary_pair(mentors, mentees, "languages")
    np.matmul(mentee_languages, mentor_languages.T, out=languages)
    shared_language = languages > 0
    np.minimum(languages, 2.0, out=languages)
    languages /= 2.0

    mentor_slots, mentee_slots = _binary_pair(mentors, mentees, "availability")
    np.matmul(mentee_slots, mentor_slots.T, out=availability)
    np.minimum(availability, ENOUGH_SHARED_SLOTS, out=availability)
    availability /= ENOUGH_SHARED_SLOTS

    mentor_offsets = np.array([profile.utc_offset_hours for profile in mentors], dtype=np.float32)
    mentee_offsets = np.array([profile.utc_offset_hours for profile in mentees], dtype=np.float32)
    np.subtract(mentee_offsets[:, None], mentor_offsets[None, :], out=time_zone)
    np.abs(time_zone, out=time_zone)
    np.minimum(time_zone, 24.0 - time_zone, out=time_zone)
    time_zone /= MAX_TIME_ZONE_GAP_HOURS
    np.subtract(1.0, time_zone, out=time_zone)
    np.clip(time_zone, 0.0, 1.0, out=time_zone)

    mentor_departments, mentee_departments = _department_codes(mentors, mentees)
    np.not_equal(mentee_departments[:, None], mentor_departments[None, :], out=diversity, casting="unsafe")
    unknown = (mentee_departments < 0)[:, None] | (mentor_departments < 0)[None, :]
    diversity[unknown] = 0.5

    return ScoreMatrix(mentors, mentees, weights, criteria, shared_language)


def match(mentors, mentees, weights=Weights(), forbidden=None, locked=()):
    """The assignment of mentees to mentors with the highest total score under the hard constraints.

    ``forbidden`` maps (mentor_id, mentee_id) to a reason; ``locked`` lists (mentor_id, mentee_id)
    couples kept whatever happens (HR locks and "must pair" rules). Each mentor takes at most
    ``capacity`` mentees, locked ones included.
    """
    mentors, mentees = list(mentors), list(mentees)
    matrix = score(mentors, mentees, weights)
    total = matrix.total
    mentor_column = {profile.id: column for column, profile in enumerate(mentors)}
    mentee_row = {profile.id: row for row, profile in enumerate(mentees)}
    feasible = _allowed(matrix, mentors, mentees, forbidden)

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
        row_positions, seat_positions = linear_sum_assignment(_cost(total, feasible, free_rows, seats))
        rows, columns = free_rows[row_positions], seats[seat_positions]
        chosen = feasible[rows, columns]
        rows, columns = rows[chosen], columns[chosen]
        matched_rows.update(rows.tolist())
        scores = total[rows, columns].tolist()
        for row, column, couple_score, breakdown in zip(
            rows.tolist(), columns.tolist(), scores, matrix.breakdowns(rows, columns), strict=True
        ):
            assignments.append(
                Assignment(mentors[column].id, mentees[row].id, round(couple_score, 1), breakdown)
            )

    unmatched = _unmatched_reasons(matrix, feasible, capacity, assignments, matched_rows)
    return Result(assignments=assignments, unmatched=unmatched)


def _cost(total, feasible, free_rows, seats):
    """The solver's cost matrix (free mentees × seats): minus the score, prohibitive where infeasible.

    When every mentee is free and every mentor has one seat, as in a first round, the matrices are used
    as they are instead of being gathered seat by seat (a copy of the whole matrix).
    """
    if len(free_rows) == total.shape[0] and np.array_equal(seats, np.arange(total.shape[1])):
        cost = np.negative(total)
        cost[~feasible] = INFEASIBLE_COST
        return cost
    grid = np.ix_(free_rows, seats)
    cost = np.negative(total[grid])
    cost[~feasible[grid]] = INFEASIBLE_COST
    return cost


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
    matrix = score(mentors, mentees, weights)
    total = matrix.total
    feasible = _allowed(matrix, mentors, mentees, forbidden)
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
    matrix = score(mentors, [mentee], weights)
    total = matrix.total[0]
    feasible = _allowed(matrix, mentors, [mentee], forbidden)[0]
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
