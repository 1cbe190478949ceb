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
# The dispatcher's scan at company scale (PostgreSQL only, rows made by generate_series).
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


def company_scale(now):
    """The dispatcher's scan over 10,000 organisations and 10 million sessions (PostgreSQL only).

    One programme and one pair per organisation, then every pair's sessions in one INSERT ... SELECT
    over generate_series: two years of them, the past ones held and logged (as in a steady state, where
    their log reminders are long planned), the rest scheduled over the next 90 days. Returns the
    JSON fields; empty on SQLite, where ten million rows are not a question anyone asks.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    from accounts.models import User
    from organizations.models import Organization
    from organizations.tenancy import unscoped
    from pairing.models import Pair
    from programmes.models import Participant, Programme
    from sessions.models import Session

    with Timer() as build_timer, unscoped("the bench builds every organisation at once"):
        organizations = Organization.objects.bulk_create(
            [Organization(name=f"Company {n}", slug=f"company-{n}") for n in range(COMPANY_ORGANIZATIONS)],
            batch_size=2000,
        )
        programmes = Programme.objects.bulk_create(
            [
                Programme(
                    organization=organization,
                    name="Pilot",
                    start_date=now.date() - dt.timedelta(days=730),
                    end_date=now.date() + dt.timedelta(days=200),
                    status=Programme.Status.RUNNING,
                )
                for organization in organizations
            ],
            batch_size=2000,
        )
        users = User.objects.bulk_create(
            [
                User(email=f"c{n}-{r}@company.example", language="fr")
                for n in range(COMPANY_ORGANIZATIONS)
                for r in (0, 1)
            ],
            batch_size=5000,
        )
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    organization=programme.organization,
                    programme=programme,
                    user=users[2 * n + r],
                    role="mentor" if r == 0 else "mentee",
                    status="enrolled",
                )
                for n, programme in enumerate(programmes)
                for r in (0, 1)
            ],
            batch_size=5000,
        )
        pairs = Pair.objects.bulk_create(
            [
                Pair(
                    organization=programme.organization,
                    programme=programme,
                    mentor=participants[2 * n],
                    mentee=participants[2 * n + 1],
                    status="active",
                    started_at=now - dt.timedelta(days=730),
                )
                for n, programme in enumerate(programmes)
            ],
            batch_size=5000,
        )
        per_pair = COMPANY_SESSIONS // len(pairs)
        first, last = pairs[0].pk, pairs[-1].pk
        step = max(1, 1_000_000 // per_pair)  # about a million rows a statement
        with connection.cursor() as cursor:
            # Bench only: the rows are made consistent by construction, so the per-row foreign-key
            # triggers (most of an INSERT's cost here) are skipped while loading. Needs a superuser.
            cursor.execute("SET session_replication_role = replica")
            for low in range(first, last + 1, step):
                if low != first and low - first == step:
                    _first_million(cursor, now, Session._meta.db_table)
                cursor.execute(
                    f"""
                    INSERT INTO {Session._meta.db_table} (organization_id, pair_id, starts_at, duration_minutes,
                        time_zone, status, sequence, created_at, logged_at, uid, format, location,
                        cancel_reason, topics, shared_notes)
                    SELECT p.organization_id, p.id, s.at, 60, 'Europe/Paris',
                        CASE WHEN s.at < %(now)s THEN 'held' ELSE 'scheduled' END, 0, %(now)s,
                        CASE WHEN s.at < %(now)s THEN s.at + interval '1 hour' END,
                        gen_random_uuid(), 'video', '', '', '', ''
                    FROM {Pair._meta.db_table} p
                    CROSS JOIN LATERAL (
                        SELECT %(now)s - interval '730 days' + g * interval '820 days' / %(per_pair)s
                            + (p.id %% 1440) * interval '1 minute' AS at
                        FROM generate_series(0, %(per_pair)s - 1) g
                    ) s
                    WHERE p.id BETWEEN %(low)s AND %(high)s
                    """,
                    {"now": now, "per_pair": per_pair, "low": low, "high": min(low + step - 1, last)},
                )
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute(f"ANALYZE {Session._meta.db_table}")
            cursor.execute(f"SELECT count(*), count(DISTINCT organization_id) FROM {Session._meta.db_table}")
            sessions, organizations_total = cursor.fetchone()
    scan(now)  # warm
    seconds, queries, busy = min(scan(now) for _ in range(3))
    print(
        f"company scale: scan over {sessions} sessions in {organizations_total} organisations: {seconds:.3f} s, "
        f"{queries} queries, {busy} organisations with work (built in {build_timer.seconds:.0f} s)"
    )
    return {
        "company_scan_seconds": round(seconds, 4),
        "company_scan_queries": queries,
        "company_organizations": organizations_total,
        "company_sessions": sessions,
        "company_organizations_with_work": busy,
        "company_build_seconds": round(build_timer.seconds, 1),
    }


def _first_million(cursor, now, table):
    """A figure on the way, printed at once: ten million rows take a while to load on a small machine."""
    cursor.execute(f"ANALYZE {table}")
    cursor.execute(f"SELECT count(*) FROM {table}")
    seconds, queries, busy = min(scan(now) for _ in range(3))
    print(
        f"company scale, partial: {cursor.fetchone()[0]} sessions: {seconds:.3f} s, {queries} queries",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outage", type=float, default=300, help="seconds the SMTP server refuses (300)")
    parser.add_argument("--tick", type=float, default=60, help="seconds between dispatcher runs (60)")
    arguments = parser.parse_args()
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
        report(
            scan_seconds=round(scan_seconds, 4),
            scan_queries=scan_queries,
            scan_queries_at_10000_sessions=queries_small,
            organizations=ORGANIZATIONS,
            sessions=SESSIONS,
            organizations_with_work=busy,
            sends=sent,
            sends_per_second=round(sent / seconds, 1),
            drain_seconds_after_outage=round(drain_seconds, 1),
            outage_seconds=arguments.outage,
            outage_rows=OUTAGE_ROWS,
            outage_lost=lost,
            outage_duplicated=duplicated,
            **company_scale(now),
        )


if __name__ == "__main__":
    main()
