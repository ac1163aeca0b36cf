"""The reader of incoming e-invoices (compagnon/einvoice/parse.py): every official example is read,
and what is no invoice, or not safe, is refused with a message naming the problem."""

import datetime
from decimal import Decimal

import pytest

from compagnon.einvoice import parse

from .factories import EXAMPLES, example, factur_x_pdf, plain_pdf

ALL_EXAMPLES = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.glob("*/*.xml"))


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_every_official_example_is_read(name):
    invoice = parse.parse(example(name), name)
    assert invoice.syntax in ("ubl", "cii") and invoice.number and invoice.issue_date
    assert invoice.supplier.name and invoice.totals.payable is not None
    assert all(isinstance(v.rate, Decimal | None) for v in invoice.vat)


def test_cii_values_are_read_as_decimals_and_dates():
    invoice = parse.parse(example("en16931-cii/CII_example1.xml"))
    assert invoice.issue_date == datetime.date(2015, 1, 9) == invoice.due_date
    assert (
        invoice.supplier.vat_id == "NL8200.98.395.B.01"
        and invoice.supplier.company_id == "57151520"
    )
    assert invoice.supplier.iban == "NL57RABO0107307510"
    assert invoice.buyer.name == "ODIN 59"
    assert invoice.payment_reference == "Deb. 10202 / Fact. 12115118"
    assert [(v.rate, v.taxable_amount, v.tax_amount) for v in invoice.vat] == [
        (Decimal("6"), Decimal("183.23"), Decimal("10.99")),
        (Decimal("21"), Decimal("46.37"), Decimal("9.74")),
    ]
    assert invoice.totals.tax_total == Decimal("20.73") and invoice.totals.payable == Decimal(
        "250.33"
    )
    first = invoice.lines[0]
    assert (
        first.description,
        first.quantity,
        first.unit_code,
        first.unit_price,
        first.net_amount,
    ) == (
        "PATAT FRITES 10MM 10KG",
        Decimal("2"),
        "H87",
        Decimal("9.95"),
        Decimal("19.9"),
    )
    assert invoice.notes and invoice.notes[0].startswith("Alle leveringen zijn franco.")


def test_a_cii_credit_note_is_recognised_by_its_type_code():
    data = example("en16931-cii/CII_example3.xml").replace(
        b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:TypeCode>381</ram:TypeCode>", 1
    )
    assert parse.parse(data).document_type == parse.CREDIT_NOTE


def test_a_factur_x_pdf_gives_its_embedded_xml():
    invoice, report = parse.validate_file(factur_x_pdf("facturx/factur-x-1.xml"), "f.pdf")
    assert (invoice.container, invoice.embedded_filename, invoice.syntax) == (
        "pdf",
        "factur-x.xml",
        "cii",
    )
    assert invoice.xml == example("facturx/factur-x-1.xml")
    assert report.passed and report.rule_sets == ["EN16931-CII", "FACTUR-X_EN16931"]


def test_other_encodings_reach_the_rules_as_utf8():
    text = (
        example("peppol/base-example.xml")
        .decode()
        .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    )
    text = text.replace("London", "Liège")
    invoice, report = parse.validate_file(text.encode("iso-8859-1"))
    assert invoice.supplier.city == "Liège" and report.passed
    assert b"encoding='UTF-8'" in invoice.xml[:60] and "Liège".encode() in invoice.xml
    bom = b"\xef\xbb\xbf" + example("peppol/base-example.xml")
    invoice, report = parse.validate_file(bom)
    assert not invoice.xml.startswith(b"\xef\xbb\xbf") and report.passed


def test_entities_are_never_expanded_and_doctypes_refused():
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE Invoice [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
        b'<!ENTITY file SYSTEM "file:///etc/passwd">]>\n'
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&b;&file;</Invoice>'
    )
    with pytest.raises(parse.ParseError) as exc:
        parse.parse(bomb)
    assert "declares a document type (DOCTYPE)" in exc.value.message


def test_too_big_files_are_refused(monkeypatch):
    monkeypatch.setattr(parse, "MAX_BYTES", 1000)
    with pytest.raises(parse.ParseError, match="The file is 0.0 MB; the limit is 0 MB."):
        parse.parse(b"<x>" + b" " * 1000 + b"</x>")


@pytest.mark.parametrize(
    "replace, message, line",
    [
        (
            (
                b"<cbc:IssueDate>2017-11-13</cbc:IssueDate>",
                b"<cbc:IssueDate>13/11/2017</cbc:IssueDate>",
            ),
            "“13/11/2017” in cbc:IssueDate (line 8) is not a valid date (YYYY-MM-DD).",
            8,
        ),
        (
            (b"<cbc:IssueDate>2017-11-13</cbc:IssueDate>", b""),
            "The issue date (BT-2, element cbc:IssueDate) is missing.",
            None,
        ),
        (
            (b"<cbc:ID>Snippet1</cbc:ID>\n    <cbc:IssueDate>", b"<cbc:IssueDate>"),
            "The invoice number (BT-1, element cbc:ID) is missing.",
            None,
        ),
        (
            (b"1656.25</cbc:TaxInclusiveAmount>", b"1E3</cbc:TaxInclusiveAmount>"),
            "“1E3” in cbc:TaxInclusiveAmount (line 142) is not a number: write it like 1234.56.",
            142,
        ),
        (
            (b">1656.25</cbc:PayableAmount>", b">9999999999999.99</cbc:PayableAmount>"),
            "The number 9999999999999.99 in cbc:PayableAmount (line 144) is too large.",
            144,
        ),
    ],
    ids=["bad-date", "no-date", "no-number", "exponent", "too-large"],
)
def test_wrong_values_name_the_element_and_line(replace, message, line):
    data = example("peppol/base-example.xml").replace(*replace)
    with pytest.raises(parse.ParseError) as exc:
        parse.parse(data)
    assert (exc.value.message, exc.value.line) == (message, line)


def test_a_cii_date_in_another_format_is_named():
    data = example("en16931-cii/CII_example1.xml").replace(
        b'<udt:DateTimeString format="102">20150109</udt:DateTimeString>\n        </ram:IssueDateTime>',
        b'<udt:DateTimeString format="610">201501</udt:DateTimeString>\n        </ram:IssueDateTime>',
    )
    with pytest.raises(parse.ParseError, match="uses format 610; an invoice date uses format 102"):
        parse.parse(data)


def test_a_broken_attachment_is_named():
    data = example("en16931-ubl/ubl-tc434-example2.xml").replace(
        b"VGVzdGluZyBCYXNlNjQgZW5jb2Rpbmc=", b"not base64!"
    )
    with pytest.raises(parse.ParseError) as exc:
        parse.parse(data)
    assert exc.value.message == (
        "The attached file in cbc:EmbeddedDocumentBinaryObject (line 48) is not valid base64."
    )


@pytest.mark.parametrize(
    "data, start",
    [
        (b"", "The file is empty."),
        (b"PK\x03\x04rest of a zip", "This is a ZIP archive or an office document"),
        (
            b'<CrossIndustryDocument xmlns="urn:ferd:CrossIndustryDocument:invoice:1p0"/>',
            "This is a ZUGFeRD 1.0 invoice",
        ),
        (b"<html><body>x</body></html>", "This is a web page (HTML)"),
        (
            b"<Invoice/>",
            "This XML is not an invoice or a credit note: its root element is Invoice (namespace: none).",
        ),
        (None, "This PDF carries no e-invoice"),
    ],
    ids=["empty", "zip", "zugferd-1", "xhtml", "no-namespace", "plain-pdf"],
)
def test_what_is_no_invoice_is_named(data, start):
    with pytest.raises(parse.ParseError) as exc:
        parse.parse(plain_pdf() if data is None else data)
    assert exc.value.message.startswith(start), exc.value.message
    assert isinstance(exc.value, ValueError) and str(exc.value) == exc.value.message


def test_messages_are_translated():
    from django.utils import translation

    with translation.override("fr"), pytest.raises(parse.ParseError) as exc:
        parse.parse(b"")
    assert exc.value.message == "Le fichier est vide."  # a message the catalogs already have
