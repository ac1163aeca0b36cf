"""The one reading of an entity's books for a year that every export streams.

``lines_sql`` is a single SELECT over the entry lines of the year, joined to their entry, journal,
account, client, supplier (through the supplier invoice the entry books), source document (for the
piece reference) and lettering. It is run with a server-side cursor (``connection.chunked_cursor``:
a named cursor on PostgreSQL), read ``CHUNK`` rows at a time: the year is never in memory.

Order: the opening entries first (entries of kind "opening" or of a journal whose role is
"opening"), then by date, journal, number and line — within a journal the ledger's numbers follow
the dates (``ledger.services._next_number``), so each journal's numbers come in order.

A line's letter is printed only when every line of its lettering is in the year: a lettering that
reaches into another year (an invoice of December paid in January) was open at the closing date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone, translation

from compagnon.clients.models import Client
from compagnon.ledger.models import Account, Entry, EntryLine, Journal
from compagnon.lettering.models import LetteredLine, Lettering
from compagnon.members.models import Activity
from compagnon.purchases.models import Supplier, SupplierInvoice
from compagnon.sales.models import Document

CHUNK = 5000
OPENING_KINDS = ("opening",)
OPENING_JOURNAL_ROLES = ("opening",)
DOCUMENT = "sales.document"
SUPPLIER_INVOICE = "purchases.supplierinvoice"


def t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def client_aux(client_id) -> str:
    return f"C{client_id:06d}" if client_id else ""


def supplier_aux(supplier_id) -> str:
    return f"F{supplier_id:06d}" if supplier_id else ""


def labels(
    entity, language: str
) -> tuple[dict[int, tuple[str, str]], dict[int, tuple[str, str, str]]]:
    """({account id: (number, name)}, {journal id: (code, name, role)}) in ``language``."""
    with translation.override(language):
        accounts = {a.pk: (a.code, a.label) for a in Account.objects.filter(entity=entity)}
        journals = {j.pk: (j.code, j.label, j.role) for j in Journal.objects.filter(entity=entity)}
    return accounts, journals


FROM = """
FROM {line} l
JOIN {entry} e ON e.id = l.entry_id
JOIN {journal} j ON j.id = e.journal_id
JOIN {account} a ON a.id = l.account_id
LEFT JOIN {client} c ON c.id = l.client_id
LEFT JOIN {document} d ON e.source_type = 'sales.document' AND d.id = e.source_id
LEFT JOIN {invoice} si ON e.source_type = 'purchases.supplierinvoice' AND si.id = e.source_id
LEFT JOIN {supplier} s ON a.role = 'supplier' AND l.client_id IS NULL AND s.id = si.supplier_id
LEFT JOIN {activity} act ON act.id = l.activity_id
LEFT JOIN {lettered} ll ON ll.line_id = l.id AND ll.lettering_id IN (
    SELECT x.lettering_id FROM {lettered} x JOIN {line} xl ON xl.id = x.line_id
    JOIN {lettering} xt ON xt.id = x.lettering_id
    WHERE xt.entity_id = %(entity)s AND xt.undone_at IS NULL
    GROUP BY x.lettering_id HAVING MIN(xl.date) >= %(start)s AND MAX(xl.date) <= %(end)s)
LEFT JOIN {lettering} lt ON lt.id = ll.lettering_id
WHERE e.entity_id = %(entity)s AND e.date >= %(start)s AND e.date <= %(end)s
ORDER BY CASE WHEN e.kind IN ('opening') OR j.role IN ('opening') THEN 0 ELSE 1 END,
         e.date, j.code, e.year, e.number, l.id
"""


def from_clause() -> str:
    return FROM.format(
        line=t(EntryLine),
        entry=t(Entry),
        journal=t(Journal),
        account=t(Account),
        client=t(Client),
        document=t(Document),
        invoice=t(SupplierInvoice),
        supplier=t(Supplier),
        activity=t(Activity),
        lettered=t(LetteredLine),
        lettering=t(Lettering),
    )


RAW_COLUMNS = (
    "e.journal_id, e.year, e.number, e.date, e.kind, e.label, e.posted_at, e.id, l.account_id, l.client_id, "
    "c.name, s.id, s.name, d.number, d.issue_date, d.due_date, d.kind, si.number, si.issue_date, l.label, "
    "CAST(l.debit AS TEXT), CAST(l.credit AS TEXT), lt.code, lt.date, lt.number, l.activity_id, act.name, l.id"
)


@dataclass(frozen=True)
class Line:
    journal_id: int
    year: int
    number: int
    date: datetime.date
    kind: str
    entry_label: str
    posted_on: datetime.date
    entry_id: int
    account_id: int
    client_id: int | None
    client_name: str
    supplier_id: int | None
    supplier_name: str
    piece: str
    piece_date: datetime.date
    due_date: datetime.date | None
    document_kind: str
    label: str
    debit: Decimal
    credit: Decimal
    letter: str
    letter_date: datetime.date | None
    letter_number: int | None
    activity_id: int | None
    activity_name: str
    line_id: int


def _date(value):
    if (
        value is None
        or isinstance(value, datetime.date)
        and not isinstance(value, datetime.datetime)
    ):
        return value
    if isinstance(value, datetime.datetime):
        return value.date()
    return datetime.date.fromisoformat(str(value)[:10])


def _local_day(value) -> datetime.date:
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return timezone.localtime(value).date()


CENT = Decimal("0.01")


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def reference(journal_code: str, year: int, number: int) -> str:
    return f"{journal_code}-{year}-{number:05d}"


def lines(entity, year: int, journals: dict):
    """Every line of ``entity``'s ``year``, in file order, as :class:`Line` (streamed)."""
    start, end = year_bounds(year)
    sql = f"SELECT {RAW_COLUMNS} {from_clause()}"  # noqa: S608 - table names from the models, values bound
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, {"entity": entity.pk, "start": start, "end": end})
        while rows := cursor.fetchmany(CHUNK):
            for r in rows:
                (
                    journal_id,
                    jyear,
                    number,
                    date,
                    kind,
                    entry_label,
                    posted_at,
                    entry_id,
                    account_id,
                    client_id,
                    client_name,
                    supplier_id,
                    supplier_name,
                    doc_number,
                    doc_date,
                    due_date,
                    doc_kind,
                    inv_number,
                    inv_date,
                    label,
                    debit,
                    credit,
                    letter,
                    letter_date,
                    letter_number,
                    activity_id,
                    activity_name,
                    line_id,
                ) = r
                date = _date(date)
                yield Line(
                    journal_id=journal_id,
                    year=jyear,
                    number=number,
                    date=date,
                    kind=kind or "",
                    entry_label=entry_label or "",
                    posted_on=_local_day(posted_at),
                    entry_id=entry_id,
                    account_id=account_id,
                    client_id=client_id,
                    client_name=client_name or "",
                    supplier_id=supplier_id,
                    supplier_name=supplier_name or "",
                    piece=doc_number
                    or inv_number
                    or reference(journals[journal_id][0], jyear, number),
                    piece_date=_date(doc_date) or _date(inv_date) or date,
                    due_date=_date(due_date),
                    document_kind=doc_kind or "",
                    label=label or "",
                    debit=_money(debit),
                    credit=_money(credit),
                    letter=letter or "",
                    letter_date=_date(letter_date),
                    letter_number=letter_number,
                    activity_id=activity_id,
                    activity_name=activity_name or "",
                    line_id=line_id,
                )
