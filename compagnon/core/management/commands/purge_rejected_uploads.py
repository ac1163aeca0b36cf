"""manage.py purge_rejected_uploads: delete rejected uploads older than
REJECTED_UPLOAD_RETENTION_DAYS (the cron twin of the daily task; idempotent).

Once a day however many machines run it (``core.schedule``): cron may call it on every node.
``--again`` purges even if today's purge already ran; ``--start-daily`` enqueues the
self-rescheduling task instead (needs the database task backend and a worker)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compagnon.core.retention import JOB, purge_rejected_uploads, purge_rejected_uploads_now
from compagnon.core.schedule import run_once


class Command(BaseCommand):
    help = "Delete rejected uploads (file and row) older than REJECTED_UPLOAD_RETENTION_DAYS."

    def add_arguments(self, parser):
        parser.add_argument("--again", action="store_true",
                            help="purge even if today's purge already ran (on this or another machine)")
        parser.add_argument("--start-daily", action="store_true",
                            help="enqueue the daily task that reschedules itself (needs a backend that defers)")

    def handle(self, *args, again=False, start_daily=False, **options):
        if start_daily:
            if not purge_rejected_uploads.get_backend().supports_defer:
                raise CommandError("The task backend cannot defer tasks: run this command from cron instead.")
            purge_rejected_uploads.enqueue(reschedule=True)
            self.stdout.write("The daily purge task is enqueued; it reschedules itself every day.")
            return
        if again:
            done = purge_rejected_uploads_now()
        else:
            outcome = run_once(JOB, timezone.localdate(), purge_rejected_uploads_now)
            if not outcome.ran:
                self.stdout.write("Today's purge already ran (another machine or an earlier call): nothing to do.")
                return
            done = outcome.result
        for label, n in done.items():
            self.stdout.write(f"{label}: {n}")
