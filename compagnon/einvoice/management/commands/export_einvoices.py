"""Write the e-invoice of every issued invoice and credit note to a folder, for archiving or audit.

Files are named ``<entity>_<number>`` where ``<entity>`` is the entity's country and company number
(e.g. ``FR-732829320_F2026-00001.pdf``, ``BE-0403019261_F2026-00001-ubl.xml``): two entities of the
cooperative number their documents independently, so the number alone is not unique. The command
never overwrites a file (unless ``--overwrite`` is given) and checks that it wrote as many files as
it counted documents.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compagnon.einvoice import services
from compagnon.einvoice.models import Format
from compagnon.sales.models import Document, Kind, State

UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def entity_label(entity) -> str:
    """A readable, filesystem-safe and unique name for an entity: country and company number
    (unique together), or the entity's id when it has no company number yet."""
    number = UNSAFE.sub("", entity.company_number or "")
    label = f"{entity.jurisdiction}-{number}" if number else f"{entity.jurisdiction}-entity{entity.pk}"
    return UNSAFE.sub("-", label)


def export_name(document, name: str) -> str:
    return f"{entity_label(document.entity)}_{UNSAFE.sub('-', name)}"


class Command(BaseCommand):
    help = ("Export the e-invoices of issued invoices and credit notes, one file each, named by entity "
            "and number (e.g. FR-732829320_F2026-00001.pdf). Existing files are never overwritten.")

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="folder to write to (created if missing)")
        parser.add_argument("--format", default="default", choices=["default", *Format.values],
                            help="default: each entity's format (BE: ubl, FR: facturx)")
        parser.add_argument("--entity", type=int, help="only this entity (id)")
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="issued on or after (YYYY-MM-DD)")
        parser.add_argument("--until", type=datetime.date.fromisoformat, help="issued on or before (YYYY-MM-DD)")
        parser.add_argument("--overwrite", action="store_true",
                            help="replace files already in the folder (by default the command stops)")

    def handle(self, *args, out, format, entity=None, since=None, until=None, overwrite=False, **options):
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create {folder}: {exc}") from exc
        documents = (Document.objects.filter(kind__in=[Kind.INVOICE, Kind.DEPOSIT, Kind.CREDIT_NOTE], state=State.ISSUED)
                     .select_related("entity").order_by("entity_id", "issue_date", "series", "sequence"))
        if entity:
            documents = documents.filter(entity_id=entity)
        if since:
            documents = documents.filter(issue_date__gte=since)
        if until:
            documents = documents.filter(issue_date__lte=until)
        counted = 0
        names: set[str] = set()
        for document in documents.iterator(chunk_size=200):
            counted += 1
            fmt = services.default_format(document.entity.jurisdiction) if format == "default" else format
            data, name, _mime = services.download(document, fmt)
            name = export_name(document, name)
            if name in names:
                raise CommandError(f"two documents would be written to the same file {name}; nothing more written. "
                                   f"{len(names)} file(s) written to {folder}.")
            path = folder / name
            try:
                with path.open("wb" if overwrite else "xb") as f:
                    f.write(data)
            except FileExistsError:
                raise CommandError(
                    f"{path} already exists: export to an empty folder, or pass --overwrite to replace it. "
                    f"{len(names)} file(s) written before stopping."
                ) from None
            names.add(name)
        written = sum(1 for name in names if (folder / name).is_file())
        if written != counted:
            raise CommandError(f"{counted} e-invoice(s) counted but {written} file(s) in {folder}: the export is incomplete.")
        self.stdout.write(f"{written} e-invoice(s) written to {folder}")
