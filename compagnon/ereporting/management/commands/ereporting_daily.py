from django.core.management.base import BaseCommand
from django.utils import timezone

from compagnon.core.schedule import run_once
from compagnon.ereporting import daily

JOB = "ereporting.daily"


class Command(BaseCommand):
    help = ("Build and send the e-reports of the periods that are over (entities that asked for it), receive "
            "supplier invoices and invoice statuses from the platform. Once a day however often it is started "
            "(--again to run it once more today).")

    def add_arguments(self, parser):
        parser.add_argument("--again", action="store_true", help="run even if today's pass already ran")

    def handle(self, *args, again=False, **options):
        if again:
            result = daily.run()
        else:
            outcome = run_once(JOB, timezone.localdate(), daily.run)
            if not outcome.ran:
                self.stdout.write("today's e-reporting pass already ran")
                return
            result = outcome.result
        self.stdout.write(f"e-reporting: {result}")
