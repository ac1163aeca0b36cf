"""The daily collections run, for cron (or the worker host's scheduler)::

    manage.py run_collections                 # today
    manage.py run_collections --date 2026-06-01
    manage.py run_collections --inline        # carry out the due actions now, without a worker
    manage.py run_collections --start-daily   # enqueue the self-rescheduling task (database backend)

Once a day however many machines run it: cron may call it on every node, beside the daily task
or not; the first call of a day runs it, the others print that it already ran
(``core.schedule``). ``--again`` runs the day anyway — the run is idempotent, so a second run only
picks up what is new (an invoice issued since, an action approved since).
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Plan, announce and carry out the automated collection steps that are due (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default: today)")
        parser.add_argument("--inline", action="store_true",
                            help="carry out the due actions in this process instead of enqueuing them")
        parser.add_argument("--replan", action="store_true",
                            help="plan every open document of every entity with an active plan first")
        parser.add_argument("--again", action="store_true",
                            help="run even if this day already ran (on this or another machine)")
        parser.add_argument("--start-daily", action="store_true",
                            help="enqueue the daily task that reschedules itself (needs a backend that defers)")

    def handle(self, *args, date=None, inline=False, replan=False, start_daily=False, again=False,
               **options):
        from compagnon.dunning import daily, plans, tasks
        from compagnon.dunning.models import CollectionPlan

        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        if start_daily:
            if not tasks.run_collections.get_backend().supports_defer:
                raise CommandError("The task backend cannot defer tasks: run this command from cron instead.")
            tasks.run_collections.enqueue(date=day.isoformat() if day else None, reschedule=True)
            self.stdout.write("The daily collections task is enqueued; it reschedules itself every day.")
            return
        if replan:
            for entity_id in CollectionPlan.objects.filter(active=True).values_list("entity_id", flat=True):
                n = plans.replan_entity(entity_id, today=day)
                self.stdout.write(f"entity {entity_id}: {n} actions planned")
        if again:
            summary = daily.run_collections(today=day, inline=inline)
        else:
            summary = tasks.run_day(day or timezone.localdate(), inline=inline)
            if summary.get("skipped"):
                self.stdout.write(f"Collections for {summary['day']} already ran (another machine or an "
                                  "earlier call): nothing to do. --again runs it anyway.")
                return
        self.stdout.write(json.dumps(summary, indent=2))
