"""What a VAT return is computed from: the entity's ledger lines of the period (one GROUP BY) and
the VAT breakdown of the sales documents issued in the period (one GROUP BY, plus one for the
deposits deducted on final invoices).

Accounts are recognised by number (the charts in compagnon/jurisdictions/charts.py and what the
accountant added under the same numbers): a return never depends on a role a context may rename.
Entries posted by a VAT return itself (the settlement) are left out, or the return would count its
own settlement.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Sum

from compagnon.ledger.models import Account, EntryLine, Journal
from compagnon.ledger.money import ZERO

SETTLEMENT_SOURCE = "vatreturns.vatreturn"


@dataclass
class AccountTotals:
    """Debits and credits of the period per account, and per journal role for each account."""

    accounts: dict[int, Account]
    debit: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    credit: dict[int, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_journal: dict[tuple[int, str], tuple[Decimal, Decimal]] = field(default_factory=dict)

    def ids(self, match) -> list[int]:
        """The ids of the accounts whose Account satisfies ``match``."""
        return [pk for pk, a in self.accounts.items() if match(a)]

    def debits(self, ids, journal: str | None = None) -> Decimal:
        if journal is None:
            return sum((self.debit[i] for i in ids if i in self.debit), ZERO)
        return sum((self.by_journal.get((i, journal), (ZERO, ZERO))[0] for i in ids), ZERO)

    def credits(self, ids, journal: str | None = None) -> Decimal:
        if journal is None:
            return sum((self.credit[i] for i in ids if i in self.credit), ZERO)
        return sum((self.by_journal.get((i, journal), (ZERO, ZERO))[1] for i in ids), ZERO)

    def net_credit(self, ids, journal: str | None = None) -> Decimal:
        return self.credits(ids, journal) - self.debits(ids, journal)

    def net_debit(self, ids, journal: str | None = None) -> Decimal:
        return self.debits(ids, journal) - self.credits(ids, journal)


def settlement_entry_ids(entity) -> list[int]:
    from .models import VatReturn

    return list(
        VatReturn.objects.filter(entity=entity, settlement_entry__isnull=False).values_list(
            "settlement_entry_id", flat=True
        )
    )


def period_lines(entity, start, end):
    """The ledger lines of ``entity`` dated in [start, end], settlements of VAT returns left out
    (the queryset every box drills down into)."""
    lines = EntryLine.objects.filter(account__entity_id=entity.pk, date__gte=start, date__lte=end)
    excluded = settlement_entry_ids(entity)
    if excluded:
        lines = lines.exclude(entry_id__in=excluded)
    return lines


def account_totals(entity, start, end) -> AccountTotals:
    """Three queries: the accounts, the journals, and the period's lines grouped by account and
    journal."""
    accounts = {a.pk: a for a in Account.objects.filter(entity=entity)}
    journal_roles = dict(Journal.objects.filter(entity=entity).values_list("pk", "role"))
    totals = AccountTotals(accounts=accounts)
    if not accounts:
        return totals
    lines = EntryLine.objects.filter(account_id__in=list(accounts), date__gte=start, date__lte=end)
    excluded = settlement_entry_ids(entity)
    if excluded:
        lines = lines.exclude(entry_id__in=excluded)
    rows = lines.values_list("account_id", "journal_id").annotate(d=Sum("debit"), c=Sum("credit"))
    for account_id, journal_id, d, c in rows.order_by():
        d, c = d or ZERO, c or ZERO
        totals.debit[account_id] += d
        totals.credit[account_id] += c
        key = (account_id, journal_roles.get(journal_id) or "")
        before = totals.by_journal.get(key, (ZERO, ZERO))
        totals.by_journal[key] = (before[0] + d, before[1] + c)
    return totals


def balance_before(entity, codes_prefix: str, day) -> Decimal:
    """Debit balance of the accounts numbered ``codes_prefix``… before ``day`` (settlements
    included: they are what carries a credit forward)."""
    row = EntryLine.objects.filter(
        account__entity_id=entity.pk, account__code__startswith=codes_prefix, date__lt=day
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (row["d"] or ZERO) - (row["c"] or ZERO)


@dataclass(frozen=True)
class BreakdownRow:
    """The VAT breakdown of the documents of one kind issued in the period, for one VAT category,
    rate and client country. Amounts are signed: a credit note counts negatively."""

    kind: str
    category: str
    rate: Decimal
    country: str
    taxable: Decimal
    tax: Decimal


def issued_documents(entity, start, end):
    from compagnon.sales.models import Document, Kind, State

    return Document.objects.filter(
        entity=entity,
        state=State.ISSUED,
        kind__in=[Kind.INVOICE, Kind.DEPOSIT, Kind.CREDIT_NOTE],
        issue_date__gte=start,
        issue_date__lte=end,
    )


def sales_breakdown(entity, start, end) -> list[BreakdownRow]:
    """The VAT breakdown of the issued documents of the period, summed per document kind,
    category, rate and client country (one query)."""
    from compagnon.sales.models import Kind, VatBreakdown

    rows = (
        VatBreakdown.objects.filter(document__in=issued_documents(entity, start, end))
        .values_list("document__kind", "category", "rate", "document__client__country")
        .annotate(t=Sum("taxable_amount"), v=Sum("tax_amount"))
        .order_by()
    )
    out = []
    for kind, category, rate, country, taxable, tax in rows:
        sign = -1 if kind == Kind.CREDIT_NOTE else 1
        out.append(
            BreakdownRow(kind, category, rate, (country or "").upper(), sign * taxable, sign * tax)
        )
    return out


def deducted_deposits(entity, start, end) -> list[BreakdownRow]:
    """The breakdown of the deposits deducted by the final invoices issued in the period: their
    VAT was declared when the deposit was invoiced, so the final invoice declares only the rest
    (as sales/accounting.py books it)."""
    from compagnon.sales.models import Kind, State, VatBreakdown

    finals = issued_documents(entity, start, end).filter(
        kind=Kind.INVOICE, quote_id=OuterRef("document__quote_id"), prepaid__gt=0
    )
    rows = (
        VatBreakdown.objects.filter(
            document__entity=entity,
            document__kind=Kind.DEPOSIT,
            document__state=State.ISSUED,
            document__quote__isnull=False,
        )
        .filter(Exists(finals))
        .values_list("category", "rate", "document__client__country")
        .annotate(t=Sum("taxable_amount"), v=Sum("tax_amount"))
        .order_by()
    )
    return [
        BreakdownRow("deducted", category, rate, (country or "").upper(), -taxable, -tax)
        for category, rate, country, taxable, tax in rows
    ]
