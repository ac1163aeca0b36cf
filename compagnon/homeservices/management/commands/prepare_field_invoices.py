"""Daily: invoices prepared from sheets whose period ended become ready (the member is told);
those of members who chose "send automatically unless I hold it" go the next day; monthly surveys
of the month past are sent. Once per day however many machines run it (``core.schedule``)."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from compagnon.core import schedule
from compagnon.homeservices import invoicing, surveys


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")

    def handle(self, *args, **options):
        day = (
            datetime.date.fromisoformat(options["date"])
            if options["date"]
            else timezone.localdate()
        )

        def run():
            result = invoicing.prepare(day)
            sent = surveys.send_monthly(day)
            return {
                "ready": result.ready,
                "sent": result.sent,
                "failed": result.failed,
                "surveys": sent,
            }

        outcome = schedule.run_once("homeservices.prepare_field_invoices", day, run)
        if not outcome.ran:
            self.stdout.write("Already run today.")
            return
        r = outcome.result
        self.stdout.write(
            f"{r['ready']} ready, {r['sent']} sent automatically, {r['failed']} not sent, "
            f"{r['surveys']} monthly surveys sent."
        )
