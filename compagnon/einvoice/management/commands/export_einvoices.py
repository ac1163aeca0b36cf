"""Write the e-invoice of every issued invoice and credit note to a folder, for archiving or audit."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compagnon.einvoice import services
from compagnon.einvoice.models import Format
from compagnon.sales.models import Document, Kind, State


class Command(BaseCommand):
    help = "Export the e-invoices of issued invoices and credit notes, one file each, named by number."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="folder to write to (created if missing)")
        parser.add_argument("--format", default="default", choices=["default", *Format.values],
                            help="default: each entity's format (BE: ubl, FR: facturx)")
        parser.add_argument("--entity", type=int, help="only this entity (id)")
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="issued on or after (YYYY-MM-DD)")
        parser.add_argument("--until", type=datetime.date.fromisoformat, help="issued on or before (YYYY-MM-DD)")

    def handle(self, *args, out, format, entity=None, since=None, until=None, **options):
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
        written = 0
        for document in documents.iterator(chunk_size=200):
            fmt = services.default_format(document.entity.jurisdiction) if format == "default" else format
            data, name, _mime = services.download(document, fmt)
            (folder / name).write_bytes(data)
            written += 1
        self.stdout.write(f"{written} e-invoice(s) written to {folder}")
