"""Print a new API key for an organisation, for scripts: ``api_token --organization SLUG --scopes read``."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from organizations.models import Organization
from organizations.tenancy import tenant_context

from ...scopes import SHORTHANDS, Scope, parse_scopes
from ...services import create_api_key


class Command(BaseCommand):
    help = "Create an API key for an organisation and print it (it is shown this once)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="The organisation's slug.")
        parser.add_argument(
            "--scopes",
            nargs="+",
            required=True,
            help=f"Scope names ({', '.join(Scope.values)}) or shorthands ({', '.join(SHORTHANDS)}); "
            "separated by spaces or commas.",
        )
        parser.add_argument("--name", default="", help="What holds the key (default: “command line”).")

    def handle(self, *args, organization, scopes, name, **options):
        found = Organization.objects.filter(slug=organization).first()
        if found is None:
            raise CommandError(f"No organisation with the slug {organization!r}.")
        try:
            chosen = parse_scopes(word for value in scopes for word in value.split(","))
        except ValueError as error:
            raise CommandError(
                f"Unknown scope {error.args[0]!r}: use {', '.join(Scope.values)}, or {', '.join(SHORTHANDS)}."
            ) from None
        with tenant_context(found):
            try:
                _key, secret = create_api_key(
                    organization=found,
                    name=name or "command line",
                    scopes=chosen,
                    actor_label="manage.py api_token",
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(secret)
