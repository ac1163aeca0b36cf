"""The EN 16931 calculation model, as pure functions over Decimals.

Rounding points (ROUND_HALF_UP to 2 decimals), as the standard defines them:
- BT-131 line net amount = quantity × net price − line discount, rounded;
- document-level allowances (BT-92) and charges (BT-99) are split per VAT category in proportion
  to the category's line nets and rounded (a charge such as travel costs follows the VAT of the
  work it belongs to);
- BT-116 category taxable amount = Σ line net amounts − Σ allowances + Σ charges of the category;
- BT-117 category tax = BT-116 × rate, rounded once per category (never per line);
- BT-106 Σ line nets; BT-107 Σ allowances; BT-108 Σ charges; BT-109 = BT-106 − BT-107 + BT-108;
  BT-110 = Σ BT-117;
  BT-112 = BT-109 + BT-110; BT-113 prepaid; BT-115 = BT-112 − BT-113.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ROUNDING_RULE = "EN16931/ROUND_HALF_UP/0.01"


def money(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must be Decimal, never float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    vat_category: str
    vat_rate: Decimal
    discount_percent: Decimal = Decimal("0")

    @property
    def gross(self) -> Decimal:
        return self.quantity * self.unit_price

    @property
    def net(self) -> Decimal:
        """BT-131."""
        return money(self.gross * (Decimal(100) - self.discount_percent) / Decimal(100))


@dataclass
class CategoryTotal:
    category: str
    rate: Decimal
    lines: Decimal = Decimal("0.00")
    allowances: Decimal = Decimal("0.00")
    charges: Decimal = Decimal("0.00")

    @property
    def taxable(self) -> Decimal:  # BT-116
        return self.lines - self.allowances + self.charges

    @property
    def tax(self) -> Decimal:  # BT-117
        return money(self.taxable * self.rate / Decimal(100))


@dataclass
class Totals:
    line_nets: list[Decimal]
    categories: list[CategoryTotal]
    allowances: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # (category, rate, amount)
    prepaid: Decimal = Decimal("0.00")
    charges: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # (category, rate, amount)

    @property
    def line_total(self) -> Decimal:  # BT-106
        return sum(self.line_nets, Decimal("0.00"))

    @property
    def allowance_total(self) -> Decimal:  # BT-107
        return sum((a for _, _, a in self.allowances), Decimal("0.00"))

    @property
    def charge_total(self) -> Decimal:  # BT-108
        return sum((a for _, _, a in self.charges), Decimal("0.00"))

    @property
    def tax_exclusive(self) -> Decimal:  # BT-109
        return self.line_total - self.allowance_total + self.charge_total

    @property
    def tax_total(self) -> Decimal:  # BT-110
        return sum((c.tax for c in self.categories), Decimal("0.00"))

    @property
    def tax_inclusive(self) -> Decimal:  # BT-112
        return self.tax_exclusive + self.tax_total

    @property
    def payable(self) -> Decimal:  # BT-115
        return self.tax_inclusive - self.prepaid


def split_allowance(amount: Decimal, bases: dict[tuple[str, Decimal], Decimal]) -> dict[tuple[str, Decimal], Decimal]:
    """Split a document-level amount over VAT categories in proportion to their bases.

    Each share is rounded; the rounding remainder goes to the largest base so the shares add up
    exactly to ``amount``.
    """
    total = sum(bases.values(), Decimal("0"))
    if not bases or total == 0 or amount == 0:
        return {}
    shares = {k: money(amount * b / total) for k, b in bases.items()}
    largest = max(bases, key=lambda k: (bases[k], k))
    shares[largest] += amount - sum(shares.values())
    return shares


def compute(lines: list[Line], *, discount_percent: Decimal = Decimal("0"), discount_amount: Decimal = Decimal("0"),
            prepaid: Decimal = Decimal("0"), charge_amount: Decimal = Decimal("0")) -> Totals:
    nets = [line.net for line in lines]
    by_cat: dict[tuple[str, Decimal], CategoryTotal] = {}
    for line, net in zip(lines, nets, strict=True):
        key = (line.vat_category, line.vat_rate)
        by_cat.setdefault(key, CategoryTotal(*key)).lines += net
    bases = {k: c.lines for k, c in by_cat.items()}
    allowances = defaultdict(lambda: Decimal("0.00"))
    if discount_percent:
        for k, base in bases.items():
            allowances[k] += money(base * discount_percent / Decimal(100))
    if discount_amount:
        for k, share in split_allowance(money(discount_amount), bases).items():
            allowances[k] += share
    for k, amount in allowances.items():
        by_cat[k].allowances = amount
    charges = split_allowance(money(charge_amount), bases) if charge_amount else {}
    for k, amount in charges.items():
        by_cat[k].charges = amount
    return Totals(
        line_nets=nets,
        categories=sorted(by_cat.values(), key=lambda c: (c.category, -c.rate)),
        allowances=[(k[0], k[1], a) for k, a in sorted(allowances.items()) if a],
        prepaid=money(prepaid),
        charges=[(k[0], k[1], a) for k, a in sorted(charges.items()) if a],
    )
