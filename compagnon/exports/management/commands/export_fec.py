"""manage.py export_fec --entity ID --year YYYY --out DIR: write <SIREN>FEC<AAAAMMJJ>.txt."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compagnon.exports import fec, fec_check
from compagnon.organisation.models import Entity


class Command(BaseCommand):
    help = (
        "Write the FEC (article A47 A-1 LPF) of an entity's year into a directory, then check it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entity", type=int, required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", default=".")
        parser.add_argument(
            "--no-check", action="store_true", help="skip reading the file back through the checker"
        )

    def handle(self, *args, entity, year, out, no_check=False, **options):
        found = Entity.objects.filter(pk=entity).first()
        if found is None:
            raise CommandError(f"No entity with id {entity}.")
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        path = fec.write(found, year, directory)
        self.stdout.write(path)
        if not no_check:
            problems = fec_check.check(Path(path).read_bytes(), year=year, name=Path(path).name)
            if problems:
                raise CommandError("The FEC does not pass the checker:\n" + "\n".join(problems))
