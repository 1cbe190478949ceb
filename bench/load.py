"""Do the busiest pages hold under load? gunicorn against PostgreSQL with the demo data, a bounded client.

Seeds the demo organisation (``seed_demo``) in a throw-away database, signs in one session per simulated
user up front (the pair's mentor, HR, an executive), starts gunicorn with ``gunicorn.conf.py`` (2 workers
by default), then, page after page, keeps ``--users`` concurrent users requesting it back to back for
``--seconds``: the pair page (each user the mentor of one of the demo's active pairs, in turn), HR's participants list, the executive dashboard, the organisation's home page
of the pair's mentor (``home``: what every signed-in organisation page pays before its own content: the
middleware, the session, the person and their memberships, the layout), and ``/healthz`` as the floor (a
view that reads nothing), all in the same run and on the same server (``--pages`` picks some of them). A user waits for each answer
before the next request (a closed loop), so the throughput is what the server sustains, not what is offered.
The users are asyncio coroutines of this process, each on its own keep-alive HTTP/1.1 connection (the
JSON line's ``load``), so that the client takes little of the CPU the server needs.

    DATABASE_URL=postgres://... python bench/load.py [--users 50] [--seconds 60] [--workers 2] [--pages home,floor]

The last line is one JSON object: ``rps``, ``p95_ms`` and ``errors`` per page (any answer but 200, or no
answer within 10 s, is an error), and ``floor_rps``.
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
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
    """{page: [(path, session cookie), ...]}, one signed-in session per user and page.

    On the pair page each user is the mentor of their own pair, the demo's active pairs in turn, as in
    real traffic (each person opens their own pair), so that no one kept page serves every user."""
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
        pairs = list(
            Pair.objects.filter(status=Pair.Status.ACTIVE).select_related("mentor__user").order_by("pk")
        )
        participant = Participant.objects.filter(programme=pairs[0].programme).first()
        hr = Membership.objects.filter(role=Role.HR_ADMIN).select_related("user").first().user
        executive = Membership.objects.filter(role=Role.EXECUTIVE).select_related("user").first().user
    slug = organization.slug

    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    every_user = range(users)
    participants = f"/o/{slug}/programmes/{participant.programme_id}/participants/"
    return {
        "pair": [
            (f"/o/{slug}/pairs/{pair.pk}/", signed_in(pair.mentor.user))
            for pair in (pairs[index % len(pairs)] for index in every_user)
        ],
        "participants": [(participants, signed_in(hr)) for _ in every_user],
        "dashboard": [(f"/o/{slug}/dashboard/", signed_in(executive)) for _ in every_user],
        "home": [(f"/o/{slug}/", signed_in(pairs[0].mentor.user)) for _ in every_user],
        "floor": [("/healthz", None) for _ in every_user],
    }


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


async def _user(host, port, request, stop, latencies):
    """One user: a keep-alive connection, a request, its whole answer, the next request; errors counted."""
    failed, reader, writer = 0, None, None
    while time.monotonic() < stop:
        began = time.perf_counter()
        try:
            try:
                reused = writer is not None
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                status, closing = await asyncio.wait_for(_answer(reader), timeout=10)
            except (asyncio.IncompleteReadError, ConnectionResetError) as closed:
                # A kept-alive connection that the server closed before answering a byte (a worker
                # replaced after GUNICORN_MAX_REQUESTS): a browser sends such a GET again on a new
                # connection, and so does this user, once.
                if not reused or (isinstance(closed, asyncio.IncompleteReadError) and closed.partial):
                    raise
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                status, closing = await asyncio.wait_for(_answer(reader), timeout=10)
            ok = status == 200
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            ok, closing = False, True
        if ok:
            latencies.append(time.perf_counter() - began)
        else:
            failed += 1
        if closing and writer is not None:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()
    return failed


async def _answer(reader):
    """Read one HTTP/1.1 answer (Content-Length or chunked): its status, and whether the server closes."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, headers.get("connection") == "close"


def _drive(base, visits, seconds):
    """Each ``(path, cookie)`` is a user requesting ``path`` back to back until the time is up.

    The users are coroutines of one asyncio loop in this process, each on its own keep-alive connection,
    writing a plain HTTP/1.1 GET and reading the answer whole: a few hundredths of a millisecond of CPU a
    request, so that the cores go to the server being measured, not to the client. ``client_cpu_ms`` is
    what this process spent per request, to check that.
    """
    host, port = base.removeprefix("http://").split(":")
    latencies = []

    async def run():
        stop = time.monotonic() + seconds
        users = []
        for path, cookie in visits:
            request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/html\r\n"
            if cookie:
                request += f"Cookie: sessionid={cookie}\r\n"
            users.append(_user(host, int(port), (request + "\r\n").encode(), stop, latencies))
        return sum(await asyncio.gather(*users))

    started, cpu = time.monotonic(), time.process_time()
    errors = asyncio.run(run())
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) >= 2 else None
    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p95_ms": None if p95 is None else round(p95, 1),
        "errors": errors,
        "requests": len(latencies) + errors,
        "client_cpu_ms": round(cpu * 1000 / max(len(latencies) + errors, 1), 3),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pages", help="comma-separated, of pair, participants, dashboard, home, floor (all)"
    )
    arguments = parser.parse_args()
    chosen = set(arguments.pages.split(",")) if arguments.pages else None
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
            load_before = os.getloadavg()
            figures = {}
            for name, visits in pages.items():
                if chosen is not None and name not in chosen:
                    continue
                # Warm-up: imports, connections, the pages kept for each user (organizations/pagecache.py).
                _drive(base, visits, 2)
                figures[name] = _drive(base, visits, arguments.seconds)
                paths = sorted({path for path, _cookie in visits})
                print(name, f"{len(paths)} page(s), {paths[0]}", figures[name], file=sys.stderr, flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    floor = figures.pop("floor", {"rps": None, "p95_ms": None, "errors": None})
    report(
        load=f"{arguments.users} asyncio users in one process, one keep-alive HTTP/1.1 connection each, closed loop",
        # The machine's 1-, 5- and 15-minute load averages before the first page and after the floor.
        load_average_before=[round(figure, 1) for figure in load_before],
        load_average_after=[round(figure, 1) for figure in os.getloadavg()],
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
