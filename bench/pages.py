"""What one request of each page under load costs, in-process: ms of CPU and wall time, queries, round trips.

The pages and users of ``bench/load.py`` (the demo organisation, the pair's mentor on the pair page and on
the organisation's home, HR on the participants list, an executive on the dashboard, ``/healthz`` as the
floor), requested ``--requests``
times each through Django's test client with the full middleware stack, on the same database server.
Counts every statement the connection sends (``queries``), those of row security among them
(``scope_statements``: the ``set_config`` round trips), and the time per request. ``pair_drawn`` and ``participants_drawn`` are
the same pages with nothing kept (``organizations/pagecache.py``): what the first view after a write
costs. ``--profile PAGE`` prints cProfile's top functions for that page instead.

    DATABASE_URL=postgres://... python bench/pages.py [--requests 200] [--profile dashboard]

The last line is one JSON object: per page ``ms``, ``cpu_ms``, ``queries`` and ``scope_statements`` per
request.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import bench_database, report  # noqa: E402


def _pages():
    from django.core.management import call_command

    from organizations.demo import DEMO_SLUG
    from organizations.models import Membership, Organization
    from organizations.roles import Role
    from organizations.tenancy import tenant_context
    from pairing.models import Pair
    from programmes.models import Participant

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    organization = Organization.objects.get(slug=DEMO_SLUG)
    with tenant_context(organization):
        pair = Pair.objects.filter(status=Pair.Status.ACTIVE).select_related("mentor__user").first()
        participant = Participant.objects.filter(programme=pair.programme).first()
        hr = Membership.objects.filter(role=Role.HR_ADMIN).select_related("user").first().user
        executive = Membership.objects.filter(role=Role.EXECUTIVE).select_related("user").first().user
    slug = organization.slug
    pair_path = f"/o/{slug}/pairs/{pair.pk}/"
    participants_path = f"/o/{slug}/programmes/{participant.programme_id}/participants/"
    return {
        "pair": (pair_path, pair.mentor.user),
        "participants": (participants_path, hr),
        # The same two pages drawn from their rows at every request, as after each write to what they show
        # (PAGE_CACHE off; organizations/pagecache.py).
        "pair_drawn": (pair_path, pair.mentor.user),
        "participants_drawn": (participants_path, hr),
        "dashboard": (f"/o/{slug}/dashboard/", executive),
        "home": (f"/o/{slug}/", pair.mentor.user),
        "floor": ("/healthz", None),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", help="print cProfile's top functions for this page")
    arguments = parser.parse_args()
    with bench_database():
        import logging

        from django.db import connection
        from django.test import Client, override_settings

        # A server logs to a pipe nobody reads in the bench; here the console would be the bottleneck.
        logging.disable(logging.INFO)
        pages = _pages()
        figures = {}
        statements = [0]

        def count(execute, sql, params, many, context):
            statements[0] += 1
            return execute(sql, params, many, context)

        for name, (path, user) in pages.items():
            if arguments.profile and name != arguments.profile:
                continue
            client = Client()
            if user is not None:
                client.force_login(user)
            drawn = override_settings(PAGE_CACHE=not name.endswith("_drawn"))
            drawn.enable()
            for _ in range(5):  # warm: templates compiled, connection open, the dashboard's cache filled
                assert client.get(path).status_code == 200, path
            scope_before = getattr(connection, "scope_statements", 0)
            statements[0] = 0
            profiler = cProfile.Profile() if arguments.profile else None
            with connection.execute_wrapper(count):
                wall, cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                for _ in range(arguments.requests):
                    client.get(path)
                if profiler:
                    profiler.disable()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            drawn.disable()
            if profiler:
                stats = pstats.Stats(profiler, stream=sys.stderr)
                stats.sort_stats("cumulative").print_stats(60)
                stats.sort_stats("tottime").print_stats(30)
            figures[name] = {
                "ms": round(wall * 1000 / arguments.requests, 2),
                "cpu_ms": round(cpu * 1000 / arguments.requests, 2),
                "queries": round(statements[0] / arguments.requests, 2),
                "scope_statements": round(
                    (getattr(connection, "scope_statements", 0) - scope_before) / arguments.requests, 2
                ),
            }
            print(name, path, figures[name], file=sys.stderr, flush=True)
    report(requests=arguments.requests, database=connection.vendor, **figures)


if __name__ == "__main__":
    main()
