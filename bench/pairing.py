"""How fast and how good is the matching engine at the scale of a large programme?

Seeds a programme of 500 mentors × 500 mentees with realistic random profiles (mostly French
speakers, a few English-only people, skills wanted and offered, interests, weekly slots, time zones,
departments, some managers in the programme), loads it as the service layer does, then times scoring
plus optimal assignment. The same instance is also solved by a greedy baseline (each mentee in turn
takes the best free mentor) and at random, so the ratio optimal / greedy is visible. Then the same at
2,000 × 2,000, where SciPy's ``linear_sum_assignment`` is also timed alone on the same cost matrix
(``solver_seconds_2000``: the floor for the engine, whose own work is scoring, constraints and
explanations), once more with the "across departments only" rule (about a sixth of all couples
forbidden by one mask), and at 5,000 × 5,000 in a child process whose peak memory (the whole process,
Django and the loaded participants included) is ``peak_mb_5000``.

    python bench/pairing.py            # SQLite
    DATABASE_URL=postgres://... python bench/pairing.py
    python bench/pairing.py --size 5000   # one size alone, its JSON line only
"""

import datetime
import json
import random
import resource
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from harness import Timer, bench_database, report  # noqa: E402

SEED = 20260
SLOTS = [
    f"{day}-{part}"
    for day in ("mon", "tue", "wed", "thu", "fri")
    for part in ("morning", "lunch", "afternoon")
]
DEPARTMENTS = [
    "Finance",
    "Marketing",
    "Ventes",
    "IT",
    "RH",
    "Juridique",
    "Production",
    "Achats",
    "Data",
    "Logistique",
]
INTERESTS = [
    "running",
    "cycling",
    "jazz",
    "cinema",
    "photography",
    "chess",
    "cooking",
    "hiking",
    "theatre",
    "football",
    "podcasts",
    "gaming",
    "gardening",
    "yoga",
    "painting",
    "travel",
    "reading",
    "climbing",
    "sailing",
    "music",
]
TIME_ZONES = ["Europe/Paris"] * 8 + ["Europe/London", "America/New_York", "Asia/Singapore"]


def languages(rng):
    draw = rng.random()
    if draw < 0.6:
        return ["fr"]
    if draw < 0.9:
        return ["fr", "en"]
    if draw < 0.97:
        return ["en"]
    return ["de", "en"]


def seed(size, rng, name=""):
    from accounts.models import User
    from organizations.models import Organization
    from organizations.tenancy import tenant_context
    from programmes.models import Participant, ParticipantSkill, Programme, Skill

    organization = Organization.objects.create(name=f"Bench {size}{name}", slug=f"bench-{size}{name}")
    with tenant_context(organization):
        programme = Programme.objects.create(
            name=f"Programme {size}",
            start_date=datetime.date(2026, 1, 5),
            end_date=datetime.date(2026, 12, 18),
            status=Programme.Status.MATCHING,
        )
        skills = Skill.objects.bulk_create(
            [Skill(organization=organization, name=f"Skill {number}") for number in range(24)]
        )
        users = User.objects.bulk_create(
            [
                User(email=f"p{number}@bench-{size}{name}.example", first_name="P", last_name=str(number))
                for number in range(2 * size)
            ]
        )
        participants = []
        for number, user in enumerate(users):
            role = "mentor" if number < size else "mentee"
            participants.append(
                Participant(
                    organization=organization,
                    programme=programme,
                    user=user,
                    role=role,
                    status=Participant.Status.ENROLLED,
                    department=rng.choice(DEPARTMENTS),
                    languages=languages(rng),
                    interests=rng.sample(INTERESTS, rng.randint(1, 5)),
                    availability=rng.sample(SLOTS, rng.randint(2, 7)),
                    time_zone=rng.choice(TIME_ZONES),
                    # One junior in five reports (directly) to a senior of the programme.
                    manager=users[size + rng.randrange(size)]
                    if role == "mentor" and rng.random() < 0.2
                    else None,
                )
            )
        participants = Participant.objects.bulk_create(participants)
        rows = []
        for participant in participants:
            popular = rng.sample(skills[:8], rng.randint(1, 3))
            rare = rng.sample(skills[8:], rng.randint(0, 3))
            for skill in popular + rare:
                rows.append(
                    ParticipantSkill(
                        organization=organization,
                        participant=participant,
                        skill=skill,
                        level=rng.randint(1, 3),
                    )
                )
        ParticipantSkill.objects.bulk_create(rows, batch_size=2000)
    return organization, programme


def random_score(problem, engine, rng):
    """Mentees paired with mentors in random order; impossible couples count for nothing."""
    matrix = engine.score(problem.mentors, problem.mentees, problem.weights)
    total = matrix.total
    feasible = engine._allowed(matrix, problem.mentors, problem.mentees, problem.forbidden)
    order = list(range(len(problem.mentors)))
    rng.shuffle(order)
    return float(sum(total[row, column] for row, column in enumerate(order) if feasible[row, column]))


def measure(size, rng, *, across_departments=False, baselines=True):
    from organizations.tenancy import tenant_context
    from pairing import engine, services

    organization, programme = seed(size, rng, "-departments" if across_departments else "")
    with tenant_context(organization):
        if across_departments:
            settings = services.matching_settings_for(programme)
            settings.across_departments_only = True
            settings.save()
        with Timer() as loading:
            problem = services.load_problem(programme=programme)
        with Timer() as solving:
            result = engine.match(problem.mentors, problem.mentees, problem.weights, problem.forbidden)
        figures = {
            "seconds": round(solving.seconds, 3),
            "load_seconds": round(loading.seconds, 3),
            "score": round(result.total_score, 1),
            "pairs": len(result.assignments),
            "forbidden_couples": len(problem.forbidden),
        }
        if baselines:
            greedy = engine.greedy(problem.mentors, problem.mentees, problem.weights, problem.forbidden)
            figures.update(
                solver_seconds=round(solver_alone(problem, engine), 3),
                greedy_score=round(greedy.total_score, 1),
                random_score=round(random_score(problem, engine, rng), 1),
                greedy_pairs=len(greedy.assignments),
            )
        return figures


def solver_alone(problem, engine):
    """SciPy's solver alone, on the cost matrix ``match`` gives it (every mentor has one seat here)."""
    from scipy.optimize import linear_sum_assignment

    matrix = engine.score(problem.mentors, problem.mentees, problem.weights)
    feasible = engine._allowed(matrix, problem.mentors, problem.mentees, problem.forbidden)
    seats = np.repeat(np.arange(len(problem.mentors)), [m.capacity for m in problem.mentors])
    cost = engine._cost(matrix.total, feasible, np.arange(len(problem.mentees)), seats)
    with Timer() as solving:
        linear_sum_assignment(cost)
    return solving.seconds


def one_size(size):
    """Run one size alone and print its figures with this process's peak memory."""
    with bench_database():
        figures = measure(size, random.Random(SEED), baselines=False)
    figures["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures, sort_keys=True))


def in_child_process(size):
    output = subprocess.run(
        [sys.executable, __file__, "--size", str(size)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    if "--size" in sys.argv:
        one_size(int(sys.argv[sys.argv.index("--size") + 1]))
        return
    with bench_database():
        rng = random.Random(SEED)
        small = measure(500, rng)
        print(
            f"500 × 500: scored and assigned in {small['seconds']} s (loading {small['load_seconds']} s); "
            f"total score {small['score']} optimal, {small['greedy_score']} greedy, "
            f"{small['random_score']} random "
            f"(optimal / greedy = {small['score'] / small['greedy_score']:.3f})"
        )
        large = measure(2000, rng)
        print(
            f"2000 × 2000: scored and assigned in {large['seconds']} s (loading {large['load_seconds']} s); "
            f"the solver alone takes {large['solver_seconds']} s "
            f"({large['seconds'] / large['solver_seconds']:.2f} ×)"
        )
        departments = measure(2000, rng, across_departments=True, baselines=False)
        print(
            f"2000 × 2000 across departments only: {departments['forbidden_couples']} couples forbidden, "
            f"assigned in {departments['seconds']} s (loading {departments['load_seconds']} s)"
        )
    huge = in_child_process(5000)
    print(
        f"5000 × 5000: assigned in {huge['seconds']} s (loading {huge['load_seconds']} s), "
        f"peak {huge['peak_mb']} MB for the whole process"
    )
    report(
        seconds_500=small["seconds"],
        load_seconds_500=small["load_seconds"],
        score=small["score"],
        greedy_score=small["greedy_score"],
        random_score=small["random_score"],
        optimal_over_greedy=round(small["score"] / small["greedy_score"], 4),
        pairs_500=small["pairs"],
        greedy_pairs_500=small["greedy_pairs"],
        seconds_2000=large["seconds"],
        solver_seconds_2000=large["solver_seconds"],
        load_seconds_2000=large["load_seconds"],
        score_2000=large["score"],
        greedy_score_2000=large["greedy_score"],
        forbidden_couples_2000_departments=departments["forbidden_couples"],
        seconds_2000_departments=departments["seconds"],
        load_seconds_2000_departments=departments["load_seconds"],
        seconds_5000=huge["seconds"],
        load_seconds_5000=huge["load_seconds"],
        peak_mb_5000=huge["peak_mb"],
    )


if __name__ == "__main__":
    main()
