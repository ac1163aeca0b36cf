"""Aged receivables and payables at a date: what clients owe (and what the cooperative owes its
suppliers), split by how late it is — not due, 1–30, 31–60, 61–90, more than 90 days past the
document's due date.

Receivables come from the lines of the client receivable accounts up to the date (the books, not
the invoices' current state, so a past date gives the past picture). For each client the credits
(payments, credit notes) settle the oldest amounts first; what remains of each invoice is aged by
the sales document's due date (the line's date for a line without a document). Payables: the
approved supplier invoices of compagnon.purchases not yet paid at the date, aged by their due
date; whatever the supplier accounts hold beyond them is shown on a line of its own, so the
total is always the books' balance.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compagnon.clients.models import Client
from compagnon.ledger.models import EntryLine
from compagnon.ledger.money import ZERO, money
from compagnon.ledger.selectors import RECEIVABLE_ROLES
from compagnon.sales.models import Document

BUCKETS = (
    ("not_due", gettext_lazy("not due")),
    ("d30", gettext_lazy("1–30 days")),
    ("d60", gettext_lazy("31–60 days")),
    ("d90", gettext_lazy("61–90 days")),
    ("older", gettext_lazy("over 90 days")),
)
SALES_SOURCE = "sales.document"
PURCHASES_SOURCE = "purchases.supplierinvoice"


def bucket_of(due: datetime.date, as_of: datetime.date) -> str:
    late = (as_of - due).days
    if late <= 0:
        return "not_due"
    if late <= 30:
        return "d30"
    if late <= 60:
        return "d60"
    if late <= 90:
        return "d90"
    return "older"


@dataclass
class AgedRow:
    key: str
    name: str
    client_id: int | None = None
    buckets: dict = field(default_factory=lambda: {k: ZERO for k, _l in BUCKETS})

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    def cells(self) -> list[Decimal]:
        return [self.buckets[k] for k, _l in BUCKETS]


@dataclass
class AgedBalance:
    as_of: datetime.date
    rows: list[AgedRow]

    @property
    def totals(self) -> list[Decimal]:
        return [sum((r.buckets[k] for r in self.rows), ZERO) for k, _l in BUCKETS]

    @property
    def total(self) -> Decimal:
        return sum(self.totals, ZERO)


def _fifo(
    row: AgedRow, debits: list[tuple[datetime.date, Decimal]], credit: Decimal, as_of
) -> None:
    """Settle the oldest due amounts with ``credit``; age what remains."""
    for due, amount in sorted(debits, key=lambda item: item[0]):
        used = min(amount, credit)
        credit -= used
        if amount - used:
            row.buckets[bucket_of(due, as_of)] += amount - used
    if credit:  # more paid than owed: a credit in the client's favour
        row.buckets["not_due"] -= credit


def aged_receivables(entity, as_of: datetime.date) -> AgedBalance:
    lines = (
        EntryLine.objects.filter(
            account__entity=entity, account__role__in=RECEIVABLE_ROLES, date__lte=as_of
        )
        .values("client_id", "entry__source_type", "entry__source_id", "entry_id", "date")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    per_client: dict = defaultdict(lambda: ([], [ZERO]))
    doc_ids = set()
    rows = list(lines)
    for r in rows:
        if r["entry__source_type"] == SALES_SOURCE and r["d"]:
            doc_ids.add(r["entry__source_id"])
    due_dates = dict(
        Document.objects.filter(entity=entity, pk__in=doc_ids)
        .exclude(due_date=None)
        .values_list("pk", "due_date")
    )
    for r in rows:
        debits, credit = per_client[r["client_id"]]
        net = (r["d"] or ZERO) - (r["c"] or ZERO)
        if net > 0:
            doc = r["entry__source_id"] if r["entry__source_type"] == SALES_SOURCE else None
            debits.append((due_dates.get(doc, r["date"]), net))
        else:
            credit[0] -= net
    names = dict(
        Client.objects.filter(pk__in=[k for k in per_client if k]).values_list("pk", "name")
    )
    out = []
    for client_id, (debits, credit) in per_client.items():
        row = AgedRow(
            key=str(client_id or ""),
            name=names.get(client_id, "") if client_id else _("Lines without a client"),
            client_id=client_id,
        )
        _fifo(row, debits, credit[0], as_of)
        row.buckets = {k: money(v) for k, v in row.buckets.items()}
        if any(row.buckets.values()):
            out.append(row)
    out.sort(key=lambda r: (r.client_id is None, -r.total, r.name))
    return AgedBalance(as_of, out)


def _payables_balance(entity, as_of) -> Decimal:
    agg = EntryLine.objects.filter(
        account__entity=entity, account__role="supplier", date__lte=as_of
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (agg["c"] or ZERO) - (agg["d"] or ZERO)


def aged_payables(entity, as_of: datetime.date) -> AgedBalance:
    rows: dict[str, AgedRow] = {}
    matched = ZERO
    if apps.is_installed("compagnon.purchases"):
        SupplierInvoice = apps.get_model("purchases", "SupplierInvoice")
        invoices = (
            SupplierInvoice.objects.filter(
                entity=entity, state__in=("approved", "in_batch", "paid"), entry__date__lte=as_of
            )
            .filter(Q(paid_at__isnull=True) | Q(paid_at__date__gt=as_of))
            .values(
                "kind",
                "supplier_id",
                "supplier__name",
                "supplier_name",
                "due_date",
                "issue_date",
                "entry__date",
                "payable",
                "tax_inclusive",
            )
        )
        for inv in invoices:
            amount = inv["payable"] if inv["payable"] is not None else inv["tax_inclusive"] or ZERO
            if inv["kind"] == "credit_note":
                amount = -abs(amount)
            name = inv["supplier__name"] or inv["supplier_name"] or _("Unnamed supplier")
            key = str(inv["supplier_id"] or name)
            row = rows.setdefault(key, AgedRow(key=key, name=name))
            due = inv["due_date"] or inv["issue_date"] or inv["entry__date"]
            row.buckets[bucket_of(due, as_of)] += amount
            matched += amount
    rest = money(_payables_balance(entity, as_of) - matched)
    if rest:
        row = AgedRow(key="", name=_("Supplier account lines without an open supplier invoice"))
        row.buckets["not_due"] = rest
        rows[""] = row
    out = sorted(rows.values(), key=lambda r: (r.key == "", -r.total, r.name))
    return AgedBalance(as_of, out)
