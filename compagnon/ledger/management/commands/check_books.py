"""Audit the books like an auditor would. Read-only and idempotent; exits non-zero on a problem.

manage.py check_books                 every entity
manage.py check_books --entity 3      one entity
manage.py check_books --max-shown 20  problems listed per check (all are counted)
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.module_loading import autodiscover_modules

from compagnon.ledger import checks
from compagnon.organisation.models import Entity


class Command(BaseCommand):
    help = (
        "Check the books: entries balance, numbers are gap-free and chronological, lines have one "
        "side, accounts belong to the entity, activity figures match their lines — plus the "
        "checks other contexts register. Read-only; exits with status 1 on any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entity", type=int, action="append", help="Entity id (repeatable)")
        parser.add_argument("--max-shown", type=int, default=50)

    def handle(self, *args, **options):
        autodiscover_modules("ledger_checks")
        entities = Entity.objects.order_by("id")
        if options["entity"]:
            entities = entities.filter(id__in=options["entity"])
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                # One consistent snapshot for every check, and a guarantee nothing is written.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            problems = self._run(entities, options["max_shown"])
            transaction.set_rollback(True)  # whatever happened, nothing is kept
        if problems:
            raise CommandError(f"{problems} problem(s) found in the books.")
        self.stdout.write(self.style.SUCCESS("The books are sound."))

    def _run(self, entities, max_shown: int) -> int:
        total = 0
        for check in checks.registered():
            found = 0
            for problem in check(entities):
                found += 1
                if found == 1:
                    self.stdout.write(self.style.ERROR(f"✗ {check.title}"))
                if found <= max_shown:
                    self.stdout.write(f"    {problem}")
            if found:
                if found > max_shown:
                    self.stdout.write(f"    … and {found - max_shown} more")
                self.stdout.write(self.style.ERROR(f"  {found} problem(s)"))
            else:
                self.stdout.write(self.style.SUCCESS(f"✓ {check.title}"))
            total += found
        return total
