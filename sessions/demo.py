"""Demo data: months of sessions, goals with progress curves, actions and take-aways for the pilot's pairs."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from mentoring.l10n import localized
from organizations.demo import DEMO_ASSISTANT_EMAIL
from pairing.models import Pair
from programmes.models import Participant, Programme

from .curriculum import challenge_review_line
from .models import (
    ActionItem,
    AgendaItem,
    Challenge,
    CohortAttendance,
    CohortSession,
    Delegation,
    Endorsement,
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
# What mentees wrote when they answered their "try it" challenges.
REFLECTIONS_DONE = [
    "Plus simple que prévu : trois collègues ont répondu dans l'heure.",
    "Je l'ai fait deux fois, je garde l'habitude.",
    "Le résumé était bon, mais j'ai dû corriger deux chiffres.",
]
REFLECTIONS_NOT_DONE = ["Semaine de clôture : je le reporte à la prochaine séance."]
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
    modules = list(programme.modules.order_by("position", "pk"))
    for index, pair in enumerate(pairs.order_by("pk")):
        if Session.objects.filter(pair=pair).exists():
            continue
        _seed_pair(organization, programme, pair, index, modules)
    _seed_endorsements(pairs.order_by("pk"))
    _seed_cohort(organization, programme)
    executive, assistant = people.get(DELEGATING_EXECUTIVE), people.get(DEMO_ASSISTANT_EMAIL)
    if executive is not None and assistant is not None:
        Delegation.objects.get_or_create(
            organization=organization,
            executive=executive,
            assistant=assistant,
            defaults={"granted_by": executive},
        )


ENDORSEMENTS = (
    "Grâce à mes séances avec mon mentor, je publie désormais chaque semaine sur le réseau interne et j’ai "
    "compris ce que nos jeunes collègues attendent d’un manager. Patient, précis et toujours bien préparé.",
    "Une découverte concrète de l’IA générative, appliquée à mes propres dossiers. Je recommande ce mentor "
    "à tous les membres du comité de direction.",
)


def _seed_endorsements(pairs):
    """One executive in three endorses their mentor; the first also shows the topics they covered."""
    for index, pair in enumerate(pairs):
        if index % 3 or Endorsement.objects.filter(pair=pair).exists():
            continue
        Endorsement.objects.create(
            pair=pair,
            given_by=pair.mentee.user,
            text=ENDORSEMENTS[(index // 3) % len(ENDORSEMENTS)],
            show_topics=index == 0,
        )


def _seed_pair(organization, programme, pair, index, modules):
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
        # Every other session is on the next module of the curriculum, the others on a free topic.
        module = modules[number // 2] if modules and number % 2 == 0 and number // 2 < len(modules) else None
        if module is not None:
            session.module = module
            session.save(update_fields=["module"])
            lines = module.agenda_lines("fr")
        else:
            lines = [topic]
        AgendaItem.objects.bulk_create(
            AgendaItem(
                organization=organization, session=session, text=line, goal=goals[number % 2], position=i
            )
            for i, line in enumerate(lines)
        )
        if starts_at < now - timedelta(hours=2) and day != unlogged:
            low = LOW_RATED in emails and starts_at >= now - LOW_RATED_SINCE
            _log(organization, session, goals, number, rng, mentor, mentee, topic, pace, low)
            if session.status == Session.Status.HELD and module is not None:
                _challenge(organization, session, module, rng, now)
    _review_challenges(organization, pair)
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


def _challenge(organization, session, module, rng, now):
    """The mentee's commitment after a held module session: answered when its date has passed (mostly
    done), still to do when it is ahead. Sessions on a free topic have none: the mentee may commit to
    one from the latest."""
    due = timezone.localtime(session.starts_at).date() + timedelta(days=10)
    challenge = Challenge(
        organization=organization,
        pair=session.pair,
        session=session,
        module=module,
        owner=session.pair.mentee.user,
        text=localized(module, "challenge", "fr") or module.title,
        due_date=due,
    )
    if due < timezone.localdate(now):
        done = rng.random() < 0.75
        challenge.status = Challenge.Status.DONE if done else Challenge.Status.NOT_DONE
        challenge.reflection = rng.choice(REFLECTIONS_DONE if done else REFLECTIONS_NOT_DONE)
        challenge.answered_at = datetime.combine(due, time(18), PARIS)
    challenge.save()


def _review_challenges(organization, pair):
    """Each challenge opens the agenda of the pair's next session, as scheduling does."""
    sessions = list(
        Session.objects.filter(pair=pair).exclude(status=Session.Status.CANCELLED).order_by("starts_at")
    )
    for challenge in Challenge.objects.filter(pair=pair).select_related("session"):
        following = next((s for s in sessions if s.starts_at > challenge.session.starts_at), None)
        if following is None:
            continue
        challenge.reviewed_in = following
        challenge.save(update_fields=["reviewed_in"])
        with translation.override("fr"):
            line = challenge_review_line(challenge)
        AgendaItem.objects.create(organization=organization, session=following, text=line, position=0)


# The mentors' cohort: the kick-off training held before the first sessions, with its attendance, a
# debrief held since, and the next debrief ahead.
COHORT = [
    (
        CohortSession.Kind.TRAINING,
        "Formation des mentors : lancer le programme",
        "Le rôle de mentor inversé, préparer une première séance, la confidentialité.",
    ),
    (
        CohortSession.Kind.DEBRIEF,
        "Débrief trimestriel des mentors",
        "Ce qui marche dans nos séances, ce qui bloque, les idées à partager.",
    ),
    (
        CohortSession.Kind.DEBRIEF,
        "Débrief trimestriel des mentors",
        "Ce qui marche dans nos séances, ce qui bloque, les idées à partager.",
    ),
]


def _seed_cohort(organization, programme):
    if CohortSession.objects.filter(programme=programme).exists():
        return
    now = timezone.now()
    today = timezone.localdate()
    training_day = min(programme.start_date - timedelta(days=7), today - timedelta(days=70))
    days = [
        training_day,
        min(training_day + timedelta(days=91), today - timedelta(days=7)),
        today + timedelta(days=20),
    ]
    mentors = list(
        Participant.objects.filter(
            programme=programme, role=Participant.Role.MENTOR, status=Participant.Status.ENROLLED
        ).order_by("pk")
    )
    rng = random.Random(15)
    for (kind, title, description), day in zip(COHORT, days, strict=True):
        starts_at = datetime.combine(day, time(17, 0), tzinfo=PARIS)
        held = starts_at < now
        session = CohortSession.objects.create(
            organization=organization,
            programme=programme,
            kind=kind,
            title=title,
            description=description,
            starts_at=starts_at,
            duration_minutes=120 if kind == CohortSession.Kind.TRAINING else 90,
            time_zone="Europe/Paris",
            location="Salle Lumière, siège"
            if kind == CohortSession.Kind.TRAINING
            else "https://teams.example/debrief",
            attendance_recorded_at=starts_at + timedelta(hours=3) if held else None,
        )
        for index, mentor in enumerate(mentors):
            if held:
                roll = rng.random()
                status = (
                    CohortAttendance.Status.PRESENT
                    if roll < 0.8
                    else CohortAttendance.Status.EXCUSED
                    if roll < 0.9
                    else CohortAttendance.Status.ABSENT
                )
                # Léa, the demo's mentor, came to both.
                if mentor.user.email == "lea.martin@demo.binome.example":
                    status = CohortAttendance.Status.PRESENT
            elif index == 1:
                status = CohortAttendance.Status.EXCUSED  # one mentor already said they cannot come
            else:
                continue
            CohortAttendance.objects.create(
                organization=organization,
                cohort_session=session,
                participant=mentor,
                status=status,
                in_advance=not held,
            )
