"""The period a report covers, read from the query string the same way on pages, exports and API.

``?period=year&year=2026`` (the default: this year), ``?period=quarter&year=2026&quarter=2``,
``?period=month&year=2026&month=3``, ``?period=custom&from=2026-01-15&to=2026-02-10``.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from compagnon.core.params import BadParameter, choice_param, date_param, int_param

KINDS = ("year", "quarter", "month", "custom")
MAX_DAYS = 366 * 10


@dataclass(frozen=True)
class Period:
    kind: str
    date_from: datetime.date
    date_to: datetime.date
    year: int
    quarter: int | None = None
    month: int | None = None

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.year)
        if self.kind == "quarter":
            return _("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year}
        if self.kind == "month":
            return date_format(self.date_from, "YEAR_MONTH_FORMAT")
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.date_from, "SHORT_DATE_FORMAT"),
            "end": date_format(self.date_to, "SHORT_DATE_FORMAT"),
        }

    def query(self) -> dict:
        """The query-string parameters that give this period back."""
        if self.kind == "custom":
            return {
                "period": "custom",
                "from": self.date_from.isoformat(),
                "to": self.date_to.isoformat(),
            }
        q = {"period": self.kind, "year": self.year}
        if self.quarter:
            q["quarter"] = self.quarter
        if self.month:
            q["month"] = self.month
        return q

    @property
    def slug(self) -> str:
        return f"{self.date_from:%Y%m%d}-{self.date_to:%Y%m%d}"


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def year_period(year: int) -> Period:
    return Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31), year)


def period_param(source, *, today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    kind = choice_param(source, "period", KINDS, default="year")
    year = int_param(source, "year", default=today.year, min_value=1900, max_value=9998)
    if kind == "year":
        return year_period(year)
    if kind == "quarter":
        quarter = int_param(
            source, "quarter", default=(today.month - 1) // 3 + 1, min_value=1, max_value=4
        )
        start = datetime.date(year, 3 * quarter - 2, 1)
        return Period("quarter", start, month_end(year, 3 * quarter), year, quarter=quarter)
    if kind == "month":
        month = int_param(source, "month", default=today.month, min_value=1, max_value=12)
        return Period(
            "month", datetime.date(year, month, 1), month_end(year, month), year, month=month
        )
    date_from = date_param(source, "from", default=datetime.date(today.year, 1, 1))
    date_to = date_param(source, "to", default=today)
    if date_to < date_from:
        raise BadParameter("to", _("The end of the period must not be before its start."))
    if (date_to - date_from).days > MAX_DAYS:
        raise BadParameter("to", _("A custom period may cover ten years at most."))
    return Period("custom", date_from, date_to, date_from.year)


def month_span(date_from: datetime.date, date_to: datetime.date):
    """Split [date_from, date_to] into (head, whole months, tail): head and tail are (from, to)
    date ranges inside partial months, or None; whole months are ((y1, m1), (y2, m2)) inclusive,
    or None. Reports read month totals for the whole months and lines only for the rest."""
    if date_from > date_to:
        return None, None, None
    first = date_from if date_from.day == 1 else _next_month(date_from)
    last_end = (
        date_to
        if date_to == month_end(date_to.year, date_to.month)
        else date_to.replace(day=1) - datetime.timedelta(days=1)
    )
    if first > last_end:  # no whole month inside
        return (date_from, date_to), None, None
    head = (date_from, first - datetime.timedelta(days=1)) if date_from < first else None
    tail = (last_end + datetime.timedelta(days=1), date_to) if last_end < date_to else None
    return head, ((first.year, first.month), (last_end.year, last_end.month)), tail


def _next_month(d: datetime.date) -> datetime.date:
    return datetime.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
