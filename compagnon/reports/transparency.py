"""The cooperative's transparency page: the true year, for every member of the entity.

Revenue, contributions, salaries, other costs and result — of the cooperative's own books and of
the activities grouped by trade and by office (the office of the activity's first holder). A group
of fewer than ``MIN_GROUP`` activities is merged into "others", and "others" itself grows until it
holds ``MIN_GROUP`` activities, so no small group's figures can be told apart. Read from the month
totals (a year is whole months): a few hundred rows whatever the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from compagnon.core.formatting import sort_key
from compagnon.jurisdictions import charts
from compagnon.ledger.models import Account
from compagnon.ledger.money import ZERO, money
from compagnon.ledger.selectors import REVENUE_ROLES
from compagnon.members.models import Activity, ActivityMembership, ActivityRole, Trade
from compagnon.organisation.models import Office

from .periods import year_period
from .sums import ANY, sums

MIN_GROUP = 3
SALARY_ROLES = frozenset({"salaries", "social_charges"})
FIGURES = ("revenue", "contributions", "salaries", "costs", "result")


@dataclass
class Group:
    label: str
    activities: int
    revenue: Decimal = ZERO
    contributions: Decimal = ZERO
    salaries: Decimal = ZERO
    costs: Decimal = ZERO
    result: Decimal = ZERO
    others: bool = False

    def add(self, figures: dict) -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + figures[name])


def _fold(rows, accounts) -> dict:
    f = dict.fromkeys(FIGURES, ZERO)
    income = expenses = ZERO
    for account_id, (d, c) in rows:
        role, kind = accounts[account_id]
        if kind == charts.INCOME:
            income += c - d
            if role in REVENUE_ROLES:
                f["revenue"] += c - d
        elif kind == charts.EXPENSE:
            expenses += d - c
            if role == "contribution_charge":
                f["contributions"] += d - c
            elif role in SALARY_ROLES:
                f["salaries"] += d - c
            else:
                f["costs"] += d - c
    f["result"] = income - expenses
    return f


def _merge_small(groups: list[Group]) -> list[Group]:
    big = sorted((g for g in groups if g.activities >= MIN_GROUP), key=lambda g: sort_key(g.label))
    small = [g for g in groups if g.activities < MIN_GROUP]
    if not small:
        return big
    others = Group(_("others"), 0, others=True)
    for g in small:
        others.activities += g.activities
        others.add(vars(g))
    while others.activities < MIN_GROUP and big:
        smallest = min(big, key=lambda g: g.activities)
        big.remove(smallest)
        others.activities += smallest.activities
        others.add(vars(smallest))
    return [*big, others]


def _groups(per_activity: dict[int, dict], label_of) -> list[Group]:
    groups: dict = {}
    for activity_id, figures in per_activity.items():
        key, label = label_of(activity_id)
        group = groups.setdefault(key, Group(label, 0))
        group.activities += 1
        group.add(figures)
    return _merge_small(list(groups.values()))


def transparency(entity, year: int) -> dict:
    period = year_period(year)
    moves = sums(
        entity.pk,
        period.date_from,
        period.date_to,
        activity=ANY,
        group=("activity_id", "account_id"),
    )
    accounts = {a.pk: (a.role, a.kind) for a in Account.objects.filter(entity=entity)}
    by_activity: dict = defaultdict(list)
    for (activity_id, account_id), pair in moves.items():
        by_activity[activity_id].append((account_id, pair))
    own = _fold(by_activity.pop(None, []), accounts)
    own_rows = [(a, p) for (act, a), p in moves.items() if act is None]
    contributions_received = sum(
        (c - d for a, (d, c) in own_rows if accounts[a][0] == "contribution_income"), ZERO
    )
    per_activity = {pk: _fold(rows, accounts) for pk, rows in by_activity.items()}
    invoicing = sum(
        1
        for pk, rows in by_activity.items()
        if any(accounts[a][0] in REVENUE_ROLES for a, _p in rows)
    )
    trades = dict(Activity.objects.filter(pk__in=list(per_activity)).values_list("pk", "trade_id"))
    trade_names = {t.pk: t.name for t in Trade.objects.filter(pk__in=set(trades.values()) - {None})}
    holder_office: dict[int, int] = {}
    for activity_id, office_id in (
        ActivityMembership.objects.filter(
            activity_id__in=list(per_activity), role=ActivityRole.HOLDER
        )
        .order_by("activity_id", "id")
        .values_list("activity_id", "member__office_id")
    ):
        holder_office.setdefault(activity_id, office_id)
    office_names = dict(Office.objects.filter(entity=entity).values_list("pk", "name"))

    def trade_of(pk):
        trade_id = trades.get(pk)
        return trade_id, trade_names.get(trade_id) or _("no trade given")

    def office_of(pk):
        office_id = holder_office.get(pk)
        return office_id, office_names.get(office_id) or _("no office")

    total = Group(_("all activities"), len(per_activity))
    for figures in per_activity.values():
        total.add(figures)
    for group in [total]:
        for name in FIGURES:
            setattr(group, name, money(getattr(group, name)))
    own_income = own["revenue"] + contributions_received
    return {
        "year": year,
        "activities": total,
        "by_trade": _groups(per_activity, trade_of),
        "by_office": _groups(per_activity, office_of),
        "own": {k: money(v) for k, v in own.items()},
        # the keys of compagnon.ledger.selectors.cooperative_figures, which this page replaces
        "figures": {
            "year": year,
            "activities_revenue": total.revenue,
            "contributions": money(contributions_received),
            "cooperative_revenue": money(own["revenue"]),
            "cooperative_other_income": money(
                own["result"] + own["contributions"] + own["salaries"] + own["costs"] - own_income
            ),
            "cooperative_expenses": money(own["contributions"] + own["salaries"] + own["costs"]),
            "cooperative_result": money(own["result"]),
            "invoicing_activities": invoicing,
            "contribution_rate": entity.contribution_rate,
        },
    }
