"""Do the API's lists cost the same number of queries whatever the page size, at 5,000 participants?

Seeds one organisation with 5,000 participants, 2,500 pairs, 10,000 sessions and 2,500 goals with
progress (``--small``: a tenth), issues a key with every read scope, then reads every list endpoint at
two page sizes through the WSGI application, as a client would. Prints each list's query count at both
sizes (they must be equal), and as its last line one JSON object with the median milliseconds per page.

    python bench/api.py [--small]            # SQLite in a temporary file
    DATABASE_URL=postgres://... python bench/api.py
"""

import argparse
import datetime
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Timer, bench_database, report  # noqa: E402

LISTS = ["programmes", "participants", "pairs", "sessions", "goals"]
PAGE_SIZES = (20, 200)
PAGES = 10


def seed(scale):
    from django.utils import timezone

    from accounts.models import User
    from organizations.models import Organization, Person
    from organizations.tenancy import tenant_context
    from pairing.models import Pair
    from programmes.models import Participant, Programme
    from sessions.models import Goal, GoalProgress, Session

    participants_count = 5000 // scale
    now = timezone.now()
    organization = Organization.objects.create(name="Bench SA", slug="bench", time_zone="Europe/Paris")
    with tenant_context(organization):
        programmes = [
            Programme.objects.create(
                name=f"Programme {number}",
                start_date=(now - datetime.timedelta(days=400)).date(),
                end_date=(now + datetime.timedelta(days=200)).date(),
                status=Programme.Status.RUNNING,
            )
            for number in range(4)
        ]
        users = User.objects.bulk_create(
            [User(email=f"person{index}@bench.example", password="!") for index in range(participants_count)],
            batch_size=2000,
        )
        Person.objects.bulk_create(
            [
                Person(organization=organization, user=user, first_name="P", last_name=str(index))
                for index, user in enumerate(users)
            ],
            batch_size=2000,
        )
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    organization=organization,
                    programme=programmes[(index // 2) % len(programmes)],
                    user=user,
                    role=Participant.Role.MENTOR if index % 2 == 0 else Participant.Role.MENTEE,
                    status=Participant.Status.ENROLLED,
                    manager=users[0] if index else None,
                )
                for index, user in enumerate(users)
            ],
            batch_size=2000,
        )
        pairs = Pair.objects.bulk_create(
            [
                Pair(
                    organization=organization,
                    programme=participants[index].programme,
                    mentor=participants[index],
                    mentee=participants[index + 1],
                    status=Pair.Status.ACTIVE,
                    started_at=now - datetime.timedelta(days=90),
                )
                for index in range(0, participants_count - 1, 2)
            ],
            batch_size=2000,
        )
        Session.objects.bulk_create(
            [
                Session(
                    organization=organization,
                    pair=pair,
                    starts_at=now - datetime.timedelta(days=14 * number),
                    duration_minutes=45,
                    status=Session.Status.HELD,
                )
                for pair in pairs
                for number in range(4)
            ],
            batch_size=2000,
        )
        goals = Goal.objects.bulk_create(
            [Goal(organization=organization, pair=pair, title="Goal") for pair in pairs], batch_size=2000
        )
        GoalProgress.objects.bulk_create(
            [
                GoalProgress(organization=organization, goal=goal, recorded_on=now.date(), value=3)
                for goal in goals
            ],
            batch_size=2000,
        )
    return organization


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    with bench_database():
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from api.models import ApiKey
        from api.scopes import READ_SCOPES
        from api.throttling import ApiKeyRateThrottle
        from organizations.tenancy import tenant_context

        ApiKeyRateThrottle.rate = "100000/minute"  # the bench measures the lists, not the limit
        organization = seed(10 if args.small else 1)
        with tenant_context(organization):
            _key, secret = ApiKey.issue(organization=organization, name="bench", scopes=READ_SCOPES)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        figures, timings, equal = {}, [], True
        for name in LISTS:
            counts = []
            for size in PAGE_SIZES:
                url = f"/api/v1/{name}/?page_size={size}"
                client.get(url)  # warm: the key's last use is written once a minute
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                counts.append(len(queries))
                for _ in range(PAGES):
                    with Timer() as timer:
                        page = client.get(url).json()
                    assert page["results"], url
                    timings.append((size, timer.seconds))
                    url = page["next"] or url
            equal &= counts[0] == counts[1]
            figures[f"{name}_queries"] = counts
            print(f"{name}: {counts[0]} queries at page_size={PAGE_SIZES[0]}, {counts[1]} at {PAGE_SIZES[1]}")
        for size in PAGE_SIZES:
            figures[f"median_ms_page_{size}"] = round(
                1000 * statistics.median(seconds for s, seconds in timings if s == size), 1
            )
        report(
            bench="api",
            participants=5000 // (10 if args.small else 1),
            queries_independent_of_page_size=equal,
            database=connection.vendor,
            **figures,
        )
        if not equal:
            sys.exit("a list's query count depends on its page size")


if __name__ == "__main__":
    main()
