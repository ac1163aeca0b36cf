"""Background work of supplier invoices: reading a paper invoice's PDF or photo."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django_tasks import task


def _plain(value):
    """A reading's value as JSON keeps it: decimals and dates as text, tuples as lists."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


FIELDS = ("total_incl_vat", "total_excl_vat", "vat_lines", "issue_date", "supplier_name", "supplier_ids",
          "invoice_number", "iban")


def read(data: bytes, content_type: str) -> tuple[str, dict]:
    """(state, suggestions) from the OCR module when it is installed: "off" without an engine,
    "none" when nothing useful was found, "failed" when the engine broke."""
    try:
        from compagnon.ocr import read_document
    except ImportError:
        return "off", {}
    try:
        reading = read_document(data, content_type)
    except Exception:  # noqa: BLE001 - a broken engine must not lose the invoice; the member types
        return "failed", {}
    if reading is None:
        return "off", {}
    found = {name: _plain(getattr(reading, name, None)) for name in FIELDS}
    found = {k: v for k, v in found.items() if v not in (None, "", [], {}, ())}
    return ("done" if found else "none"), found


@task()
def read_paper_invoice(*, invoice_id: int) -> str:
    """Read the file of a paper invoice once and keep the suggestions (idempotent)."""
    from .models import SupplierInvoice

    invoice = SupplierInvoice.objects.filter(pk=invoice_id, reading_state="pending").first()
    if invoice is None:
        return "done already"
    with invoice.file.open("rb") as handle:
        data = handle.read()
    state, found = read(data, invoice.file_type)
    with transaction.atomic():
        updated = SupplierInvoice.objects.filter(pk=invoice_id, reading_state="pending").update(
            reading=found, reading_state=state)
    return state if updated else "done already"
