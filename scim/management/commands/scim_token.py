from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations.models import Organization
from scim import services


class Command(BaseCommand):
    help = "Create a SCIM provisioning token for an organisation and print it (it is shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="the organisation's slug")
        parser.add_argument("--name", required=True, help="which directory uses it")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organisation with the slug {options['organization']!r}.")
        try:
            _token, secret = services.issue_token(organization=organization, name=options["name"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        # The secret alone on stdout, so that a script can read it: SCIM_TOKEN=$(manage.py scim_token ...)
        self.stdout.write(secret)
