"""How fast is the executive dashboard on a large organisation, against the SQL floor?

Seeds one organisation with 5,000 participants, 2,500 pairs, 60,000 sessions, 7,500 goals with 60,000
progress points, the mentors' outcomes and, when the surveys app is installed, 100,000 survey answers:
baseline and final, each mentee's own skill levels and their mentor's rating of them (``--small``: a
tenth of each). Then requests the dashboard as an executive several times, each time with its figure
cache emptied (``cached_ms``: the reload served from the cache). Prints the median response time, its
query count, and the floor: the hand-written SQL the dashboard cannot beat, the sessions per month over
the period plus the skills before/after per programme and skill (``skills_ms`` is the page's own
before/after figures, ``skills_floor_ms`` their SQL by hand). The requests and the floor take turns, so
a busy moment of a shared machine weighs on both alike.

    python bench/dashboard.py [--small]            # SQLite in a temporary file
    DATABASE_URL=postgres://... python bench/dashboard.py
"""

import argparse
import datetime
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Timer, bench_database, report  # noqa: E402

DEPARTMENTS = ["Finance", "Marketing", "IT", "Legal", "Sales", "Operations", "HR", "Research"]
REQUESTS = 15


def seed(scale):
    from django.apps import apps
    from django.utils import timezone

    from accounts.models import User
    from organizations.models import Membership, Organization
    from organizations.roles import Role
    from organizations.tenancy import tenant_context
    from pairing.models import MatchingRound, Pair
    from programmes.models import Participant, Programme
    from sessions.models import Session

    participants_count = 5000 // scale
    pairs_count = 2500 // scale
    sessions_per_pair = 24
    now = timezone.now()
    organization = Organization.objects.create(name="Bench SA", slug="bench", time_zone="Europe/Paris")
    with tenant_context(organization):
        executive = User.objects.create_user("exec@bench.example", "bench-password-42", language="en")
        Membership.objects.create(organization=organization, user=executive, role=Role.EXECUTIVE)
        programmes = [
            Programme.objects.create(
                name=f"Programme {number}",
                start_date=(now - datetime.timedelta(days=400)).date(),
                end_date=(now + datetime.timedelta(days=200)).date(),
                cadence_days=14 if number % 2 else 21,
                status=Programme.Status.RUNNING,
            )
            for number in range(4)
        ]
        rounds = [
            MatchingRound.objects.create(programme=programme, number=1, status=MatchingRound.Status.PUBLISHED)
            for programme in programmes
        ]
        users = User.objects.bulk_create(
            [
                User(email=f"person{index}@bench.example", password="!", first_name="P", last_name=str(index))
                for index in range(participants_count)
            ],
            batch_size=2000,
        )
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    organization=organization,
                    programme=programmes[index % len(programmes)],
                    user=user,
                    role=Participant.Role.MENTOR if index % 2 == 0 else Participant.Role.MENTEE,
                    status=Participant.Status.ENROLLED if index % 25 else Participant.Status.INVITED,
                    department=DEPARTMENTS[(index // 2) % len(DEPARTMENTS)],
                )
                for index, user in enumerate(users)
            ],
            batch_size=2000,
        )
        statuses = [Pair.Status.ACTIVE] * 7 + [Pair.Status.ENDED, Pair.Status.DECLINED, Pair.Status.ACCEPTED]
        pairs = Pair.objects.bulk_create(
            [
                Pair(
                    organization=organization,
                    programme=participants[2 * index].programme,
                    matching_round=rounds[(2 * index) % len(programmes)],
                    mentor=participants[2 * index],
                    mentee=participants[2 * index + 1],
                    status=statuses[index % len(statuses)],
                    started_at=now - datetime.timedelta(days=360),
                )
                for index in range(pairs_count)
            ],
            batch_size=2000,
        )
        session_statuses = [Session.Status.HELD] * 6 + [Session.Status.CANCELLED, Session.Status.NO_SHOW]
        sessions = []
        for index, pair in enumerate(pairs):
            for number in range(sessions_per_pair):
                starts_at = now - datetime.timedelta(days=360 - 15 * number, hours=index % 9)
                status = (
                    Session.Status.SCHEDULED if starts_at > now else session_statuses[(index + number) % 8]
                )
                held = status == Session.Status.HELD
                sessions.append(
                    Session(
                        organization=organization,
                        pair=pair,
                        starts_at=starts_at,
                        duration_minutes=(30, 45, 60)[(index + number) % 3],
                        status=status,
                        logged_at=None if status == Session.Status.SCHEDULED else starts_at,
                        # Most held sessions are rated when logged; some logs skip the rating.
                        usefulness=1 + (index + number) % 5 if held and number % 4 else None,
                    )
                )
            if len(sessions) >= 10000:
                Session.objects.bulk_create(sessions)
                sessions = []
        Session.objects.bulk_create(sessions)
        goals = _seed_goals(organization, pairs, now)
        _seed_mentor_outcomes(organization, programmes, participants)
        answers = 0
        if apps.is_installed("surveys"):
            answers = _seed_survey_answers(organization, programmes, participants, pairs, 100_000 // scale)
    return organization, executive, answers, goals


def _seed_mentor_outcomes(organization, programmes, participants):
    """Every other mentor's outcomes as HR records them, and each programme's baseline rates."""
    from programmes.models import MentorOutcome, OutcomeBaseline, Participant

    for programme in programmes:
        OutcomeBaseline.objects.create(
            organization=organization,
            programme=programme,
            promoted=12,
            internal_mobility=8,
            retained_6_months=95,
            retained_12_months=88,
        )
    mentors = [p for p in participants if p.role == Participant.Role.MENTOR]
    MentorOutcome.objects.bulk_create(
        [
            MentorOutcome(
                organization=organization,
                participant=mentor,
                promoted=index % 4 == 0,
                internal_mobility=index % 6 == 0,
                retained_6_months=index % 20 != 0,
                retained_12_months=None if index % 3 == 0 else index % 9 != 0,
                recognition="Award" if index % 10 == 0 else "",
            )
            for index, mentor in enumerate(mentors)
            if index % 2 == 0
        ],
        batch_size=2000,
    )


GOALS_PER_PAIR = 3
PROGRESS_PER_GOAL = 8


def _seed_goals(organization, pairs, now):
    """Three goals per pair (a level or a percentage), each with a progress point every six weeks."""
    from sessions.models import Goal, GoalProgress

    goals = Goal.objects.bulk_create(
        [
            Goal(
                organization=organization,
                pair=pair,
                title=f"Goal {number}",
                scale=Goal.Scale.PERCENT if number == 2 else Goal.Scale.LEVEL,
            )
            for pair in pairs
            for number in range(GOALS_PER_PAIR)
        ],
        batch_size=2000,
    )
    # In the order people record them: every goal's first point, then every goal's second... so that a
    # goal's points lie apart in the table, as they do in a year of use.
    progress = [
        GoalProgress(
            organization=organization,
            goal=goal,
            recorded_on=(now - datetime.timedelta(days=350 - 42 * number)).date(),
            value=min(5, 1 + number // 2) if goal.scale == Goal.Scale.LEVEL else min(100, 12 * number),
        )
        for number in range(PROGRESS_PER_GOAL)
        for goal in goals
    ]
    GoalProgress.objects.bulk_create(progress, batch_size=5000)
    return len(goals), len(progress)


def _seed_survey_answers(organization, programmes, participants, pairs, target):
    """Baseline and final surveys of every participant: 1-5 scales, recommendation and skills answers."""
    from django.utils import timezone

    from programmes.models import Skill
    from surveys.models import Answer, Question, SurveyResponse, SurveyTemplate
    from surveys.services import rebuild_skill_progress

    now = timezone.now()
    skills = [Skill.objects.create(organization=organization, name=f"Skill {n}") for n in range(4)]
    templates = {}
    for programme in programmes:
        for moment in (SurveyTemplate.Moment.BASELINE, SurveyTemplate.Moment.FINAL):
            for audience in SurveyTemplate.Audience.values:
                template = SurveyTemplate.objects.create(
                    organization=organization,
                    programme=programme,
                    moment=moment,
                    audience=audience,
                    title=moment,
                )
                questions = [
                    Question.objects.create(
                        organization=organization,
                        template=template,
                        position=1,
                        text="Satisfaction",
                        type=Question.Type.SCALE,
                    ),
                    Question.objects.create(
                        organization=organization,
                        template=template,
                        position=2,
                        text="Recommend",
                        type=Question.Type.RECOMMEND,
                    ),
                    Question.objects.create(
                        organization=organization,
                        template=template,
                        position=3,
                        text="Skills",
                        type=Question.Type.SKILLS,
                    ),
                ]
                if audience == SurveyTemplate.Audience.MENTOR:
                    # The mentor's rating of the mentee, at the start and at the end.
                    questions.append(
                        Question.objects.create(
                            organization=organization,
                            template=template,
                            position=4,
                            text="Your mentee's skills",
                            type=Question.Type.MENTEE_SKILLS,
                        )
                    )
                templates[(programme.pk, moment, audience)] = (template, questions)
    responses, plan = [], []
    # A mentor's survey also rates the mentee: on average 1.5 × the skills per response.
    per_response = 2 + len(skills) + len(skills) // 2
    needed = target // per_response + 1
    for index in range(needed):
        participant = participants[index % len(participants)]
        moment = (SurveyTemplate.Moment.BASELINE, SurveyTemplate.Moment.FINAL)[
            (index // len(participants)) % 2
        ]
        template, questions = templates[(participant.programme_id, moment, participant.role)]
        # Participants alternate mentor, mentee; pair i is participants 2i and 2i + 1.
        pair = (
            pairs[(index % len(participants)) // 2] if (index % len(participants)) // 2 < len(pairs) else None
        )
        responses.append(
            SurveyResponse(
                organization=organization,
                template=template,
                participant=participant,
                pair=pair,
                key=f"bench:{index}",
                sent_at=now,
                expires_at=now + datetime.timedelta(days=14),
                answered_at=now if index % 5 else None,
                version=template.version if index % 5 else None,
            )
        )
        plan.append(questions)
    responses = SurveyResponse.objects.bulk_create(responses, batch_size=2000)
    answers = []
    for index, (response, questions) in enumerate(zip(responses, plan, strict=True)):
        scale, recommend, skill_question, *mentee_question = questions
        for position, skill in enumerate(skills if mentee_question and response.pair_id else []):
            # The mentor rates the mentee a level around the mentee's own.
            answers.append(
                Answer(
                    organization=organization,
                    response=response,
                    question=mentee_question[0],
                    skill=skill,
                    number=1 + (index + position + index // 7) % 5,
                )
            )
        answers.append(
            Answer(organization=organization, response=response, question=scale, number=1 + index % 5)
        )
        answers.append(
            Answer(organization=organization, response=response, question=recommend, number=index % 11)
        )
        for position, skill in enumerate(skills):
            answers.append(
                Answer(
                    organization=organization,
                    response=response,
                    question=skill_question,
                    skill=skill,
                    number=1 + (index + position) % 5,
                )
            )
    answers = answers[:target]
    Answer.objects.bulk_create(answers, batch_size=5000)
    # Written as rows, not answered one by one: the per-person skill progress is rebuilt from them.
    rebuild_skill_progress()
    return len(answers)


def floor_sql(connection):
    """The dashboard's heaviest figure written by hand as one GROUP BY: sessions per month of the last
    year, planned, held, minutes, pairs that met and the distinct people the privacy rule counts."""
    if connection.vendor == "postgresql":
        month = "date_trunc('month', s.starts_at AT TIME ZONE 'Europe/Paris')"
    else:
        month = "strftime('%%Y-%%m', s.starts_at)"
    return f"""
        SELECT {month} AS month,
               COUNT(*) FILTER (WHERE s.status <> 'cancelled') AS planned,
               COUNT(*) FILTER (WHERE s.status = 'held') AS held,
               SUM(s.duration_minutes) FILTER (WHERE s.status = 'held') AS minutes,
               COUNT(DISTINCT s.pair_id) FILTER (WHERE s.status = 'held') AS pairs_met,
               COUNT(DISTINCT p.mentor_id) + COUNT(DISTINCT p.mentee_id) AS people
        FROM mentoring_sessions_session s JOIN pairing_pair p ON p.id = s.pair_id
        WHERE s.organization_id = %s AND s.starts_at >= %s AND s.starts_at < %s
        GROUP BY 1 ORDER BY 1
    """


def skills_floor_sql():
    """The before/after figures by hand: per programme and skill, over the mentees' skill progress, the
    counts and sums the mean change, its interval, the share improved and the two gaps are made of."""
    return """
        SELECT pa.programme_id, pr.name, sk.name,
               COUNT(*) FILTER (WHERE d IS NOT NULL), SUM(d), SUM(d * d), COUNT(*) FILTER (WHERE d > 0),
               SUM(start) FILTER (WHERE d IS NOT NULL), SUM(finish) FILTER (WHERE d IS NOT NULL),
               COUNT(gap_start), SUM(gap_start), COUNT(gap_end), SUM(gap_end), COUNT(seen), SUM(seen)
        FROM (
            SELECT participant_id, skill_id, start, finish, finish - start AS d,
                   start - mentor_start AS gap_start, finish - mentor_finish AS gap_end,
                   mentor_finish - mentor_start AS seen
            FROM (
                SELECT participant_id, skill_id,
                       CASE WHEN baseline_at < %s THEN baseline END AS start,
                       CASE WHEN final_at < %s THEN final WHEN midpoint_at < %s THEN midpoint END AS finish,
                       CASE WHEN mentor_baseline_at < %s THEN mentor_baseline END AS mentor_start,
                       CASE WHEN mentor_final_at < %s THEN mentor_final
                            WHEN mentor_midpoint_at < %s THEN mentor_midpoint END AS mentor_finish
                FROM surveys_skillprogress WHERE organization_id = %s AND audience = 'mentee'
            ) levels
        ) changes
        JOIN programmes_participant pa ON pa.id = changes.participant_id
        JOIN programmes_programme pr ON pr.id = pa.programme_id
        JOIN programmes_skill sk ON sk.id = changes.skill_id
        GROUP BY 1, 2, 3 ORDER BY 2, 1, 3
    """


def _skills_seconds(organization):
    """The dashboard's before/after figures alone (four queries), as the page computes them."""
    from dashboards.filters import DashboardFilters
    from dashboards.skills import before_after
    from organizations.tenancy import tenant_context

    with tenant_context(organization), Timer() as timer:
        before_after(filters=DashboardFilters.default(organization), minimum=5)
    return timer.seconds


def scan_sql(connection):
    """For reference: the same months without the people (no join, no DISTINCT), a plain scan."""
    if connection.vendor == "postgresql":
        month = "date_trunc('month', starts_at AT TIME ZONE 'Europe/Paris')"
    else:
        month = "strftime('%%Y-%%m', starts_at)"
    return f"""
        SELECT {month}, COUNT(*) FILTER (WHERE status = 'held') FROM mentoring_sessions_session
        WHERE organization_id = %s AND starts_at >= %s AND starts_at < %s GROUP BY 1
    """


def _seconds(connection, sql, params):
    with connection.cursor() as cursor, Timer() as timer:
        cursor.execute(sql, params)
        cursor.fetchall()
    return timer.seconds


def _goal_progress_seconds(organization):
    """The dashboard's goal figures alone (each goal's latest progress point), as the page computes them."""
    from dashboards.filters import DashboardFilters
    from dashboards.impact import goal_progress
    from organizations.tenancy import tenant_context

    with tenant_context(organization), Timer() as timer:
        goal_progress(filters=DashboardFilters.default(organization), minimum=5)
    return timer.seconds


def _goal_progress_plan(connection, organization):
    """EXPLAIN ANALYZE of the goal figures' query, as the database runs it."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _goal_progress_seconds(organization)
    (query,) = captured.captured_queries
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + query["sql"])
        return "\n".join(" ".join(str(cell) for cell in row) for row in cursor.fetchall())


def _median_ms(timings):
    return round(statistics.median(timings) * 1000, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a tenth of the data, for a quick check")
    parser.add_argument(
        "--verbose", action="store_true", help="print each query of one request with its time"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the goal progress query's plan (EXPLAIN ANALYZE)"
    )
    arguments = parser.parse_args()
    scale = 10 if arguments.small else 1

    with bench_database():
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from dashboards.cache import invalidate
        from dashboards.filters import DashboardFilters

        with Timer() as seeding:
            organization, executive, answers, (goals, progress) = seed(scale)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        client = Client()
        client.force_login(executive)
        url = f"/o/{organization.slug}/dashboard/"
        assert client.get(url).status_code == 200  # warm-up: connections, templates, plans
        now = timezone.now()
        params = [organization.pk, now - datetime.timedelta(days=365), now]
        floor, scan = floor_sql(connection), scan_sql(connection)
        end = DashboardFilters.default(organization).end_at
        skills_floor, skills_params = skills_floor_sql(), [end] * 6 + [organization.pk]
        # Requests and the floor take turns, so that a busy moment of the machine weighs on both alike.
        # Each timed request computes the figures (the cache is emptied first); a second one is served
        # from the cache, as an executive's reload is.
        timings, cached_timings, floor_timings, scan_timings, goal_timings = [], [], [], [], []
        skills_timings, skills_floor_timings = [], []
        for _ in range(REQUESTS):
            goal_timings.append(_goal_progress_seconds(organization))
            skills_timings.append(_skills_seconds(organization))
            invalidate(organization.pk)
            with Timer() as timer:
                response = client.get(url)
            assert response.status_code == 200
            timings.append(timer.seconds)
            with Timer() as timer:
                assert client.get(url).status_code == 200
            cached_timings.append(timer.seconds)
            floor_timings.append(_seconds(connection, floor, params))
            skills_floor_timings.append(_seconds(connection, skills_floor, skills_params))
            scan_timings.append(_seconds(connection, scan, params))
        invalidate(organization.pk)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)

        # The floor: the hand-written SQL of the sessions per month and of the before/after figures.
        floor_ms = _median_ms([a + b for a, b in zip(floor_timings, skills_floor_timings, strict=True)])
        sessions_floor_ms = _median_ms(floor_timings)
        skills_floor_ms = _median_ms(skills_floor_timings)
        skills_ms = _median_ms(skills_timings)
        cached_ms = _median_ms(cached_timings)
        scan_ms = _median_ms(scan_timings)
        dashboard_ms = _median_ms(timings)
        goals_ms = _median_ms(goal_timings)
        summary = f"{dashboard_ms} ms (median of {REQUESTS}), {len(captured)} queries"
        print(
            f"dashboard: {summary}; floor: {floor_ms} ms; before/after: {skills_ms} ms, its floor {skills_floor_ms} ms"
        )
        if arguments.verbose:
            for query in captured.captured_queries:
                print(f"{float(query['time']) * 1000:8.1f} ms  {query['sql'][:150]}")
        if arguments.explain:
            print(_goal_progress_plan(connection, organization))
        report(
            database=connection.vendor,
            scale="small" if arguments.small else "full",
            participants=5000 // scale,
            pairs=2500 // scale,
            sessions=60000 // scale,
            survey_answers=answers,
            goals=goals,
            goal_progress=progress,
            seed_s=round(seeding.seconds, 1),
            dashboard_ms=dashboard_ms,
            floor_ms=floor_ms,
            sessions_floor_ms=sessions_floor_ms,
            skills_floor_ms=skills_floor_ms,
            skills_ms=skills_ms,
            cached_ms=cached_ms,
            scan_ms=scan_ms,
            goals_ms=goals_ms,
            ratio_to_floor=round(dashboard_ms / floor_ms, 1) if floor_ms else None,
            queries=len(captured),
        )


if __name__ == "__main__":
    main()
