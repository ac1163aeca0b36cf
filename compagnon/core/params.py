"""Query-string filters, read the same way on every page and every API endpoint.

The rule (docs: "Bad query parameters"):

* A parameter that is absent or empty (``?activity=``, what an HTML form sends for "all") means
  "no filter": the default is used.
* A parameter whose value is malformed — not a number, a number outside what the database can
  store or outside the allowed range, a value that is not one of the listed choices, an impossible
  date, text with control characters or longer than allowed — is refused with **400** and a
  translated message naming the parameter and the rule. The API answers in its error envelope
  (``code: "invalid_parameter"``, ``fields: {"activity": ["…"]}``); pages answer a 400 page with the
  same message (``BadParameterMiddleware``).
* A well-formed value that matches nothing (the id of an activity you cannot see, a client of
  another activity) is not an error: the list is simply empty, so nobody learns whether the object
  exists. A page number past the last page shows the last page (pages) or answers 404 (API, as DRF
  does).

Every view, API view and selector reads its filters through these functions; never ``int(...)`` a
query parameter by hand. ``source`` is a request (Django or DRF) or a ``QueryDict``.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

# Django's integer fields are 64-bit at most (BigAutoField ids, BigIntegerField): anything larger
# would overflow the column type on PostgreSQL and SQLite alike.
BIGINT_MAX = 2**63 - 1
BIGINT_MIN = -(2**63)
TEXT_MAX_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # NUL breaks PostgreSQL text
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(\d+)(?:\.(\d*))?", re.ASCII)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class BadParameter(ValidationError):
    """A malformed query parameter: 400 on pages and in the API, naming the parameter."""

    def __init__(self, name: str, message: str):
        super().__init__({name: [message]}, code="invalid_parameter")
        self.parameter = name
        self.text = message


def _querydict(source):
    if hasattr(source, "query_params"):  # DRF request
        return source.query_params
    if hasattr(source, "GET"):  # Django request
        return source.GET
    return source


def raw_param(source, name: str) -> str:
    """The stripped text of a parameter ("" when absent)."""
    value = _querydict(source).get(name)
    return "" if value is None else str(value).strip()


def int_param(
    source,
    name: str,
    *,
    default: int | None = None,
    min_value: int = BIGINT_MIN,
    max_value: int = BIGINT_MAX,
) -> int | None:
    """A whole number within ``[min_value, max_value]`` (the database's range by default)."""
    value = raw_param(source, name)
    if not value:
        return default
    number = int(value) if _INTEGER.fullmatch(value) and len(value) <= 25 else None
    if number is None or not min_value <= number <= max_value:
        if min_value == 1 and max_value == BIGINT_MAX:
            message = _("The parameter “%(name)s” must be an identifier: a whole number from 1 to %(max)s.")
        else:
            message = _("The parameter “%(name)s” must be a whole number from %(min)s to %(max)s.")
        raise BadParameter(name, message % {"name": name, "min": min_value, "max": max_value})
    return number


def id_param(source, name: str) -> int | None:
    """The id of an object (a positive number the database can store); None when absent."""
    return int_param(source, name, min_value=1, max_value=BIGINT_MAX)


def page_param(source, name: str = "page") -> int:
    """A page number from 1 (1 when absent)."""
    return int_param(source, name, default=1, min_value=1, max_value=BIGINT_MAX)


def choice_param(source, name: str, choices: Iterable, *, default: str = "") -> str:
    """One of ``choices`` (values, or (value, label) pairs); ``default`` when absent."""
    allowed = [c[0] if isinstance(c, list | tuple) else c for c in choices]
    allowed = [str(c) for c in allowed]
    value = raw_param(source, name)
    if not value:
        return default
    if value not in allowed:
        raise BadParameter(
            name,
            _("The parameter “%(name)s” must be one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(a for a in allowed if a)},
        )
    return value


def bool_param(source, name: str, *, default: bool = False) -> bool:
    """1/0, true/false, yes/no, on/off."""
    value = raw_param(source, name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadParameter(
        name, _("The parameter “%(name)s” must be 1 (yes) or 0 (no).") % {"name": name}
    )


def date_param(source, name: str, *, default: datetime.date | None = None) -> datetime.date | None:
    """A calendar date written YYYY-MM-DD."""
    value = raw_param(source, name)
    if not value:
        return default
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(
            name,
            _("The parameter “%(name)s” must be a date written YYYY-MM-DD, for example 2026-03-31.")
            % {"name": name},
        ) from None


def decimal_param(
    source, name: str, *, default: Decimal | None = None, max_digits: int = 14, decimal_places: int = 2
) -> Decimal | None:
    """An amount such as 120.50 (no more than ``max_digits`` digits, ``decimal_places`` decimals)."""
    value = raw_param(source, name)
    if not value:
        return default
    try:
        match = _DECIMAL.fullmatch(value)
        if match is None:
            raise InvalidOperation
        whole, fraction = match.group(1).lstrip("0"), match.group(2) or ""
        if len(fraction) > decimal_places or len(whole) > max_digits - decimal_places:
            raise InvalidOperation
        amount = Decimal(value)
    except InvalidOperation:
        raise BadParameter(
            name,
            _("The parameter “%(name)s” must be an amount such as 120.50 (at most %(places)s decimals).")
            % {"name": name, "places": decimal_places},
        ) from None
    return amount


def text_param(source, name: str, *, default: str = "", max_length: int = TEXT_MAX_LENGTH) -> str:
    """Free text (a search): stripped, at most ``max_length`` characters, no control characters."""
    value = raw_param(source, name)
    if not value:
        return default
    if len(value) > max_length or _CONTROL.search(value):
        raise BadParameter(
            name,
            _("The parameter “%(name)s” must be text of at most %(max)s characters, without control characters.")
            % {"name": name, "max": max_length},
        )
    return value


def paginate(source, queryset, per_page: int, *, name: str = "page"):
    """The requested page of ``queryset`` for an HTML list (past the end: the last page)."""
    return Paginator(queryset, per_page).get_page(page_param(source, name))


@dataclass
class LitePage:
    """A page of a list read without counting it: ``per_page + 1`` rows say whether another page
    follows, without counting the list (tens of thousands of rows: counting them would be most of
    the page's cost). In a template: ``has_previous``, ``has_next``, the page numbers."""

    number: int
    object_list: list
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def lite_page(queryset, number: int, per_page: int) -> LitePage:
    start = (number - 1) * per_page
    rows = list(queryset[start:start + per_page + 1])
    if not rows and number > 1:  # past the end: the first page rather than nothing
        return lite_page(queryset, 1, per_page)
    return LitePage(number, rows[:per_page], len(rows) > per_page)


class BadParameterMiddleware:
    """Pages: a ``BadParameter`` raised by a view becomes a 400 page naming the parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BadParameter):
            return None
        return render(
            request,
            "core/bad_parameter.html",
            {"parameter": exception.parameter, "message": exception.text},
            status=400,
        )
