from django.core.management.base import BaseCommand, CommandError

from notifications import services
from notifications.models import Notification
from organizations.models import Organization
from organizations.tenancy import tenant_context, unscoped


class Command(BaseCommand):
    help = (
        "Put an organisation's failed e-mails back in the queue (after the cause is fixed), listing each "
        "with the reason it failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="the organisation's slug")
        parser.add_argument("--dry-run", action="store_true", help="list them, change nothing")

    def handle(self, *args, organization, dry_run, **options):
        with unscoped("a staff command looks the organisation up by its slug"):
            found = Organization.objects.filter(slug=organization).first()
        if found is None:
            raise CommandError(f"No organisation with the slug {organization!r}.")
        with tenant_context(found):
            failed = list(
                Notification.objects.filter(status=Notification.Status.FAILED).order_by("due_at", "pk")
            )
            for row in failed:
                self.stdout.write(f"{row.key}\t{row.last_error}")
            if dry_run:
                self.stdout.write(f"{len(failed)} failed e-mail(s); nothing changed (--dry-run).")
                return
            count = services.requeue_failed(ids=[row.pk for row in failed])
            if count:
                services.enqueue_delivery(found.pk)
        self.stdout.write(self.style.SUCCESS(f"{count} e-mail(s) re-queued in {found.slug}."))
