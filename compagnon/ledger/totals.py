"""Month totals (``MonthTotal``): kept in the posting transaction, read by the budget and the reports.

``add_lines(entity, lines)`` adds the debit and credit of freshly written lines to their
(activity, account, year, month) rows: one upsert statement for the activities' rows and one for
the cooperative's own rows (activity NULL), each a multi-row ``INSERT … ON CONFLICT (…) WHERE …
DO UPDATE`` that PostgreSQL and SQLite (≥ 3.24) both understand, against the partial unique
indexes of ``MonthTotal``.

Deadlocks: two postings touching the same rows (the cooperative's own contribution account in the
same month, say) take the row locks in one global order — activity rows before own rows, each
sorted by (activity, account, year, month) — so neither can hold a row the other waits for while
waiting for one the other holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection

from .models import MonthTotal
from .money import ZERO

_TABLE = MonthTotal._meta.db_table

SALES_ROLE = "sales"  # the journals whose amounts are also added to sales_debit / sales_credit

_UPSERT = (
    "INSERT INTO {table} "
    "(entity_id, account_id, activity_id, year, month, debit, credit, sales_debit, sales_credit) "
    "VALUES {values} "
    "ON CONFLICT ({target}) WHERE {where} "
    "DO UPDATE SET debit = {table}.debit + excluded.debit, "
    "credit = {table}.credit + excluded.credit, "
    "sales_debit = {table}.sales_debit + excluded.sales_debit, "
    "sales_credit = {table}.sales_credit + excluded.sales_credit"
)


def sums_by_month(lines: Iterable) -> dict[tuple, list[Decimal]]:
    """{(activity_id or None, account_id, year, month): [debit, credit]} of the lines."""
    sums: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for line in lines:
        key = (line.activity_id, line.account_id, line.date.year, line.date.month)
        pair = sums[key]
        pair[0] += line.debit
        pair[1] += line.credit
    return sums


def _order(key: tuple):
    activity_id, account_id, year, month = key
    return (activity_id is None, activity_id or 0, account_id, year, month)


def add_lines(entity_id: int, lines: Iterable, *, sales: bool) -> int:
    """Add the lines of one entry (``sales``: its journal has the role "sales") to their month
    totals; returns how many rows were touched."""
    sums = sums_by_month(lines)
    keys = sorted(sums, key=_order)
    own = [k for k in keys if k[0] is None]
    of_activities = [k for k in keys if k[0] is not None]
    with connection.cursor() as cursor:
        if of_activities:
            params: list = []
            for activity_id, account_id, year, month in of_activities:
                debit, credit = sums[(activity_id, account_id, year, month)]
                params += [entity_id, account_id, activity_id, year, month, debit, credit]
                params += [debit, credit] if sales else [ZERO, ZERO]
            cursor.execute(
                _UPSERT.format(
                    table=_TABLE,
                    values=", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(of_activities)),
                    target="account_id, activity_id, year, month",
                    where="activity_id IS NOT NULL",
                ),
                params,
            )
        if own:
            params = []
            for _none, account_id, year, month in own:
                debit, credit = sums[(None, account_id, year, month)]
                params += [entity_id, account_id, year, month, debit, credit]
                params += [debit, credit] if sales else [ZERO, ZERO]
            cursor.execute(
                _UPSERT.format(
                    table=_TABLE,
                    values=", ".join(["(%s, %s, NULL, %s, %s, %s, %s, %s, %s)"] * len(own)),
                    target="account_id, year, month",
                    where="activity_id IS NULL",
                ),
                params,
            )
    return len(keys)


_REBUILD = """
INSERT INTO {table}
    (entity_id, account_id, activity_id, year, month, debit, credit, sales_debit, sales_credit)
SELECT a.entity_id, l.account_id, l.activity_id, {year}, {month}, SUM(l.debit), SUM(l.credit),
    SUM(CASE WHEN j.role = %s THEN l.debit ELSE 0 END),
    SUM(CASE WHEN j.role = %s THEN l.credit ELSE 0 END)
FROM ledger_entryline l
JOIN ledger_account a ON a.id = l.account_id
JOIN ledger_journal j ON j.id = l.journal_id
WHERE a.entity_id IN ({entities})
GROUP BY a.entity_id, l.account_id, l.activity_id, {year}, {month}
"""
_PARTS = {
    "postgresql": (
        "CAST(EXTRACT(YEAR FROM l.date) AS integer)",
        "CAST(EXTRACT(MONTH FROM l.date) AS integer)",
    ),
    "sqlite": (
        "CAST(strftime('%%Y', l.date) AS integer)",
        "CAST(strftime('%%m', l.date) AS integer)",
    ),
}


def rebuild(entity_ids: Iterable[int]) -> None:
    """Recompute the month totals of these entities from their lines (one INSERT … SELECT). For
    lines written around the posting service — the benchmarks' ``bulk_create`` — never needed by
    the application, whose every line goes through ``add_lines``. Run it in a transaction."""
    entity_ids = [int(pk) for pk in entity_ids]
    if not entity_ids:
        return
    year, month = _PARTS[connection.vendor]
    marks = ", ".join(["%s"] * len(entity_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_TABLE} WHERE entity_id IN ({marks})", entity_ids)  # noqa: S608
        cursor.execute(
            _REBUILD.format(table=_TABLE, year=year, month=month, entities=marks),
            [SALES_ROLE, SALES_ROLE, *entity_ids],
        )
