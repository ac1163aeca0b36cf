"""What each report of a period says, read from the issued documents and the payments.

Scope (French entities only; Belgium has no e-reporting):

- **10.1 transactions, invoice by invoice**: invoices, deposits and credit notes issued in the period
  to a *business abroad* (the buyer is a company whose country is not France). Domestic B2B sales
  are e-invoiced through the platform and not reported.
- **10.3 transactions, totals per day**: the same documents issued to *individuals* (France or
  abroad), summed per day, transaction category and VAT rate, with their count.
- **10.2 / 10.4 payments**: what the bank received in the period for those documents (allocations
  of the payments app that were not undone), split per VAT rate in proportion of the document's
  VAT breakdown; unitary for businesses abroad, per day for individuals.

Transaction category (the specification's codes): ``TPS1`` services subject to VAT, ``TNT1``
operations not taxed in France (exempt, outside scope, reverse charge, intra-EU, export),
``TLB1`` goods, ``TMA1`` margin scheme. Compagnon's sales lines do not say goods or services
(sales/accounting.py books service revenue), so sales are ``TPS1``/``TNT1``.

A final invoice after deposits reports its own amounts less the deposits' (the deposits were
reported when issued): what the ledger holds for it (proof.py checks it).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from compagnon.clients.models import ClientKind
from compagnon.sales.models import Document, Kind, State

from .models import Regime, ReportKind

ZERO = Decimal("0.00")
TAXED = {"S", "Z"}  # standard and zero rate: taxed in France (zero rate is still a taxable supply)
INVOICE_KINDS = (Kind.INVOICE, Kind.DEPOSIT, Kind.CREDIT_NOTE)


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def category_of(vat_category: str) -> str:
    return "TPS1" if vat_category in TAXED else "TNT1"


# --- periods ------------------------------------------------------------------------------------


def periods(regime: str, kind: str, year: int, month: int) -> list[tuple[datetime.date, datetime.date]]:
    """The reporting periods of a month: transactions of the normal regime by ten days (1–10,
    11–20, 21–end), everything else by month; the franchise regime every two months (the period
    starts on an odd month)."""
    first = datetime.date(year, month, 1)
    last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    if regime == Regime.FRANCHISE:
        if month % 2 == 0:
            return []
        end_month = first.replace(month=month + 1) if month < 12 else first
        last = (end_month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
        return [(first, last)]
    if regime == Regime.NORMAL and kind in (ReportKind.TRANSACTIONS, ReportKind.TRANSACTIONS_DAILY):
        return [(first, first.replace(day=10)), (first.replace(day=11), first.replace(day=20)),
                (first.replace(day=21), last)]
    return [(first, last)]


def period_containing(regime: str, kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    month = day.month if regime != Regime.FRANCHISE or day.month % 2 else day.month - 1
    for start, end in periods(regime, kind, day.year, month):
        if start <= day <= end:
            return start, end
    raise ValueError(day)


# --- documents in scope --------------------------------------------------------------------------


def _abroad_business(frozen: dict) -> bool:
    buyer = frozen.get("buyer", {})
    return buyer.get("kind") != ClientKind.INDIVIDUAL and (buyer.get("country") or "FR") != "FR"


def _individual(frozen: dict) -> bool:
    return frozen.get("buyer", {}).get("kind") == ClientKind.INDIVIDUAL


def in_scope(kind: str):
    return _individual if kind in (ReportKind.TRANSACTIONS_DAILY, ReportKind.PAYMENTS_DAILY) else _abroad_business


def _documents(entity, start, end):
    return (Document.objects.filter(entity=entity, state=State.ISSUED, kind__in=INVOICE_KINDS,
                                    issue_date__gte=start, issue_date__lte=end)
            .prefetch_related("vat_breakdown").order_by("issue_date", "number"))


def reported_vat(document) -> dict[tuple[str, Decimal], tuple[Decimal, Decimal]]:
    """(category, rate) → (base, tax) as reported: signed (credit notes negative), a final invoice's
    less its deposits' (they were reported when issued)."""
    sign = -1 if document.kind == Kind.CREDIT_NOTE else 1
    rows: dict = defaultdict(lambda: [ZERO, ZERO])
    for row in document.vat_breakdown.all():
        key = (row.category, Decimal(row.rate))
        rows[key][0] += sign * row.taxable_amount
        rows[key][1] += sign * row.tax_amount
    if document.kind == Kind.INVOICE and document.quote_id and document.prepaid:
        deposits = (Document.objects.filter(quote_id=document.quote_id, kind=Kind.DEPOSIT, state=State.ISSUED)
                    .prefetch_related("vat_breakdown"))
        for deposit in deposits:
            for row in deposit.vat_breakdown.all():
                key = (row.category, Decimal(row.rate))
                rows[key][0] -= row.taxable_amount
                rows[key][1] -= row.tax_amount
    return {k: (money(b), money(t)) for k, (b, t) in rows.items() if b or t}


@dataclass
class Figures:
    """What a report says: its lines (documents, days or payments) and its totals per rate."""

    lines: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)  # (category, rate) -> [base, tax]
    documents: list[int] = field(default_factory=list)
    allocations: list[int] = field(default_factory=list)

    def add_total(self, category: str, rate: Decimal, base: Decimal, tax: Decimal) -> None:
        row = self.totals.setdefault((category, rate), [ZERO, ZERO])
        row[0] += base
        row[1] += tax

    def as_json(self) -> dict:
        return {
            "count": len(self.lines),
            "documents": self.documents,
            "allocations": self.allocations,
            "rates": [{"category": c, "rate": str(r), "base": str(money(b)), "tax": str(money(t))}
                      for (c, r), (b, t) in sorted(self.totals.items(), key=lambda kv: (kv[0][0], -kv[0][1]))],
        }


def transactions(entity, kind: str, start, end) -> Figures:
    wanted = in_scope(kind)
    figures = Figures()
    daily: dict = defaultdict(lambda: {"count": 0, "rates": defaultdict(lambda: [ZERO, ZERO])})
    for document in _documents(entity, start, end):
        if not wanted(document.frozen):
            continue
        vat = reported_vat(document)
        if not vat:
            continue
        figures.documents.append(document.pk)
        for (category, rate), (base, tax) in vat.items():
            figures.add_total(category_of(category), rate, base, tax)
        if kind == ReportKind.TRANSACTIONS:
            buyer = document.frozen.get("buyer", {})
            figures.lines.append({
                "number": document.number, "issue_date": document.issue_date.isoformat(),
                "type_code": "381" if document.kind == Kind.CREDIT_NOTE else ("386" if document.kind == Kind.DEPOSIT
                                                                                else "380"),
                "currency": document.currency,
                "buyer": {"name": buyer.get("name", ""), "country": buyer.get("country", ""),
                          "vat_number": buyer.get("vat_number", ""), "company_number": buyer.get("company_number", "")},
                "credited": document.frozen.get("references", {}).get("credited", ""),
                "rates": [{"category": category_of(c), "vat_category": c, "rate": str(r), "base": str(b), "tax": str(t)}
                          for (c, r), (b, t) in sorted(vat.items(), key=lambda kv: (kv[0][0], -kv[0][1]))],
                "total_excl_vat": str(sum((b for b, _t in vat.values()), ZERO)),
                "total_vat": str(sum((t for _b, t in vat.values()), ZERO)),
            })
        else:
            day = daily[document.issue_date]
            day["count"] += 1
            for (category, rate), (base, tax) in vat.items():
                row = day["rates"][(category_of(category), rate)]
                row[0] += base
                row[1] += tax
    if kind == ReportKind.TRANSACTIONS_DAILY:
        figures.lines = [_day_line(day, data) for day, data in sorted(daily.items())]
    return figures


def _day_line(day, data) -> dict:
    return {"date": day.isoformat(), "count": data["count"],
            "rates": [{"category": c, "rate": str(r), "base": str(money(b)), "tax": str(money(t))}
                      for (c, r), (b, t) in sorted(data["rates"].items(), key=lambda kv: (kv[0][0], -kv[0][1]))]}


def split_payment(amount: Decimal, vat: dict) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """A payment split per (category, rate) in proportion of the document's amounts incl. VAT:
    (category, rate, base, tax), rounded half up, the last rate taking the rounding remainder so
    that the parts add up to the payment exactly."""
    gross = {k: b + t for k, (b, t) in vat.items() if b + t}
    total = sum(gross.values(), ZERO)
    if not total:
        return []
    parts, left = [], money(amount)
    keys = sorted(gross, key=lambda k: (k[0], -k[1]))
    for i, key in enumerate(keys):
        share = left if i == len(keys) - 1 else money(amount * gross[key] / total)
        left -= share
        rate = key[1]
        tax = money(share * rate / (100 + rate)) if key[0] in TAXED else ZERO
        parts.append((category_of(key[0]), rate, share - tax, tax))
    return parts


def payments(entity, kind: str, start, end) -> Figures:
    from compagnon.payments.models import Allocation, AllocationKind

    wanted = in_scope(kind)
    figures = Figures()
    daily: dict = defaultdict(lambda: {"count": 0, "rates": defaultdict(lambda: [ZERO, ZERO])})
    # money received only: a credit note set against an invoice (credit_use) is not a payment
    allocations = (Allocation.objects.filter(entity=entity, reversed_at__isnull=True, document__isnull=False,
                                             kind=AllocationKind.INVOICE, date__gte=start, date__lte=end)
                   .select_related("document").prefetch_related("document__vat_breakdown").order_by("date", "pk"))
    for allocation in allocations:
        document = allocation.document
        if not wanted(document.frozen):
            continue
        parts = split_payment(allocation.amount, reported_vat(document))
        if not parts:
            continue
        if document.pk not in figures.documents:
            figures.documents.append(document.pk)
        figures.allocations.append(allocation.pk)
        for category, rate, base, tax in parts:
            figures.add_total(category, rate, base, tax)
        if kind == ReportKind.PAYMENTS:
            figures.lines.append({
                "number": document.number, "issue_date": document.issue_date.isoformat(),
                "payment_date": allocation.date.isoformat(), "amount": str(allocation.amount),
                "rates": [{"category": c, "rate": str(r), "base": str(b), "tax": str(t)} for c, r, b, t in parts]})
        else:
            day = daily[allocation.date]
            day["count"] += 1
            for category, rate, base, tax in parts:
                row = day["rates"][(category, rate)]
                row[0] += base
                row[1] += tax
    if kind == ReportKind.PAYMENTS_DAILY:
        figures.lines = [_day_line(day, data) for day, data in sorted(daily.items())]
    return figures


def figures_for(entity, kind: str, start, end) -> Figures:
    if kind in (ReportKind.TRANSACTIONS, ReportKind.TRANSACTIONS_DAILY):
        return transactions(entity, kind, start, end)
    return payments(entity, kind, start, end)
