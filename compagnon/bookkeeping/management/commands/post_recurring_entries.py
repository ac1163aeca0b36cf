"""manage.py post_recurring_entries: make the recurring entries that are due (idempotent: one
entry per recurring entry and period).

Once a day however many machines run it (``core.schedule``): cron may call it on every node.
``--again`` runs even if today already ran (safe: periods already made are skipped);
``--date`` runs for another day; ``--start-daily`` enqueues the self-rescheduling task instead
(needs the database task backend and a worker)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Make the recurring manual entries that are due: drafts, or recorded when so set."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--again",
            action="store_true",
            help="run even if this day already ran (on this or another machine)",
        )
        parser.add_argument(
            "--start-daily",
            action="store_true",
            help="enqueue the daily task that reschedules itself (needs a backend that defers)",
        )

    def handle(self, *args, date=None, again=False, start_daily=False, **options):
        from compagnon.bookkeeping import services, tasks

        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        if start_daily:
            if not tasks.post_recurring_entries.get_backend().supports_defer:
                raise CommandError(
                    "The task backend cannot defer tasks: run this command from cron instead."
                )
            tasks.post_recurring_entries.enqueue(reschedule=True)
            self.stdout.write(
                "The daily recurring entries task is enqueued; it reschedules itself every day."
            )
            return
        if again:
            summary = {"day": day.isoformat(), **services.post_recurring_entries(today=day)}
        else:
            summary = tasks.run_day(day)
            if summary.get("skipped"):
                self.stdout.write(
                    f"Recurring entries for {summary['day']} already ran (another machine or an "
                    "earlier call): nothing to do. --again runs it anyway."
                )
                return
        self.stdout.write(
            f"{summary['day']}: {summary['created']} entries made, {summary['posted']} recorded"
        )
