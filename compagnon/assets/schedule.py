"""Straight-line depreciation, prorata temporis by days — pure arithmetic, no database.

The annual allowance is ``cost / years``. A year in which the asset is held only in part gets the
allowance times the days held over the days of that calendar year (365 or 366), the acquisition
day included; the full years in between get the whole allowance; the last year takes what is
left, so the allowances add up to the cost exactly. Amounts are computed as cumulative figures
rounded half-up to the cent, each year's allowance the difference between two of them: the
rounding never drifts. The accounting year is the calendar year.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    year: int
    start: datetime.date
    end: datetime.date
    amount: Decimal
    accumulated: Decimal
    book_value: Decimal


def _days_in(year: int) -> int:
    return (datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days


def last_year(start: datetime.date, years: int) -> int:
    """The calendar year of the last allowance."""
    return start.year + years - (1 if (start.month, start.day) == (1, 1) else 0)


def _fraction(start: datetime.date, on: datetime.date) -> Decimal:
    """Years held from ``start`` to ``on`` (both included), each year counted in its own days."""
    total = Decimal(0)
    for year in range(start.year, on.year + 1):
        first = max(start, datetime.date(year, 1, 1))
        last = min(on, datetime.date(year, 12, 31))
        if last >= first:
            total += Decimal((last - first).days + 1) / Decimal(_days_in(year))
    return total


def accumulated(cost: Decimal, start: datetime.date, years: int, on: datetime.date) -> Decimal:
    """The depreciation accumulated from ``start`` to ``on`` included (0 before, ``cost`` at the end)."""
    if on < start:
        return Decimal("0.00")
    if on >= datetime.date(last_year(start, years), 12, 31):
        return cost
    value = (cost / years * _fraction(start, on)).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(cost, value)


def table(cost: Decimal, start: datetime.date, years: int) -> list[Period]:
    """The schedule: one period per calendar year, from the year of acquisition to the last."""
    out, before = [], Decimal("0.00")
    for year in range(start.year, last_year(start, years) + 1):
        end = datetime.date(year, 12, 31)
        total = accumulated(cost, start, years, end)
        out.append(
            Period(
                year=year,
                start=max(start, datetime.date(year, 1, 1)),
                end=end,
                amount=total - before,
                accumulated=total,
                book_value=cost - total,
            )
        )
        before = total
    return out
