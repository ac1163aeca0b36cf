"""The entity-wide books: trial balance, general ledger of an account, journals.

System reads: the views and the API call them with an entity ``access.books_entity`` returned.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Q, Sum
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from compagnon.core.params import BadParameter
from compagnon.jurisdictions import charts
from compagnon.ledger.models import Account, Entry, EntryLine, Journal
from compagnon.ledger.money import ZERO, money

from .periods import Period
from .sums import ANY, balance_before, sums, sums_before


@dataclass
class TrialRow:
    account: Account
    opening: Decimal
    debit: Decimal
    credit: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


@dataclass
class TrialBalance:
    period: Period
    rows: list[TrialRow]
    opening: Decimal = ZERO
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    closing: Decimal = ZERO

    @property
    def balanced(self) -> bool:
        """Debit total = credit total, and the columns cross-foot."""
        return self.debit == self.credit and self.opening + self.debit - self.credit == self.closing


def trial_balance(entity, period: Period, *, activity=ANY) -> TrialBalance:
    """Per account: opening balance (debit positive), the period's debit and credit, the closing
    balance. Accounts without any figure are left out.

    Balance-sheet accounts open with every line before the period. Income and expense accounts
    start each calendar year at zero: they open with what the year holds before the period. The
    result of earlier years reaches the balance-sheet accounts when the year is closed
    (bookkeeping's closing entries); until then it shows as the total of the opening column."""
    opening = sums_before(entity.pk, period.date_from, activity=activity)
    moves = sums(entity.pk, period.date_from, period.date_to, activity=activity)
    year_start = datetime.date(period.date_from.year, 1, 1)
    if period.date_from == year_start:
        earlier = opening
    else:
        earlier = sums_before(entity.pk, year_start, activity=activity)
    accounts = Account.objects.filter(entity=entity, pk__in=set(opening) | set(moves))
    rows = []
    for account in accounts.order_by("code"):
        od, oc = opening.get(account.pk, (ZERO, ZERO))
        if account.kind in (charts.INCOME, charts.EXPENSE):
            ed, ec = earlier.get(account.pk, (ZERO, ZERO))
            od, oc = od - ed, oc - ec
        d, c = moves.get(account.pk, (ZERO, ZERO))
        row = TrialRow(account, money(od - oc), money(d), money(c))
        if row.opening or row.debit or row.credit:
            rows.append(row)
    tb = TrialBalance(period, rows)
    tb.opening = sum((r.opening for r in rows), ZERO)
    tb.debit = sum((r.debit for r in rows), ZERO)
    tb.credit = sum((r.credit for r in rows), ZERO)
    tb.closing = sum((r.closing for r in rows), ZERO)
    return tb


# --- general ledger: keyset pages over (date, entry, line) -------------------------------------


@dataclass
class LedgerPage:
    account: Account
    period: Period
    opening: Decimal  # the balance before the period
    lines: list = field(default_factory=list)  # EntryLine with .balance (running, after the line)
    next_cursor: str = ""
    period_debit: Decimal = ZERO
    period_credit: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        return self.opening + self.period_debit - self.period_credit


def parse_cursor(value: str) -> tuple[datetime.date, int, int] | None:
    """ "2026-03-14.1234.5678" → (date, entry id, line id); 400 on anything else."""
    if not value:
        return None
    try:
        day, entry_id, line_id = value.split(".")
        cursor = (datetime.date.fromisoformat(day), int(entry_id), int(line_id))
    except ValueError:
        cursor = None
    if cursor is None or not (0 < cursor[1] < 2**63 and 0 < cursor[2] < 2**63):
        from django.utils.translation import gettext as _

        raise BadParameter(
            "after", _("The parameter “after” must be a position given by the previous page.")
        )
    return cursor


def _cursor(line) -> str:
    return f"{line.date.isoformat()}.{line.entry_id}.{line.pk}"


def _row_after(table: str, columns: tuple[str, str, str], cursor) -> RawSQL:
    """``(a, b, c) > (x, y, z)``: a row comparison both databases answer from a B-tree index on
    (…, a, b, c) — an OR of three cases would read every line of the period instead."""
    cols = ", ".join(f'"{table}"."{c}"' for c in columns)
    return RawSQL(f"({cols}) > (%s, %s, %s)", cursor, output_field=BooleanField())  # noqa: S611


def _after(cursor) -> RawSQL:
    return _row_after(EntryLine._meta.db_table, ("date", "entry_id", "id"), cursor)


def _activity_q(activity) -> Q:
    if activity is ANY:
        return Q()
    if activity is None or activity == "own":
        return Q(activity__isnull=True)
    return Q(activity_id=activity)


def general_ledger(
    entity, account: Account, period: Period, *, activity=ANY, after: str = "", limit: int = 100
) -> LedgerPage:
    """One page of the account's lines in the period, in date order, each with the running
    balance. Paged by keyset (``after`` = the last line's position): a page costs the same at
    line 10 as at line 10 million."""
    cursor = parse_cursor(after)
    if cursor and not period.date_from <= cursor[0] <= period.date_to:
        cursor = None
    opening = balance_before(account.pk, period.date_from, activity=activity)
    totals = sums(
        entity.pk, period.date_from, period.date_to, activity=activity, account_id=account.pk
    ).get(account.pk, (ZERO, ZERO))
    page = LedgerPage(
        account,
        period,
        money(opening),
        period_debit=money(totals[0]),
        period_credit=money(totals[1]),
    )
    base = EntryLine.objects.filter(
        _activity_q(activity), account=account, date__gte=period.date_from, date__lte=period.date_to
    )
    if cursor:
        day, entry_id, line_id = cursor
        running = balance_before(account.pk, day, activity=activity)
        same_day = base.filter(date=day).filter(
            Q(entry_id__lt=entry_id) | Q(entry_id=entry_id, pk__lte=line_id)
        )
        agg = same_day.aggregate(d=Sum("debit"), c=Sum("credit"))
        running += (agg["d"] or ZERO) - (agg["c"] or ZERO)
        base = base.filter(_after(cursor))
    else:
        running = opening
    lines = list(
        base.select_related("entry__journal", "activity", "client").order_by(
            "date", "entry_id", "id"
        )[: limit + 1]
    )
    more = len(lines) > limit
    lines = lines[:limit]
    for line in lines:
        running += line.debit - line.credit
        line.balance = money(running)
    page.lines = lines
    page.next_cursor = _cursor(lines[-1]) if more and lines else ""
    return page


def entry_url(entity_id: int, entry) -> str:
    """The ledger's own view of an entry: its page when the ledger has one, else the journal
    filtered on the entry's day and journal, scrolled to it."""
    try:
        return reverse("ledger-entry", args=[entity_id, entry.pk])
    except NoReverseMatch:
        query = urlencode(
            {
                "journal": entry.journal.code,
                "date_from": entry.date.isoformat(),
                "date_to": entry.date.isoformat(),
            }
        )
        return f"{reverse('ledger-journal', args=[entity_id])}?{query}#entry-{entry.pk}"


# --- journals ------------------------------------------------------------------------------


@dataclass
class JournalPage:
    journal: Journal
    period: Period
    entries: list = field(default_factory=list)  # Entry with .debit, .credit and prefetched lines
    next_cursor: str = ""
    debit: Decimal = ZERO  # the whole period's totals
    credit: Decimal = ZERO


def journal_page(
    entity, journal: Journal, period: Period, *, after: str = "", limit: int = 50
) -> JournalPage:
    """One page of a journal's entries in the period, in date and number order, with each entry's
    lines and totals (keyset on (date, number, id))."""
    cursor = parse_cursor(after)
    entries = Entry.objects.filter(
        entity=entity, journal=journal, date__gte=period.date_from, date__lte=period.date_to
    )
    totals = EntryLine.objects.filter(entry__in=entries).aggregate(d=Sum("debit"), c=Sum("credit"))
    page = JournalPage(
        journal, period, debit=money(totals["d"] or ZERO), credit=money(totals["c"] or ZERO)
    )
    if cursor:
        day, number, pk = cursor
        entries = entries.filter(_row_after(Entry._meta.db_table, ("date", "number", "id"), cursor))
    rows = list(
        entries.select_related("journal")
        .prefetch_related("lines__account", "lines__activity", "lines__client")
        .order_by("date", "number", "id")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    for entry in rows:
        entry.debit = entry.total_debit
        entry.credit = entry.total_credit
    page.entries = rows
    page.next_cursor = (
        f"{rows[-1].date.isoformat()}.{rows[-1].number}.{rows[-1].pk}" if more and rows else ""
    )
    return page
