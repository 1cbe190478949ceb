"""How fast and how good is the matching engine at the scale of a large programme?

Seeds a programme of 500 mentors × 500 mentees with realistic random profiles (mostly French
speakers, a few English-only people, skills wanted and offered, interests, weekly slots, time zones,
departments, some managers in the programme), loads it as the service layer does, then times scoring
plus optimal assignment. The same instance is also solved by a greedy baseline (each mentee in turn
takes the best free mentor) and at random, so the ratio optimal / greedy is visible. Then the same at
2,000 × 2,000.

    python bench/pairing.py            # SQLite
    DATABASE_URL=postgres://... python bench/pairing.py
"""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

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


def seed(size, rng):
    from accounts.models import User
    from organizations.models import Organization
    from organizations.tenancy import tenant_context
    from programmes.models import Participant, ParticipantSkill, Programme, Skill

    organization = Organization.objects.create(name=f"Bench {size}", slug=f"bench-{size}")
    with tenant_context(organization):
        programme = Programme.objects.create(
            name=f"Programme {size}",
            start_date="2026-01-05",
            end_date="2026-12-18",
            status=Programme.Status.MATCHING,
        )
        skills = Skill.objects.bulk_create(
            [Skill(organization=organization, name=f"Skill {number}") for number in range(24)]
        )
        users = User.objects.bulk_create(
            [
                User(email=f"p{number}@bench-{size}.example", first_name="P", last_name=str(number))
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
    total, feasible = matrix.total, matrix.shared_language.copy()
    rows = {profile.id: row for row, profile in enumerate(problem.mentees)}
    columns = {profile.id: column for column, profile in enumerate(problem.mentors)}
    for mentor_id, mentee_id in problem.forbidden:
        if mentor_id in columns and mentee_id in rows:
            feasible[rows[mentee_id], columns[mentor_id]] = False
    order = list(range(len(problem.mentors)))
    rng.shuffle(order)
    return float(sum(total[row, column] for row, column in enumerate(order) if feasible[row, column]))


def measure(size, rng):
    from organizations.tenancy import tenant_context
    from pairing import engine, services

    organization, programme = seed(size, rng)
    with tenant_context(organization):
        with Timer() as loading:
            problem = services.load_problem(programme=programme)
        with Timer() as solving:
            result = engine.match(problem.mentors, problem.mentees, problem.weights, problem.forbidden)
        greedy = engine.greedy(problem.mentors, problem.mentees, problem.weights, problem.forbidden)
        return {
            "seconds": round(solving.seconds, 3),
            "load_seconds": round(loading.seconds, 3),
            "score": round(result.total_score, 1),
            "greedy_score": round(greedy.total_score, 1),
            "random_score": round(random_score(problem, engine, rng), 1),
            "pairs": len(result.assignments),
            "greedy_pairs": len(greedy.assignments),
            "forbidden_couples": len(problem.forbidden),
        }


def main():
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
        print(f"2000 × 2000: scored and assigned in {large['seconds']} s (loading {large['load_seconds']} s)")
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
            load_seconds_2000=large["load_seconds"],
            score_2000=large["score"],
            greedy_score_2000=large["greedy_score"],
        )


if __name__ == "__main__":
    main()
