"""How fast is the executive dashboard on a large organisation, against the SQL floor?

Seeds one organisation with 5,000 participants, 2,500 pairs, 60,000 sessions, 7,500 goals with 60,000
progress points, the mentors' outcomes and, when the surveys app is installed, 100,000 survey answers:
baseline and final, each mentee's own skill levels and their mentor's rating of them (``--small``: a
tenth of each), the practices adopted and shared comments of the final surveys, and two challenges per
pair. Then requests the dashboard as an executive several times, each time with its figure cache emptied
(``cached_ms``: the reload served from the cache). Prints the median response time, its query count and
the time its SQL took (``sql_ms``), and the floor (``floor_ms``): every figure group of the page written
by hand as one plain statement (``floor_statements``), run in the same tenant context. The requests and
the floor take turns, so that a busy moment of a shared machine weighs on both alike. The target: the
page within 1.5 times the floor, and under 300 ms. The floor is written for PostgreSQL; on SQLite only
the page is timed.

    python bench/dashboard.py [--small]            # SQLite in a temporary file
    DATABASE_URL=postgres://... python bench/dashboard.py
"""

import argparse
import datetime
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Timer, analyze, bench_database, report  # noqa: E402

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
        _seed_challenges(organization, pairs, participants, now)
        _seed_mentor_outcomes(organization, programmes, participants)
        answers = 0
        if apps.is_installed("surveys"):
            answers = _seed_survey_answers(organization, programmes, participants, pairs, 100_000 // scale)
    return organization, executive, answers, goals


def _seed_challenges(organization, pairs, participants, now):
    """Two "try it" challenges per pair, taken by the mentee, due over the last months: done, not, pending."""
    from sessions.models import Challenge

    users = {participant.pk: participant.user_id for participant in participants}
    statuses = [
        Challenge.Status.DONE,
        Challenge.Status.DONE,
        Challenge.Status.NOT_DONE,
        Challenge.Status.PENDING,
    ]
    Challenge.objects.bulk_create(
        [
            Challenge(
                organization=organization,
                pair=pair,
                owner_id=users[pair.mentee_id],
                text="Essayer un outil",
                due_date=(now - datetime.timedelta(days=20 + 90 * number + index % 30)).date(),
                status=statuses[(index + number) % len(statuses)],
                answered_at=None
                if statuses[(index + number) % len(statuses)] == Challenge.Status.PENDING
                else now,
            )
            for index, pair in enumerate(pairs)
            for number in range(CHALLENGES_PER_PAIR)
        ],
        batch_size=2000,
    )


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


PRACTICES = ["Visioconférence", "Réseaux sociaux", "IA générative", "Outils collaboratifs"]
PRACTICES_EN = ["Video calls", "Social media", "Generative AI", "Collaborative tools"]
CHALLENGES_PER_PAIR = 2

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
    templates, extras = {}, {}
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
                if moment == SurveyTemplate.Moment.FINAL:
                    # What the final survey also asks: the practices adopted, and a comment to share.
                    extras[template.pk] = (
                        Question.objects.create(
                            organization=organization,
                            template=template,
                            position=5,
                            text="Nouvelles pratiques",
                            text_en="New practices",
                            type=Question.Type.MULTIPLE,
                            choices=PRACTICES,
                            choices_en=PRACTICES_EN,
                        ),
                        Question.objects.create(
                            organization=organization,
                            template=template,
                            position=6,
                            text="Un mot à partager",
                            type=Question.Type.TEXT,
                        ),
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
    for index, response in enumerate(responses):
        if response.answered_at is None or response.template_id not in extras:
            continue
        practices, comment = extras[response.template_id]
        # One or two practices each, and a shared comment from one respondent in three.
        for option in sorted({1 + index % len(PRACTICES), 1 + (index // 3) % len(PRACTICES)}):
            answers.append(
                Answer(
                    organization=organization,
                    response=response,
                    question=practices,
                    option=option,
                    text=PRACTICES[option - 1],
                )
            )
        if index % 3 == 0:
            answers.append(
                Answer(
                    organization=organization,
                    response=response,
                    question=comment,
                    text=f"Commentaire {index}",
                    shared_anonymously=True,
                )
            )
    Answer.objects.bulk_create(answers, batch_size=5000)
    # Written as rows, not answered one by one: the per-person skill progress is rebuilt from them.
    rebuild_skill_progress()
    return len(answers)


# The practices question whose answers are counted: the wording most people answered.
WORDING_SQL = "SELECT q.type, q.text, q.text_en, q.choices, q.choices_en, COUNT(DISTINCT r.participant_id)"
WORDING_ORDER = "GROUP BY 1, 2, 3, 4, 5 ORDER BY 6 DESC, 2, 1 LIMIT 1"


def floor_statements(filters, organization_id, *, cadences, wording):
    """Every figure of the dashboard written by hand, one statement per figure group: the floor.

    Each statement is the plain SQL a person would write for that group (same rows, same privacy counts:
    the distinct people each figure is guarded by), in the fastest shape found, with no ORM and no
    Python around it. The page's statements must come close to these; its Python and templates must
    cost little beside them. ``cadences`` are the programmes' ``(id, cadence_days)`` and ``wording`` the
    most answered practices question (``WORDING_SQL``'s row, or None), both read before: values a
    hand-written report would hold as parameters. Returns ``[(name, sql, params)]``; each runs inside the
    organisation's tenant context, as the page's do.
    """
    window = {
        "org": organization_id,
        "start_at": filters.start_at,
        "end_at": filters.end_at,
        "start": filters.start,
        "end": filters.end,
        "reference": filters.reference,
        "tz": filters.time_zone,
    }
    # The month of a session by comparing it with the months' first midnights (computed here, in the
    # organisation's time zone): cheaper than converting every row's time.
    boundaries = [
        datetime.datetime.combine(month, datetime.time.min, tzinfo=filters.tzinfo)
        for month in filters.months()[1:]
    ]
    window.update({f"month_{index}": boundary for index, boundary in enumerate(boundaries)})
    month_case = (
        "CASE "
        + " ".join(f"WHEN s.starts_at < %(month_{index})s THEN {index}" for index in range(len(boundaries)))
        + f" ELSE {len(boundaries)} END"
    )
    # Each programme's cadence window as a constant: the held-session probe is then a plain index range.
    window.update({f"since_{pk}": filters.reference - datetime.timedelta(days=days) for pk, days in cadences})
    windows = ", ".join(f"({pk}, %(since_{pk})s::timestamptz)" for pk, _days in cadences) or "(NULL, NULL)"
    window.update({f"wording_{index}": value for index, value in enumerate((wording or (None,) * 5)[:5])})
    pairs_of_sessions = """
        FROM mentoring_sessions_session s JOIN pairing_pair p ON p.id = s.pair_id
        WHERE s.organization_id = %(org)s AND s.starts_at >= %(start_at)s AND s.starts_at < %(end_at)s"""
    answered = """
        FROM surveys_answer a JOIN surveys_surveyresponse r ON r.id = a.response_id
        JOIN surveys_question q ON q.id = a.question_id
        WHERE a.organization_id = %(org)s AND r.answered_at >= %(start_at)s AND r.answered_at < %(end_at)s
          AND a.skill_id IS NULL"""
    practices = (
        answered
        + """ AND q.type IN ('choice', 'multiple') AND EXISTS (
          SELECT 1 FROM surveys_surveytemplate t WHERE t.id = q.template_id AND t.moment IN ('midpoint', 'final'))"""
    )
    statements = [
        (
            "filter options: programmes",
            "SELECT id, name, cadence_days, cross_phase FROM programmes_programme "
            "WHERE organization_id = %(org)s ORDER BY start_date DESC, name",
        ),
        (
            "filter options: rounds",
            "SELECT r.id, r.number, p.name FROM pairing_matchinground r "
            "JOIN programmes_programme p ON p.id = r.programme_id WHERE r.organization_id = %(org)s "
            "ORDER BY p.name, r.number",
        ),
        (
            "filter options: departments",
            "SELECT DISTINCT department FROM programmes_participant "
            "WHERE organization_id = %(org)s AND department <> '' ORDER BY 1",
        ),
        (
            "participation",
            """
            WITH paired AS (
                SELECT side.id, bool_or(p.status = 'active') AS active
                FROM pairing_pair p CROSS JOIN LATERAL (VALUES (p.mentor_id), (p.mentee_id)) side (id)
                WHERE p.organization_id = %(org)s AND p.status IN ('accepted', 'active', 'ended')
                GROUP BY side.id)
            SELECT COUNT(*) FILTER (WHERE pa.status = 'enrolled'),
                   COUNT(*) FILTER (WHERE pa.status = 'enrolled' AND pa.role = 'mentor'),
                   COUNT(*) FILTER (WHERE pa.status = 'enrolled' AND pa.role = 'mentee'),
                   COUNT(paired.id) FILTER (WHERE pa.status = 'enrolled'),
                   COUNT(paired.id) FILTER (WHERE pa.status = 'enrolled' AND paired.active),
                   COUNT(*) FILTER (WHERE pa.status = 'invited'), COUNT(*) FILTER (WHERE pa.status = 'withdrawn')
            FROM programmes_participant pa LEFT JOIN paired ON paired.id = pa.id
            WHERE pa.organization_id = %(org)s""",
        ),
        (
            "pairs and cadence",
            f"""
            SELECT COUNT(*), COUNT(DISTINCT p.mentor_id) + COUNT(DISTINCT p.mentee_id),
                   COUNT(DISTINCT p.mentor_id) FILTER (WHERE p.status = 'active')
                   + COUNT(DISTINCT p.mentee_id) FILTER (WHERE p.status = 'active'),
                   COUNT(*) FILTER (WHERE p.status = 'proposed'), COUNT(*) FILTER (WHERE p.status = 'accepted'),
                   COUNT(*) FILTER (WHERE p.status = 'active'), COUNT(*) FILTER (WHERE p.status = 'declined'),
                   COUNT(*) FILTER (WHERE p.status = 'ended'),
                   COUNT(*) FILTER (WHERE p.status = 'active' AND (
                       COALESCE(p.started_at, p.created_at) >= w.since
                       OR EXISTS (SELECT 1 FROM mentoring_sessions_session s
                                  WHERE s.pair_id = p.id AND s.status = 'held' AND s.starts_at <= %(reference)s
                                    AND s.starts_at >= w.since)))
            FROM pairing_pair p JOIN (VALUES {windows}) w (programme_id, since) ON w.programme_id = p.programme_id
            WHERE p.organization_id = %(org)s""",
        ),
        (
            "sessions per month",
            f"""
            SELECT {month_case} AS month,
                   COUNT(*) FILTER (WHERE s.status <> 'cancelled'), COUNT(*) FILTER (WHERE s.status = 'held'),
                   SUM(s.duration_minutes) FILTER (WHERE s.status = 'held'),
                   COUNT(DISTINCT s.pair_id) FILTER (WHERE s.status = 'held'),
                   COUNT(DISTINCT p.mentor_id) + COUNT(DISTINCT p.mentee_id), COUNT(s.usefulness), SUM(s.usefulness)
            {pairs_of_sessions}
            GROUP BY 1 ORDER BY 1""",
        ),
        (
            "sessions' people",
            """
            SELECT COUNT(DISTINCT p.mentor_id) + COUNT(DISTINCT p.mentee_id),
                   COUNT(DISTINCT p.mentor_id) FILTER (WHERE rated) + COUNT(DISTINCT p.mentee_id) FILTER (WHERE rated)
            FROM (
                SELECT p.mentor_id, p.mentee_id, EXISTS (
                    SELECT 1 FROM mentoring_sessions_session s WHERE s.pair_id = p.id AND s.usefulness IS NOT NULL
                      AND s.starts_at >= %(start_at)s AND s.starts_at < %(end_at)s) AS rated
                FROM pairing_pair p
                WHERE p.organization_id = %(org)s AND p.id IN (
                    SELECT pair_id FROM mentoring_sessions_session s WHERE s.organization_id = %(org)s
                      AND s.starts_at >= %(start_at)s AND s.starts_at < %(end_at)s)) p""",
        ),
        (
            "goals' latest progress",
            """
            SELECT COUNT(*), COUNT(*) FILTER (WHERE percent IS NULL), AVG(percent),
                   COUNT(DISTINCT mentor_id) + COUNT(DISTINCT mentee_id),
                   COUNT(*) FILTER (WHERE percent >= 0 AND percent < 25),
                   COUNT(*) FILTER (WHERE percent >= 25 AND percent < 50),
                   COUNT(*) FILTER (WHERE percent >= 50 AND percent < 75),
                   COUNT(*) FILTER (WHERE percent >= 75 AND percent < 101)
            FROM (
                SELECT p.mentor_id, p.mentee_id,
                       latest.value * CASE WHEN g.scale = 'percent' THEN 1 ELSE 20 END AS percent
                FROM mentoring_sessions_goal g JOIN pairing_pair p ON p.id = g.pair_id
                LEFT JOIN LATERAL (
                    SELECT value FROM mentoring_sessions_goalprogress gp
                    WHERE gp.goal_id = g.id AND gp.recorded_on <= %(end)s
                    ORDER BY gp.recorded_on DESC, gp.created_at DESC LIMIT 1) latest ON true
                WHERE g.organization_id = %(org)s) goals""",
        ),
        (
            "skills, baseline and latest",
            """
            SELECT sp.audience, sk.name, sk.name_en, COUNT(*), AVG(sp.baseline), AVG(sp.latest)
            FROM (SELECT audience, skill_id, baseline,
                         CASE WHEN final_at < %(end_at)s THEN final WHEN midpoint_at < %(end_at)s THEN midpoint END
                         AS latest
                  FROM surveys_skillprogress WHERE organization_id = %(org)s AND baseline_at < %(end_at)s) sp
            JOIN programmes_skill sk ON sk.id = sp.skill_id
            WHERE sp.latest IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2""",
        ),
        ("practices: the most answered wording", f"{WORDING_SQL} {practices} {WORDING_ORDER}"),
        (
            "practices: each choice of that wording, overall and per programme",
            f"""
            SELECT pa.programme_id, a.text, COUNT(DISTINCT r.participant_id),
                   MAX(q.choices_en ->> (a.option - 1))
            {practices.replace("JOIN surveys_question q", "JOIN programmes_participant pa ON pa.id = r.participant_id JOIN surveys_question q")}
              AND a.text <> '' AND q.type = %(wording_0)s AND q.text = %(wording_1)s AND q.text_en = %(wording_2)s
              AND q.choices = %(wording_3)s::jsonb AND q.choices_en = %(wording_4)s::jsonb
            GROUP BY GROUPING SETS ((a.text), (pa.programme_id), (pa.programme_id, a.text))""",
        ),
        (
            "challenges, overall and per programme",
            """
            SELECT p.programme_id, COUNT(DISTINCT c.owner_id), COUNT(*), COUNT(*) FILTER (WHERE c.status = 'done'),
                   COUNT(*) FILTER (WHERE c.status = 'not_done'), COUNT(*) FILTER (WHERE c.status = 'pending')
            FROM mentoring_sessions_challenge c JOIN pairing_pair p ON p.id = c.pair_id
            WHERE c.organization_id = %(org)s AND c.due_date >= %(start)s AND c.due_date <= %(end)s
            GROUP BY GROUPING SETS ((), (p.programme_id))""",
        ),
        (
            "satisfaction and recommendation",
            f"""
            SELECT q.type, q.text, q.text_en, AVG(a.number), COUNT(DISTINCT r.participant_id), COUNT(*),
                   COUNT(*) FILTER (WHERE a.number >= 9), COUNT(*) FILTER (WHERE a.number <= 6)
            {answered} AND a.number IS NOT NULL AND q.type IN ('scale', 'recommend')
            GROUP BY 1, 2, 3 ORDER BY 2""",
        ),
        (
            "survey response rates",
            """
            SELECT t.moment, COUNT(*), COUNT(*) FILTER (WHERE r.answered_at IS NOT NULL),
                   COUNT(DISTINCT r.participant_id)
            FROM surveys_surveyresponse r JOIN surveys_surveytemplate t ON t.id = r.template_id
            WHERE r.organization_id = %(org)s AND r.sent_at >= %(start_at)s AND r.sent_at < %(end_at)s
            GROUP BY 1 ORDER BY 1""",
        ),
        (
            "shared comments",
            f"""
            SELECT a.text, date_trunc('month', r.answered_at AT TIME ZONE %(tz)s),
                   (SELECT COUNT(DISTINCT r2.participant_id) FROM surveys_surveyresponse r2
                    WHERE r2.organization_id = %(org)s AND r2.answered_at >= %(start_at)s
                      AND r2.answered_at < %(end_at)s AND EXISTS (
                          SELECT 1 FROM surveys_question q2 WHERE q2.template_id = r2.template_id AND q2.type = 'text')),
                   COUNT(*) OVER ()
            {answered} AND q.type = 'text' AND a.shared_anonymously
            ORDER BY md5('bench' || a.id::text) LIMIT 30""",
        ),
        (
            "mentors' outcomes",
            """
            SELECT pa.programme_id,
                   COUNT(o.promoted), COUNT(o.internal_mobility), COUNT(o.retained_6_months),
                   COUNT(o.retained_12_months), COUNT(*) FILTER (WHERE o.promoted),
                   COUNT(*) FILTER (WHERE o.internal_mobility), COUNT(*) FILTER (WHERE o.retained_6_months),
                   COUNT(*) FILTER (WHERE o.retained_12_months), COUNT(*) FILTER (WHERE o.recognition <> ''),
                   COUNT(*), b.promoted, b.internal_mobility, b.retained_6_months, b.retained_12_months
            FROM programmes_mentoroutcome o JOIN programmes_participant pa ON pa.id = o.participant_id
            LEFT JOIN programmes_outcomebaseline b ON b.programme_id = pa.programme_id
            WHERE o.organization_id = %(org)s AND pa.role = 'mentor'
            GROUP BY pa.programme_id, b.promoted, b.internal_mobility, b.retained_6_months, b.retained_12_months""",
        ),
        (
            "skills before/after, both sides",
            """
            SELECT pa.programme_id, pr.name, sk.name, sk.name_en,
                   COUNT(d), SUM(d), SUM(d * d), COUNT(*) FILTER (WHERE d > 0),
                   SUM(start) FILTER (WHERE d IS NOT NULL), SUM(finish) FILTER (WHERE d IS NOT NULL),
                   COUNT(gap_start), SUM(gap_start), COUNT(gap_end), SUM(gap_end), COUNT(seen), SUM(seen)
            FROM (
                SELECT participant_id, skill_id, start, finish, finish - start AS d,
                       start - mentor_start AS gap_start, finish - mentor_finish AS gap_end,
                       mentor_finish - mentor_start AS seen
                FROM (
                    SELECT participant_id, skill_id,
                           CASE WHEN baseline_at < %(end_at)s THEN baseline END AS start,
                           CASE WHEN final_at < %(end_at)s THEN final
                                WHEN midpoint_at < %(end_at)s THEN midpoint END AS finish,
                           CASE WHEN mentor_baseline_at < %(end_at)s THEN mentor_baseline END AS mentor_start,
                           CASE WHEN mentor_final_at < %(end_at)s THEN mentor_final
                                WHEN mentor_midpoint_at < %(end_at)s THEN mentor_midpoint END AS mentor_finish
                    FROM surveys_skillprogress WHERE organization_id = %(org)s AND audience = 'mentee'
                ) levels
            ) changes
            JOIN programmes_participant pa ON pa.id = changes.participant_id
            JOIN programmes_programme pr ON pr.id = pa.programme_id
            JOIN programmes_skill sk ON sk.id = changes.skill_id
            GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 3""",
        ),
    ]
    return [(name, sql, window) for name, sql in statements]


def _skills_seconds(organization):
    """The dashboard's before/after figures alone (four queries), as the page computes them."""
    from dashboards.filters import DashboardFilters
    from dashboards.skills import before_after
    from organizations.tenancy import tenant_context

    with tenant_context(organization), Timer() as timer:
        before_after(filters=DashboardFilters.default(organization), minimum=5)
    return timer.seconds


def _floor_parameters(connection, organization):
    """The programmes' cadences and the practices wording, read once before the floor is timed."""
    import json

    from dashboards.filters import DashboardFilters
    from organizations.tenancy import tenant_context

    (_name, sql, params), *_ = [
        statement
        for statement in floor_statements(
            DashboardFilters.default(organization), organization.pk, cadences=[], wording=None
        )
        if statement[0].startswith("practices: the most")
    ]
    with tenant_context(organization), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, cadence_days FROM programmes_programme WHERE organization_id = %s", [organization.pk]
        )
        cadences = cursor.fetchall()
        cursor.execute(sql, params)
        row = cursor.fetchone()
    # jsonb comes back as its text from a raw cursor (Django decodes it only for its fields).
    as_json = [value if isinstance(value, str) else json.dumps(value) for value in row[3:5]] if row else []
    wording = None if row is None else (*row[:3], *as_json)
    return {"cadences": cadences, "wording": wording}


def _floor_seconds(connection, organization, statements):
    """Each hand-written statement's time, run in the organisation's tenant context as the page's are."""
    from organizations.tenancy import tenant_context

    seconds = {}
    with tenant_context(organization):
        for name, sql, params in statements:
            with connection.cursor() as cursor, Timer() as timer:
                cursor.execute(sql, params)
                cursor.fetchall()
            seconds[name] = timer.seconds
    return seconds


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

        from dashboards.cache import invalidate
        from dashboards.filters import DashboardFilters

        with Timer() as seeding:
            organization, executive, answers, (goals, progress) = seed(scale)
        analyze()

        client = Client()
        client.force_login(executive)
        url = f"/o/{organization.slug}/dashboard/"
        assert client.get(url).status_code == 200  # warm-up: connections, templates, plans
        # The floor is PostgreSQL's SQL, where the target is set; SQLite reports none.
        statements = (
            floor_statements(
                DashboardFilters.default(organization),
                organization.pk,
                **_floor_parameters(connection, organization),
            )
            if connection.vendor == "postgresql"
            else []
        )
        # Requests and the floor take turns, so that a busy moment of the machine weighs on both alike.
        # Each timed request computes the figures (the cache is emptied first); a second one is served
        # from the cache, as an executive's reload is.
        timings, cached_timings, floor_timings, goal_timings, skills_timings = [], [], [], [], []
        floor_by_statement = {name: [] for name, _sql, _params in statements}
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
            seconds = _floor_seconds(connection, organization, statements)
            floor_timings.append(sum(seconds.values()))
            for name, value in seconds.items():
                floor_by_statement[name].append(value)
        invalidate(organization.pk)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        # The page's own SQL, as the database answered it (the request's other time is Python and templates).
        sql_ms = round(sum(float(query["time"]) for query in captured.captured_queries) * 1000, 1)

        floor_ms = _median_ms(floor_timings)
        dashboard_ms = _median_ms(timings)
        print(
            f"dashboard: {dashboard_ms} ms (median of {REQUESTS}), {len(captured)} queries taking {sql_ms} ms; "
            f"floor: {floor_ms} ms in {len(statements)} statements"
        )
        if arguments.verbose:
            for query in captured.captured_queries:
                print(f"{float(query['time']) * 1000:8.1f} ms  {query['sql'][:150]}")
            print("floor:")
            for name, values in floor_by_statement.items():
                print(f"{_median_ms(values):8.1f} ms  {name}")
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
            floor_ms=floor_ms if statements else None,
            sql_ms=sql_ms,
            cached_ms=_median_ms(cached_timings),
            goals_ms=_median_ms(goal_timings),
            skills_ms=_median_ms(skills_timings),
            ratio_to_floor=round(dashboard_ms / floor_ms, 2) if statements and floor_ms else None,
            queries=len(captured),
            floor_queries=len(statements),
        )


if __name__ == "__main__":
    main()
