from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations import services


class Command(BaseCommand):
    help = "Create a customer organisation and e-mail an invitation to its first HR admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--language", default="fr", choices=["fr", "en"])
        parser.add_argument("--time-zone", default="Europe/Paris")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organization, invitation = services.create_organization(
                name=options["name"],
                slug=options["slug"],
                admin_email=options["admin_email"],
                default_language=options["language"],
                time_zone=options["time_zone"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Created {organization.name} (/o/{organization.slug}/)."))
        self.stdout.write(f"Invitation sent to {invitation.email}: {services.invitation_url(invitation)}")
