"""Check e-invoice files against the official rule sets and print what fails.

    manage.py validate_einvoice invoice.xml facture.pdf …
    manage.py validate_einvoice --rules EN16931-CII,BR-FR-CII facture.xml

Each file may be a UBL invoice or credit note, a CII XML or a Factur-X / ZUGFeRD PDF; the rule
sets are chosen from the document (``parse.rule_sets_for``) unless ``--rules`` names them. Every
fired rule is printed (flag, id, rule set, location, text), then one summary line per file and
"N passed, N failed". The command fails (exit status 1) when any file fails: a blocking rule
fired, or the file is unreadable or no e-invoice.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from compagnon.einvoice import parse, validation


class Command(BaseCommand):
    help = "Validate UBL, CII or Factur-X files against the official rule sets."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="XML or PDF files")
        parser.add_argument(
            "--rules",
            default="",
            help="Comma-separated rule sets to run instead of the automatic choice: "
            + ", ".join(validation.RULE_SETS),
        )

    def handle(self, *args, **options):
        rule_sets = [r.strip() for r in options["rules"].split(",") if r.strip()]
        unknown = [r for r in rule_sets if r not in validation.RULE_SETS]
        if unknown:
            raise CommandError(
                _("Unknown rule set(s): %(names)s. Known: %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(validation.RULE_SETS)}
            )
        passed = failed = 0
        for name in options["files"]:
            if self._check(Path(name), rule_sets or None):
                passed += 1
            else:
                failed += 1
        summary = _("%(passed)s passed, %(failed)s failed") % {"passed": passed, "failed": failed}
        if failed:
            self.stdout.write(self.style.ERROR(summary))
            # CommandError: exit status 1 from the command line, an exception under call_command.
            raise CommandError(
                _("%(failed)s of %(total)s files failed.")
                % {"failed": failed, "total": passed + failed}
            )
        self.stdout.write(self.style.SUCCESS(summary))

    def _check(self, path: Path, rule_sets: list[str] | None) -> bool:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._fail(path, _("cannot be read: %(error)s") % {"error": exc.strerror or exc})
            return False
        try:
            invoice, report = parse.validate_file(data, path.name, rule_sets)
        except parse.ParseError as exc:
            self._fail(
                path,
                _("not a valid e-invoice: %(error)s")
                % {"error": " ".join(exc.message.split("\n"))},
            )
            return False
        except validation.RulesUnavailable as exc:
            self._fail(path, _("the rules cannot run: %(error)s") % {"error": exc})
            return False
        for fired in report.fired:
            style = self.style.ERROR if fired.blocking else self.style.WARNING
            self.stdout.write(
                "  "
                + style(f"[{fired.flag}]")
                + f" {fired.id} ({fired.rule_set}) {parse.rule_message(fired.id, fired.text)}"
                + f"\n      {_('at')} {parse.readable_location(fired.location)}"
            )
        kind = _("credit note") if invoice.document_type == parse.CREDIT_NOTE else _("invoice")
        where = _("Factur-X PDF") if invoice.is_factur_x else invoice.syntax.upper()
        details = _(
            "%(where)s %(kind)s %(number)s; rules: %(rules)s; %(errors)s errors, %(warnings)s warnings"
        ) % {
            "where": where,
            "kind": kind,
            "number": invoice.number,
            "rules": ", ".join(report.rule_sets),
            "errors": len(report.errors),
            "warnings": len(report.warnings),
        }
        if report.passed:
            self.stdout.write(f"{path}: " + self.style.SUCCESS(_("PASSED")) + f" ({details})")
        else:
            self.stdout.write(f"{path}: " + self.style.ERROR(_("FAILED")) + f" ({details})")
        return report.passed

    def _fail(self, path: Path, message: str) -> None:
        self.stdout.write(f"{path}: " + self.style.ERROR(_("FAILED")) + f" ({message})")
