"""Demo pairs: the running pilot gets active pairs, and a spring cohort waits with proposals for HR.

Runs after the programmes demo (which creates "Programme pilote 2026"); without it, only the spring
cohort is created. Idempotent: a second run finds what the first one made and changes nothing.
"""

import datetime

from django.utils import timezone

from programmes.models import Participant, ParticipantSkill, Programme, Skill

from . import services
from .models import MatchingRound, Pair

PILOT = "Programme pilote 2026"
SPRING = "Cohorte printemps 2027"
D = "@demo.binome.example"
FALLBACK_SKILLS = [
    "Outils d'IA",
    "Réseaux sociaux",
    "Outils collaboratifs",
    "Culture de la donnée",
    "Cybersécurité",
]

# person: role, department (the same as in the pilot), languages, skill positions {index in the taxonomy:
# level}, interests, availability, manager (person key or None).
SPRING_PROFILES = {
    "lea.martin": (
        "mentor",
        "Marketing",
        ["fr", "en"],
        {1: 3, 0: 2},
        ["photographie"],
        ["tue-lunch", "thu-lunch"],
        None,
    ),
    "hugo.bernard": (
        "mentor",
        "Ventes",
        ["fr", "en"],
        {2: 3, 1: 2},
        ["football", "podcasts"],
        ["mon-afternoon", "wed-lunch"],
        "michel.fournier",
    ),
    "ines.petit": (
        "mentor",
        "Data",
        ["fr", "es"],
        {3: 3, 0: 3},
        ["course à pied"],
        ["mon-morning", "wed-morning"],
        None,
    ),
    "sam.taylor": (
        "mentor",
        "IT",
        ["en"],
        {4: 3, 0: 3},
        ["jazz", "cycling"],
        ["tue-morning", "thu-morning"],
        None,
    ),
    "nora.haddad": (
        "mentor",
        "Ressources humaines",
        ["fr", "ar"],
        {2: 3, 1: 3},
        ["théâtre"],
        ["tue-lunch", "fri-morning"],
        None,
    ),
    "jean.lefebvre": (
        "mentee",
        "Direction financière",
        ["fr"],
        {3: 3, 0: 2},
        ["course à pied"],
        ["mon-morning", "wed-morning"],
        None,
    ),
    "catherine.roux": (
        "mentee",
        "Ressources humaines",
        ["fr", "en"],
        {1: 3},
        ["photographie"],
        ["tue-lunch", "thu-lunch"],
        None,
    ),
    "michel.fournier": (
        "mentee",
        "Ventes",
        ["fr"],
        {2: 3, 1: 1},
        ["football"],
        ["mon-afternoon", "wed-lunch"],
        None,
    ),
    "margaret.hughes": (
        "mentee",
        "IT",
        ["en"],
        {4: 3, 0: 2},
        ["jazz"],
        ["tue-morning", "thu-morning"],
        None,
    ),
    "bernard.girard": (
        "mentee",
        "Production",
        ["fr"],
        {2: 2, 0: 3},
        ["théâtre"],
        ["tue-lunch", "fri-morning"],
        None,
    ),
}


def seed_demo(organization, people):
    pilot = Programme.objects.filter(name=PILOT).first()
    if pilot is not None:
        _activate_pilot_pairs(pilot)
    _spring_cohort(organization, people)


def _activate_pilot_pairs(pilot):
    """Match the pilot with the engine and make the pairs active, as if everyone had accepted."""
    if Pair.objects.filter(programme=pilot).exists() or pilot.status != Programme.Status.RUNNING:
        return
    matching_round = services.run_matching(programme=pilot)
    now = timezone.now()
    started = timezone.make_aware(datetime.datetime.combine(pilot.start_date, datetime.time(9)))
    MatchingRound.objects.filter(pk=matching_round.pk).update(
        status=MatchingRound.Status.PUBLISHED, published_at=started
    )
    Pair.objects.filter(matching_round=matching_round).update(
        status=Pair.Status.ACTIVE,
        mentor_accepted_at=started,
        mentee_accepted_at=started,
        started_at=min(started, now),
    )


def _taxonomy():
    skills = list(Skill.objects.filter(is_active=True).order_by("pk")[: len(FALLBACK_SKILLS)])
    if len(skills) < len(FALLBACK_SKILLS):
        skills = [Skill.objects.get_or_create(name=name)[0] for name in FALLBACK_SKILLS]
    return skills


def _spring_cohort(organization, people):
    programme, created = Programme.objects.get_or_create(
        name=SPRING,
        defaults={
            "description": "Des binômes proposés par le moteur, à valider par les RH.",
            "start_date": datetime.date(2027, 3, 1),
            "end_date": datetime.date(2027, 12, 17),
            "status": Programme.Status.MATCHING,
            "rotation_months": 4,
            "mentor_capacity": 1,
        },
    )
    if not created:
        return
    skills = _taxonomy()
    participants = {}
    for key, (
        role,
        department,
        languages,
        skill_levels,
        interests,
        availability,
        _manager,
    ) in SPRING_PROFILES.items():
        user = people.get(f"{key}{D}")
        if user is None:
            continue
        participant = Participant.objects.create(
            programme=programme,
            user=user,
            role=role,
            status=Participant.Status.ENROLLED,
            department=department,
            languages=languages,
            interests=interests,
            availability=availability,
            time_zone="Europe/London" if "en" == languages[0] else "Europe/Paris",
            charter_accepted_at=timezone.now(),
            enrolled_at=timezone.now(),
        )
        for position, level in skill_levels.items():
            ParticipantSkill.objects.create(participant=participant, skill=skills[position], level=level)
        participants[key] = participant
    for key, profile in SPRING_PROFILES.items():
        manager_key = profile[-1]
        if manager_key and key in participants and f"{manager_key}{D}" in people:
            participants[key].manager = people[f"{manager_key}{D}"]
            participants[key].save(update_fields=["manager"])
    services.run_matching(programme=programme)
