"""Every report as plain tables — title, column headers, rows, footer — for the CSV and PDF
exports (the pages have their own templates). Rows are generators: the general ledger and the
journals are read page by page (keyset), so an export of millions of lines streams in constant
memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from compagnon.ledger.models import Account, Journal

from . import books
from .aged import BUCKETS, AgedBalance
from .periods import Period
from .statements import IncomeStatement
from .vat import VatReport

CHUNK = 2000


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: Iterable[list]
    foot: list = field(default_factory=list)
    numeric_from: int = 0  # index of the first numeric column (right-aligned in the PDF)


def trial_balance_tables(tb: books.TrialBalance) -> list[Table]:
    rows = (
        [r.account.code, r.account.label, r.opening, r.debit, r.credit, r.closing] for r in tb.rows
    )
    return [
        Table(
            _("Trial balance"),
            [
                _("Account"),
                _("Name"),
                _("Opening balance"),
                _("Debit"),
                _("Credit"),
                _("Closing balance"),
            ],
            rows,
            ["", _("Total"), tb.opening, tb.debit, tb.credit, tb.closing],
            numeric_from=2,
        )
    ]


def _ledger_rows(entity, account: Account, period: Period, activity) -> Iterator[list]:
    after = ""
    while True:
        page = books.general_ledger(
            entity, account, period, activity=activity, after=after, limit=CHUNK
        )
        for line in page.lines:
            yield [
                line.date,
                line.entry.reference,
                line.entry.label,
                line.label,
                line.activity.name if line.activity_id else "",
                line.client.name if line.client_id else "",
                line.debit or "",
                line.credit or "",
                line.balance,
            ]
        if not page.next_cursor:
            return
        after = page.next_cursor


def general_ledger_tables(entity, account: Account, period: Period, activity) -> list[Table]:
    first = books.general_ledger(entity, account, period, activity=activity, limit=1)
    headers = [
        _("Date"),
        _("Entry"),
        _("Entry label"),
        _("Line label"),
        _("Activity"),
        _("Client"),
        _("Debit"),
        _("Credit"),
        _("Balance"),
    ]

    def rows():
        yield ["", "", _("Opening balance"), "", "", "", "", "", first.opening]
        yield from _ledger_rows(entity, account, period, activity)

    return [
        Table(
            f"{account.code} {account.label}",
            headers,
            rows(),
            [
                "",
                "",
                _("Total"),
                "",
                "",
                "",
                first.period_debit,
                first.period_credit,
                first.closing,
            ],
            numeric_from=6,
        )
    ]


def _journal_rows(entity, journal: Journal, period: Period) -> Iterator[list]:
    after = ""
    while True:
        page = books.journal_page(entity, journal, period, after=after, limit=CHUNK // 4)
        for entry in page.entries:
            for line in entry.lines.all():
                yield [
                    entry.date,
                    entry.reference,
                    entry.label,
                    line.account.code,
                    line.label,
                    line.activity.name if line.activity_id else "",
                    line.debit or "",
                    line.credit or "",
                ]
            yield ["", entry.reference, _("Entry total"), "", "", "", entry.debit, entry.credit]
        if not page.next_cursor:
            return
        after = page.next_cursor


def journal_tables(entity, journal: Journal, period: Period) -> list[Table]:
    totals = books.journal_page(entity, journal, period, limit=0)
    return [
        Table(
            f"{journal.code} {journal.label}",
            [
                _("Date"),
                _("Entry"),
                _("Entry label"),
                _("Account"),
                _("Line label"),
                _("Activity"),
                _("Debit"),
                _("Credit"),
            ],
            _journal_rows(entity, journal, period),
            ["", "", _("Total"), "", "", "", totals.debit, totals.credit],
            numeric_from=6,
        )
    ]


def aged_tables(aged: AgedBalance, title: str) -> list[Table]:
    return [
        Table(
            title,
            [_("Name"), *[str(label) for _k, label in BUCKETS], _("Total")],
            ([r.name, *r.cells(), r.total] for r in aged.rows),
            [_("Total"), *aged.totals, aged.total],
            numeric_from=1,
        )
    ]


def vat_tables(report: VatReport) -> list[Table]:
    return [
        Table(
            _("VAT collected"),
            [_("Account"), _("Name"), _("Rate"), _("VAT")],
            (
                [r.account.code, r.account.label, r.rate if r.rate is not None else "", r.amount]
                for r in report.collected
            ),
            ["", _("Total"), "", report.collected_total],
            numeric_from=2,
        ),
        Table(
            _("Sales by VAT category and rate"),
            [_("Category"), _("Rate"), _("Taxable amount"), _("VAT")],
            ([b.category_label, b.rate, b.base, b.vat] for b in report.bases),
            [_("Total"), "", report.base_total, sum((b.vat for b in report.bases), 0)],
            numeric_from=1,
        ),
        Table(
            _("Deductible VAT"),
            [_("Account"), _("Name"), _("Rate"), _("VAT")],
            ([r.account.code, r.account.label, "", r.amount] for r in report.deductible),
            ["", _("Net VAT due (negative: a credit)"), "", report.net],
            numeric_from=2,
        ),
    ]


def statement_tables(statement: IncomeStatement, title: str) -> list[Table]:
    def rows():
        yield [_("Revenue"), "", ""]
        for line in statement.revenue:
            yield ["", f"{line.account.code} {line.account.label}", line.amount]
        yield ["", _("Total revenue"), statement.revenue_total]
        if statement.other_income:
            yield [_("Other income"), "", ""]
            for line in statement.other_income:
                yield ["", f"{line.account.code} {line.account.label}", line.amount]
        for group in statement.cost_groups:
            yield [f"{group.code} {group.label}", "", ""]
            for line in group.lines:
                yield ["", f"{line.account.code} {line.account.label}", line.amount]
            yield ["", _("Total"), group.total]
        yield ["", _("Total costs"), statement.costs_total]

    return [
        Table(
            title,
            [_("Group"), _("Account"), _("Amount")],
            rows(),
            ["", _("Result"), statement.result],
            numeric_from=2,
        )
    ]


def transparency_tables(data: dict) -> list[Table]:
    headers = [
        _("Group"),
        _("Activities"),
        _("Revenue"),
        _("Contributions"),
        _("Salaries"),
        _("Other costs"),
        _("Result"),
    ]

    def rows(groups):
        return (
            [g.label, g.activities, g.revenue, g.contributions, g.salaries, g.costs, g.result]
            for g in groups
        )

    total = data["activities"]
    foot = [
        total.label,
        total.activities,
        total.revenue,
        total.contributions,
        total.salaries,
        total.costs,
        total.result,
    ]
    return [
        Table(_("By trade"), headers, rows(data["by_trade"]), foot, numeric_from=1),
        Table(_("By office"), headers, rows(data["by_office"]), foot, numeric_from=1),
    ]
