"""The demo organisation's people. Later apps add their own demo data on top (see seed_demo)."""

import unicodedata
from typing import TYPE_CHECKING, TextIO

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from .models import Membership, Organization, Person
from .roles import Role
from .tenancy import tenant_context

if TYPE_CHECKING:
    from accounts.models import User  # a type only: the one name the layering lets organizations see

# e-mail, first name, last name, roles, language
DemoPerson = tuple[str, str, str, list[Role], str]

DEMO_PASSWORD = "demo-binome-2026"
DEMO_SLUG = "demo"
# Jean Lefebvre's assistant: plans his sessions (sessions.demo grants the delegation).
DEMO_ASSISTANT_EMAIL = "nadia.perrot@demo.binome.example"

PEOPLE: list[DemoPerson] = [
    ("rh@demo.binome.example", "Claire", "Dubois", [Role.HR_ADMIN], "fr"),
    ("direction@demo.binome.example", "Philippe", "Marchand", [Role.EXECUTIVE], "fr"),
    ("lea.martin@demo.binome.example", "Léa", "Martin", [Role.MENTOR], "fr"),
    ("hugo.bernard@demo.binome.example", "Hugo", "Bernard", [Role.MENTOR], "fr"),
    ("ines.petit@demo.binome.example", "Inès", "Petit", [Role.MENTOR], "fr"),
    ("sam.taylor@demo.binome.example", "Sam", "Taylor", [Role.MENTOR], "en"),
    ("nora.haddad@demo.binome.example", "Nora", "Haddad", [Role.MENTOR], "fr"),
    ("tom.moreau@demo.binome.example", "Tom", "Moreau", [Role.MENTOR], "fr"),
    ("jean.lefebvre@demo.binome.example", "Jean", "Lefebvre", [Role.MENTEE], "fr"),
    ("catherine.roux@demo.binome.example", "Catherine", "Roux", [Role.MENTEE], "fr"),
    ("michel.fournier@demo.binome.example", "Michel", "Fournier", [Role.MENTEE], "fr"),
    ("margaret.hughes@demo.binome.example", "Margaret", "Hughes", [Role.MENTEE], "en"),
    ("bernard.girard@demo.binome.example", "Bernard", "Girard", [Role.MENTEE], "fr"),
    ("sylvie.lambert@demo.binome.example", "Sylvie", "Lambert", [Role.MENTEE, Role.EXECUTIVE], "fr"),
    (DEMO_ASSISTANT_EMAIL, "Nadia", "Perrot", [Role.ASSISTANT], "fr"),
]

# The rest of the pilot cohort: real accounts with the same password, not printed by seed_demo, so that
# each department has enough people for the dashboard to show its figures.
COHORT = [
    # first name, last name, role (e-mail: first.last, without accents)
    ("Lucas", "Garnier", Role.MENTOR),
    ("Chloé", "Faure", Role.MENTOR),
    ("Françoise", "Mercier", Role.MENTEE),
    ("Alain", "Rousseau", Role.MENTEE),
    ("Manon", "Blanc", Role.MENTOR),
    ("Yanis", "Benali", Role.MENTOR),
    ("Isabelle", "Chevalier", Role.MENTEE),
    ("Patrick", "Lemoine", Role.MENTEE),
    ("Emma", "Lopez", Role.MENTOR),
    ("Gérard", "Bonnet", Role.MENTEE),
    ("Dominique", "Perrin", Role.MENTEE),
    ("Nathan", "Roussel", Role.MENTOR),
    ("Sarah", "Cohen", Role.MENTOR),
    ("Mehdi", "Amrani", Role.MENTOR),
    ("Laurent", "Masson", Role.MENTEE),
    ("Julie", "Nguyen", Role.MENTOR),
    ("Maxime", "Colin", Role.MENTOR),
    ("Thierry", "Vidal", Role.MENTEE),
    ("Clara", "Fontaine", Role.MENTOR),
    ("Nathalie", "Gauthier", Role.MENTEE),
    ("Éric", "Dumont", Role.MENTEE),
    ("Kevin", "Morel", Role.MENTOR),
    ("Léo", "Fabre", Role.MENTOR),
    ("Pascal", "Renaud", Role.MENTEE),
    ("Christine", "Barbier", Role.MENTEE),
    ("Olivier", "Lacroix", Role.MENTEE),
]


def cohort_email(first_name: str, last_name: str) -> str:
    plain = unicodedata.normalize("NFKD", f"{first_name}.{last_name}").encode("ascii", "ignore").decode()
    return f"{plain.lower()}@demo.binome.example"


def everyone() -> list[DemoPerson]:
    """The printed log-ins, then the rest of the cohort, in the shape of ``PEOPLE``."""
    cohort = [
        (cohort_email(first_name, last_name), first_name, last_name, [role], "fr")
        for first_name, last_name, role in COHORT
    ]
    return PEOPLE + cohort


def seed(stdout: TextIO | None = None) -> tuple[Organization, dict[str, "User"]]:
    """Create (or find) the demo organisation and its people; running it twice changes nothing."""
    organization, _ = Organization.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={"name": "Démo SA", "default_language": "fr", "time_zone": "Europe/Paris"},
    )
    User = get_user_model()
    people = {}
    # Hashed once: hashing is slow on purpose, and forty demo accounts share the one password.
    password = None
    with tenant_context(organization):
        for email, first_name, last_name, roles, language in everyone():
            user, created = User.objects.get_or_create(
                email=email,
                defaults={"first_name": first_name, "last_name": last_name, "language": language},
            )
            if created:
                password = password or make_password(DEMO_PASSWORD)
                user.password = password
                user.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            for role in roles:
                Membership.objects.get_or_create(organization=organization, user=user, role=role)
            Person.objects.get_or_create(
                organization=organization,
                user=user,
                defaults={"first_name": first_name, "last_name": last_name},
            )
            people[email] = user
    return organization, people
