"""The budget in plain words: each line with its amount and one sentence a member understands."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .models import ReserveRule


@dataclass
class Line:
    key: str
    label: str
    amount: Decimal  # signed: what it adds to (+) or takes from (−) the available amount
    text: str
    shown: str = ""  # the signed amount in the reader's format ("+1 234,50", "-80,00")


def _number(amount: Decimal) -> str:
    return amount_formatter()(amount)


def amount_formatter():
    """A function printing an amount (a Decimal of cents) as ``number_format(…, decimal_pos=2,
    force_grouping=True)`` does in the active language, looking the language's separators up
    once: number_format looks them up at every call (~0.1 ms), 250 times on a home page with 50
    activities."""
    from django.utils.formats import get_format

    decimal, thousands = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    if get_format("NUMBER_GROUPING") != 3:
        return lambda amount: number_format(amount, decimal_pos=2, force_grouping=True)
    swap = str.maketrans({",": thousands, ".": decimal})

    def fmt(amount) -> str:
        if not isinstance(amount, Decimal):
            amount = Decimal(str(amount))
        return format(amount.quantize(CENT), ",.2f").translate(swap)

    return fmt


CENT = Decimal("0.01")


def _plain(value: Decimal) -> str:
    """20 → "20", 5.50 → "5,5" (in French): no useless zeros."""
    places = next((p for p in (0, 1) if value * 10**p == (value * 10**p).to_integral()), 2)
    return number_format(value, decimal_pos=places, force_grouping=True)


def _pct(rate: Decimal) -> str:
    return _plain(rate) + "\u00a0%"


def period_text(b) -> str:
    end = date_format(b.date_to, "SHORT_DATE_FORMAT")
    if b.date_from is None:
        return _("since the start, up to %(end)s") % {"end": end}
    return _("from %(start)s to %(end)s") % {
        "start": date_format(b.date_from, "SHORT_DATE_FORMAT"),
        "end": end,
    }


def lines(b, period: str | None = None, fmt=None) -> list[Line]:
    """``period``: :func:`period_text` of ``b`` when the caller already has it (many budgets of
    the same period on the home page); ``fmt``: an :func:`amount_formatter`."""
    fmt = fmt or amount_formatter()
    out = _lines(b, period, fmt)
    for line in out:
        line.shown = ("+" if line.amount > 0 else "") + fmt(line.amount)
    return out


def _lines(b, period, fmt) -> list[Line]:
    def _eur(amount: Decimal) -> str:
        return fmt(amount) + "\u00a0€"

    rates = ", ".join(_pct(r) for r in b.rates) or _pct(b.activity.effective_contribution_rate)
    out = [
        Line(
            "cashed",
            _("Cashed revenue"),
            b.cashed,
            _("What your clients paid %(period)s, without VAT (%(ttc)s with VAT).")
            % {"period": period or period_text(b), "ttc": _eur(b.cashed_incl_vat)},
        ),
        Line(
            "contribution",
            _("Cooperative contribution"),
            -b.contribution,
            _("%(rates)s of what was cashed: it pays for the cooperative's services.")
            % {"rates": rates},
        ),
        Line(
            "costs",
            _("Expenses and purchases"),
            -b.costs,
            _("Supplier invoices, expense claims and other costs booked on the activity."),
        ),
        Line(
            "salaries",
            _("Salaries"),
            -b.salaries,
            _("Salaries already booked, at their full cost: gross pay and employer contributions."),
        ),
    ]
    if b.prefinancing:
        out.append(
            Line(
                "prefinancing",
                _("Prefinancing to pay back"),
                -b.prefinancing,
                _("Salary the cooperative paid you before your clients paid."),
            )
        )
    if b.movements:
        out.append(
            Line(
                "movements",
                _("Movements between activities"),
                b.movements,
                _("Money received from your other activities, less what you sent to them."),
            )
        )
    if b.reserve:
        if b.reserve_rule == ReserveRule.SALARY_MONTHS:
            text = _(
                "The cooperative keeps %(months)s months of your average salary cost (%(average)s a month "
                "over the last 3 months) for what may come."
            ) % {"months": _plain(b.reserve_months), "average": _eur(b.salary_average)}
        else:
            text = _("A fixed amount the cooperative keeps in every activity for what may come.")
        out.append(Line("reserve", _("Reserve"), -b.reserve, text))
    return out


BREAKDOWNS_UP_TO = 3  # budgets shown with their breakdown on one page; more: compact_html

_PK = 2147483647  # stands for the pk in a reversed URL


def _urls(name: str, pks) -> dict[int, str]:
    """``reverse(name, args=[pk])`` for many pks with one reverse (50 activities on a home page)."""
    pattern = reverse(name, args=[_PK])
    return {pk: pattern.replace(str(_PK), str(pk)) for pk in pks}


def figures(budgets, *, with_lines: bool = True) -> list[dict]:
    """What ``budget/_figure.html`` shows for each budget: its lines in words (unless
    ``with_lines`` is false: the compact list of :func:`compact_html` shows only the amount), the
    available amount formatted once, and its links."""
    fmt = amount_formatter()
    pks = [b.activity.pk for b in budgets]
    budget_urls, accounts_urls = _urls("activity-budget", pks), _urls("activity-accounts", pks)
    periods: dict[tuple, str] = {}
    out = []
    for b in budgets:
        key = (b.date_from, b.date_to)
        if key not in periods:
            periods[key] = period_text(b)
        out.append(
            {
                "budget": b,
                "lines": lines(b, periods[key], fmt) if with_lines else [],
                "available": fmt(b.available),
                "budget_url": budget_urls[b.activity.pk],
                "accounts_url": accounts_urls[b.activity.pk],
            }
        )
    return out


def figures_html(items, *, show_name=False, open=False, page=False) -> str:
    """``budget/_figure.html``'s body for :func:`figures`' items, built here rather than by the
    template engine: the member's home shows one per activity (50 × 8 lines cost ~20 ms of
    template rendering; this costs a tenth). Every value is escaped by ``format_html``."""
    available_label = _("Available to pay myself:")
    total_label = _("Available to pay myself")
    budget_label = _("Budget and movements")
    books_label = _("See the lines in the books")
    out = []
    for item in items:
        b = item["budget"]
        name = format_html('<span class="muted">{}</span> ', b.activity.name) if show_name else ""
        rows = format_html_join(
            "",
            '<li><span>{}</span><span class="amount">{}\u00a0€</span><p class="why">{}</p></li>',
            ((line.label, line.shown, line.text) for line in item["lines"]),
        )
        budget_link = (
            ""
            if page
            else format_html(
                '<a class="button secondary" href="{}">{}</a> ', item["budget_url"], budget_label
            )
        )
        out.append(
            format_html(
                '<details class="budget-figure"{}>\n  <summary>{}<span>{} <span class="available{}">'
                "{}\u00a0€</span></span></summary>\n"
                '  <ul class="budget-lines">\n    {}<li class="total"><span>{}</span>'
                '<span class="amount">{}\u00a0€</span></li>\n  </ul>\n'
                '  <p class="actions">{}<a class="button secondary" href="{}">{}</a></p>\n'
                "</details>",
                mark_safe(" open") if open else "",  # noqa: S308 - a constant
                name,
                available_label,
                " negative" if b.available < 0 else "",
                item["available"],
                rows,
                total_label,
                item["available"],
                budget_link,
                item["accounts_url"],
                books_label,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 - each part went through format_html


def compact_html(items) -> str:
    """Many activities (the home of a member with more than :data:`BREAKDOWNS_UP_TO`): one row
    per activity, its name and what is available, each a link to the activity's budget page
    where the breakdown is explained. Fifty folded breakdowns would be a long page on a phone
    (about 60 KB) and cost a third of the home page's time (decision 0038)."""
    rows = format_html_join(
        "",
        '<li><a href="{}"><span>{}</span><span class="available{}">{}\u00a0€</span></a></li>',
        (
            (item["budget_url"], item["budget"].activity.name,
             " negative" if item["budget"].available < 0 else "", item["available"])
            for item in items
        ),
    )
    return format_html(
        '<div class="budget-compact">\n  <p class="budget-compact-title">{}</p>\n'
        '  <ul class="budget-rows">{}</ul>\n  <p class="muted">{}</p>\n</div>',
        _("Available to pay myself, per activity"),
        rows,
        _("Tap an activity to see how its amount is worked out."),
    )
