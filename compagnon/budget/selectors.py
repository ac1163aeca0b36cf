"""The live budget of an activity, computed from the ledger: never stored, never a second truth.

One aggregate query over the activity's ledger lines (``EntryLine`` has an index on
(activity, entry)), grouped by account with conditional sums for the period, the whole history up to
the period's end, the sales journals and the salary window of the reserve; the accounts are then folded
into the budget lines by their number (``accounts.py``). Five queries in all, whatever the number
of lines: the entity's accounts and sales journals, the contribution rates, the entity's rules,
and the sums.

Contribution on CASHED revenue
------------------------------
A CAE takes its contribution on what the member's clients actually paid, not on what was invoiced:
an unpaid invoice earns the cooperative nothing and must not eat the member's budget (and a
credit note or a bad debt would otherwise need a refund of contribution). Cash received is read
from the ledger: credits of the receivable accounts outside the sales journal (payments), turned
into amounts excluding VAT with the activity's invoiced ratio (revenue and advances ÷ receivable
debits of the sales journal, up to the period's end), and split into goods and services in the
proportion invoiced.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from compagnon import permissions
from compagnon.ledger.models import EntryLine
from compagnon.ledger.money import ZERO, money

from . import accounts as budget_accounts
from .models import (
    BudgetPolicy,
    ContributionRate,
    Movement,
    MovementStatus,
    ReserveRule,
    RevenueKind,
)

ONE_DAY = datetime.timedelta(days=1)
_DEC = DecimalField(max_digits=16, decimal_places=2)
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


# --- contribution rates ------------------------------------------------------------------------


def _rate_rows(activities, date_from, date_to) -> list[ContributionRate]:
    ids = [a.pk for a in activities]
    q = Q(entity_id__in={a.entity_id for a in activities})
    q &= Q(activity__isnull=True) | Q(activity_id__in=ids)
    q &= Q(valid_from__lte=date_to)
    if date_from is not None:
        q &= Q(valid_until__isnull=True) | Q(valid_until__gte=date_from)
    return list(ContributionRate.objects.filter(q))


def rate_on(rows, activity, day: datetime.date, kind: str) -> Decimal:
    """The most specific rate valid on ``day`` for revenue of ``kind``: the activity's before the
    entity's, one kind before all revenue, the latest start first; else the activity's rate."""
    best = None
    for r in rows:
        if r.valid_from > day or (r.valid_until is not None and r.valid_until < day):
            continue
        if r.revenue_kind not in ("", kind):
            continue
        rank = (r.activity_id is not None, r.revenue_kind == kind, r.valid_from)
        if best is None or rank > best[0]:
            best = (rank, r.rate)
    return best[1] if best else activity.effective_contribution_rate


def _segments(rows, date_from, date_to) -> list[tuple[datetime.date | None, datetime.date]]:
    """[start, end] ranges of the period over which no rate changes (start None: since ever)."""
    cuts = set()
    for r in rows:
        for day in (r.valid_from, r.valid_until + ONE_DAY if r.valid_until else None):
            if day is not None and day <= date_to and (date_from is None or day > date_from):
                cuts.add(day)
    starts = [date_from, *sorted(cuts)]
    return [
        (start, (starts[i + 1] - ONE_DAY) if i + 1 < len(starts) else date_to)
        for i, start in enumerate(starts)
    ]


# --- the sums ----------------------------------------------------------------------------------


def _between(start, end) -> Q:
    q = Q(entry__date__lte=end)
    return q & Q(entry__date__gte=start) if start is not None else q


def _rows(activity_ids, date_from, date_to, window_start, segments, sales_journals):
    """The one aggregate query: per (activity, account), the net amount (debit − credit) of all
    time up to ``date_to`` (a), of the period (p), of the reserve's salary window (w), of the
    sales journals (s, and sp within the period) and, when rates change within the period, of
    each rate segment outside the sales journals (g<i>). Nets only: every budget line is one, and
    each aggregate costs a pass over the lines."""
    net = ExpressionWrapper(F("debit") - F("credit"), output_field=_DEC)
    sales = Q(entry__journal_id__in=sales_journals)
    period = Q(entry__date__gte=date_from) if date_from is not None else Q()
    sums = {
        "a": Sum(net),
        "w": Sum(net, filter=Q(entry__date__gt=window_start)),
        "s": Sum(net, filter=sales),
    }
    if date_from is not None:
        sums["p"] = Sum(net, filter=period)
        sums["sp"] = Sum(net, filter=period & sales)
    if len(segments) > 1:
        for i, (start, end) in enumerate(segments):
            sums[f"g{i}"] = Sum(net, filter=_between(start, end) & ~sales)
    return (
        EntryLine.objects.filter(activity_id__in=activity_ids, entry__date__lte=date_to)
        .values("activity_id", "account_id")
        .annotate(**sums)
        .order_by()
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


def compute_many(activities, date_from=None, date_to=None) -> list[Budget]:
    """The budgets of several activities in the same five queries as one."""
    activities = list(activities)
    if not activities:
        return []
    if date_to is None:
        date_from, date_to = year_to_date()
    entities = {a.entity_id: a.entity for a in activities}
    accounts = budget_accounts.for_entities(entities.values())
    rates = _rate_rows(activities, date_from, date_to)
    policies = {p.entity_id: p for p in BudgetPolicy.objects.filter(entity_id__in=list(entities))}
    window_start = months_before(date_to, RESERVE_WINDOW_MONTHS)
    by_activity: dict[int, list] = {a.pk: [] for a in activities}
    segments = _segments(rates, date_from, date_to)
    sales_journals = sorted({j for acc in accounts.values() for j in acc.sales_journals})
    for row in _rows(list(by_activity), date_from, date_to, window_start, segments, sales_journals):
        by_activity[row["activity_id"]].append(row)
    out = []
    for a in activities:
        mine = [r for r in rates if r.entity_id == a.entity_id and r.activity_id in (None, a.pk)]
        out.append(
            fold(
                a,
                date_from,
                date_to,
                by_activity[a.pk],
                accounts[a.entity_id],
                mine,
                segments,
                policies.get(a.entity_id),
            )
        )
    return out


def fold(activity, date_from, date_to, rows, accounts, rates, segments, policy) -> Budget:
    b = Budget(activity=activity, date_from=date_from, date_to=date_to)
    p = "p" if date_from is not None else "a"  # the period's key in the rows
    ht_all = ttc_all = goods_all = revenue_all = ZERO
    seg_cash = [ZERO] * len(segments)
    salary_window = ZERO
    for r in rows:
        acc = r["account_id"]
        a, s = _d(r, "a"), _d(r, "s")
        net = _d(r, p)  # the period's debit − credit
        if acc in accounts.goods:
            b.invoiced_goods -= net
        elif acc in accounts.services:
            b.invoiced_services -= net
        if acc in accounts.revenue or acc in accounts.advances:
            ht_all -= s
            if acc in accounts.revenue:
                revenue_all -= s
                goods_all -= s if acc in accounts.goods else ZERO
        if acc in accounts.receivable:
            ttc_all += s
            # cash received: receivable credits outside the sales journals (payments)
            cash = (_d(r, "sp") if p == "p" else s) - net
            b.cashed_incl_vat += cash
            for i in range(len(segments)):
                seg_cash[i] += -_d(r, f"g{i}") if len(segments) > 1 else cash
        elif acc in accounts.costs:
            b.costs += net
        elif acc in accounts.salaries:
            b.salaries += net
            salary_window += _d(r, "w")
        elif acc in accounts.prefinancing:
            b.prefinancing += a
        elif acc in accounts.transfer:
            b.movements -= net
    ratio = min(max(ht_all / ttc_all, ZERO), Decimal(1)) if ttc_all > 0 else Decimal(1)
    goods_share = min(max(goods_all / revenue_all, ZERO), Decimal(1)) if revenue_all > 0 else ZERO
    for (start, end), cash in zip(segments, seg_cash, strict=True):
        base = money(cash * ratio)
        goods = money(base * goods_share)
        day = start or end
        for kind, part in ((RevenueKind.GOODS, goods), (RevenueKind.SERVICES, base - goods)):
            if kind == RevenueKind.GOODS and not part:
                continue
            rate = rate_on(rates, activity, day, kind)
            amount = money(part * rate / Decimal(100))
            b.contribution_parts.append(ContributionPart(kind, rate, part, amount, start, end))
            b.contribution += amount
            if kind == RevenueKind.GOODS:
                b.cashed_goods += part
            else:
                b.cashed_services += part
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


def my_budgets(user) -> list[Budget]:
    """The year-to-date budget of each activity the user works in (the member's home)."""
    s = permissions.scope_for(user)
    if not s.is_member:
        return []
    activities = (
        permissions.activities(user)
        .filter(memberships__member_id=s.member_id)
        .select_related("entity")
        .order_by("name")
    )
    return compute_many(activities)


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
