"""The balance check of an imported statement, in words.

A camt.053 statement gives its opening (OPBD, else PRCD) and closing (CLBD) balances: the
opening balance plus the booked entries must give the closing balance, and the opening balance
must be the closing balance of the account's previous statement. When they do not agree, entries
may be missing (a day not imported, a pending entry the bank booked later, a file cut short).
The import is not blocked: the file is the bank's own record and is imported as it is; the
statement page, the import summary and the API show the figures so that someone looks for what
is missing (decision 0012). A CSV export gives no balances: there is nothing to check.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import BankStatement, ImportState


def money(value: Decimal, currency: str) -> str:
    """1 234,50 EUR in the active language."""
    return f"{number_format(value, decimal_pos=2, force_grouping=True)} {currency}"


def previous_statement(statement: BankStatement) -> BankStatement | None:
    """The account's imported statement just before this one (by period end, then import order)
    that gives a closing balance; the same file imported again does not count."""
    if statement.period_end is None:
        return None
    return (
        BankStatement.objects.filter(
            account_id=statement.account_id,
            state=ImportState.IMPORTED,
            closing_balance__isnull=False,
            period_end__lt=statement.period_end,
        )
        .exclude(pk=statement.pk)
        .exclude(sha256=statement.sha256)
        .order_by("-period_end", "-created_at", "-id")
        .first()
    )


def warnings(statement: BankStatement) -> list[str]:
    """Translated sentences with the figures; empty when the balances agree or cannot be checked."""
    currency = statement.account.currency
    out = []
    difference = statement.balance_difference
    if difference:
        out.append(
            _(
                "The balances of this statement do not add up: opening balance %(opening)s + "
                "entries %(entries)s = %(expected)s expected, but the bank gives a closing "
                "balance of %(found)s (difference %(difference)s). Entries may be missing from "
                "the file: ask the bank for a complete statement and import it; what was "
                "imported stays."
            )
            % {
                "opening": money(statement.opening_balance, currency),
                "entries": money(statement.entries_total, currency),
                "expected": money(statement.expected_closing_balance, currency),
                "found": money(statement.closing_balance, currency),
                "difference": money(difference, currency),
            }
        )
    gap = statement.opening_gap
    if gap:
        out.append(
            _(
                "This statement does not follow on from the previous one: its opening balance "
                "is %(found)s, but the previous statement closed at %(expected)s (difference "
                "%(difference)s). Entries may be missing between the two: import the statements "
                "of the days in between."
            )
            % {
                "found": money(statement.opening_balance, currency),
                "expected": money(statement.previous_closing_balance, currency),
                "difference": money(gap, currency),
            }
        )
    return out


def check_note(statement: BankStatement) -> str:
    """What the page says when there is no mismatch: checked, or nothing to check (CSV)."""
    if statement.balance_mismatch:
        return ""
    if statement.balances_checked:
        return _("The balances add up: opening balance + entries = closing balance.")
    return _("This file gives no balances (a CSV export): there is nothing to check.")
