"""Income statements (compte de résultat / resultatenrekening) of an activity, of the
cooperative's own lines or of the whole entity, and the class-6 groups their costs fall in."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from compagnon.jurisdictions import charts
from compagnon.ledger.models import Account
from compagnon.ledger.money import ZERO, money
from compagnon.ledger.selectors import REVENUE_ROLES

from .periods import Period
from .sums import ANY, sums

# The two-digit groups of class 6, by jurisdiction (PCG art. 946-60 ff.; PCMN/MAR class 6).
COST_GROUPS = {
    "FR": {
        "60": _("Purchases"),
        "61": _("External services"),
        "62": _("Other external services"),
        "63": _("Taxes and duties"),
        "64": _("Staff costs"),
        "65": _("Other operating expenses"),
        "66": _("Financial expenses"),
        "67": _("Exceptional expenses"),
        "68": _("Depreciation and provisions"),
        "69": _("Employee profit-sharing and income tax"),
    },
    "BE": {
        "60": _("Supplies and goods for resale"),
        "61": _("Services and other goods"),
        "62": _("Remuneration and social charges"),
        "63": _("Depreciation and provisions"),
        "64": _("Other operating charges"),
        "65": _("Financial charges"),
        "66": _("Non-recurring charges"),
        "67": _("Income taxes"),
        "68": _("Transfers to deferred taxes and reserves"),
        "69": _("Appropriations"),
    },
}


@dataclass
class Line:
    account: Account
    amount: Decimal


@dataclass
class CostGroup:
    code: str
    label: str
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


@dataclass
class IncomeStatement:
    period: Period
    revenue: list[Line] = field(default_factory=list)
    other_income: list[Line] = field(default_factory=list)
    cost_groups: list[CostGroup] = field(default_factory=list)

    @property
    def revenue_total(self) -> Decimal:
        return sum((line.amount for line in self.revenue), ZERO)

    @property
    def other_income_total(self) -> Decimal:
        return sum((line.amount for line in self.other_income), ZERO)

    @property
    def income_total(self) -> Decimal:
        return self.revenue_total + self.other_income_total

    @property
    def costs_total(self) -> Decimal:
        return sum((g.total for g in self.cost_groups), ZERO)

    @property
    def result(self) -> Decimal:
        return self.income_total - self.costs_total


def group_label(jurisdiction: str, code: str) -> str:
    return str(COST_GROUPS.get(jurisdiction, {}).get(code[:2], _("Other expenses")))


def income_statement(entity, period: Period, *, activity=ANY) -> IncomeStatement:
    """Revenue, other income, costs by class-6 group and result of the lines dated in the period:
    of one activity (its id), of the cooperative's own lines (``sums.OWN``) or of all (``ANY``).
    Whole months are read from the month totals: a year costs a dozen rows per account."""
    moves = sums(entity.pk, period.date_from, period.date_to, activity=activity)
    statement = IncomeStatement(period)
    groups: dict[str, CostGroup] = {}
    accounts = Account.objects.filter(
        entity=entity, kind__in=(charts.INCOME, charts.EXPENSE), pk__in=list(moves)
    ).order_by("code")
    for account in accounts:
        d, c = moves[account.pk]
        if account.kind == charts.INCOME:
            line = Line(account, money(c - d))
            (statement.revenue if account.role in REVENUE_ROLES else statement.other_income).append(
                line
            )
        else:
            code = account.code[:2]
            group = groups.get(code)
            if group is None:
                group = groups[code] = CostGroup(code, group_label(entity.jurisdiction, code))
            group.lines.append(Line(account, money(d - c)))
    statement.cost_groups = sorted(groups.values(), key=lambda g: g.code)
    return statement
