import time

from django.core.management.base import BaseCommand

from notifications.tasks import run_everything_now


class Command(BaseCommand):
    help = (
        "Plan and send every due reminder, nudge, survey and digest now, without a worker "
        "(local development). With --loop, again every minute until interrupted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="repeat every 60 seconds")

    def handle(self, *args, **options):
        while True:
            run_everything_now()
            self.stdout.write("Due notifications processed.")
            if not options["loop"]:
                return
            time.sleep(60)
