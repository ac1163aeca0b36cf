"""A member uploads the e-invoices their suppliers send: each is read into a draft with its
validation report; a file that cannot be read is kept with the reason; the same file is never
received twice."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from compagnon.audit.models import AuditEvent
from compagnon.core.tests.factories import advisor_of, member_with_activity
from compagnon.purchases import services
from compagnon.purchases.models import (
    SupplierInvoice,
    SupplierInvoiceAttachment,
    SupplierInvoiceLine,
)

from .factories import example, factur_x_pdf, plain_pdf, read_download, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def gardener(client):
    member, activity = member_with_activity()
    client.force_login(member.user)
    return member, activity


def post(client, activity, data: bytes, name: str):
    return client.post(
        f"/activities/{activity.pk}/supplier-invoices/", {"file": upload(data, name)}
    )


def received(client, activity, data: bytes, name: str) -> SupplierInvoice:
    response = post(client, activity, data, name)
    invoice = SupplierInvoice.objects.latest("id")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/"
    return invoice


def test_a_peppol_ubl_invoice_becomes_a_draft_with_everything_read(client, gardener):
    member, activity = gardener
    data = example("peppol/base-example.xml")
    invoice = received(client, activity, data, "base-example.xml")

    assert (invoice.state, invoice.kind, invoice.syntax) == ("draft", "invoice", "ubl")
    assert invoice.entity_id == activity.entity_id and invoice.created_by == member.user
    assert invoice.number == "Snippet1" and invoice.type_code == "380"
    assert invoice.issue_date == datetime.date(2017, 11, 13)
    assert invoice.due_date == datetime.date(2017, 12, 1)
    assert invoice.currency == "EUR"
    assert invoice.supplier_name == "SupplierOfficialName Ltd"
    assert invoice.supplier_trading_name == "SupplierTradingName Ltd."
    assert invoice.supplier_vat_id == "GB1232434"
    assert invoice.supplier_company_id == "GB983294"
    assert (invoice.supplier_endpoint_scheme, invoice.supplier_endpoint) == (
        "0088",
        "9482348239847239874",
    )
    assert invoice.supplier_address_lines == [
        "Main street 1",
        "Postbox 123",
        "GB 123 EW London",
        "GB",
    ]
    assert (invoice.supplier_iban, invoice.supplier_bic) == ("IBAN32423940", "BIC324098")
    assert invoice.payment_reference == "Snippet1" and invoice.payment_means_code == "30"
    assert invoice.buyer_reference == "0150abc" and invoice.buyer_name == "Buyer Official Name"
    assert invoice.buyer_vat_id == "SE4598375937"
    assert invoice.payment_terms == "Payment within 10 days, 2% discount"
    assert (invoice.line_total, invoice.charge_total, invoice.allowance_total) == (
        Decimal("1300.00"),
        Decimal("25.00"),
        None,
    )
    assert (invoice.tax_exclusive, invoice.tax_total, invoice.tax_inclusive, invoice.payable) == (
        Decimal("1325.00"),
        Decimal("331.25"),
        Decimal("1656.25"),
        Decimal("1656.25"),
    )
    lines = list(invoice.lines.order_by("position"))
    assert [
        (li.description, li.quantity, li.unit_code, li.unit_price, li.net_amount) for li in lines
    ] == [
        ("item name", Decimal("7"), "DAY", Decimal("400"), Decimal("2800")),
        ("item name 2", Decimal("-3"), "DAY", Decimal("500"), Decimal("-1500")),
    ]
    assert lines[0].detail == "Description of item"
    assert (lines[0].vat_category, lines[0].vat_rate) == ("S", Decimal("25"))
    vat = invoice.vat_lines.get()
    assert (vat.category, vat.rate, vat.taxable_amount, vat.tax_amount) == (
        "S",
        Decimal("25"),
        Decimal("1325"),
        Decimal("331.25"),
    )
    # the report of the official rules is kept with it
    assert invoice.validation_passed
    assert invoice.validation_report["rule_sets"] == ["CEN-EN16931-UBL", "PEPPOL-EN16931-UBL"]
    assert invoice.validation_report["fired"] == []
    # the original file is kept, byte for byte, and its hash
    assert invoice.original_name == "base-example.xml" and invoice.file_size == len(data)
    with invoice.file.open("rb") as f:
        assert f.read() == data
    event = AuditEvent.objects.get(action="supplier_invoice.received")
    assert event.activity_id == activity.pk and event.entity_id == activity.entity_id
    assert event.params["number"] == "Snippet1"

    page = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    for shown in (
        "SupplierOfficialName Ltd",
        "GB1232434",
        "0088:9482348239847239874",
        "IBAN 3242 3940",
        "Snippet1",
        "0150abc",
        "item name 2",
        "Description of item",
        "1,656.25\u00a0€",
        "Dec. 1, 2017",
        "The invoice passes the official rules (CEN-EN16931-UBL, PEPPOL-EN16931-UBL).",
        "Download the original file",
    ):
        assert shown in text, shown
    listing = client.get(f"/activities/{activity.pk}/supplier-invoices/").content.decode()
    assert "SupplierOfficialName Ltd" in listing and "1,656.25\u00a0€" in listing
    assert 'accept=".xml,.pdf' in listing
    download = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/file/")
    assert download["Content-Disposition"] == 'attachment; filename="base-example.xml"'
    assert read_download(download) == data


def test_a_ubl_credit_note_is_read_as_a_credit_note(client, gardener):
    member, activity = gardener
    invoice = received(client, activity, example("peppol/base-creditnote-correction.xml"), "cn.xml")
    assert invoice.kind == "credit_note" and invoice.type_code == "381"
    assert invoice.preceding_invoice == "Snippet1"
    assert invoice.payable == Decimal("1656.25") and invoice.validation_passed
    assert invoice.lines.count() == 2
    page = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/").content.decode()
    assert "Credit note Snippet1" in page and "Corrects invoice" in page


def test_a_cii_invoice_with_an_attachment(client, gardener):
    member, activity = gardener
    invoice = received(client, activity, example("en16931-cii/CII_example2.xml"), "TOSL108.xml")
    assert (invoice.syntax, invoice.number, invoice.currency) == ("cii", "TOSL108", "NOK")
    assert invoice.supplier_name == "Salescompany ltd."
    assert invoice.supplier_vat_id == "NO123456789MVA"
    assert invoice.supplier_iban == "NO9386011117947" and invoice.supplier_bic == "DNBANOKK"
    assert invoice.payment_reference == "0003434323213231"
    assert invoice.due_date == datetime.date(2013, 7, 20)
    assert invoice.payable == Decimal("801.78") and invoice.validation_passed
    assert invoice.validation_report["rule_sets"] == ["EN16931-CII"]
    assert invoice.lines.count() == 5 and invoice.vat_lines.count() == 3
    attachment = invoice.attachments.get(filename="EHF.pdf")
    assert attachment.mime_type == "application/pdf" and attachment.description == "Timesheet"
    page = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/").content.decode()
    url = f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/attachments/{attachment.pk}/"
    assert url in page and "EHF.pdf" in page
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="EHF.pdf"'
    body = read_download(response)
    assert len(body) == attachment.size == 77


def test_a_ubl_invoice_keeps_embedded_files_and_lists_external_ones(client, gardener):
    member, activity = gardener
    invoice = received(client, activity, example("en16931-ubl/ubl-tc434-example2.xml"), "ex2.xml")
    # not a Peppol document: only the EN 16931 rules apply, and it passes them
    assert (
        invoice.validation_report["rule_sets"] == ["CEN-EN16931-UBL"] and invoice.validation_passed
    )
    external, embedded = invoice.attachments.order_by("position")
    assert (external.document_id, external.uri, bool(external.file)) == (
        "Doc1",
        "http://www.suppliersite.eu/sheet001.html",
        False,
    )
    assert (embedded.filename, embedded.description) == ("test.pdf", "EHF specification")
    with embedded.file.open("rb") as f:
        assert f.read() == b"Testing Base64 encoding"
    base = f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/attachments"
    assert client.get(f"{base}/{external.pk}/").status_code == 404  # nothing was fetched
    page = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/").content.decode()
    assert "http://www.suppliersite.eu/sheet001.html" in page
    assert 'href="http://www.suppliersite.eu' not in page  # shown, never linked


def test_a_factur_x_pdf_is_read_from_its_embedded_xml(client, gardener):
    member, activity = gardener
    data = factur_x_pdf("facturx/factur-x-1.xml")
    invoice = received(client, activity, data, "Rechnung 471102.pdf")
    assert (invoice.syntax, invoice.number) == ("factur-x", "471102")
    assert invoice.supplier_name == "Lieferant GmbH" and invoice.supplier_vat_id == "DE136695976"
    assert (invoice.supplier_company_id_scheme, invoice.supplier_company_id) == (
        "0088",
        "4000001123452",
    )
    assert invoice.issue_date == datetime.date(2026, 2, 11)
    assert (invoice.tax_inclusive, invoice.prepaid, invoice.payable) == (
        Decimal("197.58"),
        Decimal("50.00"),
        Decimal("147.58"),
    )
    assert invoice.validation_report["rule_sets"] == ["EN16931-CII", "FACTUR-X_EN16931"]
    assert invoice.validation_passed
    with invoice.file.open("rb") as f:
        assert f.read() == data  # the PDF itself is kept, not only its XML
    download = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/file/")
    assert download["Content-Type"] == "application/pdf"
    assert read_download(download) == data
    page = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/").content.decode()
    assert "Factur-X / ZUGFeRD PDF" in page


def test_an_invoice_breaking_rules_is_kept_with_the_failed_rules_shown(client, gardener):
    member, activity = gardener
    data = example("peppol/base-example.xml").replace(
        b">1656.25</cbc:PayableAmount>", b">1656.26</cbc:PayableAmount>"
    )
    invoice = received(client, activity, data, "tampered.xml")
    assert invoice.state == "draft" and not invoice.validation_passed
    assert invoice.payable == Decimal("1656.26")
    [fired] = invoice.validation_report["fired"]
    assert (fired["id"], fired["flag"], fired["rule_set"]) == (
        "BR-CO-16",
        "fatal",
        "CEN-EN16931-UBL",
    )
    page = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/")
    text = page.content.decode()
    assert "The invoice breaks 1 rule of CEN-EN16931-UBL, PEPPOL-EN16931-UBL." in text
    assert "<code>BR-CO-16</code> Amount due for payment (BT-115)" in text
    assert "<code>/Invoice[1]/LegalMonetaryTotal[1]</code>" in text
    listing = client.get(f"/activities/{activity.pk}/supplier-invoices/").content.decode()
    assert "breaks rules" in listing


def test_warnings_are_folded_away(client, gardener):
    member, activity = gardener
    invoice = received(
        client, activity, example("en16931-ubl/ubl-tc434-creditnote1.xml"), "cn1.xml"
    )
    # the same file checked as a Peppol document gives warnings only: fake such a report
    invoice.validation_report["fired"] = [
        {
            "rule_set": "PEPPOL-EN16931-UBL",
            "flag": "warning",
            "id": "PEPPOL-COMMON-R044",
            "location": "/Invoice",
            "text": "Charge on price level is NOT allowed.",
            "test": "",
        }
    ]
    invoice.save()
    text = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/").content.decode()
    assert '<details class="warnings"><summary>1 warning</summary>' in text
    assert "PEPPOL-COMMON-R044" in text


def test_malformed_xml_is_kept_and_the_line_named(client, gardener):
    member, activity = gardener
    lines = example("peppol/base-example.xml").decode().splitlines(keepends=True)
    lines[6] = "    <cbc:ID>Snippet1</cbc:Identifier>\n"  # line 7
    data = "".join(lines).encode()
    invoice = received(client, activity, data, "broken.xml")
    assert invoice.state == "rejected" and invoice.error_line == 7
    assert invoice.error.startswith("The XML is not well-formed at line 7, column")
    assert "Opening and ending tag mismatch" in invoice.error
    assert invoice.kind == "" and invoice.number == "" and not invoice.lines.exists()
    assert invoice.validation_report == {} and not invoice.validation_passed
    with invoice.file.open("rb") as f:
        assert f.read() == data
    event = AuditEvent.objects.get(action="supplier_invoice.rejected")
    assert event.params["file"] == "broken.xml"
    page = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/").content.decode()
    assert "This file could not be read as an e-invoice." in page
    assert "The problem is on line 7 of the file." in page
    download = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/file/")
    assert read_download(download) == data
    listing = client.get(f"/activities/{activity.pk}/supplier-invoices/").content.decode()
    assert "broken.xml" in listing and "unreadable" in listing


@pytest.mark.parametrize(
    "data, name, message",
    [
        (
            b'<?xml version="1.0"?>\n<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2">'
            b'<cbc:ID xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">PO-1</cbc:ID></Order>',
            "order.xml",
            "This XML is not an invoice or a credit note: its root element is Order "
            "(namespace: urn:oasis:names:specification:ubl:schema:xsd:Order-2).",
        ),
        (
            b"<!DOCTYPE html>\n<html><head><title>Invoice</title></head><body><p>Pay now<br></body></html>",
            "invoice.html",
            "This is a web page (HTML), not an e-invoice.",
        ),
        (b"Invoice 12: 100 EUR\n", "invoice.txt", "This file is neither XML nor PDF."),
        (
            None,
            "scan.pdf",
            "This PDF carries no e-invoice: no Factur-X or ZUGFeRD XML is embedded in it.",
        ),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "cut.pdf", "The PDF cannot be read"),
    ],
    ids=["ubl-order", "html", "text", "pdf-without-xml", "truncated-pdf"],
)
def test_a_file_that_is_no_invoice_gets_a_clear_error_and_is_kept(
    client, gardener, data, name, message
):
    member, activity = gardener
    data = data or plain_pdf()
    invoice = received(client, activity, data, name)
    assert invoice.state == "rejected" and invoice.error.startswith(message), invoice.error
    assert invoice.file.storage.exists(invoice.file.name)
    with invoice.file.open("rb") as f:
        assert f.read() == data
    page = client.get(f"/activities/{activity.pk}/supplier-invoices/{invoice.pk}/").content.decode()
    assert "This file could not be read as an e-invoice." in page


def test_an_invoice_without_its_amount_due_is_rejected_naming_the_element(client, gardener):
    member, activity = gardener
    data = example("peppol/base-example.xml").replace(
        b'<cbc:PayableAmount currencyID="EUR">1656.25</cbc:PayableAmount>', b""
    )
    invoice = received(client, activity, data, "no-total.xml")
    assert invoice.state == "rejected"
    assert invoice.error == (
        "The amount due (BT-115, element cac:LegalMonetaryTotal/cbc:PayableAmount) is missing."
    )


def test_a_wrong_amount_is_rejected_naming_element_and_line(client, gardener):
    member, activity = gardener
    data = example("peppol/base-example.xml").replace(
        b">1656.25</cbc:PayableAmount>", b">1.656,25</cbc:PayableAmount>"
    )
    invoice = received(client, activity, data, "comma.xml")
    assert invoice.state == "rejected" and invoice.error_line == 144
    assert invoice.error == (
        "“1.656,25” in cbc:PayableAmount (line 144) is not a number: write it like 1234.56."
    )


def test_the_same_file_twice_is_refused_naming_the_first(client, gardener):
    member, activity = gardener
    data = example("peppol/base-example.xml")
    first = received(client, activity, data, "base-example.xml")
    response = post(client, activity, data, "copy.xml")
    assert response.status_code == 400
    text = response.content.decode()
    assert "This file was already received on" in text
    assert (
        "invoice Snippet1 from SupplierOfficialName Ltd (base-example.xml). It is not added twice."
        in text
    )
    assert SupplierInvoice.objects.get() == first
    assert AuditEvent.objects.filter(action__startswith="supplier_invoice.").count() == 1
    # another activity may receive the same file (a shared supplier)
    other_member, other_activity = member_with_activity()
    services.receive_supplier_invoice(
        actor=other_member.user, activity=other_activity, data=data, filename="base-example.xml"
    )
    assert SupplierInvoice.objects.count() == 2


def test_the_same_unreadable_file_twice_is_refused_too(client, gardener):
    member, activity = gardener
    received(client, activity, b"<nonsense/>", "a.xml")
    response = post(client, activity, b"<nonsense/>", "a.xml")
    assert response.status_code == 400
    assert "could not be read then either" in response.content.decode()
    assert SupplierInvoice.objects.count() == 1


def test_no_file_or_an_empty_one_is_refused_and_nothing_created(client, gardener):
    member, activity = gardener
    url = f"/activities/{activity.pk}/supplier-invoices/"
    response = client.post(url, {})
    assert response.status_code == 400
    assert (
        "Choose a file: a UBL or CII XML invoice, or a Factur-X PDF." in response.content.decode()
    )
    response = client.post(url, {"file": upload(b"", "empty.xml")})
    assert response.status_code == 400 and "The file is empty." in response.content.decode()
    assert not SupplierInvoice.objects.exists()


def test_nothing_is_half_created_when_saving_fails(gardener, monkeypatch, settings):
    member, activity = gardener

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # the audit log is written last, after the lines and the attached files
    monkeypatch.setattr(services, "record", boom)
    with pytest.raises(RuntimeError):
        services.receive_supplier_invoice(
            actor=member.user,
            activity=activity,
            data=example("en16931-ubl/ubl-tc434-example2.xml"),  # with an attached file
            filename="x.xml",
        )
    assert not SupplierInvoice.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not [p for p in media.rglob("*") if p.is_file()]  # no file left behind either
    assert (
        not SupplierInvoiceLine.objects.exists() and not SupplierInvoiceAttachment.objects.exists()
    )
    assert not AuditEvent.objects.filter(action__startswith="supplier_invoice.").exists()


def test_an_advisor_reads_but_cannot_upload(client):
    member, activity = member_with_activity()
    services.receive_supplier_invoice(
        actor=member.user,
        activity=activity,
        data=example("peppol/base-example.xml"),
        filename="a.xml",
    )
    advisor = advisor_of(member.office)
    client.force_login(advisor)
    url = f"/activities/{activity.pk}/supplier-invoices/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "SupplierOfficialName Ltd" in text and 'type="file"' not in text
    response = client.post(url, {"file": upload(example("peppol/vat-category-E.xml"), "e.xml")})
    assert response.status_code == 403
    assert SupplierInvoice.objects.count() == 1
