"""How cheap is the dispatcher's scan, and how fast does one worker send?

100,000 upcoming sessions across 200 organisations (spread over the next 90 days). Prints the time and
the number of queries of one dispatcher scan (also at 10,000 sessions, to show the count does not grow),
then the send throughput of one worker process delivering 2,000 due reminders (e-mail backend in
memory, so the figure is our own cost: claim, render, record).

First, ``drain_seconds_after_outage``: 1,000 due reminders, a real SMTP server (aiosmtpd, on 127.0.0.1)
that refuses every transaction for ``--outage`` seconds (5 minutes) and then accepts; the dispatcher runs
every ``--tick`` seconds (beat's minute), half a tick out of step with the outage, as it would be on
average. The figure is the seconds from the relay's return until the last reminder was accepted.

    python bench/notifications.py            # SQLite in a temporary file
    DATABASE_URL=postgres://... python bench/notifications.py
    python bench/notifications.py --outage 20 --tick 10     # a quick check of the outage part
"""

import argparse
import datetime as dt
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("EMAIL_URL", "memorymail://")

from bench.harness import Timer, bench_database, report  # noqa: E402

ORGANIZATIONS = 200
PAIRS_PER_ORGANIZATION = 5
SESSIONS = int(os.environ.get("BENCH_SESSIONS", 100_000))
SENDS = int(os.environ.get("BENCH_SENDS", 2_000))
OUTAGE_ROWS = int(os.environ.get("BENCH_OUTAGE_ROWS", 1_000))
# The dispatcher's scan at company scale (PostgreSQL only, bench/notifications_scale.py).
COMPANY_ORGANIZATIONS = int(os.environ.get("BENCH_COMPANY_ORGANIZATIONS", 10_000))
COMPANY_SESSIONS = int(os.environ.get("BENCH_COMPANY_SESSIONS", 10_000_000))


def build(now, sessions_wanted, organizations):
    from accounts.models import User
    from organizations.models import Membership, Organization
    from organizations.tenancy import tenant_context
    from pairing.models import Pair
    from programmes.models import Participant, Programme
    from sessions.models import Session

    pairs = []
    for index in range(len(organizations), ORGANIZATIONS):
        organization = Organization.objects.create(name=f"Bench {index}", slug=f"bench-{index}")
        organizations.append(organization)
        with tenant_context(organization):
            programme = Programme.objects.create(
                name="Pilot",
                start_date=now.date(),
                end_date=now.date() + dt.timedelta(days=200),
                status=Programme.Status.RUNNING,
            )
            users = User.objects.bulk_create(
                [
                    User(email=f"p{index}-{n}@bench.example", language="fr")
                    for n in range(2 * PAIRS_PER_ORGANIZATION)
                ]
            )
            # Reminders go only to people who still hold a pair role in the organisation (may_receive).
            Membership.objects.bulk_create(
                [
                    Membership(
                        organization=organization, user=user, role="mentor" if n % 2 == 0 else "mentee"
                    )
                    for n, user in enumerate(users)
                ]
            )
            participants = Participant.objects.bulk_create(
                [
                    Participant(
                        organization=organization,
                        programme=programme,
                        user=user,
                        role="mentor" if n % 2 == 0 else "mentee",
                        status="enrolled",
                    )
                    for n, user in enumerate(users)
                ]
            )
            pairs += Pair.objects.bulk_create(
                [
                    Pair(
                        organization=organization,
                        programme=programme,
                        mentor=participants[2 * n],
                        mentee=participants[2 * n + 1],
                        status="active",
                        started_at=now,
                    )
                    for n in range(PAIRS_PER_ORGANIZATION)
                ]
            )
    if not pairs:
        from organizations.tenancy import unscoped

        with unscoped("the bench adds sessions in every organisation"):
            pairs = list(Pair.objects.all())
    from organizations.tenancy import unscoped

    with unscoped("the bench writes every organisation's sessions at once"):
        existing = Session.objects.count()
        random.seed(42)
        batch = [
            Session(
                organization_id=pair.organization_id,
                pair=pair,
                duration_minutes=60,
                starts_at=now + dt.timedelta(minutes=random.randint(60, 90 * 24 * 60)),
            )
            for pair in (random.choice(pairs) for _ in range(sessions_wanted - existing))
        ]
        Session.objects.bulk_create(batch, batch_size=5000)


def scan(now):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.selectors import organizations_with_work

    with CaptureQueriesContext(connection) as queries, Timer() as timer:
        organization_ids = organizations_with_work(now=now)
    return timer.seconds, len(queries), len(organization_ids)


def sends(now, organization):
    from django.core import mail

    from notifications.services import deliver_due
    from organizations.tenancy import tenant_context
    from pairing.models import Pair
    from sessions.models import Session
    from sessions.notifications import plan_session_notifications

    with tenant_context(organization):
        pair = Pair.objects.first()
        Session.objects.bulk_create(
            [
                Session(
                    organization=organization,
                    pair=pair,
                    duration_minutes=30,
                    starts_at=now + dt.timedelta(minutes=30, seconds=n),
                )
                for n in range(SENDS // 2)
            ]
        )
        plan_session_notifications(organization=organization, now=now)
        mail.outbox = []
        with Timer() as timer:
            sent = 0
            while True:
                delivered = deliver_due(organization=organization)
                sent += delivered
                if not delivered:
                    break
    return sent, timer.seconds


def drain_after_outage(organizations, outage_seconds, tick_seconds):
    """Seconds from the relay's return until all of ``OUTAGE_ROWS`` due reminders were accepted by it,
    and what the SMTP server counted: messages received, lost, duplicated, transactions tried."""
    from django.conf import settings
    from django.test.utils import override_settings
    from django.utils import timezone

    from notifications import tasks
    from notifications.models import Notification
    from organizations.tenancy import tenant_context, unscoped
    from pairing.models import Pair
    from sessions.models import Session
    from tests.notifications.smtp import SMTPServer

    now = timezone.now()
    build(now, 0, organizations)  # people and pairs, no sessions: the outage's rows are all there is to send
    organization = organizations[0]
    with tenant_context(organization):
        pair = Pair.objects.first()
        Session.objects.bulk_create(
            [
                Session(
                    organization=organization,
                    pair=pair,
                    duration_minutes=30,
                    starts_at=now + dt.timedelta(minutes=30, seconds=n),
                )
                for n in range(OUTAGE_ROWS // 2)
            ]
        )

    def unsent():
        with unscoped("the bench watches every row"):
            return Notification.objects.exclude(status=Notification.Status.SENT).count()

    server = SMTPServer().start()
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": server.host,
        "EMAIL_PORT": server.port,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": settings.EMAIL_TIMEOUT,
    }
    recovered = {}

    def recover():
        server.accept()
        recovered["at"] = time.monotonic()

    server.refuse()
    started = time.monotonic()
    timer = threading.Timer(outage_seconds, recover)
    timer.start()
    # Beat's minute falls, on average, half-way through a tick after the relay's return.
    tick = tick_seconds / 2
    try:
        with override_settings(**smtp):
            while "at" not in recovered or unsent():
                time.sleep(max(0.0, started + tick - time.monotonic()))
                tasks.dispatch_notifications()  # what beat enqueues, run in this process
                tick += tick_seconds
                if time.monotonic() - started > outage_seconds + 20 * tick_seconds:
                    raise SystemExit(f"not drained: {unsent()} unsent, {server.count} received")
    finally:
        timer.cancel()
        server.stop()
    lost = OUTAGE_ROWS - len(server.message_ids())
    return (
        server.last_received_at - recovered["at"],
        server.count,
        lost,
        server.duplicates(),
        server.transactions,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=300, help="seconds the SMTP server refuses (300)")
    parser.add_argument("--tick", type=float, default=60, help="seconds between dispatcher runs (60)")
    parser.add_argument(
        "--scale-only", action="store_true", help="only the dispatch at 10,000 organisations (PostgreSQL)"
    )
    parser.add_argument("--reseed", action="store_true", help="seed the company-scale database again")
    parser.add_argument(
        "--drop-scale", action="store_true", help="drop the company-scale database at the end"
    )
    parser.add_argument("--runs", type=int, default=5, help="warm dispatches at company scale, median (5)")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) the company-scale scan"
    )
    arguments = parser.parse_args()
    figures = {} if arguments.scale_only else small_scale(arguments)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        if arguments.drop_scale:
            os.environ["BENCH_DROP_SCALE"] = "1"
        from bench.notifications_scale import company_scale

        figures |= company_scale(
            organizations=COMPANY_ORGANIZATIONS,
            sessions=COMPANY_SESSIONS,
            reseed=arguments.reseed,
            runs=arguments.runs,
            show_plans=arguments.explain,
        )
    report(**figures)


def small_scale(arguments):
    with bench_database():
        from django.conf import settings
        from django.utils import timezone

        organizations = []
        with Timer() as outage:
            drain_seconds, received, lost, duplicated, tries = drain_after_outage(
                organizations, arguments.outage, arguments.tick
            )
        print(
            f"{OUTAGE_ROWS} due reminders after a {arguments.outage:.0f} s SMTP outage: all accepted "
            f"{drain_seconds:.1f} s after the relay's return ({received} received, {lost} lost, "
            f"{duplicated} duplicated; {tries} SMTP transactions in all; {outage.seconds:.0f} s for this part)"
        )

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        now = timezone.now()
        build(now, SESSIONS // 10, organizations)
        _seconds_small, queries_small, _ = scan(now)
        build(now, SESSIONS, organizations)
        scan(now)  # warm
        scan_seconds, scan_queries, busy = scan(now)
        print(
            f"scan over {SESSIONS} sessions in {ORGANIZATIONS} organisations: {scan_seconds:.3f} s, "
            f"{scan_queries} queries ({queries_small} at {SESSIONS // 10}), {busy} organisations with work"
        )
        sent, seconds = sends(now, organizations[0])
        print(f"one worker sent {sent} reminders in {seconds:.2f} s")
        return {
            "scan_seconds": round(scan_seconds, 4),
            "scan_queries": scan_queries,
            "scan_queries_at_10000_sessions": queries_small,
            "organizations": ORGANIZATIONS,
            "sessions": SESSIONS,
            "organizations_with_work": busy,
            "sends": sent,
            "sends_per_second": round(sent / seconds, 1),
            "drain_seconds_after_outage": round(drain_seconds, 1),
            "outage_seconds": arguments.outage,
            "outage_rows": OUTAGE_ROWS,
            "outage_lost": lost,
            "outage_duplicated": duplicated,
        }


if __name__ == "__main__":
    main()
