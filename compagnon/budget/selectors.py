"""The live budget of an activity, computed from the ledger: never stored, never a second truth.

The sums per account — of the period, of the whole history up to the period's end, of the sales
journals and of the salary window of the reserve — come from the ledger's month totals plus the
lines of the days a bound cuts out of a month (``sums.py``, decision 0029): O(months), not
O(lines). The accounts are then folded into the budget lines by their number (``accounts.py``).
Six queries in all, whatever the number of lines: the entity's accounts and sales journals, the
entity's rules, the month totals, the lines of the cut months, and the contribution charges.

Contribution on CASHED revenue
------------------------------
A CAE takes its contribution on what the member's clients actually paid, not on what was invoiced:
an unpaid invoice earns the cooperative nothing and must not eat the member's budget. The budget
owns the rules and books the contribution in the ledger when the cash comes in
(``contribution.py``, decision 0017); here it is read back from the ledger like any other line,
and the charges say on which base (without VAT, goods and services) and at which rates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from compagnon import permissions
from compagnon.ledger.money import ZERO, money
from compagnon.members.models import Activity
from compagnon.organisation.models import Entity

from . import accounts as budget_accounts
from . import sums
from .models import (
    BudgetPolicy,
    ContributionCharge,
    Movement,
    MovementStatus,
    ReserveRule,
    RevenueKind,
)

RESERVE_WINDOW_MONTHS = 3


def year_to_date(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today.replace(month=1, day=1), today


def months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    import calendar

    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass
class ContributionPart:
    kind: str  # RevenueKind value: "goods" or "services"
    rate: Decimal
    base: Decimal  # cashed revenue excl. VAT
    amount: Decimal
    start: datetime.date | None
    end: datetime.date


@dataclass
class Budget:
    activity: object
    date_from: datetime.date | None
    date_to: datetime.date
    invoiced_goods: Decimal = ZERO
    invoiced_services: Decimal = ZERO
    cashed_incl_vat: Decimal = ZERO
    cashed_goods: Decimal = ZERO
    cashed_services: Decimal = ZERO
    contribution: Decimal = ZERO
    contribution_parts: list[ContributionPart] = field(default_factory=list)
    costs: Decimal = ZERO
    salaries: Decimal = ZERO
    prefinancing: Decimal = ZERO
    movements: Decimal = ZERO
    reserve: Decimal = ZERO
    reserve_rule: str = ReserveRule.NONE
    reserve_months: Decimal = ZERO
    salary_average: Decimal = ZERO

    @property
    def invoiced(self) -> Decimal:
        return self.invoiced_goods + self.invoiced_services

    @property
    def cashed(self) -> Decimal:
        return self.cashed_goods + self.cashed_services

    @property
    def available(self) -> Decimal:
        return (
            self.cashed
            - self.contribution
            - self.costs
            - self.salaries
            - self.prefinancing
            + self.movements
            - self.reserve
        )

    @property
    def rates(self) -> list[Decimal]:
        return sorted({p.rate for p in self.contribution_parts})

    def as_dict(self) -> dict:
        return {
            "activity": self.activity.pk,
            "from": self.date_from,
            "to": self.date_to,
            "invoiced": self.invoiced,
            "invoiced_goods": self.invoiced_goods,
            "invoiced_services": self.invoiced_services,
            "cashed_incl_vat": self.cashed_incl_vat,
            "cashed": self.cashed,
            "cashed_goods": self.cashed_goods,
            "cashed_services": self.cashed_services,
            "contribution": self.contribution,
            "contribution_parts": [
                {
                    "kind": p.kind,
                    "rate": p.rate,
                    "base": p.base,
                    "amount": p.amount,
                    "from": p.start,
                    "to": p.end,
                }
                for p in self.contribution_parts
            ],
            "costs": self.costs,
            "salaries": self.salaries,
            "prefinancing": self.prefinancing,
            "movements": self.movements,
            "reserve": self.reserve,
            "available": self.available,
        }


# --- the sums ----------------------------------------------------------------------------------


def _charges(activity_ids, date_from, date_to):
    """The contribution charged over the period, per activity and pair of rates (one query over
    ``ContributionCharge``, a row per payment and activity)."""
    q = Q(activity_id__in=activity_ids, date__lte=sums.day_literal(date_to))
    if date_from is not None:
        q &= Q(date__gte=sums.day_literal(date_from))
    return (
        ContributionCharge.objects.filter(q)
        .values("activity_id", "goods_rate", "services_rate")
        .annotate(
            goods=Sum("goods_base"),
            services=Sum("services_base"),
            amount=Sum("amount"),
            start=Min("date"),
            end=Max("date"),
        )
        .order_by("activity_id", "start", "goods_rate", "services_rate")
    )


def _d(row, key) -> Decimal:
    value = row.get(key)
    return money(Decimal(str(value))) if value is not None else ZERO


def compute(
    activity, date_from: datetime.date | None = None, date_to: datetime.date | None = None
) -> Budget:
    """System read: the budget of ``activity`` (entity select_related) over [date_from, date_to]
    (default: year to date; ``date_from=None`` with an explicit ``date_to``: since the start).
    Callers facing a user go through :func:`activity_budget`."""
    return compute_many([activity], date_from, date_to)[0]


def _entities(activities) -> dict:
    """{entity id: entity} of the activities: the ones already loaded with them, the others in one
    query (not one per activity: the home page's activities come without their entity)."""
    cached = Activity._meta.get_field("entity").is_cached
    entities = {a.entity_id: a.entity for a in activities if cached(a)}
    missing = {a.entity_id for a in activities} - set(entities)
    if missing:
        entities.update(Entity.objects.in_bulk(list(missing)))
        for a in activities:  # what shows the budget reads the entity too
            if not cached(a):
                a.entity = entities[a.entity_id]
    return entities


def compute_many(activities, date_from=None, date_to=None) -> list[Budget]:
    """The budgets of several activities in the same six queries as one."""
    activities = list(activities)
    if not activities:
        return []
    if date_to is None:
        date_from, date_to = year_to_date()
    entities = _entities(activities)
    accounts = budget_accounts.for_entities(entities.values())
    policies = {p.entity_id: p for p in BudgetPolicy.objects.filter(entity_id__in=list(entities))}
    window_start = months_before(date_to, RESERVE_WINDOW_MONTHS)
    by_activity: dict[int, list] = {a.pk: [] for a in activities}
    charged: dict[int, list] = {a.pk: [] for a in activities}
    sales_journals = sorted({j for acc in accounts.values() for j in acc.sales_journals})
    for row in sums.rows(list(by_activity), date_from, date_to, window_start, sales_journals):
        by_activity[row["activity_id"]].append(row)
    for row in _charges(list(by_activity), date_from, date_to):
        charged[row["activity_id"]].append(row)
    return [
        fold(
            a,
            date_from,
            date_to,
            by_activity[a.pk],
            accounts[a.entity_id],
            charged[a.pk],
            policies.get(a.entity_id),
        )
        for a in activities
    ]


def fold(activity, date_from, date_to, rows, accounts, charged, policy) -> Budget:
    b = Budget(activity=activity, date_from=date_from, date_to=date_to)
    p = "p" if date_from is not None else "a"  # the period's key in the rows
    salary_window = ZERO
    for r in rows:
        acc = r["account_id"]
        net = _d(r, p)  # the period's debit − credit
        if acc in accounts.goods:
            b.invoiced_goods -= net
        elif acc in accounts.services:
            b.invoiced_services -= net
        elif acc in accounts.receivable:
            # cash received: receivable credits outside the sales journals (payments)
            b.cashed_incl_vat += (_d(r, "sp") if p == "p" else _d(r, "s")) - net
        elif acc in accounts.contribution:
            b.contribution += net  # charged on cash received (contribution.py), in the books
        elif acc in accounts.costs:
            b.costs += net
        elif acc in accounts.salaries:
            b.salaries += net
            salary_window += _d(r, "w")
        elif acc in accounts.prefinancing:
            b.prefinancing += _d(r, "a")
        elif acc in accounts.transfer:
            b.movements -= net
    for c in charged:  # what the contribution was charged on, and at which rates
        goods, services = _d(c, "goods"), _d(c, "services")
        goods_amount = money(goods * c["goods_rate"] / Decimal(100))
        b.cashed_goods += goods
        b.cashed_services += services
        for kind, base, rate, amount in (
            (RevenueKind.GOODS, goods, c["goods_rate"], goods_amount),
            (RevenueKind.SERVICES, services, c["services_rate"], _d(c, "amount") - goods_amount),
        ):
            if base or (kind == RevenueKind.SERVICES and not goods):
                b.contribution_parts.append(
                    ContributionPart(kind, rate, base, amount, c["start"], c["end"])
                )
    b.prefinancing = max(b.prefinancing, ZERO)
    if policy is not None:
        b.reserve_rule = policy.reserve_rule
        if policy.reserve_rule == ReserveRule.FIXED:
            b.reserve = money(policy.reserve_amount)
        elif policy.reserve_rule == ReserveRule.SALARY_MONTHS:
            b.salary_average = money(max(salary_window, ZERO) / RESERVE_WINDOW_MONTHS)
            b.reserve_months = policy.reserve_months
            b.reserve = money(b.salary_average * policy.reserve_months)
    for name in (
        "invoiced_goods",
        "invoiced_services",
        "cashed_incl_vat",
        "cashed_goods",
        "cashed_services",
        "contribution",
        "costs",
        "salaries",
        "prefinancing",
        "movements",
    ):
        setattr(b, name, money(getattr(b, name)))
    return b


# --- what users see ----------------------------------------------------------------------------


def visible_activity(user, pk):
    """The activity if ``user`` sees it (DoesNotExist otherwise: the views answer 404)."""
    return permissions.activities(user).select_related("entity").get(pk=pk)


def activity_budget(user, pk, date_from=None, date_to=None) -> Budget:
    return compute(visible_activity(user, pk), date_from, date_to)


def budgets_of(activities) -> list[Budget]:
    """The year-to-date budget of each of ``activities``, in name order, for a page that already
    holds them — read through the permission layer, e.g. ``members.selectors.my_memberships`` on
    the member's home: they are not read again (the entity of each, if not loaded with it, is one
    query for all)."""
    return compute_many(sorted(activities, key=lambda a: (a.name, a.pk)))


def movements(user) -> QuerySet[Movement]:
    """Movements from or to an activity the user sees."""
    seen = permissions.activities(user)
    return (
        Movement.objects.filter(Q(source__in=seen) | Q(target__in=seen))
        .select_related("source", "target", "requested_by__user", "entry__journal")
        .order_by("-requested_at", "-id")
    )


def decidable(user) -> QuerySet[Movement]:
    """Pending movements this user may approve or refuse: their offices' members' (advisors), their
    entities' (administrators)."""
    s = permissions.scope_for(user)
    q = Q(requested_by__office_id__in=s.advisor_offices) | Q(entity_id__in=s.admin_entities)
    return movements(user).filter(q, status=MovementStatus.PENDING)
