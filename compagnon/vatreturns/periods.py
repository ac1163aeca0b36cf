"""The periods a VAT return covers, written as keys in URLs and in the API:

"2026-03"   a month            (CA3 monthly, Belgian monthly return)
"2026-Q1"   a quarter          (CA3 quarterly, Belgian quarterly return)
"2026"      a calendar year    (CA12, Belgian annual client listing)
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    key: str
    start: datetime.date
    end: datetime.date
    kind: str  # "month", "quarter", "year"

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def month(self) -> int | None:
        return self.start.month if self.kind == "month" else None

    @property
    def quarter(self) -> int | None:
        return (self.start.month - 1) // 3 + 1 if self.kind == "quarter" else None

    @property
    def label(self) -> str:
        if self.kind == "month":
            return date_format(self.start, "F Y")
        if self.kind == "quarter":
            return _("Quarter %(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year}
        return str(self.year)

    def previous(self) -> Period:
        return containing(self.start - datetime.timedelta(days=1), self.kind)


def parse(key: str) -> Period:
    """The period of ``key``; ValueError when it is not one."""
    m = _KEY.match(key or "")
    if not m:
        raise ValueError(f"Not a period: {key!r}")
    year = int(m["year"])
    if m["month"]:
        month = int(m["month"])
        last = calendar.monthrange(year, month)[1]
        return Period(key, datetime.date(year, month, 1), datetime.date(year, month, last), "month")
    if m["quarter"]:
        q = int(m["quarter"])
        first = 3 * (q - 1) + 1
        last = calendar.monthrange(year, first + 2)[1]
        return Period(
            key, datetime.date(year, first, 1), datetime.date(year, first + 2, last), "quarter"
        )
    return Period(key, datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year")


def containing(day: datetime.date, kind: str) -> Period:
    if kind == "month":
        return parse(f"{day.year}-{day.month:02d}")
    if kind == "quarter":
        return parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    return parse(str(day.year))


def recent(today: datetime.date, kind: str, count: int) -> list[Period]:
    """The ``count`` periods of ``kind`` ending with the one before ``today``'s, newest first."""
    out, period = [], containing(today, kind).previous()
    for _i in range(count):
        out.append(period)
        period = period.previous()
    return out
