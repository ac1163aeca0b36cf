"""What reading an incoming e-invoice gives (``ParsedInvoice`` and its parts), the error it
raises (``ParseError``), and the value helpers and base reader the UBL (``parse_ubl.py``) and CII
(``parse_cii.py``) readers share. ``parse.py`` is the entry point.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree

from . import validation

MAX_BYTES = 20 * 1024 * 1024
# Amounts beyond this many digits before the point are no real invoice (and fit no column).
MAX_INTEGER_DIGITS = 12

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": validation.CII,
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
UBL_INVOICE = validation.UBL_INVOICE
UBL_CREDIT_NOTE = validation.UBL_CREDIT_NOTE
CII = validation.CII
ZUGFERD_1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"

# UNTDID 1001 document types that credit the buyer (EN 16931 code list for BT-3).
CREDIT_NOTE_CODES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"


class ParseError(ValueError):
    """The file is not an e-invoice we can read. ``message`` is translated and says what is
    wrong; ``line`` is the XML line when the problem sits on one."""

    def __init__(self, message, line: int | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.line = line

    def __str__(self):
        return self.message


# --- what comes out ------------------------------------------------------------------------------


@dataclass
class Party:
    name: str = ""
    trading_name: str = ""
    vat_id: str = ""
    company_id: str = ""
    company_id_scheme: str = ""
    endpoint: str = ""
    endpoint_scheme: str = ""
    street: str = ""
    additional_street: str = ""
    postcode: str = ""
    city: str = ""
    subdivision: str = ""
    country: str = ""
    iban: str = ""
    bic: str = ""

    @property
    def address_lines(self) -> list[str]:
        city = f"{self.postcode} {self.city}".strip()
        return [x for x in (self.street, self.additional_street, city, self.country) if x]


@dataclass
class Line:
    line_id: str = ""
    description: str = ""
    detail: str = ""
    quantity: Decimal | None = None
    unit_code: str = ""
    unit_price: Decimal | None = None
    base_quantity: Decimal | None = None
    net_amount: Decimal | None = None
    vat_category: str = ""
    vat_rate: Decimal | None = None


@dataclass
class VatBreakdown:
    category: str = ""
    rate: Decimal | None = None
    taxable_amount: Decimal | None = None
    tax_amount: Decimal | None = None
    exemption_reason: str = ""
    exemption_code: str = ""


@dataclass
class Totals:
    line_total: Decimal | None = None
    allowance_total: Decimal | None = None
    charge_total: Decimal | None = None
    tax_exclusive: Decimal | None = None
    tax_total: Decimal | None = None
    tax_inclusive: Decimal | None = None
    prepaid: Decimal | None = None
    rounding: Decimal | None = None
    payable: Decimal | None = None


@dataclass
class Attachment:
    document_id: str = ""
    description: str = ""
    filename: str = ""
    mime_type: str = ""
    content: bytes | None = None  # None: an external reference (``uri``), nothing embedded
    uri: str = ""


@dataclass
class ParsedInvoice:
    syntax: str  # "ubl" or "cii"
    document_type: str  # INVOICE or CREDIT_NOTE
    xml: bytes  # the invoice XML, UTF-8 (what the rule sets read)
    container: str = "xml"  # "xml", or "pdf" for a Factur-X / ZUGFeRD PDF
    embedded_filename: str = ""  # name of the XML inside the PDF
    type_code: str = ""
    customization_id: str = ""
    profile_id: str = ""
    number: str = ""
    issue_date: datetime.date | None = None
    due_date: datetime.date | None = None
    currency: str = ""
    supplier: Party = field(default_factory=Party)
    buyer: Party = field(default_factory=Party)
    buyer_reference: str = ""
    order_reference: str = ""
    preceding_invoice: str = ""
    lines: list[Line] = field(default_factory=list)
    vat: list[VatBreakdown] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)
    payment_reference: str = ""
    payment_means_code: str = ""
    payment_terms: str = ""
    notes: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def is_factur_x(self) -> bool:
        return self.container == "pdf"

    @property
    def is_peppol(self) -> bool:
        """The document declares Peppol BIS (BT-24), so the Peppol rules apply to it."""
        return "urn:fdc:peppol.eu" in self.customization_id



# --- values --------------------------------------------------------------------------------------


def _name(el) -> str:
    """``cbc:PayableAmount`` for an element: how messages name it."""
    q = etree.QName(el)
    prefix = next((p for p, uri in NS.items() if uri == q.namespace), "")
    return f"{prefix}:{q.localname}" if prefix else q.localname


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _decimal(el, *, max_integer_digits: int = MAX_INTEGER_DIGITS) -> Decimal | None:
    if el is None:
        return None
    raw = (el.text or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    # Decimal also reads "NaN", "Infinity" and "1E3": none is an amount in an invoice.
    if (
        value is None
        or not value.is_finite()
        or not re.fullmatch(r"[+-]?\d*\.?\d+|[+-]?\d+\.", raw)
    ):
        raise ParseError(
            _("“%(value)s” in %(element)s (line %(line)s) is not a number: write it like 1234.56.")
            % {"value": raw[:40], "element": _name(el), "line": el.sourceline},
            line=el.sourceline,
        )
    if value.adjusted() >= max_integer_digits:
        raise ParseError(
            _("The number %(value)s in %(element)s (line %(line)s) is too large.")
            % {"value": raw[:40], "element": _name(el), "line": el.sourceline},
            line=el.sourceline,
        )
    return value


def _iso_date(el) -> datetime.date | None:
    if el is None:
        return None
    raw = (el.text or "").strip()
    if not raw:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return _bad_date(el, raw, "YYYY-MM-DD")


def _cii_date(el) -> datetime.date | None:
    """A ``udt:DateTimeString`` (format 102: YYYYMMDD)."""
    if el is None:
        return None
    raw = (el.text or "").strip()
    if not raw:
        return None
    fmt = el.get("format") or "102"
    if fmt != "102":
        raise ParseError(
            _(
                "The date “%(value)s” in %(element)s (line %(line)s) uses format %(format)s; "
                "an invoice date uses format 102 (YYYYMMDD)."
            )
            % {"value": raw[:40], "element": _name(el), "line": el.sourceline, "format": fmt[:10]},
            line=el.sourceline,
        )
    try:
        if not re.fullmatch(r"\d{8}", raw):
            raise ValueError
        return datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return _bad_date(el, raw, "YYYYMMDD")


def _bad_date(el, raw: str, expected: str):
    raise ParseError(
        _("“%(value)s” in %(element)s (line %(line)s) is not a valid date (%(expected)s).")
        % {"value": raw[:40], "element": _name(el), "line": el.sourceline, "expected": expected},
        line=el.sourceline,
    )


def _binary(el) -> bytes:
    try:
        return base64.b64decode("".join((el.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise ParseError(
            _("The attached file in %(element)s (line %(line)s) is not valid base64.")
            % {"element": _name(el), "line": el.sourceline},
            line=el.sourceline,
        ) from None


class _Reader:
    def __init__(self, root, xml: bytes):
        self.root = root
        self.xml = xml

    def find(self, path: str, node=None):
        return (self.root if node is None else node).find(path, NS)

    def findall(self, path: str, node=None) -> list:
        return (self.root if node is None else node).findall(path, NS)

    def text(self, path: str, node=None) -> str:
        el = self.find(path, node)
        return _clean(el.text) if el is not None else ""

    def attr(self, path: str, name: str, node=None) -> str:
        el = self.find(path, node)
        return _clean(el.get(name)) if el is not None else ""

    def amount(self, path: str, node=None) -> Decimal | None:
        return _decimal(self.find(path, node))
