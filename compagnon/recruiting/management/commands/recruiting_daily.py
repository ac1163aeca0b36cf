"""Daily: reminders of the information meetings starting within 36 hours (once per meeting), and
the deletion of refused applications whose retention period has passed (their files first). Once
per day however many machines run it (``core.schedule``); both parts are idempotent."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from compagnon.core import schedule
from compagnon.recruiting import services


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--again", action="store_true", help="Run even if already run today.")

    def handle(self, *args, **options):
        day = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()

        def run():
            return {"reminders": services.send_reminders(), "purged": services.purge(day)}

        if options["again"]:
            result = run()
        else:
            outcome = schedule.run_once("recruiting.daily", day, run)
            if not outcome.ran:
                self.stdout.write("Already run today.")
                return
            result = outcome.result
        self.stdout.write(f"{result['reminders']} reminders sent, {result['purged']} refused applications deleted.")
