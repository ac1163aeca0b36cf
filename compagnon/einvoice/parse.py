"""Reading incoming e-invoices: UBL (Peppol BIS) invoices and credit notes, UN/CEFACT CII, and
Factur-X / ZUGFeRD PDFs (the CII embedded in the PDF).

``parse(data, filename)`` returns a :class:`ParsedInvoice` (amounts as ``Decimal``, dates as
``date``) or raises :class:`ParseError` with a message naming what is wrong and, when there is
one, the XML line. ``validate_file(data, filename)`` parses, then runs the official rule sets
(``validation.py``) on the XML and returns both.

Files come from outside: the XML parser never touches the network, never expands entities, and
refuses anything larger than ``MAX_BYTES``.
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


# --- entry points --------------------------------------------------------------------------------


def parse(data: bytes, filename: str = "") -> ParsedInvoice:
    """Read ``data`` (XML or PDF bytes) as an invoice or credit note; raise :class:`ParseError`.

    The content decides what the file is, never its name (``filename`` is accepted for callers
    that have one; messages do not need it).
    """
    if not data or not data.strip():
        raise ParseError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ParseError(
            _("The file is %(size)s MB; the limit is %(max)s MB.")
            % {"size": f"{len(data) / 1048576:.1f}", "max": MAX_BYTES // 1048576}
        )
    if _is_pdf(data):
        xml, embedded = _xml_from_pdf(data)
        invoice = _parse_xml(xml)
        invoice.container = "pdf"
        invoice.embedded_filename = embedded
        return invoice
    return _parse_xml(data)


def _is_pdf(data: bytes) -> bool:
    # PDF readers accept the header anywhere in the first kilobyte; an XML file starts with "<".
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"%PDF-") or (not start.startswith(b"<") and b"%PDF-" in data[:1024])


def rule_sets_for(invoice: ParsedInvoice) -> list[str]:
    """The official rule sets this document must pass.

    UBL: the EN 16931 core rules, plus the Peppol BIS rules when the document declares Peppol
    (its specification identifier, BT-24); a plain EN 16931 UBL invoice would otherwise fail
    Peppol-only rules it never claimed to follow. CII: the EN 16931 core rules, plus the Factur-X
    profile rules when it came inside a Factur-X PDF.
    """
    if invoice.syntax == "ubl":
        return ["CEN-EN16931-UBL"] + (["PEPPOL-EN16931-UBL"] if invoice.is_peppol else [])
    return ["EN16931-CII"] + (["FACTUR-X_EN16931"] if invoice.is_factur_x else [])


def validate_file(
    data: bytes, filename: str = "", rule_sets: list[str] | None = None
) -> tuple[ParsedInvoice, validation.Report]:
    """Parse ``data`` and run the rule sets on its XML (``rule_sets`` overrides the choice).

    Raises :class:`ParseError` for a file that is no invoice, and ``validation.RulesUnavailable``
    when a rule set is not installed.
    """
    invoice = parse(data, filename)
    report = validation.validate(invoice.xml, rule_sets or rule_sets_for(invoice))
    return invoice, report


def readable_location(location: str) -> str:
    """An SVRL location without its namespace tests, e.g. ``/Invoice[1]/LegalMonetaryTotal[1]``
    for ``/*:Invoice[namespace-uri()='…'][1]/*:LegalMonetaryTotal[namespace-uri()='…'][1]``."""
    return re.sub(r"\*:([\w.-]+)\[namespace-uri\(\)='[^']*'\]", r"\1", location or "")


def rule_message(rule_id: str, text: str) -> str:
    """The text of a fired rule without the "[BR-CO-16]-" prefix that repeats its id."""
    return re.sub(r"^\[" + re.escape(rule_id) + r"\]\s*-?\s*", "", text or "") if rule_id else text


# --- containers ----------------------------------------------------------------------------------


def _xml_from_pdf(data: bytes) -> tuple[bytes, str]:
    import facturx

    try:
        name, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    except Exception as exc:  # any failure of the PDF reader means "unreadable"
        raise ParseError(
            _("The PDF cannot be read (%(error)s). Is the file complete?")
            % {"error": str(exc)[:200] or exc.__class__.__name__}
        ) from None
    if not xml:
        raise ParseError(
            _(
                "This PDF carries no e-invoice: no Factur-X or ZUGFeRD XML is embedded in it. "
                "Ask the supplier for a Factur-X PDF or for the invoice as XML (UBL or CII)."
            )
        )
    return xml, name or ""


def _parser():
    # No network, no DTD, no entity expansion, no huge trees: the file comes from outside.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def _html_error() -> ParseError:
    return ParseError(
        _("This is a web page (HTML), not an e-invoice. Upload the invoice's XML or PDF file.")
    )


def _looks_like_html(data: bytes) -> bool:
    start = re.sub(rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>)?\s*", b"", data[:2048]).lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _parse_xml(data: bytes) -> ParsedInvoice:
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"PK\x03\x04"):
        raise ParseError(
            _(
                "This is a ZIP archive or an office document, not an e-invoice. Upload the "
                "invoice itself: an XML file (UBL or CII) or a Factur-X PDF."
            )
        )
    if not start.startswith(b"<") and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(
            _(
                "This file is neither XML nor PDF. Upload an e-invoice: an XML file (UBL or CII) "
                "or a Factur-X PDF."
            )
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        if _looks_like_html(data):
            raise _html_error() from None
        raise _syntax_error(exc) from None
    qname = etree.QName(root)
    namespace, local = qname.namespace or "", qname.localname
    if local.lower() == "html":
        raise _html_error()
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ParseError(
            _(
                "The XML declares a document type (DOCTYPE); e-invoices never do, and such "
                "files are refused for safety."
            ),
            line=1,
        )
    xml = _utf8(data, root)
    if namespace == UBL_INVOICE and local == "Invoice":
        invoice = _UblReader(root, xml, credit_note=False).read()
    elif namespace == UBL_CREDIT_NOTE and local == "CreditNote":
        invoice = _UblReader(root, xml, credit_note=True).read()
    elif namespace == CII and local == "CrossIndustryInvoice":
        invoice = _CiiReader(root, xml).read()
    elif namespace == ZUGFERD_1 or local == "CrossIndustryDocument":
        raise ParseError(
            _(
                "This is a ZUGFeRD 1.0 invoice, an old format that is no longer accepted. Ask "
                "the supplier for Factur-X / ZUGFeRD 2 or for a UBL invoice."
            ),
            line=root.sourceline,
        )
    else:
        raise ParseError(
            _(
                "This XML is not an invoice or a credit note: its root element is %(root)s "
                "(namespace: %(namespace)s). Expected a UBL Invoice or CreditNote, or a CII "
                "CrossIndustryInvoice."
            )
            % {"root": local, "namespace": namespace or _("none")},
            line=root.sourceline,
        )
    _require(invoice)
    return invoice


def _syntax_error(exc: etree.XMLSyntaxError) -> ParseError:
    line, column = exc.position if exc.position else (exc.lineno, None)
    # lxml ends its message with the position, which the sentence already gives.
    detail = re.sub(r",? line \d+, column \d+\s*$", "", exc.msg or str(exc)).strip()
    if column:
        message = _(
            "The XML is not well-formed at line %(line)s, column %(column)s: %(error)s."
        ) % {"line": line, "column": column, "error": detail}
    else:
        message = _("The XML is not well-formed at line %(line)s: %(error)s.") % {
            "line": line,
            "error": detail,
        }
    return ParseError(message, line=line)


def _utf8(data: bytes, root) -> bytes:
    """The XML as UTF-8 without byte-order mark: what the rule sets (Saxon) are given."""
    encoding = (root.getroottree().docinfo.encoding or "UTF-8").upper().replace("_", "-")
    if encoding in ("UTF-8", "UTF8") and not data.startswith(b"\xef\xbb\xbf"):
        return data
    if encoding in ("UTF-8", "UTF8"):
        return data[3:]
    return etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True)


def _require(invoice: ParsedInvoice) -> None:
    """What no purchase can do without; the rule sets report everything else."""
    ubl = invoice.syntax == "ubl"
    required = [
        (
            invoice.number,
            _("The invoice number (BT-1, element %(element)s) is missing."),
            "cbc:ID" if ubl else "rsm:ExchangedDocument/ram:ID",
        ),
        (
            invoice.issue_date,
            _("The issue date (BT-2, element %(element)s) is missing."),
            "cbc:IssueDate" if ubl else "ram:IssueDateTime/udt:DateTimeString",
        ),
        (
            invoice.supplier.name,
            _("The supplier's name (BT-27, element %(element)s) is missing."),
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"
            if ubl
            else "ram:SellerTradeParty/ram:Name",
        ),
        (
            invoice.totals.tax_exclusive,
            _("The total without VAT (BT-109, element %(element)s) is missing."),
            "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount" if ubl else "ram:TaxBasisTotalAmount",
        ),
        (
            invoice.totals.tax_inclusive,
            _("The total with VAT (BT-112, element %(element)s) is missing."),
            "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount" if ubl else "ram:GrandTotalAmount",
        ),
        (
            invoice.totals.payable,
            _("The amount due (BT-115, element %(element)s) is missing."),
            "cac:LegalMonetaryTotal/cbc:PayableAmount" if ubl else "ram:DuePayableAmount",
        ),
    ]
    for value, message, element in required:
        if value in (None, ""):
            raise ParseError(message % {"element": element})


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


# --- UBL -----------------------------------------------------------------------------------------


class _UblReader(_Reader):
    def __init__(self, root, xml: bytes, *, credit_note: bool):
        super().__init__(root, xml)
        self.credit_note = credit_note

    def read(self) -> ParsedInvoice:
        t = self.text
        type_code = t("cbc:CreditNoteTypeCode" if self.credit_note else "cbc:InvoiceTypeCode")
        kind = CREDIT_NOTE if self.credit_note or type_code in CREDIT_NOTE_CODES else INVOICE
        currency = t("cbc:DocumentCurrencyCode")
        invoice = ParsedInvoice(
            syntax="ubl",
            document_type=kind,
            xml=self.xml,
            type_code=type_code,
            customization_id=t("cbc:CustomizationID"),
            profile_id=t("cbc:ProfileID"),
            number=t("cbc:ID"),
            issue_date=_iso_date(self.find("cbc:IssueDate")),
            # A UBL credit note has no DueDate of its own: Peppol puts it in PaymentMeans.
            due_date=_iso_date(self.find("cbc:DueDate"))
            or _iso_date(self.find("cac:PaymentMeans/cbc:PaymentDueDate")),
            currency=currency,
            supplier=self.party(self.find("cac:AccountingSupplierParty/cac:Party")),
            buyer=self.party(self.find("cac:AccountingCustomerParty/cac:Party")),
            buyer_reference=t("cbc:BuyerReference"),
            order_reference=t("cac:OrderReference/cbc:ID"),
            preceding_invoice=t("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
            payment_terms=t("cac:PaymentTerms/cbc:Note"),
            notes=[_clean(n.text) for n in self.findall("cbc:Note") if _clean(n.text)],
        )
        self.payment(invoice)
        invoice.vat = self.vat(currency)
        invoice.totals = self.totals(currency)
        line_tag = "cac:CreditNoteLine" if self.credit_note else "cac:InvoiceLine"
        quantity_tag = "cbc:CreditedQuantity" if self.credit_note else "cbc:InvoicedQuantity"
        invoice.lines = [self.line(el, quantity_tag) for el in self.findall(line_tag)]
        invoice.attachments = self.attachments()
        return invoice

    def party(self, party) -> Party:
        p = Party()
        if party is None:
            return p
        t = self.text
        p.trading_name = t("cac:PartyName/cbc:Name", party)
        p.name = t("cac:PartyLegalEntity/cbc:RegistrationName", party) or p.trading_name
        if p.trading_name == p.name:
            p.trading_name = ""
        p.endpoint = t("cbc:EndpointID", party)
        p.endpoint_scheme = self.attr("cbc:EndpointID", "schemeID", party)
        p.company_id = t("cac:PartyLegalEntity/cbc:CompanyID", party)
        p.company_id_scheme = self.attr("cac:PartyLegalEntity/cbc:CompanyID", "schemeID", party)
        if not p.company_id:  # the party identifier (BT-29) is the next best thing
            p.company_id = t("cac:PartyIdentification/cbc:ID", party)
            p.company_id_scheme = self.attr("cac:PartyIdentification/cbc:ID", "schemeID", party)
        for scheme in self.findall("cac:PartyTaxScheme", party):
            if t("cac:TaxScheme/cbc:ID", scheme).upper() == "VAT":
                p.vat_id = t("cbc:CompanyID", scheme)
                break
        address = self.find("cac:PostalAddress", party)
        if address is not None:
            p.street = t("cbc:StreetName", address)
            p.additional_street = t("cbc:AdditionalStreetName", address)
            p.postcode = t("cbc:PostalZone", address)
            p.city = t("cbc:CityName", address)
            p.subdivision = t("cbc:CountrySubentity", address)
            p.country = t("cac:Country/cbc:IdentificationCode", address)
        return p

    def payment(self, invoice: ParsedInvoice) -> None:
        t = self.text
        means = self.findall("cac:PaymentMeans")
        if means:
            invoice.payment_means_code = t("cbc:PaymentMeansCode", means[0])
        invoice.payment_reference = next(
            (t("cbc:PaymentID", m) for m in means if t("cbc:PaymentID", m)), ""
        )
        for m in means:
            account = self.find("cac:PayeeFinancialAccount", m)
            if account is not None and t("cbc:ID", account):
                invoice.supplier.iban = t("cbc:ID", account).replace(" ", "")
                invoice.supplier.bic = t("cac:FinancialInstitutionBranch/cbc:ID", account)
                break

    def _tax_total(self, currency: str):
        totals = self.findall("cac:TaxTotal")
        for total in totals:
            if self.attr("cbc:TaxAmount", "currencyID", total) in ("", currency):
                return total
        return totals[0] if totals else None

    def vat(self, currency: str) -> list[VatBreakdown]:
        total = self._tax_total(currency)
        if total is None:
            return []
        out = []
        for sub in self.findall("cac:TaxSubtotal", total):
            category = self.find("cac:TaxCategory", sub)
            out.append(
                VatBreakdown(
                    category=self.text("cbc:ID", category) if category is not None else "",
                    rate=_decimal(category.find("cbc:Percent", NS), max_integer_digits=3)
                    if category is not None
                    else None,
                    taxable_amount=self.amount("cbc:TaxableAmount", sub),
                    tax_amount=self.amount("cbc:TaxAmount", sub),
                    exemption_reason=self.text("cbc:TaxExemptionReason", category)
                    if category is not None
                    else "",
                    exemption_code=self.text("cbc:TaxExemptionReasonCode", category)
                    if category is not None
                    else "",
                )
            )
        return out

    def totals(self, currency: str) -> Totals:
        m = self.find("cac:LegalMonetaryTotal")
        tax_total = self._tax_total(currency)
        totals = Totals(
            tax_total=self.amount("cbc:TaxAmount", tax_total) if tax_total is not None else None
        )
        if m is None:
            return totals
        totals.line_total = self.amount("cbc:LineExtensionAmount", m)
        totals.allowance_total = self.amount("cbc:AllowanceTotalAmount", m)
        totals.charge_total = self.amount("cbc:ChargeTotalAmount", m)
        totals.tax_exclusive = self.amount("cbc:TaxExclusiveAmount", m)
        totals.tax_inclusive = self.amount("cbc:TaxInclusiveAmount", m)
        totals.prepaid = self.amount("cbc:PrepaidAmount", m)
        totals.rounding = self.amount("cbc:PayableRoundingAmount", m)
        totals.payable = self.amount("cbc:PayableAmount", m)
        return totals

    def line(self, el, quantity_tag: str) -> Line:
        t = self.text
        item = self.find("cac:Item", el)
        category = self.find("cac:Item/cac:ClassifiedTaxCategory", el)
        name = t("cbc:Name", item) if item is not None else ""
        detail = t("cbc:Description", item) if item is not None else ""
        return Line(
            line_id=t("cbc:ID", el),
            description=name or detail,
            detail=detail if name and detail != name else "",
            quantity=self.amount(quantity_tag, el),
            unit_code=self.attr(quantity_tag, "unitCode", el),
            unit_price=self.amount("cac:Price/cbc:PriceAmount", el),
            base_quantity=self.amount("cac:Price/cbc:BaseQuantity", el),
            net_amount=self.amount("cbc:LineExtensionAmount", el),
            vat_category=t("cbc:ID", category) if category is not None else "",
            vat_rate=_decimal(category.find("cbc:Percent", NS), max_integer_digits=3)
            if category is not None
            else None,
        )

    def attachments(self) -> list[Attachment]:
        out = []
        for ref in self.findall("cac:AdditionalDocumentReference"):
            holder = self.find("cac:Attachment", ref)
            if holder is None:
                continue  # a reference without a file (a tender, an invoiced object…)
            binary = self.find("cbc:EmbeddedDocumentBinaryObject", holder)
            uri = self.text("cac:ExternalReference/cbc:URI", holder)
            if binary is None and not uri:
                continue
            out.append(
                Attachment(
                    document_id=self.text("cbc:ID", ref),
                    description=self.text("cbc:DocumentDescription", ref),
                    filename=_clean(binary.get("filename")) if binary is not None else "",
                    mime_type=_clean(binary.get("mimeCode")) if binary is not None else "",
                    content=_binary(binary) if binary is not None else None,
                    uri=uri,
                )
            )
        return out


# --- CII -----------------------------------------------------------------------------------------


class _CiiReader(_Reader):
    def read(self) -> ParsedInvoice:
        t = self.text
        doc = self.find("rsm:ExchangedDocument")
        transaction = self.find("rsm:SupplyChainTradeTransaction")
        agreement = (
            self.find("ram:ApplicableHeaderTradeAgreement", transaction)
            if transaction is not None
            else None
        )
        settlement = (
            self.find("ram:ApplicableHeaderTradeSettlement", transaction)
            if transaction is not None
            else None
        )
        type_code = t("ram:TypeCode", doc) if doc is not None else ""
        currency = t("ram:InvoiceCurrencyCode", settlement) if settlement is not None else ""
        invoice = ParsedInvoice(
            syntax="cii",
            document_type=CREDIT_NOTE if type_code in CREDIT_NOTE_CODES else INVOICE,
            xml=self.xml,
            type_code=type_code,
            customization_id=t(
                "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
            ),
            profile_id=t(
                "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
            ),
            currency=currency,
        )
        if doc is not None:
            invoice.number = t("ram:ID", doc)
            invoice.issue_date = _cii_date(self.find("ram:IssueDateTime/udt:DateTimeString", doc))
            invoice.notes = [
                _clean(n.text)
                for n in self.findall("ram:IncludedNote/ram:Content", doc)
                if _clean(n.text)
            ]
        if agreement is not None:
            invoice.buyer_reference = t("ram:BuyerReference", agreement)
            invoice.supplier = self.party(self.find("ram:SellerTradeParty", agreement))
            invoice.buyer = self.party(self.find("ram:BuyerTradeParty", agreement))
            invoice.order_reference = t(
                "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", agreement
            )
            invoice.attachments = self.attachments(agreement)
        if settlement is not None:
            invoice.payment_reference = t("ram:PaymentReference", settlement)
            invoice.preceding_invoice = t(
                "ram:InvoiceReferencedDocument/ram:IssuerAssignedID", settlement
            )
            self.payment(invoice, settlement)
            invoice.vat = self.vat(settlement)
            invoice.totals = self.totals(settlement, currency)
            terms = self.findall("ram:SpecifiedTradePaymentTerms", settlement)
            for term in terms:
                invoice.due_date = invoice.due_date or _cii_date(
                    self.find("ram:DueDateDateTime/udt:DateTimeString", term)
                )
                invoice.payment_terms = invoice.payment_terms or t("ram:Description", term)
        if transaction is not None:
            invoice.lines = [
                self.line(el)
                for el in self.findall("ram:IncludedSupplyChainTradeLineItem", transaction)
            ]
        return invoice

    def party(self, party) -> Party:
        p = Party()
        if party is None:
            return p
        t = self.text
        p.name = t("ram:Name", party)
        p.trading_name = t("ram:SpecifiedLegalOrganization/ram:TradingBusinessName", party)
        p.company_id = t("ram:SpecifiedLegalOrganization/ram:ID", party)
        p.company_id_scheme = self.attr("ram:SpecifiedLegalOrganization/ram:ID", "schemeID", party)
        if not p.company_id:  # the party identifier (BT-29): global id first, then the plain one
            p.company_id = t("ram:GlobalID", party) or t("ram:ID", party)
            p.company_id_scheme = (
                self.attr("ram:GlobalID", "schemeID", party) if t("ram:GlobalID", party) else ""
            )
        p.endpoint = t("ram:URIUniversalCommunication/ram:URIID", party)
        p.endpoint_scheme = self.attr("ram:URIUniversalCommunication/ram:URIID", "schemeID", party)
        for reg in self.findall("ram:SpecifiedTaxRegistration/ram:ID", party):
            if (reg.get("schemeID") or "").upper() == "VA":
                p.vat_id = _clean(reg.text)
                break
        address = self.find("ram:PostalTradeAddress", party)
        if address is not None:
            p.street = t("ram:LineOne", address)
            p.additional_street = ", ".join(
                x for x in (t("ram:LineTwo", address), t("ram:LineThree", address)) if x
            )
            p.postcode = t("ram:PostcodeCode", address)
            p.city = t("ram:CityName", address)
            p.subdivision = t("ram:CountrySubDivisionName", address)
            p.country = t("ram:CountryID", address)
        return p

    def payment(self, invoice: ParsedInvoice, settlement) -> None:
        t = self.text
        means = self.findall("ram:SpecifiedTradeSettlementPaymentMeans", settlement)
        if means:
            invoice.payment_means_code = t("ram:TypeCode", means[0])
        for m in means:
            account = self.find("ram:PayeePartyCreditorFinancialAccount", m)
            iban = (
                (t("ram:IBANID", account) or t("ram:ProprietaryID", account))
                if account is not None
                else ""
            )
            if iban:
                invoice.supplier.iban = iban.replace(" ", "")
                invoice.supplier.bic = t(
                    "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID", m
                )
                break

    def vat(self, settlement) -> list[VatBreakdown]:
        t = self.text
        return [
            VatBreakdown(
                category=t("ram:CategoryCode", tax),
                rate=_decimal(tax.find("ram:RateApplicablePercent", NS), max_integer_digits=3),
                taxable_amount=self.amount("ram:BasisAmount", tax),
                tax_amount=self.amount("ram:CalculatedAmount", tax),
                exemption_reason=t("ram:ExemptionReason", tax),
                exemption_code=t("ram:ExemptionReasonCode", tax),
            )
            for tax in self.findall("ram:ApplicableTradeTax", settlement)
        ]

    def totals(self, settlement, currency: str) -> Totals:
        m = self.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", settlement)
        if m is None:
            return Totals()
        # TaxTotalAmount appears twice when VAT is also given in another currency (BT-111).
        tax_total = next(
            (
                el
                for el in self.findall("ram:TaxTotalAmount", m)
                if (el.get("currencyID") or currency) == currency
            ),
            self.find("ram:TaxTotalAmount", m),
        )
        return Totals(
            line_total=self.amount("ram:LineTotalAmount", m),
            allowance_total=self.amount("ram:AllowanceTotalAmount", m),
            charge_total=self.amount("ram:ChargeTotalAmount", m),
            tax_exclusive=self.amount("ram:TaxBasisTotalAmount", m),
            tax_total=_decimal(tax_total),
            tax_inclusive=self.amount("ram:GrandTotalAmount", m),
            prepaid=self.amount("ram:TotalPrepaidAmount", m),
            rounding=self.amount("ram:RoundingAmount", m),
            payable=self.amount("ram:DuePayableAmount", m),
        )

    def line(self, el) -> Line:
        t = self.text
        tax = self.find("ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax", el)
        price = self.find("ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice", el)
        name = t("ram:SpecifiedTradeProduct/ram:Name", el)
        detail = t("ram:SpecifiedTradeProduct/ram:Description", el)
        return Line(
            line_id=t("ram:AssociatedDocumentLineDocument/ram:LineID", el),
            description=name or detail,
            detail=detail if name and detail != name else "",
            quantity=self.amount("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", el),
            unit_code=self.attr(
                "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", "unitCode", el
            ),
            unit_price=self.amount("ram:ChargeAmount", price) if price is not None else None,
            base_quantity=self.amount("ram:BasisQuantity", price) if price is not None else None,
            net_amount=self.amount(
                "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                el,
            ),
            vat_category=t("ram:CategoryCode", tax) if tax is not None else "",
            vat_rate=_decimal(tax.find("ram:RateApplicablePercent", NS), max_integer_digits=3)
            if tax is not None
            else None,
        )

    def attachments(self, agreement) -> list[Attachment]:
        out = []
        for ref in self.findall("ram:AdditionalReferencedDocument", agreement):
            binary = self.find("ram:AttachmentBinaryObject", ref)
            uri = self.text("ram:URIID", ref)
            if binary is None and not uri:
                continue  # a reference without a file (a tender, an invoiced object…)
            out.append(
                Attachment(
                    document_id=self.text("ram:IssuerAssignedID", ref),
                    description=self.text("ram:Name", ref),
                    filename=_clean(binary.get("filename")) if binary is not None else "",
                    mime_type=_clean(binary.get("mimeCode")) if binary is not None else "",
                    content=_binary(binary) if binary is not None else None,
                    uri=uri,
                )
            )
        return out
