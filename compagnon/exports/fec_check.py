"""A strict checker of FEC files (article A47 A-1 LPF), used by the tests on every FEC we produce.

``check(data, year=…)`` returns the list of problems (empty when the file passes):

* the header is exactly the 18 column names, in order, tab-separated;
* every line has 18 fields; mandatory fields are not empty (all but CompAuxNum, CompAuxLib,
  EcritureLet, DateLet, Montantdevise, Idevise; CompAuxNum and CompAuxLib come together, and so
  do EcritureLet and DateLet, and Montantdevise and Idevise);
* dates are real AAAAMMJJ dates; EcritureDate is within the year; ValidDate ≥ EcritureDate;
* Debit and Credit are amounts with a decimal comma and two decimals, one of them zero, not both;
* each entry (JournalCode + EcritureNum) balances, its lines are contiguous, one date per entry;
* per journal, EcritureNum's trailing numbers run 1, 2, 3… without a gap, in the order of the file,
  with dates that never go back;
* each letter balances on its account (and on its sub-account when the lines carry one);
* the file name, when given, is <SIREN 9 digits>FEC<AAAAMMJJ>.txt with the closing date in the year.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal

from .fec import COLUMNS, ENCODING

OPTIONAL = {"CompAuxNum", "CompAuxLib", "EcritureLet", "DateLet", "Montantdevise", "Idevise"}
PAIRS = (("CompAuxNum", "CompAuxLib"), ("EcritureLet", "DateLet"), ("Montantdevise", "Idevise"))
AMOUNT = re.compile(r"^-?\d+,\d{2}$")
NAME = re.compile(r"^(\d{9})FEC(\d{8})\.txt$")
TRAILING = re.compile(r"(\d+)$")
MAX_PROBLEMS = 50


def _date(text: str):
    if not re.fullmatch(r"\d{8}", text or ""):
        return None
    try:
        return datetime.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def _amount(text: str):
    return Decimal(text.replace(",", ".")) if AMOUNT.match(text or "") else None


def check(data: bytes | str, *, year: int, name: str | None = None) -> list[str]:
    problems: list[str] = []

    def fail(message):
        if len(problems) < MAX_PROBLEMS:
            problems.append(message)

    if name is not None:
        m = NAME.match(name)
        if not m:
            fail(f"file name {name!r} is not <SIREN>FEC<AAAAMMJJ>.txt")
        elif (_date(m.group(2)) or datetime.date.min).year not in (year, year + 1):
            fail(f"file name {name!r}: closing date not at the end of {year}")
    text = data.decode(ENCODING) if isinstance(data, bytes) else data
    if not text.endswith("\r\n"):
        fail("the file does not end with CR LF")
    rows = text.split("\r\n")
    if rows and rows[-1] == "":
        rows.pop()
    if not rows or rows[0] != "\t".join(COLUMNS):
        fail("header: not the 18 columns of article A47 A-1 in order")
        return problems
    entries: dict[tuple, dict] = {}
    last_entry = None
    closed: set[tuple] = set()
    journal_last: dict[str, tuple[int, datetime.date]] = {}
    letters: dict[tuple, Decimal] = defaultdict(Decimal)
    letter_aux: dict[tuple, set] = defaultdict(set)
    for n, row in enumerate(rows[1:], start=2):
        fields = row.split("\t")
        if len(fields) != len(COLUMNS):
            fail(f"line {n}: {len(fields)} fields instead of {len(COLUMNS)}")
            continue
        f = dict(zip(COLUMNS, fields, strict=True))
        for column in COLUMNS:
            if column not in OPTIONAL and not f[column].strip():
                fail(f"line {n}: {column} is empty")
        for a, b in PAIRS:
            if bool(f[a].strip()) != bool(f[b].strip()):
                fail(f"line {n}: {a} and {b} go together")
        date, piece_date, valid = (
            _date(f["EcritureDate"]),
            _date(f["PieceDate"]),
            _date(f["ValidDate"]),
        )
        if date is None:
            fail(f"line {n}: EcritureDate {f['EcritureDate']!r} is not a date AAAAMMJJ")
        elif date.year != year:
            fail(f"line {n}: EcritureDate {f['EcritureDate']} outside {year}")
        if piece_date is None:
            fail(f"line {n}: PieceDate {f['PieceDate']!r} is not a date AAAAMMJJ")
        if valid is None:
            fail(f"line {n}: ValidDate {f['ValidDate']!r} is not a date AAAAMMJJ")
        elif date and valid < date:
            fail(f"line {n}: ValidDate {f['ValidDate']} before EcritureDate {f['EcritureDate']}")
        if f["DateLet"] and _date(f["DateLet"]) is None:
            fail(f"line {n}: DateLet {f['DateLet']!r} is not a date AAAAMMJJ")
        debit, credit = _amount(f["Debit"]), _amount(f["Credit"])
        if debit is None or credit is None:
            fail(
                f"line {n}: Debit/Credit {f['Debit']!r}/{f['Credit']!r} are not amounts like 1234,50"
            )
            continue
        if (debit != 0) == (credit != 0) or debit < 0 or credit < 0:
            fail(f"line {n}: one of Debit and Credit must be positive, the other zero")
        if f["Montantdevise"] and not AMOUNT.match(f["Montantdevise"]):
            fail(f"line {n}: Montantdevise {f['Montantdevise']!r} is not an amount")
        key = (f["JournalCode"], f["EcritureNum"])
        if key != last_entry:
            if key in closed or key in entries:
                fail(f"line {n}: entry {key[1]} of journal {key[0]} is split in the file")
            if last_entry is not None:
                closed.add(last_entry)
            last_entry = key
            m = TRAILING.search(f["EcritureNum"])
            if not m:
                fail(f"line {n}: EcritureNum {f['EcritureNum']!r} has no number")
            elif date:
                number = int(m.group(1))
                previous = journal_last.get(f["JournalCode"])
                expected = previous[0] + 1 if previous else 1
                if number != expected:
                    fail(
                        f"line {n}: journal {f['JournalCode']}: entry number {number} after "
                        f"{previous[0] if previous else 'none'} (numbers must follow each other from 1)"
                    )
                if previous and date < previous[1]:
                    fail(
                        f"line {n}: journal {f['JournalCode']}: entry {f['EcritureNum']} dated before the "
                        f"previous entry"
                    )
                journal_last[f["JournalCode"]] = (number, date)
            entries[key] = {"balance": Decimal(0), "date": f["EcritureDate"], "lines": 0, "line": n}
        entry = entries[key]
        entry["balance"] += debit - credit
        entry["lines"] += 1
        if f["EcritureDate"] != entry["date"]:
            fail(f"line {n}: entry {key[1]} has lines of two dates")
        if f["EcritureLet"]:
            letter = (f["CompteNum"], f["EcritureLet"])
            letters[letter] += debit - credit
            letter_aux[letter].add(f["CompAuxNum"])
    for (journal, number), entry in entries.items():
        if entry["balance"] != 0:
            fail(
                f"entry {number} of journal {journal} (line {entry['line']}) does not balance: {entry['balance']}"
            )
        if entry["lines"] < 2:
            fail(f"entry {number} of journal {journal} has a single line")
    for (account, letter), balance in letters.items():
        if balance != 0:
            fail(f"letter {letter} on account {account} does not balance: {balance}")
        if len(letter_aux[(account, letter)] - {""}) > 1:
            fail(f"letter {letter} on account {account} joins lines of several sub-accounts")
    return problems
