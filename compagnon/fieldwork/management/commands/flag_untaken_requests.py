from django.core.management.base import BaseCommand
from django.utils import timezone

from compagnon.core.schedule import run_once
from compagnon.fieldwork.services import flag_untaken_requests

JOB = "fieldwork.flag_untaken_requests"


class Command(BaseCommand):
    help = (
        "Flag to their sector (lead and members) the requests nobody took within the sector's offer time. "
        "Once a day however often it is started (--again to run it once more today); idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--again", action="store_true", help="run even if today's pass already ran"
        )

    def handle(self, *args, again=False, **options):
        def run():
            return {"flagged": flag_untaken_requests()}

        if again:
            result = run()
        else:
            outcome = run_once(JOB, timezone.localdate(), run)
            if not outcome.ran:
                self.stdout.write("today's pass already ran")
                return
            result = outcome.result
        self.stdout.write(f"requests flagged: {result['flagged']}")
