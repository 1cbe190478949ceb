"""Do the busiest pages hold under load? gunicorn against PostgreSQL with the demo data, a bounded client.

Seeds the demo organisation (``seed_demo``) in a throw-away database, signs in one session per simulated
user up front (the pair's mentor, HR, an executive), starts gunicorn with ``gunicorn.conf.py`` (2 workers
by default), then, page after page, keeps ``--users`` concurrent users requesting it back to back for
``--seconds``: the pair page, HR's participants list, the executive dashboard, and ``/healthz`` as the
floor (a view that reads nothing), all in the same run and on the same server. A user waits for each answer
before the next request (a closed loop), so the throughput is what the server sustains, not what is offered.

    DATABASE_URL=postgres://... python bench/load.py [--users 50] [--seconds 60] [--workers 2]

The last line is one JSON object: ``rps``, ``p95_ms`` and ``errors`` per page (any answer but 200, or no
answer within 10 s, is an error), and ``floor_rps``.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, bench_database, report  # noqa: E402


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pages_and_sessions(users):
    """{page: (path, [session cookie, ...])}, one signed-in session per user and page."""
    from django.core.management import call_command
    from django.test import Client

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
    pages = {
        "pair": (f"/o/{slug}/pairs/{pair.pk}/", pair.mentor.user),
        "participants": (f"/o/{slug}/programmes/{participant.programme_id}/participants/", hr),
        "dashboard": (f"/o/{slug}/dashboard/", executive),
    }
    result = {}
    for name, (path, user) in pages.items():
        cookies = []
        for _ in range(users):
            client = Client()
            client.force_login(user)
            cookies.append(client.cookies["sessionid"].value)
        result[name] = (path, cookies)
    result["floor"] = ("/healthz", [None] * users)
    return result


def _start_gunicorn(port, workers):
    environment = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        # The access log of thousands of requests would be written by the same two cores.
        "GUNICORN_ACCESS_LOG": "",
        "DEBUG": "false",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mentoring.wsgi:application", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def _drive(base, path, cookies, seconds):
    """Each cookie is a user requesting ``path`` back to back until the time is up."""
    latencies, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def user(cookie):
        session = requests.Session()
        if cookie:
            session.cookies.set("sessionid", cookie, domain="127.0.0.1")
        mine, failed = [], 0
        while time.monotonic() < stop:
            began = time.perf_counter()
            try:
                response = session.get(base + path, timeout=10, allow_redirects=False)
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            if ok:
                mine.append(time.perf_counter() - began)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=user, args=(cookie,)) for cookie in cookies]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) >= 2 else None
    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p95_ms": None if p95 is None else round(p95, 1),
        "errors": errors[0],
        "requests": len(latencies) + errors[0],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("bench/load.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    with bench_database():
        from django.db import connections

        pages = _pages_and_sessions(arguments.users)
        connections.close_all()
        port = _free_port()
        server = _start_gunicorn(port, arguments.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            figures = {}
            for name, (path, cookies) in pages.items():
                _drive(base, path, cookies[:2], 2)  # warm-up: imports, connections, the dashboard's cache
                figures[name] = _drive(base, path, cookies, arguments.seconds)
                print(name, path, figures[name], file=sys.stderr, flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    floor = figures.pop("floor")
    report(
        users=arguments.users,
        seconds=arguments.seconds,
        workers=arguments.workers,
        threads=int(os.environ.get("GUNICORN_THREADS", 4)),
        floor_rps=floor["rps"],
        floor_p95_ms=floor["p95_ms"],
        floor_errors=floor["errors"],
        **{
            name: {**page, "share_of_floor": round(page["rps"] / floor["rps"], 2) if floor["rps"] else None}
            for name, page in figures.items()
        },
    )


if __name__ == "__main__":
    main()
