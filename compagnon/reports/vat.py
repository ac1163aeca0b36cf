"""VAT for a period, by rate and category.

* Collected — from the books: the VAT-collected accounts (one per rate), credit minus debit of the
  lines dated in the period; beside each rate, the taxable base and VAT of the sales documents
  issued in the period, by VAT category (standard, zero, exempt, reverse charge, intra-EU…), from
  their VAT breakdown (credit notes count negative).
* Deductible — the deductible-VAT accounts, debit minus credit.
Each account links to its general ledger, whose lines lead to their entries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Sum, When

from compagnon.ledger.models import Account
from compagnon.ledger.money import ZERO, money
from compagnon.sales.models import VAT_CATEGORY_CHOICES, Kind, VatBreakdown

from .periods import Period
from .sums import sums

CATEGORY_LABELS = dict(VAT_CATEGORY_CHOICES)


@dataclass
class VatAccountRow:
    account: Account
    rate: Decimal | None
    amount: Decimal


@dataclass
class VatBase:
    category: str
    rate: Decimal
    base: Decimal
    vat: Decimal

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))


@dataclass
class VatReport:
    period: Period
    collected: list[VatAccountRow] = field(default_factory=list)
    deductible: list[VatAccountRow] = field(default_factory=list)
    bases: list[VatBase] = field(default_factory=list)

    @property
    def collected_total(self) -> Decimal:
        return sum((r.amount for r in self.collected), ZERO)

    @property
    def deductible_total(self) -> Decimal:
        return sum((r.amount for r in self.deductible), ZERO)

    @property
    def net(self) -> Decimal:
        """Positive: VAT to pay; negative: a VAT credit."""
        return self.collected_total - self.deductible_total

    @property
    def base_total(self) -> Decimal:
        return sum((b.base for b in self.bases), ZERO)


def vat_report(entity, period: Period) -> VatReport:
    report = VatReport(period)
    accounts = list(
        Account.objects.filter(
            entity=entity, role__in=("vat_collected", "vat_deductible")
        ).order_by("code")
    )
    moves = sums(entity.pk, period.date_from, period.date_to)
    for account in accounts:
        d, c = moves.get(account.pk, (ZERO, ZERO))
        if account.role == "vat_collected":
            report.collected.append(VatAccountRow(account, account.vat_rate, money(c - d)))
        else:
            report.deductible.append(VatAccountRow(account, account.vat_rate, money(d - c)))
    report.collected.sort(key=lambda r: -(r.rate or ZERO))
    signed = DecimalField(max_digits=16, decimal_places=2)
    sign = Case(When(document__kind=Kind.CREDIT_NOTE, then=-1), default=1)
    rows = (
        VatBreakdown.objects.filter(
            document__entity=entity,
            document__kind__in=(Kind.INVOICE, Kind.DEPOSIT, Kind.CREDIT_NOTE),
            document__sequence__isnull=False,
            document__issue_date__gte=period.date_from,
            document__issue_date__lte=period.date_to,
        )
        .values("category", "rate")
        .annotate(
            base=Sum(F("taxable_amount") * sign, output_field=signed),
            vat=Sum(F("tax_amount") * sign, output_field=signed),
        )
        .order_by()
    )
    merged: dict = defaultdict(lambda: [ZERO, ZERO])
    for r in rows:
        pair = merged[(r["category"], r["rate"])]
        pair[0] += r["base"] or ZERO
        pair[1] += r["vat"] or ZERO
    report.bases = sorted(
        (VatBase(cat, rate, money(b), money(v)) for (cat, rate), (b, v) in merged.items()),
        key=lambda b: (b.category != "S", -b.rate, b.category),
    )
    return report
