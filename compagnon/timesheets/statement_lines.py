"""Turn time entries and expenses into the lines of a statement of work done. Pure functions.

Used by the preview (nothing written) and by ``services.build_statement`` (the same lines become the
sales document), so what the member previews is what the client receives.

Lines are in hours (unit ``HUR``): quantity = minutes / 60 with two decimals, unit price = the
hourly rate, VAT = the entity's standard rate. Entries with the same task and rate inside a section
are added up before rounding, so a day of three 20-minute calls is 1.00 h, not 0.99 h.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _

from compagnon.sales.calculation import Line, compute

from .duration import hours
from .models import ExpenseEntry, GroupBy, TimeEntry


@dataclass
class _Group:
    description: str
    rate: Decimal
    minutes: int = 0
    dates: list[datetime.date] = field(default_factory=list)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _short(d: datetime.date) -> str:
    return formats.date_format(d, "j/m")


def _week_title(monday: datetime.date) -> str:
    sunday = monday + datetime.timedelta(days=6)
    return _("Week of %(start)s to %(end)s") % {
        "start": formats.date_format(monday, "j F"),
        "end": formats.date_format(sunday, "j F Y"),
    }


def time_lines(
    entries: Iterable[TimeEntry],
    *,
    group_by: str,
    vat_rate: Decimal,
    rate_for: Callable[[TimeEntry], Decimal],
) -> list[dict]:
    """Section and item lines for ``entries`` (already filtered), in date order."""
    entries = sorted(entries, key=lambda e: (e.date, e.pk or 0))
    sections: dict[object, tuple[str, dict[tuple[str, Decimal], _Group]]] = {}
    for entry in entries:
        rate = rate_for(entry)
        if group_by == GroupBy.DESCRIPTION:
            section_key = _key(entry.description)
            title = entry.description.strip()
            item_key = (entry.date.isoformat(), rate)
            item_text = formats.date_format(entry.date, "l j F Y")
        else:
            monday = entry.date - datetime.timedelta(days=entry.date.weekday())
            section_key = monday
            title = _week_title(monday)
            item_key = (_key(entry.description), rate)
            item_text = entry.description.strip()
        _title, groups = sections.setdefault(section_key, (title, {}))
        group = groups.setdefault(item_key, _Group(description=item_text, rate=rate))
        group.minutes += entry.duration
        if entry.date not in group.dates:
            group.dates.append(entry.date)
    lines: list[dict] = []
    for title, groups in sections.values():
        lines.append({"kind": "section", "description": title})
        for group in groups.values():
            text = group.description
            if group_by != GroupBy.DESCRIPTION:
                text = f"{text} ({', '.join(_short(d) for d in group.dates)})"
            lines.append(
                {
                    "kind": "item",
                    "description": text,
                    "quantity": hours(group.minutes),
                    "unit": "HUR",
                    "unit_price": group.rate,
                    "discount_percent": Decimal("0"),
                    "vat_category": "S" if vat_rate > 0 else "Z",
                    "vat_rate": vat_rate,
                }
            )
    return lines


def expense_lines(expenses: Iterable[ExpenseEntry]) -> list[dict]:
    expenses = sorted(expenses, key=lambda e: (e.date, e.pk or 0))
    if not expenses:
        return []
    lines: list[dict] = [{"kind": "section", "description": _("Expenses")}]
    for expense in expenses:
        lines.append(
            {
                "kind": "item",
                "description": f"{expense.description.strip()} ({_short(expense.date)})",
                "quantity": Decimal("1"),
                "unit": "C62",
                "unit_price": expense.amount,
                "discount_percent": Decimal("0"),
                "vat_category": "S" if expense.vat_rate > 0 else "Z",
                "vat_rate": expense.vat_rate,
            }
        )
    return lines


def statement_lines(
    *,
    entries: Iterable[TimeEntry],
    expenses: Iterable[ExpenseEntry],
    group_by: str,
    vat_rate: Decimal,
    rate_for: Callable[[TimeEntry], Decimal],
    language: str,
) -> list[dict]:
    """Every line of the statement, written in the document's ``language``."""
    with translation.override(language):
        return time_lines(entries, group_by=group_by, vat_rate=vat_rate, rate_for=rate_for) + (
            expense_lines(expenses)
        )


def totals(lines: list[dict]):
    """EN 16931 totals of the item lines (the same calculation the document will store)."""
    return compute(
        [
            Line(
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                vat_category=line["vat_category"],
                vat_rate=line["vat_rate"],
                discount_percent=line.get("discount_percent", Decimal("0")),
            )
            for line in lines
            if line["kind"] == "item"
        ]
    )
