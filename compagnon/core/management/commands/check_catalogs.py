"""Fail when a French or Dutch catalog is incomplete, fuzzy, or out of step with the source."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

REQUIRED = ("fr", "nl")


class Command(BaseCommand):
    help = "Check that the FR and NL catalogs translate every string of the source (no untranslated, no fuzzy)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-sync",
            action="store_true",
            help="Skip the comparison with the source (no xgettext needed).",
        )

    def handle(self, *args, no_sync=False, **options):
        locale_dir = Path(settings.LOCALE_PATHS[0])
        problems = []
        if not no_sync:
            problems += self._missing_from_catalog(locale_dir)
        for lang in REQUIRED:
            path = locale_dir / lang / "LC_MESSAGES" / "django.po"
            if not path.exists():
                problems.append(f"{path}: missing")
                continue
            po = polib.pofile(str(path))
            for entry in po.untranslated_entries():
                problems.append(f"{path}:{entry.linenum}: untranslated: {entry.msgid[:70]!r}")
            for entry in po.fuzzy_entries():
                problems.append(f"{path}:{entry.linenum}: fuzzy: {entry.msgid[:70]!r}")
        if problems:
            for p in problems:
                self.stderr.write(p)
            raise CommandError(f"{len(problems)} catalog problem(s).")
        self.stdout.write(self.style.SUCCESS("Catalogs complete: " + ", ".join(REQUIRED)))

    def _missing_from_catalog(self, locale_dir: Path) -> list[str]:
        """Run makemessages on a scratch copy and list source strings absent from the catalogs."""
        if shutil.which("xgettext") is None:
            raise CommandError(
                "xgettext (GNU gettext) is needed to compare catalogs with the source; "
                "install it (apt-get install gettext) or pass --no-sync."
            )
        with tempfile.TemporaryDirectory() as tmp:
            backup = Path(tmp) / "locale"
            shutil.copytree(locale_dir, backup)
            try:
                subprocess.run(  # noqa: S603 - fixed argv
                    [
                        sys.executable,
                        "manage.py",
                        "makemessages",
                        "--no-location",
                        "--no-obsolete",
                        "--ignore",
                        ".venv/*",
                        "--ignore",
                        "bench/*",
                        *[a for lang in REQUIRED for a in ("-l", lang)],
                    ],
                    check=True,
                    capture_output=True,
                    cwd=settings.BASE_DIR,
                )
                problems = []
                for lang in REQUIRED:
                    fresh = polib.pofile(str(locale_dir / lang / "LC_MESSAGES" / "django.po"))
                    kept_path = backup / lang / "LC_MESSAGES" / "django.po"
                    kept = (
                        {(e.msgctxt, e.msgid) for e in polib.pofile(str(kept_path))}
                        if kept_path.exists()
                        else set()
                    )
                    for e in fresh:
                        if (e.msgctxt, e.msgid) not in kept:
                            problems.append(
                                f"{lang}: not in the catalog (run 'make messages'): {e.msgid[:70]!r}"
                            )
                return problems
            finally:
                shutil.rmtree(locale_dir)
                shutil.copytree(backup, locale_dir)
