"""The generic export, for any accounting package: three CSV files, UTF-8, comma-separated, a
header line, ISO dates (YYYY-MM-DD), amounts with a decimal point. The columns are documented in
docs/exports.md and here (``ENTRY_COLUMNS``, ``ACCOUNT_COLUMNS``, ``PARTY_COLUMNS``).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import translation

from compagnon.clients.models import Client
from compagnon.ledger.models import Account
from compagnon.purchases.models import Supplier

from . import books
from .textfiles import csv_stream

ENTRY_COLUMNS = (
    "journal_code",
    "journal_name",
    "entry_reference",
    "entry_number",
    "entry_date",
    "entry_kind",
    "entry_label",
    "account_number",
    "account_name",
    "third_party_code",
    "third_party_name",
    "client_id",
    "supplier_id",
    "activity_id",
    "activity_name",
    "piece_ref",
    "piece_date",
    "due_date",
    "line_label",
    "debit",
    "credit",
    "lettering_code",
    "lettering_date",
    "posted_on",
    "entry_id",
    "line_id",
)
ACCOUNT_COLUMNS = ("number", "name", "kind", "role", "vat_rate")
PARTY_COLUMNS = (
    "code",
    "kind",
    "name",
    "company_number",
    "vat_number",
    "street",
    "postcode",
    "city",
    "country",
    "email",
    "iban",
    "activity_id",
    "receivable_or_payable_account",
)


def _iso(value) -> str:
    return value.isoformat() if value else ""


def entry_rows(entity, year: int, language: str) -> Iterator[list]:
    accounts, journals = books.labels(entity, language)
    for line in books.lines(entity, year, journals):
        jcode, jname, _role = journals[line.journal_id]
        code, name = accounts[line.account_id]
        if line.client_id:
            aux, aux_name = books.client_aux(line.client_id), line.client_name
        elif line.supplier_id:
            aux, aux_name = books.supplier_aux(line.supplier_id), line.supplier_name
        else:
            aux = aux_name = ""
        yield [
            jcode,
            jname,
            books.reference(jcode, line.year, line.number),
            line.number,
            _iso(line.date),
            line.kind,
            line.entry_label,
            code,
            name,
            aux,
            aux_name,
            line.client_id or "",
            line.supplier_id or "",
            line.activity_id or "",
            line.activity_name,
            line.piece,
            _iso(line.piece_date),
            _iso(line.due_date),
            line.label,
            f"{line.debit:.2f}",
            f"{line.credit:.2f}",
            line.letter,
            _iso(line.letter_date),
            _iso(line.posted_on),
            line.entry_id,
            line.line_id,
        ]


def entries(entity, year: int, language: str) -> Iterator[bytes]:
    return csv_stream(entry_rows(entity, year, language), header=ENTRY_COLUMNS)


def account_rows(entity, language: str) -> Iterator[list]:
    with translation.override(language):
        for a in Account.objects.filter(entity=entity).order_by("code"):
            yield [a.code, a.label, a.kind, a.role, "" if a.vat_rate is None else f"{a.vat_rate}"]


def accounts(entity, language: str) -> Iterator[bytes]:
    return csv_stream(account_rows(entity, language), header=ACCOUNT_COLUMNS)


def role_code(entity, role: str) -> str:
    return (
        Account.objects.filter(entity=entity, role=role).values_list("code", flat=True).first()
        or ""
    )


def party_rows(entity) -> Iterator[list]:
    receivable, payable = role_code(entity, "receivable"), role_code(entity, "supplier")
    for c in (
        Client.objects.filter(activity__entity=entity).order_by("id").iterator(chunk_size=2000)
    ):
        yield [
            books.client_aux(c.pk),
            "client",
            c.name,
            c.company_number,
            c.vat_number,
            c.street,
            c.postcode,
            c.city,
            c.country,
            c.email,
            "",
            c.activity_id,
            receivable,
        ]
    for s in Supplier.objects.filter(entity=entity).order_by("id").iterator(chunk_size=2000):
        yield [
            books.supplier_aux(s.pk),
            "supplier",
            s.name,
            s.company_number,
            s.vat_number,
            s.street,
            s.postcode,
            s.city,
            s.country,
            s.email,
            s.iban,
            "",
            payable,
        ]


def parties(entity) -> Iterator[bytes]:
    return csv_stream(party_rows(entity), header=PARTY_COLUMNS)
