"""A report's amounts proven equal to the ledger, in the same database read.

Transactions: for the documents of the report, the issue entries' VAT-collected lines (credit −
debit) equal the report's VAT, rate by rate, and their other lines except the receivable (revenue,
customer advances) equal its taxable amounts. Payments: the receivable lines of the payments'
entries (credit − debit) equal the amounts the report splits per rate. The answer is stored with
the report and shown on its page; a report whose proof fails is not sent.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from compagnon.ledger.models import EntryLine

from .builder import ZERO, Figures, money
from .models import ReportKind

RECEIVABLE = "receivable"
VAT = "vat_collected"


def _signed(qs) -> Decimal:
    row = qs.aggregate(c=Sum("credit"), d=Sum("debit"))
    return money((row["c"] or ZERO) - (row["d"] or ZERO))


def prove(entity, kind: str, figures: Figures) -> dict:
    report_tax = defaultdict(lambda: ZERO)
    report_base = ZERO
    for (_category, rate), (base, tax) in figures.totals.items():
        report_tax[money(rate)] += money(tax)
        report_base += money(base)
    if kind in (ReportKind.TRANSACTIONS, ReportKind.TRANSACTIONS_DAILY):
        lines = EntryLine.objects.filter(entry__entity=entity, entry__source_type="sales.document",
                                         entry__source_id__in=figures.documents, entry__kind="issue")
        ledger_tax = defaultdict(lambda: ZERO)
        for row in (lines.filter(account__role=VAT).values("account__vat_rate")
                    .annotate(c=Sum("credit"), d=Sum("debit"))):
            ledger_tax[money(row["account__vat_rate"] or 0)] += money((row["c"] or ZERO) - (row["d"] or ZERO))
        ledger_base = _signed(lines.exclude(Q(account__role=VAT) | Q(account__role=RECEIVABLE)))
        rates = sorted(set(report_tax) | set(ledger_tax), reverse=True)
        checks = [{"what": "tax", "rate": str(r), "report": str(report_tax[r]), "ledger": str(ledger_tax[r])}
                  for r in rates]
        checks.append({"what": "base", "rate": "", "report": str(report_base), "ledger": str(ledger_base)})
    else:
        checks = _payment_checks(entity, figures, report_base + sum(report_tax.values(), ZERO))
    return {"ok": all(c["report"] == c["ledger"] for c in checks), "checks": checks}


def _payment_checks(entity, figures: Figures, report_total: Decimal) -> list[dict]:
    """The report's payments are the allocations it lists (their split adds up to each payment);
    and each matching entry behind them credits the client's receivable by exactly what the
    allocations of that entry and client say."""
    from compagnon.payments.models import MONEY_IN_KINDS, Allocation, AllocationKind

    listed = Allocation.objects.filter(pk__in=figures.allocations)
    checks = [{"what": "paid", "rate": "", "report": str(report_total),
               "ledger": str(money(listed.aggregate(s=Sum("amount"))["s"] or ZERO))}]
    groups = set(listed.exclude(entry__isnull=True).values_list("entry_id", "client_id"))
    for entry_id, client_id in sorted(groups, key=lambda g: (g[0], g[1] or 0)):
        allocated = (Allocation.objects.filter(entry_id=entry_id, client_id=client_id, kind__in=MONEY_IN_KINDS)
                     .aggregate(s=Sum("amount"))["s"] or ZERO)
        refunded = (Allocation.objects.filter(entry_id=entry_id, client_id=client_id, kind=AllocationKind.REFUND)
                    .aggregate(s=Sum("amount"))["s"] or ZERO)
        booked = _signed(EntryLine.objects.filter(entry_id=entry_id, entry__entity=entity, client_id=client_id,
                                                  account__role=RECEIVABLE))
        checks.append({"what": "entry", "rate": str(entry_id), "report": str(money(allocated - refunded)),
                       "ledger": str(booked)})
    return checks
