"""Reading a bank's CSV export with the account's saved column mapping (:class:`CsvMapping`).

The mapping names the columns (as written in the header row), the delimiter, the encoding, how
many rows come before the header, the date format and whether amounts use a decimal comma. The
amount is one signed column, or a credit and a debit column. Every value is checked; the first
one that cannot be read stops the reading with its line number (as a text editor counts them,
the header included) and its column.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import CsvMapping, StatementFormat
from .reading import (
    CENT,
    ReadLine,
    ReadStatement,
    StatementError,
    compact_iban,
    fit,
    reference_in_text,
)

# Mapping fields naming a column, in the order a file is described.
COLUMN_FIELDS = (
    "booking_date",
    "value_date",
    "amount",
    "credit",
    "debit",
    "counterparty_name",
    "counterparty_iban",
    "remittance",
    "bank_reference",
)
_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_POINT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_FORMAT_WORDS = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%H": "hh", "%M": "mm"}


def human_format(date_format: str) -> str:
    """``%d/%m/%Y`` → ``DD/MM/YYYY``: how the format is shown in messages."""
    return re.sub(r"%[dmYyHM]", lambda m: _FORMAT_WORDS[m.group(0)], date_format)


def decode(data: bytes, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise StatementError(
            _(
                "The encoding “%(encoding)s” of the CSV mapping is unknown (try utf-8 or "
                "windows-1252)."
            )
            % {"encoding": encoding}
        ) from None
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StatementError(
            _(
                "Line %(line)s cannot be read as %(encoding)s text. Check the encoding in the CSV "
                "mapping (banks often use windows-1252 or utf-8)."
            )
            % {"line": line, "encoding": encoding.replace("-sig", "")},
            line=line,
        ) from None
    if "\x00" in text:
        raise StatementError(_("This is not a text file: export the statement as CSV."))
    return text


def parse_amount(raw: str, *, decimal_comma: bool) -> Decimal:
    """Parse an amount as a bank writes it: thousands separators, a sign before or after,
    parentheses for a negative, a currency sign. Raises ValueError."""
    text = re.sub(r"[\s\u00a0\u202f€]|EUR", "", raw.strip(), flags=re.IGNORECASE)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("-"):
        negative, text = True, text[:-1]
    elif text.endswith("+"):
        text = text[:-1]
    pattern = _COMMA if decimal_comma else _POINT
    if not pattern.match(text):
        raise ValueError(raw)
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    if value.quantize(CENT) != value:
        raise ValueError(raw)
    return -value.quantize(CENT) if negative else value.quantize(CENT)


class _Row:
    def __init__(self, mapping: CsvMapping, index: dict[str, int], row: list[str], line: int):
        self.mapping, self.index, self.row, self.line = mapping, index, row, line

    def cell(self, field: str) -> str:
        i = self.index.get(field)
        return self.row[i].strip() if i is not None and i < len(self.row) else ""

    def error(self, field: str, problem: str) -> StatementError:
        column = getattr(self.mapping, field)
        return StatementError(
            _("Line %(line)s, column “%(column)s”: %(problem)s")
            % {"line": self.line, "column": column, "problem": problem},
            line=self.line,
            place=column,
        )

    def date(self, field: str, *, required: bool) -> datetime.date | None:
        raw = self.cell(field)
        if not raw:
            if required:
                raise self.error(field, _("the date is empty."))
            return None
        try:
            return datetime.datetime.strptime(raw, self.mapping.date_format).date()
        except ValueError:
            raise self.error(
                field,
                _("“%(value)s” is not a date in the format %(format)s (for example %(example)s).")
                % {
                    "value": raw,
                    "format": human_format(self.mapping.date_format),
                    "example": datetime.date(2026, 3, 31).strftime(self.mapping.date_format),
                },
            ) from None

    def amount(self, field: str, *, required: bool) -> Decimal:
        raw = self.cell(field)
        if not raw:
            if required:
                raise self.error(field, _("the amount is empty."))
            return Decimal("0.00")
        try:
            return parse_amount(raw, decimal_comma=self.mapping.decimal_comma)
        except ValueError:
            rule = (
                _("with a decimal comma, e.g. -1.234,56")
                if self.mapping.decimal_comma
                else _("with a decimal point, e.g. -1,234.56")
            )
            raise self.error(
                field,
                _("“%(value)s” is not an amount written %(rule)s, at most two decimals.")
                % {"value": raw, "rule": rule},
            ) from None


def _header_index(mapping: CsvMapping, header: list[str], line: int) -> dict[str, int]:
    names = [h.strip().lstrip("\ufeff").strip() for h in header]
    loose = {re.sub(r"\s+", " ", n).casefold(): i for i, n in enumerate(names)}
    index = {}
    for field in COLUMN_FIELDS:
        column = (getattr(mapping, field) or "").strip()
        if not column:
            continue
        if column in names:
            index[field] = names.index(column)
            continue
        found = loose.get(re.sub(r"\s+", " ", column).casefold())
        if found is None:
            raise StatementError(
                _(
                    "Line %(line)s (the header): there is no column “%(column)s”, which the CSV "
                    "mapping gives for the %(what)s. The file's columns are: %(columns)s."
                )
                % {
                    "line": line,
                    "column": column,
                    "what": mapping._meta.get_field(field).verbose_name,
                    "columns": ", ".join(f"“{n}”" for n in names if n) or "—",
                },
                line=line,
                place=column,
            )
        index[field] = found
    return index


def check_mapping(mapping: CsvMapping) -> None:
    if not (mapping.booking_date or "").strip():
        raise StatementError(_("The CSV mapping does not say which column holds the booking date."))
    if not (mapping.amount or mapping.credit or mapping.debit):
        raise StatementError(
            _(
                "The CSV mapping names no amount column: give the amount column, or the credit "
                "and debit columns."
            )
        )


def read(
    data: bytes, mapping: CsvMapping, *, currency: str = "EUR", limit: int | None = None
) -> ReadStatement:
    """Read the file's transactions (the first ``limit`` only, for a preview)."""
    check_mapping(mapping)
    text = decode(data, mapping.encoding or "utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter or ";")
    out = ReadStatement(format=StatementFormat.CSV, currency=currency)
    try:
        for _skipped in range(mapping.skip_rows):
            next(reader)
        header = next(reader)
        while not any(c.strip() for c in header):  # blank lines before the header
            header = next(reader)
    except StopIteration:
        raise StatementError(
            _("The file ends before its header row (the CSV mapping skips %(n)s rows first).")
            % {"n": mapping.skip_rows},
            line=reader.line_num or 1,
        ) from None
    except csv.Error as exc:
        raise StatementError(
            _("Line %(line)s cannot be read as CSV: %(error)s.")
            % {"line": reader.line_num, "error": exc},
            line=reader.line_num,
        ) from None
    out.header = [h.strip().lstrip("\ufeff") for h in header]
    index = _header_index(mapping, header, reader.line_num)
    split = not mapping.amount
    while limit is None or len(out.lines) < limit:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise StatementError(
                _("Line %(line)s cannot be read as CSV: %(error)s.")
                % {"line": reader.line_num, "error": exc},
                line=reader.line_num,
            ) from None
        if not any(c.strip() for c in row):
            continue
        r = _Row(mapping, index, row, reader.line_num)
        if split:
            credit = r.amount("credit", required=False) if mapping.credit else Decimal("0.00")
            debit = r.amount("debit", required=False) if mapping.debit else Decimal("0.00")
            if not r.cell("credit") and not r.cell("debit"):
                raise r.error(
                    "credit" if mapping.credit else "debit",
                    _("neither the credit nor the debit column gives an amount."),
                )
            amount = abs(credit) - abs(debit)
        else:
            amount = r.amount("amount", required=True)
        remittance = fit(r.cell("remittance"), 2000)
        out.lines.append(
            ReadLine(
                booking_date=r.date("booking_date", required=True),
                value_date=r.date("value_date", required=False) if mapping.value_date else None,
                amount=amount,
                currency=currency,
                counterparty_name=fit(r.cell("counterparty_name"), 200),
                counterparty_iban=fit(compact_iban(r.cell("counterparty_iban")), 34),
                remittance=remittance,
                structured_reference=reference_in_text(remittance),
                bank_reference=fit(r.cell("bank_reference"), 100),
                line=r.line,
            )
        )
    dates = [line.booking_date for line in out.lines]
    out.period_start, out.period_end = min(dates, default=None), max(dates, default=None)
    return out


def sample_columns(data: bytes, mapping: CsvMapping) -> list[str]:
    """The column names of a sample file read with the mapping's delimiter, encoding and rows to
    skip (to help fill in the mapping); [] when even that cannot be read."""
    try:
        text = decode(data, mapping.encoding or "utf-8")
    except StatementError:
        return []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter or ";")
    try:
        for _skipped in range(mapping.skip_rows or 0):
            next(reader)
        header = next(reader)
        while not any(c.strip() for c in header):
            header = next(reader)
    except (StopIteration, csv.Error):
        return []
    return [h.strip().lstrip("\ufeff").strip() for h in header if h.strip()]
