from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from organizations import demo
from organizations.tenancy import tenant_context


def demo_seeders() -> list[Callable[..., Any]]:
    """Each app's ``demo.seed_demo(organization, people)`` (idempotent), found as the admin finds admin.py.

    They run in INSTALLED_APPS order, which lists each app after the ones its demo data builds on
    (programmes, pairing, sessions, surveys): organizations names none of the apps above it.
    """
    seeders: list[Callable[..., Any]] = []
    for config in apps.get_app_configs():
        if config.name != "organizations" and module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if hasattr(module, "seed_demo"):
                seeders.append(module.seed_demo)
    return seeders


class Command(BaseCommand):
    help = "Create the demo organisation with its people and data (idempotent) and print the log-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            organization, people = demo.seed()
            with tenant_context(organization):
                for seed_demo in demo_seeders():
                    seed_demo(organization, people)
        self.stdout.write(
            self.style.SUCCESS(f"Demo organisation: {organization.name} (/o/{organization.slug}/)")
        )
        self.stdout.write(f"Every demo account's password: {demo.DEMO_PASSWORD}")
        for email, first_name, last_name, roles, _language in demo.PEOPLE:
            labels = ", ".join(str(role.label) for role in roles)
            self.stdout.write(f"  {email:<40} {first_name} {last_name} · {labels}")
