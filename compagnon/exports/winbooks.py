"""WinBooks ASCII import files (Belgium): CSF.txt (customers and suppliers) and ACT.txt (entries).

WinBooks (WinBooks SA, Belgium) imports "fichiers ASCII" / "ASCII-bestanden" from its import menu:
comma-separated fields, every field between double quotes, no header line, one record per line,
Windows-1252 text, dates YYYYMMDD, amounts with a decimal point. The field lists below are those of
WinBooks' import description, in its order (see docs/exports.md and decision 0034).

ACT.txt: one record per entry line. DOCTYPE 1 = customer line (ACCOUNTGL the receivable account,
ACCOUNTRP the customer's number), 2 = supplier line, 3 = general account. DBKTYPE by journal: 2
sales invoices, 3 sales credit notes, 0 purchase invoices, 1 purchase credit notes, 4 financial
(bank), 5 miscellaneous. AMOUNTEUR is signed: debit positive, credit negative. BOOKYEAR is the
number of the book year in the accountant's WinBooks dossier (given at download, else empty);
PERIOD is the month ("00" for opening entries). MATCHNO is the lettering number on the account.
VATBASE and VATCODE are left empty: the VAT codes of the accountant's dossier are not known here,
VAT lines come as general lines on the VAT accounts.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from compagnon.clients.models import Client
from compagnon.purchases.models import Supplier

from . import books
from .textfiles import csv_stream

ENCODING = "cp1252"
FORMAT = {"quoting": csv.QUOTE_ALL, "lineterminator": "\r\n", "delimiter": ","}

CSF_FIELDS = (
    "NUMBER",
    "TYPE",
    "NAME1",
    "NAME2",
    "CIVNAME1",
    "CIVNAME2",
    "ADRESS1",
    "ADRESS2",
    "VATCAT",
    "COUNTRY",
    "VATNUMBER",
    "PAYCODE",
    "TELNUMBER",
    "FAXNUMBER",
    "BNKACCNT",
    "ZIPCODE",
    "CITY",
    "DEFLTPOST",
    "LANG",
    "CATEGORY",
    "CENTRAL",
    "VATCODE",
)
ACT_FIELDS = (
    "DOCTYPE",
    "DBKCODE",
    "DBKTYPE",
    "DOCNUMBER",
    "DOCORDER",
    "OPCODE",
    "ACCOUNTGL",
    "ACCOUNTRP",
    "BOOKYEAR",
    "PERIOD",
    "DATE",
    "DATEDOC",
    "DUEDATE",
    "COMMENT",
    "COMMENTEXT",
    "AMOUNT",
    "AMOUNTEUR",
    "VATBASE",
    "VATCODE",
    "CURRAMOUNT",
    "CURRCODE",
    "CUREURBASE",
    "VATTAX",
    "VATIMPUT",
    "CURRATE",
    "REMINDLEV",
    "MATCHNO",
    "OLDDATE",
    "ISMATCHED",
    "ISLOCKED",
    "ISIMPORTED",
    "ISPOSITIVE",
    "ISTEMP",
    "MEMOTYPE",
    "ISDOC",
    "DOCSTATUS",
)
CUSTOMER, SUPPLIER, GENERAL = 1, 2, 3
LANG = {"fr": "F", "nl": "N", "en": "E", "de": "D"}
DBKTYPE = {"sales": 2, "purchases": 0, "bank": 4, "misc": 5}


def _text(value, size: int) -> str:
    return re.sub(r"[\r\n\t\"]+", " ", str(value or "")).strip()[:size]


def _day(value) -> str:
    return value.strftime("%Y%m%d") if value else ""


def _vat(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value or "").upper()


def csf_rows(entity) -> Iterator[dict]:
    from .generic import role_code

    receivable, payable = role_code(entity, "receivable"), role_code(entity, "supplier")
    for c in (
        Client.objects.filter(activity__entity=entity).order_by("id").iterator(chunk_size=2000)
    ):
        yield {
            "NUMBER": books.client_aux(c.pk),
            "TYPE": CUSTOMER,
            "NAME1": _text(c.name, 40),
            "ADRESS1": _text(c.street, 40),
            "VATCAT": 1 if c.vat_number else 3,
            "COUNTRY": c.country,
            "VATNUMBER": _vat(c.vat_number),
            "TELNUMBER": _text(c.phone, 20),
            "ZIPCODE": _text(c.postcode, 10),
            "CITY": _text(c.city, 40),
            "LANG": LANG.get(c.language, "F"),
            "CENTRAL": receivable,
        }
    for s in Supplier.objects.filter(entity=entity).order_by("id").iterator(chunk_size=2000):
        yield {
            "NUMBER": books.supplier_aux(s.pk),
            "TYPE": SUPPLIER,
            "NAME1": _text(s.name, 40),
            "ADRESS1": _text(s.street, 40),
            "VATCAT": 1 if s.vat_number else 3,
            "COUNTRY": s.country,
            "VATNUMBER": _vat(s.vat_number),
            "BNKACCNT": _text(s.iban, 34),
            "ZIPCODE": _text(s.postcode, 10),
            "CITY": _text(s.city, 40),
            "LANG": "F",
            "CENTRAL": payable,
        }


def csf(entity) -> Iterator[bytes]:
    rows = ([row.get(f, "") for f in CSF_FIELDS] for row in csf_rows(entity))
    return csv_stream(rows, encoding=ENCODING, **FORMAT)


def act_rows(entity, year: int, *, bookyear: str = "", language: str = "fr") -> Iterator[dict]:
    accounts, journals = books.labels(entity, language)
    order = 0
    last_entry = None
    for line in books.lines(entity, year, journals):
        jcode, _jname, role = journals[line.journal_id]
        order = order + 1 if line.entry_id == last_entry else 1
        last_entry = line.entry_id
        dbktype = DBKTYPE.get(role, 5)
        if line.document_kind == "credit_note" and dbktype == 2:
            dbktype = 3
        code, _name = accounts[line.account_id]
        if line.client_id:
            doctype, rp = CUSTOMER, books.client_aux(line.client_id)
        elif line.supplier_id:
            doctype, rp = SUPPLIER, books.supplier_aux(line.supplier_id)
        else:
            doctype, rp = GENERAL, ""
        opening = line.kind == "opening" or role == "opening"
        yield {
            "DOCTYPE": doctype,
            "DBKCODE": jcode[:6],
            "DBKTYPE": dbktype,
            "DOCNUMBER": re.sub(r"[^0-9]", "", line.piece)[-9:] or str(line.number),
            "DOCORDER": f"{order:03d}",
            "ACCOUNTGL": code,
            "ACCOUNTRP": rp,
            "BOOKYEAR": bookyear,
            "PERIOD": "00" if opening else f"{line.date:%m}",
            "DATE": _day(line.date),
            "DATEDOC": _day(line.piece_date),
            "DUEDATE": _day(line.due_date),
            "COMMENT": _text(line.label or line.entry_label, 40),
            "COMMENTEXT": _text(line.entry_label, 80),
            "AMOUNT": "0.00",
            "AMOUNTEUR": f"{line.debit - line.credit:.2f}",
            "MATCHNO": line.letter_number or "",
        }


def act(entity, year: int, *, bookyear: str = "") -> Iterator[bytes]:
    rows = (
        [row.get(f, "") for f in ACT_FIELDS] for row in act_rows(entity, year, bookyear=bookyear)
    )
    return csv_stream(rows, encoding=ENCODING, **FORMAT)
