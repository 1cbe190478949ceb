"""Demo programmes: a running pilot with everyone enrolled, and the next cohort open for enrolment.

The pairing and sessions demos build on "Programme pilote 2026" by name: keep it.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import (
    AVAILABILITY_SLOTS,
    MentorOutcome,
    Objective,
    OutcomeBaseline,
    Participant,
    ParticipantSkill,
    Programme,
    Resource,
    Skill,
)
from .services import DEFAULT_SKILLS, copy_default_curriculum, ensure_default_taxonomy

PILOT = "Programme pilote 2026"
NEXT_COHORT = "Cohorte 2027"
D = "@demo.binome.example"

CHARTER = """## Notre charte du mentorat inversé

1. **Confidentialité** : ce qui se dit dans le binôme reste dans le binôme. Les notes sont privées.
2. **Bienveillance** : aucune question n'est naïve ; on apprend sans jugement, dans les deux sens.
3. **Régularité** : une rencontre de 30 à 60 minutes toutes les deux semaines, avec un ordre du jour.
4. **Engagement** : on prévient son binôme en cas d'empêchement et on reprogramme aussitôt.
5. **Volontariat** : chacun peut se retirer du programme à tout moment, en le signalant aux RH.

*Our reverse-mentoring charter: confidentiality, kindness, regular 30-60 minute meetings, commitment,
and voluntary participation.*
"""

# e-mail: role, department, job title, location, languages, skills {name: level}, interests, availability,
# manager e-mail, hopes.
PILOT_PROFILES = {
    "lea.martin": (
        "mentor",
        "Marketing",
        "Chargée de communication digitale",
        "Paris",
        ["fr", "en"],
        {"Social networks": 3, "Video and content": 3, "AI tools": 2},
        ["photographie", "escalade"],
        ["tue-lunch", "thu-lunch", "fri-morning"],
        None,
        "Comprendre comment la direction prend ses décisions, et gagner en aisance à l'oral.",
    ),
    "hugo.bernard": (
        "mentor",
        "Ventes",
        "Business developer",
        "Lyon",
        ["fr", "en"],
        {"Collaborative tools": 3, "Mobile apps and productivity": 3, "Social networks": 2},
        ["football", "podcasts"],
        ["mon-afternoon", "wed-lunch"],
        "michel.fournier",
        "Découvrir la stratégie commerciale vue d'en haut.",
    ),
    "ines.petit": (
        "mentor",
        "Data",
        "Data analyst",
        "Paris",
        ["fr", "en", "es"],
        {"Data literacy": 3, "AI tools": 3, "Cybersecurity hygiene": 2},
        ["jeux de société", "course à pied"],
        ["mon-morning", "wed-morning", "thu-afternoon"],
        None,
        "Partager ma passion pour la donnée et mieux comprendre les enjeux métiers.",
    ),
    "sam.taylor": (
        "mentor",
        "IT",
        "Cloud engineer",
        "London",
        ["en"],
        {"Cybersecurity hygiene": 3, "AI tools": 3, "Collaborative tools": 2},
        ["cycling", "jazz"],
        ["tue-morning", "thu-morning"],
        None,
        "Help leaders feel confident with the tools their teams use every day.",
    ),
    "nora.haddad": (
        "mentor",
        "Ressources humaines",
        "Chargée de marque employeur",
        "Paris",
        ["fr", "en", "ar"],
        {"New work expectations": 3, "Inclusion and diversity": 3, "Social networks": 2},
        ["danse", "lecture"],
        ["tue-afternoon", "fri-lunch"],
        "catherine.roux",
        "Faire entendre les attentes des jeunes collaborateurs.",
    ),
    "tom.moreau": (
        "mentor",
        "Direction financière",
        "Contrôleur de gestion junior",
        "Lyon",
        ["fr"],
        {"Data literacy": 2, "Agile methods": 3, "Mobile apps and productivity": 2},
        ["vélo", "cuisine"],
        ["mon-lunch", "wed-afternoon"],
        "jean.lefebvre",
        "Apprendre de l'expérience d'un dirigeant d'une autre direction.",
    ),
    "jean.lefebvre": (
        "mentee",
        "Direction financière",
        "Directeur administratif et financier",
        "Paris",
        ["fr", "en"],
        {"AI tools": 3, "Data literacy": 2, "Collaborative tools": 2},
        ["voile", "histoire"],
        ["mon-morning", "mon-lunch", "wed-afternoon"],
        None,
        "Utiliser l'IA générative pour mes analyses et comprendre ses limites.",
    ),
    "catherine.roux": (
        "mentee",
        "Ressources humaines",
        "Directrice des ressources humaines",
        "Paris",
        ["fr"],
        {"Social networks": 3, "New work expectations": 3, "Video and content": 1},
        ["théâtre", "randonnée"],
        ["tue-lunch", "tue-afternoon", "fri-lunch"],
        None,
        "Être à l'aise sur LinkedIn et comprendre ce que cherchent les jeunes talents.",
    ),
    "michel.fournier": (
        "mentee",
        "Ventes",
        "Directeur commercial",
        "Lyon",
        ["fr"],
        {"Social networks": 2, "Collaborative tools": 3, "Mobile apps and productivity": 2},
        ["golf", "vin"],
        ["mon-afternoon", "wed-lunch", "thu-lunch"],
        None,
        "Animer mes équipes à distance avec les bons outils.",
    ),
    "margaret.hughes": (
        "mentee",
        "IT",
        "Chief information security officer",
        "London",
        ["en", "fr"],
        {"AI tools": 3, "Video and content": 2, "Inclusion and diversity": 2},
        ["gardening", "running"],
        ["tue-morning", "thu-morning", "thu-afternoon"],
        None,
        "Understand how younger colleagues really use AI tools, and where the risks hide.",
    ),
    "bernard.girard": (
        "mentee",
        "Production",
        "Directeur industriel",
        "Lille",
        ["fr"],
        {"Data literacy": 3, "Agile methods": 2, "Cybersecurity hygiene": 2},
        ["pêche", "bricolage"],
        ["mon-morning", "wed-morning", "fri-morning"],
        None,
        "Lire les tableaux de bord de l'usine 4.0 sans dépendre de mes équipes.",
    ),
    "sylvie.lambert": (
        "mentee",
        "Direction générale",
        "Directrice de la stratégie",
        "Paris",
        ["fr", "en"],
        {"AI tools": 2, "Social networks": 2, "Inclusion and diversity": 3},
        ["opéra", "yoga"],
        ["tue-lunch", "thu-lunch"],
        None,
        "Garder le contact avec les nouvelles façons de travailler.",
    ),
}

# The rest of the pilot cohort (organizations.demo.COHORT): role, department, job title, location, skills
# {name: level}. Languages, interests, availability and hopes are drawn from the pools below.
COHORT_PROFILES = {
    "lucas.garnier": (
        "mentor",
        "Direction financière",
        "Analyste financier junior",
        "Paris",
        {"Data literacy": 3, "AI tools": 3, "Collaborative tools": 2},
    ),
    "chloe.faure": (
        "mentor",
        "Direction financière",
        "Auditrice interne",
        "Paris",
        {"Collaborative tools": 3, "Cybersecurity hygiene": 2, "Agile methods": 2},
    ),
    "francoise.mercier": (
        "mentee",
        "Direction financière",
        "Directrice comptable",
        "Paris",
        {"AI tools": 3, "Collaborative tools": 2, "Data literacy": 2},
    ),
    "alain.rousseau": (
        "mentee",
        "Direction financière",
        "Trésorier groupe",
        "Paris",
        {"Cybersecurity hygiene": 3, "AI tools": 2, "Mobile apps and productivity": 2},
    ),
    "manon.blanc": (
        "mentor",
        "Marketing",
        "Community manager",
        "Paris",
        {"Social networks": 3, "Video and content": 3, "Mobile apps and productivity": 2},
    ),
    "yanis.benali": (
        "mentor",
        "Marketing",
        "Chef de projet e-commerce",
        "Paris",
        {"AI tools": 3, "Social networks": 2, "Agile methods": 2},
    ),
    "isabelle.chevalier": (
        "mentee",
        "Marketing",
        "Directrice marketing",
        "Paris",
        {"Social networks": 3, "Video and content": 3, "AI tools": 2},
    ),
    "patrick.lemoine": (
        "mentee",
        "Marketing",
        "Responsable des marques",
        "Lyon",
        {"Social networks": 3, "Video and content": 2, "New work expectations": 2},
    ),
    "emma.lopez": (
        "mentor",
        "Ventes",
        "Account manager",
        "Lyon",
        {"Social networks": 3, "Mobile apps and productivity": 3, "Collaborative tools": 2},
    ),
    "gerard.bonnet": (
        "mentee",
        "Ventes",
        "Directeur régional Sud-Est",
        "Lyon",
        {"Collaborative tools": 3, "Mobile apps and productivity": 2, "Social networks": 2},
    ),
    "dominique.perrin": (
        "mentee",
        "Ventes",
        "Directrice grands comptes",
        "Paris",
        {"AI tools": 3, "Social networks": 2, "Collaborative tools": 2},
    ),
    "nathan.roussel": (
        "mentor",
        "Data",
        "Data engineer",
        "Paris",
        {"Data literacy": 3, "AI tools": 3, "Agile methods": 2},
    ),
    "sarah.cohen": (
        "mentor",
        "Data",
        "Data scientist",
        "Paris",
        {"AI tools": 3, "Data literacy": 3, "Inclusion and diversity": 2},
    ),
    "mehdi.amrani": (
        "mentor",
        "Data",
        "Analyste BI",
        "Lille",
        {"Data literacy": 3, "Collaborative tools": 2, "Mobile apps and productivity": 2},
    ),
    "laurent.masson": (
        "mentee",
        "Data",
        "Directeur de la data",
        "Paris",
        {"AI tools": 3, "Agile methods": 2, "New work expectations": 2},
    ),
    "julie.nguyen": (
        "mentor",
        "IT",
        "Développeuse full-stack",
        "Paris",
        {"Agile methods": 3, "AI tools": 3, "Collaborative tools": 2},
    ),
    "maxime.colin": (
        "mentor",
        "IT",
        "Ingénieur sécurité",
        "Lille",
        {"Cybersecurity hygiene": 3, "Mobile apps and productivity": 2, "AI tools": 2},
    ),
    "thierry.vidal": (
        "mentee",
        "IT",
        "DSI adjoint",
        "Paris",
        {"New work expectations": 3, "Agile methods": 2, "AI tools": 2},
    ),
    "clara.fontaine": (
        "mentor",
        "Ressources humaines",
        "Chargée de recrutement",
        "Paris",
        {"New work expectations": 3, "Social networks": 3, "Inclusion and diversity": 2},
    ),
    "nathalie.gauthier": (
        "mentee",
        "Ressources humaines",
        "Responsable formation",
        "Paris",
        {"Video and content": 3, "Collaborative tools": 2, "AI tools": 2},
    ),
    "eric.dumont": (
        "mentee",
        "Ressources humaines",
        "Responsable des relations sociales",
        "Lyon",
        {"Collaborative tools": 3, "Social networks": 2, "Inclusion and diversity": 2},
    ),
    "kevin.morel": (
        "mentor",
        "Production",
        "Technicien méthodes",
        "Lille",
        {"Mobile apps and productivity": 3, "Data literacy": 2, "Collaborative tools": 2},
    ),
    "leo.fabre": (
        "mentor",
        "Production",
        "Ingénieur maintenance 4.0",
        "Lille",
        {"Data literacy": 3, "AI tools": 2, "Cybersecurity hygiene": 2},
    ),
    "pascal.renaud": (
        "mentee",
        "Production",
        "Directeur d'usine",
        "Lille",
        {"Data literacy": 3, "Cybersecurity hygiene": 2, "Collaborative tools": 2},
    ),
    "christine.barbier": (
        "mentee",
        "Production",
        "Responsable qualité",
        "Lille",
        {"Data literacy": 3, "Agile methods": 2, "AI tools": 2},
    ),
    "olivier.lacroix": (
        "mentee",
        "Direction générale",
        "Secrétaire général",
        "Paris",
        {"Cybersecurity hygiene": 3, "AI tools": 2, "Social networks": 2},
    ),
}
# Reporting lines inside the cohort: the matching engine never pairs a person with their manager.
COHORT_MANAGERS = {
    "lucas.garnier": "jean.lefebvre",
    "chloe.faure": "francoise.mercier",
    "manon.blanc": "isabelle.chevalier",
    "mehdi.amrani": "laurent.masson",
    "maxime.colin": "thierry.vidal",
    "kevin.morel": "pascal.renaud",
}
INTERESTS = [
    "course à pied",
    "photographie",
    "cuisine",
    "jazz",
    "randonnée",
    "lecture",
    "vélo",
    "théâtre",
    "jeux vidéo",
    "jardinage",
    "football",
    "cinéma",
    "voile",
    "podcasts",
]
HOPES = {
    "mentor": [
        "Mieux comprendre comment se prennent les décisions dans l'entreprise.",
        "Partager ce que j'utilise tous les jours et gagner en assurance face à la direction.",
        "Développer mon réseau au-delà de mon équipe.",
    ],
    "mentee": [
        "Rester à jour sur les outils que mes équipes utilisent déjà.",
        "Comprendre les attentes des jeunes collaborateurs pour mieux les fidéliser.",
        "Gagner du temps au quotidien avec les bons outils numériques.",
    ],
}

# Next cohort: a few people already enrolled, others invited and not yet answered.
NEXT_COHORT_PEOPLE = {
    "ines.petit": ("mentor", "enrolled"),
    "lea.martin": ("mentor", "enrolled"),
    "tom.moreau": ("mentor", "invited"),
    "bernard.girard": ("mentee", "enrolled"),
    "margaret.hughes": ("mentee", "invited"),
}

# Preparation (charter, module, pledge) is done by most; these enrolled people have not finished theirs,
# so that HR's participant list and the programme page show who to remind. Keyed (programme, person).
PREPARATION_PENDING = {
    (NEXT_COHORT, "ines.petit"),
    (NEXT_COHORT, "bernard.girard"),
    (PILOT, "manon.blanc"),
    (PILOT, "patrick.lemoine"),
}

RESOURCES = [
    ("everyone", "Guide du mentorat inversé (Binôme)", "https://fr.wikipedia.org/wiki/Mentorat_invers%C3%A9"),
    (
        "mentors",
        "Préparer sa première séance : trame et conseils",
        "https://www.welcometothejungle.com/fr/articles/mentorat-inverse",
    ),
    ("mentees", "Reverse mentoring: what executives gain", "https://en.wikipedia.org/wiki/Reverse_mentoring"),
]


def seed_demo(organization, people):
    ensure_default_taxonomy(organization)
    by_name = {skill.name: skill for skill in Skill.objects.all()}
    # The profiles name skills in English; the taxonomy was seeded in the organisation's language.
    with translation.override(organization.default_language):
        skills = {english: by_name[gettext(english)] for english, _description in DEFAULT_SKILLS}
    objectives = list(Objective.objects.order_by("name")[:3])
    pilot = _programme(
        PILOT,
        Programme.Status.RUNNING,
        datetime.date(2026, 6, 1),
        datetime.date(2027, 5, 31),
        rotation_months=6,
        # After the reverse year, the seniors mentor their juniors on career and leadership for six months.
        cross_phase=True,
        cross_start_date=datetime.date(2027, 6, 1),
        cross_end_date=datetime.date(2027, 11, 30),
        description="Le premier programme de mentorat inversé de Démo SA : trente-huit volontaires, "
        "dix-neuf binômes, toutes les directions représentées.",
    )
    pilot.objectives.set(objectives)
    cohort = _programme(
        NEXT_COHORT,
        Programme.Status.OPEN,
        datetime.date(2027, 1, 15),
        datetime.date(2027, 12, 15),
        rotation_months=None,
        description="La deuxième promotion, ouverte à toutes les directions.",
    )
    cohort.objectives.set(objectives)
    for programme in (pilot, cohort):
        for audience, title, link in RESOURCES:
            Resource.objects.get_or_create(
                programme=programme, title=title, defaults={"audience": audience, "url": link}
            )

    # The pilot follows the default curriculum as HR adapted it; the next cohort's is still to compose.
    if not pilot.modules.exists():
        copy_default_curriculum(programme=pilot)
        first = pilot.modules.order_by("position").first()
        first.objectives += "\nAnimer un canal d'équipe par projet."
        first.save(update_fields=["objectives"])

    for key, profile in PILOT_PROFILES.items():
        _participant(pilot, people, key, profile, Participant.Status.ENROLLED, skills)
    for key, entry in COHORT_PROFILES.items():
        _participant(pilot, people, key, _cohort_profile(key, entry), Participant.Status.ENROLLED, skills)
    for key, (role, status) in NEXT_COHORT_PEOPLE.items():
        profile = PILOT_PROFILES[key]
        _participant(cohort, people, key, (role, *profile[1:]), status, skills)
    _seed_outcomes(pilot)


def _seed_outcomes(pilot):
    """Six months in, HR knows a few promotions and moves of the pilot's mentors, and the baseline."""
    OutcomeBaseline.objects.update_or_create(
        programme=pilot,
        defaults={
            "promoted": Decimal("8.0"),
            "internal_mobility": Decimal("11.5"),
            "retained_6_months": Decimal("92.0"),
            "retained_12_months": Decimal("85.0"),
            "population": "Cadres de moins de 30 ans, 2025 (SIRH)",
        },
    )
    mentors = Participant.objects.filter(programme=pilot, role=Participant.Role.MENTOR).order_by("pk")
    for index, mentor in enumerate(mentors):
        MentorOutcome.objects.get_or_create(
            participant=mentor,
            defaults={
                "promoted": index % 4 == 0,
                "internal_mobility": index % 5 == 1,
                "retained_6_months": index % 9 != 4,
                "recognition": "Trophée de l’innovation interne" if index % 6 == 0 else "",
            },
        )


def _cohort_profile(key, entry):
    """The full profile of a cohort member, its free details drawn at random from the pools (seeded by name)."""
    role, department, job_title, location, skill_levels = entry
    rng = random.Random(key)
    languages = ["fr", "en"] if role == "mentor" or rng.random() < 0.5 else ["fr"]
    availability = sorted(rng.sample(AVAILABILITY_SLOTS, 3), key=AVAILABILITY_SLOTS.index)
    return (
        role,
        department,
        job_title,
        location,
        languages,
        skill_levels,
        rng.sample(INTERESTS, 2),
        availability,
        COHORT_MANAGERS.get(key),
        rng.choice(HOPES[role]),
    )


def _programme(name, status, start, end, **fields):
    programme, _created = Programme.objects.update_or_create(
        name=name,
        defaults={
            "status": status,
            "start_date": start,
            "end_date": end,
            "charter": CHARTER,
            "cadence_days": 14,
            "session_min_minutes": 30,
            "session_max_minutes": 60,
            "mentor_capacity": 1,
            **fields,
        },
    )
    return programme


def _participant(programme, people, key, profile, status, skills):
    (
        role,
        department,
        job_title,
        location,
        languages,
        skill_levels,
        interests,
        availability,
        manager,
        hopes,
    ) = profile
    enrolled = status == Participant.Status.ENROLLED
    prepared = enrolled and (programme.name, key) not in PREPARATION_PENDING
    moment = timezone.make_aware(
        datetime.datetime.combine(programme.start_date, datetime.time(9))
    ) - datetime.timedelta(days=20)
    participant, _created = Participant.objects.update_or_create(
        programme=programme,
        user=people[key + D],
        defaults={
            "role": role,
            "status": status,
            "department": department,
            "job_title": job_title,
            "location": location,
            "languages": languages,
            "interests": interests,
            "availability": availability,
            "hopes": hopes if enrolled else "",
            "time_zone": "Europe/London" if location == "London" else "Europe/Paris",
            "manager": people[manager + D] if manager else None,
            "charter_accepted_at": moment if enrolled else None,
            "module_read_at": moment if prepared else None,
            "pledge_accepted_at": moment if prepared else None,
            "enrolled_at": moment if enrolled else None,
        },
    )
    if enrolled:
        for name, level in skill_levels.items():
            ParticipantSkill.objects.update_or_create(
                participant=participant, skill=skills[name], defaults={"level": level}
            )
    return participant
