from django.core.management.base import BaseCommand
from django.utils import timezone

from compagnon.core.schedule import run_once
from compagnon.fieldwork.services import renew_contracts

JOB = "fieldwork.renew_contracts"


class Command(BaseCommand):
    help = (
        "Renew for a year the maintenance contracts that renew and reached their end; end the others. "
        "Once a day however often it is started (--again to run it once more today); idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--again", action="store_true", help="run even if today's pass already ran"
        )

    def handle(self, *args, again=False, **options):
        if again:
            result = renew_contracts()
        else:
            outcome = run_once(JOB, timezone.localdate(), renew_contracts)
            if not outcome.ran:
                self.stdout.write("today's pass already ran")
                return
            result = outcome.result
        self.stdout.write(f"contracts renewed: {result['renewed']}, ended: {result['ended']}")
