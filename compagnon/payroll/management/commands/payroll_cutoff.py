"""Freeze the month's salary requests of every entity whose cut-off day has passed (idempotent:
run it daily from the scheduler or cron)."""

from django.core.management.base import BaseCommand

from compagnon.payroll.services import freeze_due


class Command(BaseCommand):
    help = "Freeze the salary requests of the month once each entity's payroll cut-off day has passed."

    def handle(self, *args, **options):
        done = freeze_due()
        for month in done:
            self.stdout.write(f"frozen: entity {month.entity_id}, {month.month:%Y-%m}")
        self.stdout.write(f"{len(done)} payroll months frozen")
