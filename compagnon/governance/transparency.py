"""The figures of the transparency page: what every member of an entity may read about it.

Aggregates only — never one member's own figures: revenue and result of last year and of this
year so far (from the ledger), the capital and the associates by category (from the register),
the number of members, the rules for sharing the surplus in force and the allocations posted.
A fixed number of queries whatever the size of the entity (about eight).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from compagnon.ledger.models import EntryLine
from compagnon.members.models import Member, MemberStatus

from . import register, surplus
from .models import AllocationState, Associate, SurplusAllocation

ZERO = Decimal("0.00")


@dataclass
class YearFigures:
    year: int
    revenue: Decimal = ZERO
    income: Decimal = ZERO
    expenses: Decimal = ZERO
    so_far: bool = False

    @property
    def result(self) -> Decimal:
        return self.income - self.expenses


@dataclass
class Figures:
    years: list[YearFigures]
    capital: Decimal
    paid: Decimal
    associates: int
    categories: list[tuple[str, int]]
    members: int
    rules: object | None
    allocations: list = field(default_factory=list)


def year_figures(entity, years: list[int]) -> list[YearFigures]:
    """Revenue (class 70), income (7) and expenses (6) of each year, one query."""
    out = {y: YearFigures(year=y) for y in years}
    rows = (
        EntryLine.objects.filter(journal__entity=entity, date__year__in=years)
        .filter(Q(account__code__startswith="6") | Q(account__code__startswith="7"))
        .values("date__year", "account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    for r in rows:
        f, code = out[r["date__year"]], r["account__code"]
        d, c = r["d"] or ZERO, r["c"] or ZERO
        if code.startswith("7"):
            f.income += c - d
            if code.startswith("70"):
                f.revenue += c - d
        else:
            f.expenses += d - c
    return [out[y] for y in years]


def figures(entity) -> Figures:
    today = timezone.localdate()
    years = year_figures(entity, [today.year - 1, today.year])
    years[-1].so_far = True
    nominal = register.settings_of(entity).share_nominal
    held = register.holdings(entity=entity, nominal=nominal).values()
    by_category = defaultdict(int)
    rows = (
        Associate.objects.filter(entity=entity, left_on__isnull=True)
        .values("category__name", "category__position")
        .annotate(n=Count("id"))
        .order_by("category__position", "category__name")
    )
    for r in rows:
        by_category[r["category__name"]] += r["n"]
    members = Member.objects.filter(entity=entity).exclude(status=MemberStatus.LEFT).count()
    allocations = list(
        SurplusAllocation.objects.filter(entity=entity, state=AllocationState.POSTED)
        .select_related("rules__resolution__assembly")
        .order_by("-year")[:5]
    )
    return Figures(
        years=years,
        capital=sum((h.capital for h in held), ZERO),
        paid=sum((h.paid for h in held), ZERO),
        associates=sum(by_category.values()),
        categories=list(by_category.items()),
        members=members,
        rules=surplus.current_rules(entity),
        allocations=allocations,
    )
