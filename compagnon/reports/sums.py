"""Debit and credit sums for any period, read from the ledger's month totals where whole months
are covered and from the lines only for the partial months at the edges (docs/decisions/0033).

``MonthTotal`` (compagnon.ledger) holds one row per (account, activity, year, month), kept in the
posting transaction and proven equal to the lines by ``check_books``: a year's trial balance reads
at most 12 × accounts × activities rows whatever the number of lines.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Q, Sum

from compagnon.ledger.models import Account, EntryLine, MonthTotal
from compagnon.ledger.money import ZERO

from .periods import month_span


class _Any:
    def __repr__(self):
        return "ANY"


ANY = _Any()  # every line, the activities' and the cooperative's own
OWN = "own"  # the cooperative's own lines (no activity)


def _scope(qs, activity):
    if activity is ANY:
        return qs
    if activity is None or activity == OWN:
        return qs.filter(activity__isnull=True)
    if isinstance(activity, list | tuple | set | frozenset):
        return qs.filter(activity_id__in=list(activity))
    return qs.filter(activity_id=activity)


def _months_between(first: tuple[int, int], last: tuple[int, int]) -> Q:
    (y1, m1), (y2, m2) = first, last
    after = Q(year__gt=y1) | Q(year=y1, month__gte=m1)
    before = Q(year__lt=y2) | Q(year=y2, month__lte=m2)
    return after & before


def _add(out, rows, group):
    for r in rows:
        key = tuple(r[g] for g in group) if len(group) > 1 else r[group[0]]
        pair = out[key]
        pair[0] += r["d"] or ZERO
        pair[1] += r["c"] or ZERO


def _month_rows(entity_id, where: Q, activity, group):
    qs = _scope(MonthTotal.objects.filter(entity_id=entity_id).filter(where), activity)
    return qs.values(*group).annotate(d=Sum("debit"), c=Sum("credit")).order_by()


def _accounts(entity_id) -> list[int]:
    """The entity's accounts as a list, not a join: the database then reads each account's lines
    of the days asked from the (account, date) index instead of every line of those days."""
    return list(Account.objects.filter(entity_id=entity_id).values_list("pk", flat=True))


def _line_rows(accounts, date_from, date_to, activity, group):
    qs = EntryLine.objects.filter(account_id__in=accounts, date__gte=date_from, date__lte=date_to)
    return _scope(qs, activity).values(*group).annotate(d=Sum("debit"), c=Sum("credit")).order_by()


def sums(
    entity_id: int,
    date_from: datetime.date,
    date_to: datetime.date,
    *,
    activity=ANY,
    group: Sequence[str] = ("account_id",),
    account_id: int | None = None,
) -> dict:
    """{key: [debit, credit]} of the lines dated in [date_from, date_to]; ``key`` is the value of
    ``group`` (one field) or a tuple of them. System read: callers check who may see it."""
    group = tuple(group)
    out: dict = defaultdict(lambda: [ZERO, ZERO])
    head, whole, tail = month_span(date_from, date_to)
    only = Q(account_id=account_id) if account_id else Q()
    if whole:
        _add(out, _month_rows(entity_id, _months_between(*whole) & only, activity, group), group)
    accounts = [account_id] if account_id else (_accounts(entity_id) if head or tail else [])
    for edge in (head, tail):
        if edge:
            _add(out, _line_rows(accounts, edge[0], edge[1], activity, group), group)
    return out


def sums_before(entity_id: int, day: datetime.date, *, activity=ANY, group=("account_id",)) -> dict:
    """{key: [debit, credit]} of every line dated before ``day`` (the opening balances)."""
    group = tuple(group)
    out: dict = defaultdict(lambda: [ZERO, ZERO])
    where = Q(year__lt=day.year) | Q(year=day.year, month__lt=day.month)
    _add(out, _month_rows(entity_id, where, activity, group), group)
    if day.day > 1:
        start = day.replace(day=1)
        _add(
            out,
            _line_rows(
                _accounts(entity_id), start, day - datetime.timedelta(days=1), activity, group
            ),
            group,
        )
    return out


def balance_before(account_id: int, day: datetime.date, *, activity=ANY) -> Decimal:
    """Debit minus credit of one account before ``day``."""
    where = Q(account_id=account_id) & (
        Q(year__lt=day.year) | Q(year=day.year, month__lt=day.month)
    )
    agg = _scope(MonthTotal.objects.filter(where), activity).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    total = (agg["d"] or ZERO) - (agg["c"] or ZERO)
    if day.day > 1:
        lines = _scope(
            EntryLine.objects.filter(
                account_id=account_id, date__gte=day.replace(day=1), date__lt=day
            ),
            activity,
        ).aggregate(d=Sum("debit"), c=Sum("credit"))
        total += (lines["d"] or ZERO) - (lines["c"] or ZERO)
    return total
