"""manage.py purge_rejected_uploads: delete rejected uploads older than
REJECTED_UPLOAD_RETENTION_DAYS (the cron twin of the daily task; idempotent)."""

from django.core.management.base import BaseCommand

from compagnon.core.retention import purge_rejected_uploads_now


class Command(BaseCommand):
    help = "Delete rejected uploads (file and row) older than REJECTED_UPLOAD_RETENTION_DAYS."

    def handle(self, *args, **options):
        for label, n in purge_rejected_uploads_now().items():
            self.stdout.write(f"{label}: {n}")
