from importlib import import_module
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from organizations import demo
from organizations.tenancy import tenant_context

# Each app's demo module has seed_demo(organization, people), idempotent, run in this order.
DEMO_MODULES = [
    "programmes.demo",
    "pairing.demo",
    "sessions.demo",
    "surveys.demo",
]


class Command(BaseCommand):
    help = "Create the demo organisation with its people and data (idempotent) and print the log-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            organization, people = demo.seed()
            with tenant_context(organization):
                for module_path in DEMO_MODULES:
                    import_module(module_path).seed_demo(organization, people)
        self.stdout.write(self.style.SUCCESS(f"Demo organisation: {organization.name} (/o/{organization.slug}/)"))
        self.stdout.write(f"Every demo account's password: {demo.DEMO_PASSWORD}")
        for email, first_name, last_name, roles, _language in demo.PEOPLE:
            labels = ", ".join(str(role.label) for role in roles)
            self.stdout.write(f"  {email:<40} {first_name} {last_name} · {labels}")
