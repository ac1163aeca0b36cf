"""What a statement file says, whatever its format: the shapes the readers (``camt.py``,
``csvfile.py``) return and the error they raise, plus the helpers they share.

Nothing here touches the database: a file is read completely, and every problem found, before
anything is written.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from stdnum import iso11649

from compagnon.sales import payment

CENT = Decimal("0.01")


class StatementError(Exception):
    """The file cannot be imported. ``message`` is a translated sentence naming the rule;
    ``line`` the line of the file and ``place`` the element (XML path) or the column (CSV)."""

    def __init__(self, message: str, *, line: int | None = None, place: str = ""):
        super().__init__(message)
        self.message = str(message)
        self.line = line
        self.place = place or ""

    @property
    def location(self) -> str:
        """What ``BankStatement.error_location`` keeps: "12", "12:/Document/…/Amt", ":Amount"."""
        if self.line is None and not self.place:
            return ""
        text = "" if self.line is None else str(self.line)
        return f"{text}:{self.place}" if self.place else text


@dataclass
class ReadLine:
    """One transaction as read (signed amount: money in > 0, money out < 0)."""

    booking_date: datetime.date
    amount: Decimal
    currency: str = "EUR"
    value_date: datetime.date | None = None
    counterparty_name: str = ""
    counterparty_iban: str = ""
    counterparty_bic: str = ""
    remittance: str = ""
    structured_reference: str = ""
    end_to_end_id: str = ""
    bank_reference: str = ""
    bank_code: str = ""
    # Tells apart the transactions sharing one bank reference (the parts of a batch entry).
    part: str = ""
    line: int | None = None  # where it is in the file (CSV preview, messages)


@dataclass
class ReadStatement:
    format: str  # StatementFormat value
    lines: list[ReadLine] = field(default_factory=list)
    version: str = ""  # "camt.053.001.08"
    iban: str = ""  # the account the file is about ("" when it does not say: CSV)
    iban_line: int | None = None
    iban_place: str = ""
    currency: str = ""
    statement_id: str = ""
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    skipped: int = 0  # entries not booked (pending, information only): not imported
    header: list[str] = field(default_factory=list)  # CSV: the column names found

    @property
    def last_booking_date(self) -> datetime.date | None:
        return max((line.booking_date for line in self.lines), default=None)


def compact_iban(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value or "").upper()


def fit(value: str, length: int) -> str:
    return (value or "").strip()[:length]


def normalise_reference(raw: str) -> str:
    """A structured creditor reference in the compact form the invoices carry: a Belgian
    structured communication as its 12 digits (``+++261/0000/04290+++`` → ``261000004290``), an
    ISO 11649 reference without spaces (``RF77 2026 0000 007`` → ``RF7720260000007``). Anything
    else is kept as written (trimmed)."""
    raw = (raw or "").strip()
    compact = re.sub(r"[\s+*/.\-]", "", raw).upper()
    if len(compact) == 12 and compact.isdigit() and _ogm_valid(compact):
        return compact
    if compact.startswith("RF") and iso11649.is_valid(compact):
        return compact
    return raw[:35]


def _ogm_valid(digits: str) -> bool:
    """The mod-97 check of a Belgian structured communication (as ``stdnum.be.ogm_vcs``)."""
    return (int(digits[:10]) % 97 or 97) == int(digits[10:])


def reference_in_text(text: str) -> str:
    """A valid structured communication or RF reference typed in free text, or ""."""
    if not text or not re.search(r"\d", text):
        return ""
    found = payment.parse(text)
    return found[1] if found else ""


def fingerprints(iban: str, lines: list[ReadLine]) -> list[str]:
    """One stable identity per transaction of ``lines``, the same whenever the same transaction
    is read again (this file twice, or a later statement overlapping this one).

    With the bank's own reference: account + reference (+ the part of a batch entry). Without:
    account + booking date + amount + counterparty IBAN + communication. Either way the rank of
    the identical rows before it in the same file is added, so two identical real payments on one
    day are two transactions, and re-reading them gives the same two identities.
    """
    seen: Counter = Counter()
    out = []
    for line in lines:
        if line.bank_reference:
            key = "\x1f".join(("ref", line.bank_reference, line.part))
        else:
            key = "\x1f".join(
                (
                    "row",
                    line.booking_date.isoformat(),
                    f"{line.amount:.2f}",
                    line.counterparty_iban,
                    line.remittance,
                    line.structured_reference,
                )
            )
        rank = seen[key]
        seen[key] += 1
        out.append(hashlib.sha256(f"{iban}\x1f{key}\x1f{rank}".encode()).hexdigest())
    return out
