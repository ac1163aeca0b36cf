"""The daily pass of tenders: flag the administrative documents expiring soon or expired to the
entity's staff, remind each group a few days before its deadline.

    manage.py tenders_daily [--again]

Once per day however often it is started (``core.schedule.run_once``); idempotent."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from compagnon.tenders import services
from compagnon.tenders.tasks import run_day


class Command(BaseCommand):
    help = "Flag expiring administrative documents and remind groups of their deadlines (once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--again", action="store_true", help="run even if today's pass already ran")

    def handle(self, *args, again=False, **options):
        today = timezone.localdate()
        result = services.daily(today=today) if again else run_day(today)
        if result.get("skipped"):
            self.stdout.write("today's pass already ran")
            return
        self.stdout.write(f"documents flagged: {result['flagged']}, groups reminded: {result['reminded']}")
