"""Write every member's directory search columns again (missing profiles created with the
default choices). Safe to run any time, daily or after an import that bypassed the services."""

from django.core.management.base import BaseCommand

from compagnon.directory.services import refresh_all


class Command(BaseCommand):
    help = "Rewrite the directory's search columns of every member (creates missing profiles)."

    def handle(self, *args, **options):
        n = refresh_all()
        self.stdout.write(f"{n} directory profiles refreshed.")
