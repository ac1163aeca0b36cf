"""Durations as people type them on a phone: "1h30", "90", "2h", "45min", "1:15", "1,5h".

Stored as whole minutes (1 to 1440). A bare number is minutes; a number with a decimal part and no
unit ("1.5", "1,5") is hours, since nobody works 1.5 minutes.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_MINUTES = 24 * 60

_HOURS_MINUTES = re.compile(
    r"^(?P<h>\d{1,2})\s*(?:h|hr|hrs|hour|hours|u|uur|:)\s*(?:(?P<m>\d{1,2})\s*(?:m|min|mins|minutes?)?)?$"
)
_HOURS_DECIMAL = re.compile(r"^(?P<h>\d{1,2}(?:[.,]\d{1,2})?)\s*(?:h|hr|hrs|hours?|u|uur)$")
_MINUTES = re.compile(r"^(?P<m>\d{1,4})\s*(?:m|min|mins|minutes?)?$")
_DECIMAL = re.compile(r"^(?P<h>\d{1,2}[.,]\d{1,2})$")


def parse_duration(text: str | int | None) -> int | None:
    """Minutes for ``text``, or None when it is not a duration we understand.

    Range checks (more than 0, at most 24 hours) are the caller's: the message names the rule.
    """
    if text is None:
        return None
    if isinstance(text, int):
        return text
    value = str(text).strip().lower().replace(" ", "")
    if not value:
        return None
    if m := _HOURS_MINUTES.match(value):
        minutes = int(m["m"] or 0)
        if minutes >= 60:
            return None
        return int(m["h"]) * 60 + minutes
    if m := (_HOURS_DECIMAL.match(value) or _DECIMAL.match(value)):
        try:
            hours = Decimal(m["h"].replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            return None
        return int((hours * 60).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if m := _MINUTES.match(value):
        return int(m["m"])
    return None


def format_minutes(minutes: int | None) -> str:
    """90 → "1h30", 120 → "2h", 45 → "0h45" (the way it is typed back)."""
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


def hours(minutes: int) -> Decimal:
    """Minutes as decimal hours with two places (what a statement line shows): 20 → 0.33."""
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
