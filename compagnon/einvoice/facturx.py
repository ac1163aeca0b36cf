"""Factur-X: the document's PDF/A-3 with its CII invoice embedded, and the way back.

The PDF manipulation is the ``factur-x`` library's (pypdf underneath): it attaches the XML as
``factur-x.xml``, lists it in the catalog's /AF array with its AFRelationship, and replaces the
XMP metadata with one declaring PDF/A-3B plus the Factur-X extension schema (fx:DocumentType,
fx:ConformanceLevel "EN 16931"…). The fonts, colour profile and output intent WeasyPrint wrote for
PDF/A-3b are kept as they are. One known difference stays: the legacy /Info dictionary keeps
WeasyPrint's /Producer and gains /Keywords while the library's XMP says pdf:Producer "pypdf" and
has no pdf:Keywords. PDF/A-1 demands their equivalence; whether a PDF/A-3 validator minds is
not checked here (no PDF/A validator on this machine).

The library can reach the network only for Schematron checks through a Saxon server; we never
ask for them (``check_schematron=False``): rule sets run locally in ``validation.py``. The XSD
check is done here against a schema compiled once per process, not by the library which would
reload it on every call.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from facturx import facturx as _lib  # the module: its constants are not re-exported
from lxml import etree

# The library logs every step at INFO and the whole XML at DEBUG: keep it to problems.
logging.getLogger("factur-x").setLevel(logging.WARNING)

LEVEL = "en16931"
# The XML is a complete EN 16931 invoice, an equivalent of what the PDF shows: "Alternative"
# (Factur-X allows Data, Source or Alternative for this profile; Data only for MINIMUM/BASIC WL).
AF_RELATIONSHIP = "alternative"
# Names a Factur-X / ZUGFeRD 2.x invoice is embedded under (matched case-insensitively).
EMBEDDED_NAMES = [_lib.FACTURX_FILENAME, _lib.ZUGFERD_FILENAME, "xrechnung.xml"]

# What the PDF's title says the document is, by UNTDID 1001 code and language.
LABELS = {
    "fr": {"380": "Facture", "381": "Avoir", "386": "Facture d'acompte"},
    "nl": {"380": "Factuur", "381": "Creditnota", "386": "Voorschotfactuur"},
    "en": {"380": "Invoice", "381": "Credit note", "386": "Deposit invoice"},
    "de": {"380": "Rechnung", "381": "Gutschrift", "386": "Anzahlungsrechnung"},
}

_schema_lock = threading.Lock()
_schema: etree.XMLSchema | None = None


class InvalidInvoice(ValueError):
    """The XML is not a CII invoice valid against the Factur-X EN 16931 schema."""


def _xsd() -> etree.XMLSchema:
    global _schema
    with _schema_lock:
        if _schema is None:
            path = Path(_lib.__file__).resolve().parent / "xsd_and_schematron" / _lib.FACTURX_LEVEL2xsd[LEVEL]
            _schema = etree.XMLSchema(etree.parse(str(path)))
        return _schema


def _parse(xml: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        return etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidInvoice(f"not well-formed XML: {exc}") from exc


def check_xsd(xml: bytes):
    """The parsed XML; InvalidInvoice unless it is valid against the Factur-X EN 16931 XSD."""
    root = _parse(xml)
    try:
        _xsd().assertValid(root)  # the error travels in the exception: no shared error_log
    except etree.DocumentInvalid as exc:
        raise InvalidInvoice(f"CII not valid against the Factur-X {LEVEL} XSD: {exc}") from exc
    return root


def _metadata(root, lang: str) -> dict:
    """The PDF's title, author, subject and keywords, in the document's language."""
    ns = _lib.XML_NAMESPACES["factur-x"]

    def first(path: str) -> str:
        found = root.xpath(path, namespaces=ns)
        return (found[0].text or "").strip() if found else ""

    number = first("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID")
    code = first("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode")
    seller = first("//ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:Name")
    label = LABELS.get(lang[:2].lower(), LABELS["en"]).get(code, LABELS["en"]["380"])
    return {
        "author": seller,
        "title": f"{seller}: {label} {number}",
        "subject": f"{label} {number}",
        "keywords": f"{label}, Factur-X",
    }


def embed(pdf: bytes, cii_xml: bytes, *, lang: str = "fr") -> bytes:
    """A Factur-X PDF (PDF/A-3, level EN 16931): ``pdf`` with ``cii_xml`` attached as factur-x.xml."""
    if not pdf.startswith(b"%PDF"):
        raise ValueError("not a PDF")
    root = check_xsd(cii_xml)
    return _lib.generate_from_binary(
        pdf,
        cii_xml,
        flavor="factur-x",
        level=LEVEL,
        check_xsd=False,  # done above with the cached schema
        check_schematron=False,  # the only path to the network in the library
        pdf_metadata=_metadata(root, lang),
        lang=lang.replace("_", "-"),
        afrelationship=AF_RELATIONSHIP,
    )


def extract(pdf: bytes) -> bytes | None:
    """The CII embedded in a Factur-X / ZUGFeRD PDF, byte for byte, or None if there is none."""
    _name, xml = _lib.get_xml_from_pdf(pdf, check_xsd=False, check_schematron=False, filenames=list(EMBEDDED_NAMES))
    return xml or None
