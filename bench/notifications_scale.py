"""The dispatcher's scan at company scale: 10,000 organisations, 10 million sessions (PostgreSQL only).

The rows are made once, set-based, in a database of their own (``<name>_scale``, next to DATABASE_URL's),
kept between runs: a second run finds the seed (a marker table records its size and its clock) and
measures only the scan. ``--reseed`` drops it and seeds again; ``--drop-scale`` drops it at the end.

The seed connects as the tables' owner (DATABASE_OWNER_URL, else DATABASE_URL) with the row-security
bypass that migrations use; each big table is loaded without its secondary indexes and foreign keys,
which are then rebuilt from their own definitions (one sort per index, one join per foreign key, instead
of ten million index insertions and key checks), all in one transaction: a seed that fails leaves
nothing half-made.

What the rows look like, for each organisation (5 to 45 pairs, time zones on eight continents' cities):
a cohort that ended a year ago and a running one, one pair of two participants each, about 40 sessions a
pair, every week or so over the pair's year, each pair on days of its own, at any minute of the day; the running cohort's sessions reach 30 days ahead. Past
sessions: 85% held and logged, 7% cancelled, 3% no-show, 2% not held, 3% never logged (still
"scheduled"); the ones of the last three hours not logged yet. Future ones: 6% cancelled. One in ten
was moved once (sequence 1). The outbox is in its steady state for the last 14 days and the next 25 hours:
every reminder and log reminder the planner would have made is there, sent when due (the last minute's
still pending), except for one upcoming session in 400, booked or moved since the last tick: those, and
the due rows, are the dispatcher's work. Older notifications are not seeded (about 60 million rows would
be): the scan reads them only through the (organization, kind, object_id) index.

The scan is measured as beat runs it: ``dispatch_notifications``, in this process as a worker would, as
the application's role under row security (the dispatcher's own recorded bypass), its fan-out published
to an in-memory broker; the clock is the seed's, a few seconds after it, so that a re-run hours later
measures the same steady state.
"""

import statistics

from bench.harness import Timer, postgres_admin

TIME_ZONES = (
    "Europe/Paris",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Africa/Casablanca",
)
MARKER = "bench_scale_seed"


def seeded(owner_url, organizations, sessions):
    """The seed's clock if the database holds a seed of this size, else None."""
    import psycopg2

    connection = psycopg2.connect(owner_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [MARKER])
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(f"SELECT organizations, sessions, now_at, seconds FROM {MARKER}")
            row = cursor.fetchone()
    finally:
        connection.close()
    if row is None or (row[0], row[1]) != (organizations, sessions):
        return None
    return row[2], row[3]


def recreate(base_owner_url, name):
    postgres_admin(base_owner_url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')


def _load_bare(cursor, table, statement, params):
    """Run ``statement`` (an INSERT into ``table``) with the table's secondary indexes and foreign keys
    dropped, then rebuild them from their saved definitions, under the same names."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    with Timer() as insert:
        cursor.execute(statement, params)
    rows = cursor.rowcount
    with Timer() as rebuild:
        for _name, definition in indexes:
            cursor.execute(definition)
    with Timer() as keys:
        # Unique constraints first ('u' sorts after 'f', hence DESC): a foreign key may need one.
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    return (
        rows,
        f"insert {insert.seconds:.1f} s, {len(indexes)} indexes {rebuild.seconds:.1f} s, {len(constraints)} constraints {keys.seconds:.1f} s",
    )


def seed(owner_url, *, organizations, sessions, now):
    """Make the rows (see the module's docstring); returns the seconds it took, printed step by step."""
    import psycopg2

    connection = psycopg2.connect(owner_url)

    def step(label, table, statement, params=None, bare=False):
        with Timer() as timer:
            if bare:
                rows, detail = _load_bare(cursor, table, statement, params or p)
            else:
                cursor.execute(statement, params or p)
                rows, detail = cursor.rowcount, ""
        print(f"  seed: {label}: {rows} rows in {timer.seconds:.1f} s {detail}", flush=True)

    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    p = {
        "now": now,
        "midnight": midnight,
        "organizations": organizations,
        "sessions": sessions,
        "zones": list(TIME_ZONES),
    }
    with Timer() as total:
        with connection, connection.cursor() as cursor:
            # The owner is under row security too (FORCE): the same bypass as the migrations' data steps.
            cursor.execute("SET binome.bypass = 'on'")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute("SET work_mem = '128MB'")
            # generate_series has no row estimate: JIT compiling took longer than the rows (3.8 s for 100,000).
            cursor.execute("SET jit = off")
            cursor.execute("SET synchronous_commit = off")
            # Django's keys are deferred: checked at each statement's end instead, so that no check is
            # still pending on a table whose keys the next step drops.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            step(
                "organisations",
                "organizations_organization",
                """
                INSERT INTO organizations_organization (name, slug, default_language, time_zone, brand_colour,
                    logo, minimum_group_size, created_at, mfa_required_for)
                SELECT 'Company ' || g, 'company-' || g, CASE WHEN g %% 3 = 0 THEN 'en' ELSE 'fr' END,
                    (%(zones)s::text[])[1 + g %% 8], '', '', 5, %(now)s - interval '800 days', 'nobody'
                FROM generate_series(0, %(organizations)s - 1) g
                """,
                p,
            )
            cursor.execute(
                """
                CREATE TEMP TABLE seed_organization AS
                SELECT id, time_zone, idx, 5 + (idx * 7) %% 41 AS pairs
                FROM (SELECT id, time_zone, (row_number() OVER (ORDER BY id) - 1)::int AS idx
                      FROM organizations_organization WHERE slug LIKE 'company-%%') o
                """,
                p,
            )
            step(
                "programmes",
                "programmes_programme",
                """
                INSERT INTO programmes_programme (name, description, start_date, end_date, session_min_minutes,
                    session_max_minutes, cadence_days, mentor_capacity, charter, charter_en, status, created_at,
                    organization_id, agenda_by, scheduled_by)
                SELECT c.name, '', c.starts, c.ends, 30, 90, 14, 1, '', '', c.status,
                    %(now)s - interval '800 days', o.id, 'mentor', 'mentee'
                FROM seed_organization o CROSS JOIN (VALUES
                    ('Cohort 2025', %(now)s::date - 770, %(now)s::date - 390, 'closed'),
                    ('Cohort 2026', %(now)s::date - 365, %(now)s::date + 60, 'running')
                ) c(name, starts, ends, status)
                """,
                p,
            )
            # One row per pair: its organisation, cohort (0 ended, 1 running) and the two people's e-mails.
            cursor.execute(
                """
                CREATE TEMP TABLE seed_pair AS
                SELECT o.id AS organization_id, o.time_zone, k %% 2 AS cohort, pr.id AS programme_id,
                    'c' || o.idx || '-' || k AS person
                FROM seed_organization o CROSS JOIN LATERAL generate_series(0, o.pairs - 1) k
                JOIN programmes_programme pr ON pr.organization_id = o.id
                    AND pr.name = CASE k %% 2 WHEN 0 THEN 'Cohort 2025' ELSE 'Cohort 2026' END
                """,
                p,
            )
            step(
                "people",
                "accounts_user",
                """
                INSERT INTO accounts_user (password, is_superuser, first_name, last_name, is_staff, is_active,
                    date_joined, email, time_zone, language)
                SELECT '!', false, '', '', false, true, %(now)s - interval '800 days',
                    sp.person || '-' || r || '@company.example', sp.time_zone, 'fr'
                FROM seed_pair sp CROSS JOIN (VALUES (0), (1)) roles(r)
                """,
                p,
                bare=True,
            )
            step(
                "participants",
                "programmes_participant",
                """
                INSERT INTO programmes_participant (role, status, department, job_title, location, languages,
                    interests, hopes, availability, time_zone, enrolled_at, created_at, organization_id,
                    user_id, programme_id)
                SELECT CASE r WHEN 0 THEN 'mentor' ELSE 'mentee' END, 'enrolled', '', '', '', '[]', '[]', '',
                    '[]', sp.time_zone, %(now)s - interval '780 days', %(now)s - interval '780 days',
                    sp.organization_id, u.id, sp.programme_id
                FROM seed_pair sp CROSS JOIN (VALUES (0), (1)) roles(r)
                JOIN accounts_user u ON u.email = sp.person || '-' || r || '@company.example'
                """,
                p,
                bare=True,
            )
            step(
                "pairs",
                "pairing_pair",
                """
                INSERT INTO pairing_pair (status, score, score_breakdown, created_at, started_at, ended_at,
                    end_reason, mentee_id, mentor_id, organization_id, programme_id, chosen_by_mentee,
                    decline_reason, locked)
                SELECT CASE sp.cohort WHEN 0 THEN 'ended' ELSE 'active' END, 0.8, '{}',
                    %(now)s - interval '1 day' * CASE sp.cohort WHEN 0 THEN 765 ELSE 362 END,
                    %(now)s - interval '1 day' * CASE sp.cohort WHEN 0 THEN 760 ELSE 360 END,
                    CASE sp.cohort WHEN 0 THEN %(now)s - interval '390 days' END,
                    '', mentee.id, mentor.id, sp.organization_id, sp.programme_id, false, '', false
                FROM seed_pair sp
                JOIN accounts_user mu ON mu.email = sp.person || '-0@company.example'
                JOIN programmes_participant mentor ON mentor.user_id = mu.id AND mentor.programme_id = sp.programme_id
                JOIN accounts_user eu ON eu.email = sp.person || '-1@company.example'
                JOIN programmes_participant mentee ON mentee.user_id = eu.id AND mentee.programme_id = sp.programme_id
                """,
                p,
                bare=True,
            )
            # Exactly ``sessions`` in all: each pair its share, the first pairs one more.
            cursor.execute(
                """
                CREATE TEMP TABLE seed_session_pair AS
                SELECT pp.id, pp.organization_id, o.time_zone,
                    CASE WHEN pp.status = 'ended' THEN 0 ELSE 1 END AS cohort,
                    (%(sessions)s / n.pairs + CASE WHEN rank <= %(sessions)s %% n.pairs THEN 1 ELSE 0 END)::int AS k
                FROM (SELECT *, row_number() OVER (ORDER BY id) AS rank FROM pairing_pair) pp
                JOIN organizations_organization o ON o.id = pp.organization_id
                CROSS JOIN (SELECT count(*) AS pairs FROM pairing_pair) n
                """,
                p,
            )
            step(
                "sessions",
                "mentoring_sessions_session",
                """
                INSERT INTO mentoring_sessions_session (starts_at, duration_minutes, time_zone, status, sequence,
                    created_at, logged_at, organization_id, pair_id, actual_minutes, cancel_reason, cancelled_at,
                    format, location, shared_notes, topics, uid, usefulness)
                SELECT s.at, s.minutes, s.time_zone, s.status, CASE WHEN s.h %% 10 = 9 THEN 1 ELSE 0 END,
                    LEAST(s.at - interval '12 days', %(now)s - interval '1 hour'),
                    CASE WHEN s.status IN ('held', 'no_show', 'not_held') THEN s.at + interval '2 hours' END,
                    s.organization_id, s.id,
                    CASE WHEN s.status = 'held' THEN s.minutes END, '',
                    CASE WHEN s.status = 'cancelled' THEN LEAST(s.at - interval '1 day', %(now)s) END,
                    CASE WHEN s.h %% 4 = 0 THEN 'in_person' ELSE 'video' END, '', '', '', gen_random_uuid(),
                    CASE WHEN s.status = 'held' THEN 3 + s.h %% 3 END
                FROM (
                    SELECT t.*, CASE
                        WHEN t.at > %(now)s THEN CASE WHEN t.h < 6 THEN 'cancelled' ELSE 'scheduled' END
                        WHEN t.h < 7 THEN 'cancelled'
                        WHEN t.h < 10 THEN 'scheduled'
                        WHEN t.at > %(now)s - interval '3 hours' THEN 'scheduled'
                        WHEN t.h < 13 THEN 'no_show'
                        WHEN t.h < 15 THEN 'not_held'
                        ELSE 'held' END AS status
                    FROM (
                        SELECT sp.id, sp.organization_id, sp.time_zone, h,
                            (ARRAY[30, 45, 60, 60, 90])[1 + h %% 5] AS minutes,
                            %(midnight)s + (span.first + (g * span.days + sp.id * 7919 %% span.days) / sp.k)
                                * interval '1 day'
                                + ((sp.id * 37 + g * 11) %% 1440) * interval '1 minute' AS at
                        FROM seed_session_pair sp
                        CROSS JOIN LATERAL (SELECT CASE sp.cohort WHEN 0 THEN -760 ELSE -360 END AS first,
                            CASE sp.cohort WHEN 0 THEN 365 ELSE 390 END AS days) span
                        CROSS JOIN LATERAL generate_series(0, sp.k - 1) g
                        CROSS JOIN LATERAL (SELECT ((sp.id * 31 + g * 17) %% 100)::int AS h) hh
                    ) t
                ) s
                """,
                p,
                bare=True,
            )
            step(
                "notifications",
                "notifications_notification",
                """
                INSERT INTO notifications_notification (kind, key, due_at, status, object_id, planned_for,
                    planned_sequence, data, attempts, last_error, skip_reason, subject, action_url, delivered_at,
                    created_at, organization_id, recipient_id, address, claimed_by, subject_language, channel)
                SELECT n.kind, n.kind || ':session:' || n.session_id || ':seq:' || n.sequence || ':user:' || n.user_id,
                    n.due_at, CASE WHEN n.due_at <= %(now)s - interval '1 minute' THEN 'sent' ELSE 'pending' END,
                    n.session_id, n.starts_at, n.sequence, '{}', 0, '', '', '', '',
                    CASE WHEN n.due_at <= %(now)s - interval '1 minute' THEN n.due_at + interval '5 seconds' END,
                    LEAST(n.starts_at - interval '25 hours', %(now)s - interval '1 minute'),
                    n.organization_id, n.user_id, '', '', '', 'email'
                FROM (
                    SELECT s.id AS session_id, s.organization_id, s.sequence, s.starts_at, person.user_id, kind.kind,
                        CASE kind.kind
                            WHEN 'session_reminder_24h' THEN s.starts_at - interval '24 hours'
                            WHEN 'session_reminder_1h' THEN s.starts_at - interval '1 hour'
                            ELSE s.starts_at + s.duration_minutes * interval '1 minute' + interval '30 minutes'
                        END AS due_at
                    FROM mentoring_sessions_session s
                    JOIN pairing_pair pp ON pp.id = s.pair_id
                    CROSS JOIN LATERAL (SELECT user_id FROM programmes_participant
                                        WHERE id IN (pp.mentor_id, pp.mentee_id)) person
                    CROSS JOIN (VALUES ('session_reminder_24h'), ('session_reminder_1h'), ('session_log')) kind(kind)
                    WHERE s.starts_at > %(now)s - interval '14 days' AND s.starts_at <= %(now)s + interval '25 hours'
                      AND s.status <> 'cancelled'
                      AND CASE WHEN kind.kind = 'session_log'
                               THEN s.starts_at <= %(now)s - interval '1 minute'
                               ELSE s.starts_at <= %(now)s OR abs(hashtext(s.id::text)) %% 400 <> 0 END
                ) n
                """,
                p,
                bare=True,
            )
        # VACUUM runs outside a transaction: the visibility map and statistics autovacuum would have made.
        connection.autocommit = True
        with connection.cursor() as cursor:
            with Timer() as timer:
                for table in (
                    "accounts_user",
                    "programmes_participant",
                    "pairing_pair",
                    "mentoring_sessions_session",
                    "notifications_notification",
                ):
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
            print(f"  seed: vacuum and analyse: {timer.seconds:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {MARKER} (organizations int, sessions bigint, now_at timestamptz, seconds real)"
        )
        cursor.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s, %s, %s)", [organizations, sessions, now, total.seconds]
        )
    connection.close()
    return total.seconds


def dispatch_once(now):
    """One beat tick's dispatch, as a worker runs it; (seconds, queries, set_config round trips, published)."""
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications import tasks

    scopes = connection.scope_statements
    with time_machine.travel(now, tick=True):
        with CaptureQueriesContext(connection) as queries, Timer() as timer:
            published = tasks.dispatch_notifications()
    return timer.seconds, len(queries), connection.scope_statements - scopes, published, queries


def explain(queries):
    """EXPLAIN (ANALYZE, BUFFERS) of each statement of a dispatch, in its own scope (the bypass)."""
    from django.db import connection, transaction

    from organizations.tenancy import unscoped

    with unscoped("the bench explains the dispatcher's scan"):
        for query in queries:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
                transaction.set_rollback(True)  # release_stale_claims is an UPDATE
            print(f"\n{query['sql']}\n{plan}", flush=True)


def in_memory_broker():
    """Fan-out published as in production (not run eagerly), to a broker that is this process's memory."""
    from mentoring.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"


def measure(now, runs, show_plans):
    import datetime as dt

    from django.db import connection

    in_memory_broker()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = cursor.fetchone()[0]
    tick = now + dt.timedelta(seconds=5)
    # The first dispatch reads cold pages: reported apart, then the median of the warm ones.
    cold = dispatch_once(tick)
    results = [dispatch_once(tick) for _ in range(runs)]
    if show_plans:
        explain(results[-1][4])
    seconds = statistics.median(result[0] for result in results)
    queries = {result[1] for result in results}
    return {
        "role": role,
        "cold_seconds": cold[0],
        "seconds": seconds,
        "all_seconds": [round(result[0], 4) for result in results],
        "queries": max(queries),
        # A worker's connection comes to the dispatch from another scope (an organisation's task): the
        # first dispatch on this connection states the bypass, as every dispatch in production does.
        "scope_statements": cold[2],
        "published": results[-1][3],
    }


def load_average():
    with open("/proc/loadavg") as file:
        return [float(figure) for figure in file.read().split()[:3]]


def company_scale(*, organizations, sessions, reseed, runs, show_plans):
    """Seed (unless already seeded at this size) and measure; returns the JSON fields."""
    import datetime as dt
    import os

    from django.conf import settings
    from django.db import connections

    from bench.harness import owner_url_for, switch_database

    connections.close_all()
    base_name = settings.DATABASES["default"]["NAME"].removesuffix("_bench")
    name = f"{base_name}_scale"
    owner_url = owner_url_for(name)
    base_owner_url = owner_url.rpartition("/")[0]
    found = None if reseed else _existing(base_owner_url, name, owner_url, organizations, sessions)
    if found is None:
        recreate(base_owner_url, name)
        switch_database(name, migrate=True)
        connections.close_all()
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        print(f"seeding {organizations} organisations and {sessions} sessions in {name}", flush=True)
        load = load_average()
        seed_seconds = seed(owner_url, organizations=organizations, sessions=sessions, now=now)
        reused = False
    else:
        now, seed_seconds = found
        load = None
        reused = True
        switch_database(name, migrate=True)  # a new index of the code under test, built on the seeded rows
    from organizations.tenancy import unscoped

    before = load_average()
    figures = measure(now, runs, show_plans)
    with connections["default"].cursor() as cursor, unscoped("the bench counts what it seeded"):
        cursor.execute("SELECT count(*), count(DISTINCT organization_id) FROM mentoring_sessions_session")
        counted_sessions, counted_organizations = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(
        f"company scale ({name}, as {figures['role']}, {'seed reused' if reused else 'seeded'} in "
        f"{seed_seconds:.0f} s, {size}): dispatch over {counted_sessions} sessions in "
        f"{counted_organizations} organisations: {figures['seconds']:.3f} s median of {runs} "
        f"{figures['all_seconds']} (cold {figures['cold_seconds']:.3f} s), {figures['queries']} queries "
        f"+ {figures['scope_statements']} row-security scope statement(s), {figures['published']} "
        f"organisations with work; load average {before}",
        flush=True,
    )
    if os.environ.get("BENCH_DROP_SCALE"):
        connections.close_all()
        postgres_admin(base_owner_url, f'DROP DATABASE IF EXISTS "{name}"')
    return {
        "scan_seconds_10m": round(figures["seconds"], 4),
        "scan_cold_seconds_10m": round(figures["cold_seconds"], 4),
        "scan_queries_10m": figures["queries"],
        "scan_scope_statements_10m": figures["scope_statements"],
        "scan_runs_10m": runs,
        "organizations_with_work_10m": figures["published"],
        "organizations_10m": counted_organizations,
        "sessions_10m": counted_sessions,
        "seed_seconds": round(seed_seconds, 1),
        "seed_reused": reused,
        "seed_load_average": load,
        "scan_load_average": before,
        "scan_role": figures["role"],
        "database_size": size,
    }


def _existing(base_owner_url, name, owner_url, organizations, sessions):
    import psycopg2

    try:
        return seeded(owner_url, organizations, sessions)
    except psycopg2.OperationalError:  # no such database yet
        return None
