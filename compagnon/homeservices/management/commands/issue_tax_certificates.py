"""January: the tax certificates of home services for a year, per client (idempotent: run twice,
nothing more). ``--regenerate`` makes a new version for every client (older ones are kept).
The PDFs are rendered and emailed by the task worker, in parallel over its processes."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compagnon.homeservices import certificates


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Default: last year.")
        parser.add_argument("--entity", type=int, help="Only this entity's clients.")
        parser.add_argument(
            "--regenerate", action="store_true", help="A new version even when nothing changed."
        )

    def handle(self, *args, **options):
        year = options["year"] or timezone.localdate().year - 1
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"--year must be between 2000 and {timezone.localdate().year}.")
        result = certificates.issue_for_year(
            year=year, entity_id=options["entity"], regenerate=options["regenerate"]
        )
        self.stdout.write(
            f"{year}: {result['made']} certificates made, {result['unchanged']} unchanged."
        )
