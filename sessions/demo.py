"""Demo data: months of sessions, goals with progress curves, actions and take-aways for the pilot's pairs."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from organizations.demo import DEMO_ASSISTANT_EMAIL
from pairing.models import Pair
from programmes.models import Programme

from .models import (
    ActionItem,
    AgendaItem,
    Delegation,
    Goal,
    GoalProgress,
    PrivateNote,
    Session,
    SharedResource,
)

PILOT = "Programme pilote 2026"
PARIS = ZoneInfo("Europe/Paris")
MONTHS_OF_HISTORY = 6
# The executive whose assistant plans his sessions.
DELEGATING_EXECUTIVE = "jean.lefebvre@demo.binome.example"
# A few pairs for HR to follow on the operations page; every other pair meets every cadence.
SILENT = "ines.petit@demo.binome.example"  # stopped meeting about six weeks ago
UNLOGGED = "hugo.bernard@demo.binome.example"  # its last session is still to be logged
LOW_RATED = "tom.moreau@demo.binome.example"  # rates its recent sessions poorly
SILENT_FOR = timedelta(days=42)
LOW_RATED_SINCE = timedelta(days=45)

GOALS = [
    ("Animer mon équipe sur Teams", "Canaux par projet, moins de courriels internes."),
    ("Publier chaque mois sur LinkedIn", "Un post par mois sur les projets de la direction."),
    ("Utiliser l'IA générative au quotidien", "Résumer, rédiger et préparer mes réunions avec un assistant."),
    ("Comprendre les attentes des moins de 30 ans", "Flexibilité, sens, feedback : ce qui compte pour eux."),
]
# Set lately by some pairs, with no progress recorded yet.
LATE_GOAL = ("Tourner une courte vidéo pour l'intranet", "Deux minutes sur un projet de la direction.")
TOPICS = [
    "Canaux Teams et mentions",
    "Premier post LinkedIn",
    "Prompts pour résumer un compte rendu",
    "Télétravail et feedback",
    "Tableaux de bord partagés",
    "Sécurité des données personnelles",
]
TAKEAWAYS = [
    ("Un canal par projet", "Les décisions se prennent dans le fil, pas par courriel."),
    ("Un prompt, c'est un brief", "Contexte, objectif, format attendu : comme pour un collaborateur."),
]


def seed_demo(organization, people):
    """Runs inside the tenant context; pairs that already have sessions are left as they are."""
    programme = Programme.objects.filter(name=PILOT).first()
    if programme is None:
        return
    pairs = Pair.objects.filter(programme=programme, status=Pair.Status.ACTIVE).select_related(
        "mentor__user", "mentee__user"
    )
    for index, pair in enumerate(pairs.order_by("pk")):
        if Session.objects.filter(pair=pair).exists():
            continue
        _seed_pair(organization, programme, pair, index)
    executive, assistant = people.get(DELEGATING_EXECUTIVE), people.get(DEMO_ASSISTANT_EMAIL)
    if executive is not None and assistant is not None:
        Delegation.objects.get_or_create(
            organization=organization,
            executive=executive,
            assistant=assistant,
            defaults={"granted_by": executive},
        )


def _seed_pair(organization, programme, pair, index):
    mentor, mentee = pair.mentor.user, pair.mentee.user
    # Seeded by the two people, not by ids: the same demo on every database.
    rng = random.Random(f"{mentor.email}:{mentee.email}")
    now, today = timezone.now(), timezone.localdate()
    emails = {mentor.email, mentee.email}
    objectives = list(programme.objectives.all())
    goals = []
    for number, (title, description) in enumerate(rng.sample(GOALS, 2)):
        goals.append(
            Goal.objects.create(
                organization=organization,
                pair=pair,
                title=title,
                description=description,
                objective=objectives[number % len(objectives)] if objectives else None,
                target_date=min(programme.end_date, today + timedelta(days=90)),
                scale=Goal.Scale.LEVEL if number == 0 else Goal.Scale.PERCENT,
                created_by=mentee,
            )
        )
    if index % 4 == 3:
        Goal.objects.create(
            organization=organization,
            pair=pair,
            title=LATE_GOAL[0],
            description=LATE_GOAL[1],
            target_date=min(programme.end_date, today + timedelta(days=120)),
            scale=Goal.Scale.PERCENT,
            created_by=mentee,
        )
    # Each pair meets on its own weekday and hour so mentors with two mentees never overlap.
    start_time = time(9 + index % 8, 30)
    first = max(programme.start_date, today - timedelta(days=30 * MONTHS_OF_HISTORY))
    first += timedelta(days=(index % 5 - first.weekday()) % 7)
    last = min(programme.end_date, today + timedelta(days=42))
    if SILENT in emails:
        last = today - SILENT_FOR
    days = []
    while first <= last:
        days.append(first)
        first += timedelta(days=programme.cadence_days or 14)
    past = [day for day in days if datetime.combine(day, start_time, PARIS) < now - timedelta(days=3)]
    unlogged = past[-1] if UNLOGGED in emails and past else None
    # Progress at the pair's own pace: some goals are reached, others have a long way to go.
    pace = rng.choice([3, 4, 5, 6, 8, 10])
    for number, day in enumerate(days):
        starts_at = datetime.combine(day, start_time, PARIS)
        session = Session.objects.create(
            organization=organization,
            pair=pair,
            starts_at=starts_at,
            duration_minutes=rng.choice([30, 45, 45, 60]),
            time_zone="Europe/Paris",
            format=rng.choice([Session.Format.VIDEO, Session.Format.IN_PERSON]),
            location="Salle Jacquard" if number % 2 else "https://visio.demo.binome.example/" + str(pair.pk),
            created_by=mentee,
        )
        topic = TOPICS[number % len(TOPICS)]
        AgendaItem.objects.create(
            organization=organization, session=session, text=topic, goal=goals[number % 2], position=0
        )
        if starts_at < now - timedelta(hours=2) and day != unlogged:
            low = LOW_RATED in emails and starts_at >= now - LOW_RATED_SINCE
            _log(organization, session, goals, number, rng, mentor, mentee, topic, pace, low)
    if SILENT in emails:
        # The next meeting was cancelled and never rescheduled.
        day = (days[-1] if days else last) + timedelta(days=programme.cadence_days or 14)
        starts_at = datetime.combine(day, start_time, PARIS)
        Session.objects.create(
            organization=organization,
            pair=pair,
            starts_at=starts_at,
            duration_minutes=45,
            time_zone="Europe/Paris",
            status=Session.Status.CANCELLED,
            cancel_reason="Clôture budgétaire, on se recale plus tard",
            cancelled_at=starts_at - timedelta(days=1),
            sequence=1,
            created_by=mentee,
        )
    for title, body in TAKEAWAYS:
        SharedResource.objects.create(
            organization=organization, pair=pair, title=title, body=body, added_by=mentor
        )
    SharedResource.objects.create(
        organization=organization,
        pair=pair,
        kind=SharedResource.Kind.LINK,
        title="Guide Microsoft Teams",
        url="https://support.microsoft.com/teams",
        added_by=mentor,
    )


def _log(organization, session, goals, number, rng, mentor, mentee, topic, pace, low):
    outcome = rng.random()
    if low:
        outcome = 1  # the pair still meets: it is the sessions that disappoint
    if outcome < 0.08:
        session.status = Session.Status.CANCELLED
        session.cancel_reason = "Comité de direction déplacé"
        session.cancelled_at = session.starts_at - timedelta(days=1)
        session.sequence = 1
        session.save()
        return
    if outcome < 0.14:
        session.status = Session.Status.NO_SHOW
        session.logged_at = session.ends_at
        session.logged_by = mentor
        session.save()
        return
    session.status = Session.Status.HELD
    session.actual_minutes = session.duration_minutes + rng.choice([-5, 0, 0, 10])
    session.topics = topic
    session.shared_notes = f"Nous avons travaillé sur : {topic.lower()}. Prochaine étape décidée ensemble."
    session.usefulness = 2 if low else rng.choice([3, 4, 4, 5, 5])
    session.logged_at = session.ends_at + timedelta(hours=1)
    session.logged_by = mentee
    session.save()
    if number % 3 == 0:
        PrivateNote.objects.create(
            organization=organization,
            session=session,
            author=mentee,
            text="Je n'ose pas encore poser certaines questions en réunion d'équipe.",
        )
    for goal in goals:
        step = number + 1
        if goal.scale == Goal.Scale.LEVEL:
            value = min(5, 1 + step * pace // 25)
        else:
            value = min(100, 5 + step * pace)
        GoalProgress.objects.create(
            organization=organization,
            goal=goal,
            recorded_on=timezone.localtime(session.starts_at).date(),
            value=value,
            session=session,
            recorded_by=mentee,
        )
    if number % 2 == 0:
        ActionItem.objects.create(
            organization=organization,
            pair=session.pair,
            session=session,
            title=f"Mettre en pratique : {topic.lower()}",
            owner=mentee,
            due_date=timezone.localtime(session.starts_at).date() + timedelta(days=14),
            done_at=session.starts_at + timedelta(days=10) if number < 6 else None,
        )
