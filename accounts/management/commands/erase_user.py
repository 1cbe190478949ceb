from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.personal_data import erase_personal_data


class Command(BaseCommand):
    help = (
        "Erase a person's personal data (GDPR right to erasure), for a request received by e-mail. "
        "Same effect as the person's own 'Delete my account'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the account's e-mail address")

    def handle(self, *args, **options):
        email = options["email"].strip()
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account with the address {email}.")
        try:
            erased = erase_personal_data(user=user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Erased account #{erased.pk}: it is now {erased.email}."))
