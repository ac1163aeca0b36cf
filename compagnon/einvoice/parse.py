"""Reading incoming e-invoices: UBL (Peppol BIS) invoices and credit notes, UN/CEFACT CII, and
Factur-X / ZUGFeRD PDFs (the CII embedded in the PDF).

``parse(data, filename)`` returns a :class:`ParsedInvoice` (amounts as ``Decimal``, dates as
``date``) or raises :class:`ParseError` with a message naming what is wrong and, when there is
one, the XML line. ``validate_file(data, filename)`` parses, then runs the official rule sets
(``validation.py``) on the XML and returns both.

The shapes it returns and ``ParseError`` live in ``parsed.py`` (re-exported here: callers import
them from ``parse``); the readers in ``parse_ubl.py`` and ``parse_cii.py``.

Files come from outside: the XML parser never touches the network, never expands entities, and
refuses anything larger than ``MAX_BYTES``.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from lxml import etree

from . import parse_detect, validation
from .parse_cii import _CiiReader
from .parse_ubl import _UblReader
from .parsed import (
    CII,
    CREDIT_NOTE,
    CREDIT_NOTE_CODES,
    INVOICE,
    MAX_BYTES,
    MAX_INTEGER_DIGITS,
    NS,
    UBL_CREDIT_NOTE,
    UBL_INVOICE,
    ZUGFERD_1,
    Attachment,
    Line,
    ParsedInvoice,
    ParseError,
    Party,
    Totals,
    VatBreakdown,
)

# The names callers import from here (the shapes are defined in parsed.py).
__all__ = [
    "CII",
    "CREDIT_NOTE",
    "CREDIT_NOTE_CODES",
    "INVOICE",
    "MAX_BYTES",
    "MAX_INTEGER_DIGITS",
    "NS",
    "UBL_CREDIT_NOTE",
    "UBL_INVOICE",
    "Attachment",
    "Line",
    "ParseError",
    "ParsedInvoice",
    "Party",
    "Totals",
    "VatBreakdown",
    "parse",
    "readable_location",
    "rule_message",
    "rule_sets_for",
    "validate_file",
]

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
    # The content says what the file is: a CSV (UTF-16 too), a ZIP or an image is named as such.
    refusal = parse_detect.not_an_einvoice(parse_detect.file_kind(data))
    if refusal:
        raise ParseError(refusal)
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
    message, line = parse_detect.syntax_sentence(exc)
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
