"""Compile the .po catalogs to .mo in pure Python (Babel), so running the app needs no GNU gettext."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po into .mo (skips up-to-date files)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Recompile even when the .mo is newer."
        )

    def handle(self, *args, force=False, **options):
        count = 0
        for base in settings.LOCALE_PATHS:
            for po_path in sorted(Path(base).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if (
                    not force
                    and mo_path.exists()
                    and mo_path.stat().st_mtime >= po_path.stat().st_mtime
                ):
                    continue
                with po_path.open("rb") as f:
                    catalog = read_po(f, locale=po_path.parent.parent.name)
                with mo_path.open("wb") as f:
                    write_mo(f, catalog, use_fuzzy=False)
                count += 1
        self.stdout.write(f"Compiled {count} catalog(s).")
