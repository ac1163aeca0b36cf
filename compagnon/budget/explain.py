"""The budget in plain words: each line with its amount and one sentence a member understands."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .models import ReserveRule


@dataclass
class Line:
    key: str
    label: str
    amount: Decimal  # signed: what it adds to (+) or takes from (−) the available amount
    text: str


def _eur(amount: Decimal) -> str:
    return number_format(amount, decimal_pos=2, force_grouping=True) + "\u00a0€"


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


def lines(b) -> list[Line]:
    rates = ", ".join(_pct(r) for r in b.rates) or _pct(b.activity.effective_contribution_rate)
    out = [
        Line(
            "cashed",
            _("Cashed revenue"),
            b.cashed,
            _("What your clients paid %(period)s, without VAT (%(ttc)s with VAT).")
            % {"period": period_text(b), "ttc": _eur(b.cashed_incl_vat)},
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
