"""CII (Factur-X EN 16931) e-invoices of issued documents, and their Factur-X PDF.

Every scenario is issued through the services as a member would, then its frozen snapshot is
turned into CII and checked the way a receiver's platform would: the Factur-X XSD and the
official Schematron rule sets (EN 16931, Factur-X, and the French reform's BR-FR for French
sellers), then the values a receiver books from.
"""

from __future__ import annotations

import copy
import io
import socket
from decimal import Decimal as D

import facturx as facturx_lib
import pytest
from lxml import etree
from pypdf import PdfReader

from compagnon.einvoice import cii, facturx, validation
from compagnon.einvoice.tests import scenarios

pytestmark = pytest.mark.django_db

NS = {"rsm": cii.RSM, "ram": cii.RAM, "udt": cii.UDT, "qdt": cii.QDT}
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"
TOTALS = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"

SIMPLE = [
    "fr_b2b_several_rates", "fr_b2c_amount_discount", "fr_b2b_travel_costs", "be_b2b_delivery_charge",
    "fr_exempt_training", "fr_intra_eu_to_belgium",
    "fr_export_outside_eu", "fr_franchise", "be_b2b_two_rates", "be_reverse_charge", "be_zero_rate",
    "be_outside_scope", "be_b2c",
]
PAIRS = {  # name -> (builder, country, position in the pair it returns)
    "fr_deposit": (scenarios.deposit_and_final, "FR", 0), "fr_final": (scenarios.deposit_and_final, "FR", 1),
    "be_deposit": (scenarios.deposit_and_final, "BE", 0), "be_final": (scenarios.deposit_and_final, "BE", 1),
    "fr_credited_invoice": (scenarios.credit_note, "FR", 0), "fr_credit_note": (scenarios.credit_note, "FR", 1),
    "be_credited_invoice": (scenarios.credit_note, "BE", 0), "be_credit_note": (scenarios.credit_note, "BE", 1),
}


def issued(name: str):
    if name in PAIRS:
        builder, country, position = PAIRS[name]
        return builder(country)[position]
    return getattr(scenarios, name)()


def rule_sets(snapshot: dict) -> list[str]:
    return validation.default_rule_sets("cii", french=snapshot["seller"]["jurisdiction"] == "FR")


def fired(report) -> str:
    return "\n".join(f"{f.rule_set} {f.flag} {f.id}: {f.text} @ {f.location}" for f in report.fired) or "(none)"


def xpath(xml: bytes, path: str) -> list[str]:
    root = etree.fromstring(xml)
    return [x if isinstance(x, str) else (x.text or "") for x in root.xpath(path, namespaces=NS)]


def one(xml: bytes, path: str) -> str:
    values = xpath(xml, path)
    assert len(values) == 1, f"{path}: {values}"
    return values[0]


@pytest.mark.parametrize("name", SIMPLE + list(PAIRS))
def test_every_scenario_passes_the_xsd_and_its_rule_sets(name, django_assert_num_queries):
    snapshot = issued(name).frozen
    with django_assert_num_queries(0):  # pure: reads the snapshot only
        xml = cii.build(snapshot)
    assert xml.startswith(b"<?xml") and cii.build(snapshot) == xml
    assert facturx_lib.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    report = validation.validate(xml, rule_sets(snapshot))
    assert report.passed, f"{name} fails:\n{fired(report)}"
    # The one warning left is the empty delivery block the XSD requires (PEPPOL-EN16931-R008).
    assert {f.id for f in report.warnings} <= {"PEPPOL-EN16931-R008"}, fired(report)


def test_a_french_b2b_invoice_carries_what_the_buyer_books_and_the_reform_asks():
    document = scenarios.fr_b2b_several_rates()
    snapshot = document.frozen
    xml = cii.build(snapshot)

    assert one(xml, "//rsm:ExchangedDocument/ram:ID") == document.number
    assert one(xml, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert one(xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "S1"
    notes = dict(zip(xpath(xml, "//ram:IncludedNote/ram:SubjectCode"), xpath(xml, "//ram:IncludedNote/ram:Content"),
                     strict=True))
    assert set(notes) == {"PMT", "PMD", "AAB"} and all(notes.values())

    assert one(xml, f"{TOTALS}/ram:LineTotalAmount") == "281.50"
    assert one(xml, f"{TOTALS}/ram:AllowanceTotalAmount") == "14.08"
    assert one(xml, f"{TOTALS}/ram:TaxBasisTotalAmount") == str(document.tax_exclusive)
    assert one(xml, f"{TOTALS}/ram:TaxTotalAmount[@currencyID='EUR']") == str(document.tax_total)
    assert one(xml, f"{TOTALS}/ram:GrandTotalAmount") == str(document.tax_inclusive) == "317.53"
    assert one(xml, f"{TOTALS}/ram:DuePayableAmount") == "317.53"
    assert xpath(xml, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent") == ["20.00", "10.00"]
    assert xpath(xml, f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge[ram:ReasonCode='95']/ram:ActualAmount") == [
        "1.78", "12.30"]

    # The 10 % line discount: gross price less the per-unit discount gives the net price.
    line = "//ram:IncludedSupplyChainTradeLineItem[ram:AssociatedDocumentLineDocument/ram:LineID='3']"
    assert one(xml, f"{line}//ram:GrossPriceProductTradePrice/ram:ChargeAmount") == "55.00"
    assert one(xml, f"{line}//ram:AppliedTradeAllowanceCharge/ram:ActualAmount") == "5.50"
    assert one(xml, f"{line}//ram:NetPriceProductTradePrice/ram:ChargeAmount") == "49.50"
    assert one(xml, f"{line}//ram:LineTotalAmount") == "99.00"
    assert xpath(xml, "//ram:BilledQuantity/@unitCode") == ["HUR", "LS", "HUR"]

    seller, buyer = "//ram:SellerTradeParty", "//ram:BuyerTradeParty"
    assert one(xml, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == snapshot["seller"]["company_number_raw"]
    assert one(xml, f"{seller}/ram:SpecifiedLegalOrganization/ram:TradingBusinessName") == snapshot["seller"]["trade_name"]
    assert one(xml, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']").startswith("FR")
    assert one(xml, f"{buyer}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']").startswith("FR")
    assert one(xml, f"{buyer}/ram:URIUniversalCommunication/ram:URIID/@schemeID") == "0002"
    assert one(xml, "//ram:BuyerReference") == "BC-2026-118"
    assert one(xml, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "PO-4471"

    assert one(xml, f"{SETTLEMENT}/ram:PaymentReference") == document.payment_reference
    means = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
    assert one(xml, f"{means}/ram:TypeCode") == "58"
    assert one(xml, f"{means}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == snapshot["payment"]["iban"].replace(" ", "")
    assert one(xml, f"{means}/ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID") == snapshot["payment"]["bic"]
    assert one(xml, f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") == (
        document.due_date.strftime("%Y%m%d"))


@pytest.mark.parametrize(("name", "category", "vatex"), [
    ("fr_exempt_training", "E", "VATEX-EU-132-1I"),
    ("fr_franchise", "E", "VATEX-FR-FRANCHISE"),
    ("fr_intra_eu_to_belgium", "K", "VATEX-EU-IC"),
    ("fr_export_outside_eu", "G", "VATEX-EU-G"),
    ("be_reverse_charge", "AE", "VATEX-EU-AE"),
    ("be_outside_scope", "O", "VATEX-EU-O"),
])
def test_exempt_vat_carries_its_vatex_code_and_reason(name, category, vatex):
    snapshot = issued(name).frozen
    xml = cii.build(snapshot)
    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert one(xml, f"{tax}/ram:CategoryCode") == category
    assert one(xml, f"{tax}/ram:ExemptionReasonCode") == vatex == snapshot["vat"][0]["exemption_code"]
    assert one(xml, f"{tax}/ram:ExemptionReason") == snapshot["vat"][0]["exemption_reason"]
    assert one(xml, f"{tax}/ram:CalculatedAmount") == "0.00"
    if category == "O":  # not subject to VAT: no rate, no VAT identifier anywhere (BR-O-02, BR-O-05)
        assert xpath(xml, "//ram:RateApplicablePercent") == []
        assert xpath(xml, "//ram:SpecifiedTaxRegistration") == []
    if category == "K":  # intra-community supply: delivery date and country (BR-IC-11, BR-IC-12)
        assert one(xml, "//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID") == "BE"
        assert one(xml, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString") == snapshot["issue_date"].replace("-", "")
        assert one(xml, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID").startswith("BE")


def test_a_final_invoice_deducts_the_deposit_it_refers_to():
    deposit, final = scenarios.deposit_and_final("FR")
    deposit_xml, final_xml = cii.build(deposit.frozen), cii.build(final.frozen)

    assert one(deposit_xml, "//rsm:ExchangedDocument/ram:TypeCode") == "386"
    assert one(deposit_xml, "//ram:ContractReferencedDocument/ram:IssuerAssignedID") == final.quote.number
    assert one(final_xml, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == "S4"
    assert one(final_xml, f"{TOTALS}/ram:TotalPrepaidAmount") == str(deposit.tax_inclusive)
    assert D(one(final_xml, f"{TOTALS}/ram:DuePayableAmount")) == final.tax_inclusive - deposit.tax_inclusive
    reference = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert one(final_xml, f"{reference}/ram:IssuerAssignedID") == deposit.number
    assert one(final_xml, f"{reference}/ram:FormattedIssueDateTime/qdt:DateTimeString") == deposit.issue_date.strftime("%Y%m%d")


def test_a_credit_note_refers_to_the_invoice_it_cancels():
    invoice, note = scenarios.credit_note("FR")
    xml = cii.build(note.frozen)
    assert one(xml, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    reference = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert one(xml, f"{reference}/ram:IssuerAssignedID") == invoice.number
    assert one(xml, f"{reference}/ram:FormattedIssueDateTime/qdt:DateTimeString") == invoice.issue_date.strftime("%Y%m%d")
    assert one(xml, f"{TOTALS}/ram:GrandTotalAmount") == str(invoice.tax_inclusive)  # amounts stay positive in a 381
    assert xpath(xml, f"{SETTLEMENT}/ram:PaymentReference") == []


def test_individual_buyers_are_reached_by_email_and_carry_no_identifier():
    snapshot = scenarios.fr_b2c_amount_discount().frozen
    xml = cii.build(snapshot)
    buyer = "//ram:BuyerTradeParty"
    assert one(xml, f"{buyer}/ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']") == snapshot["buyer"]["email"]
    assert xpath(xml, f"{buyer}/ram:SpecifiedLegalOrganization | {buyer}/ram:SpecifiedTaxRegistration") == []
    # An amount discount is split per VAT category, without a percentage.
    assert xpath(xml, f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge/ram:CalculationPercent") == []


def with_charge(snapshot: dict) -> dict:
    """A travel charge of 25.00 at 20 %, the totals adjusted as the calculation would."""
    snapshot = copy.deepcopy(snapshot)
    snapshot["charges"] = [{"category": "S", "rate": "20.00", "amount": "25.00", "reason": "Frais de déplacement"}]
    row = next(v for v in snapshot["vat"] if v["category"] == "S" and D(v["rate"]) == 20)
    old_tax = D(row["tax"])
    row["taxable"] = str(D(row["taxable"]) + 25)
    row["tax"] = str((D(row["taxable"]) * D("0.20")).quantize(D("0.01")))
    totals = snapshot["totals"]
    totals["tax_exclusive"] = str(D(totals["tax_exclusive"]) + 25)
    totals["tax_total"] = str(D(totals["tax_total"]) - old_tax + D(row["tax"]))
    totals["tax_inclusive"] = str(D(totals["tax_exclusive"]) + D(totals["tax_total"]))
    totals["payable"] = str(D(totals["tax_inclusive"]) - D(totals["prepaid"]))
    return snapshot


def test_document_level_charges_are_written_and_pass():
    snapshot = with_charge(scenarios.fr_b2b_several_rates().frozen)
    xml = cii.build(snapshot)
    report = validation.validate(xml, rule_sets(snapshot))
    assert report.passed, fired(report)
    charge = f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator='true']"
    assert one(xml, f"{charge}/ram:ActualAmount") == "25.00"
    assert one(xml, f"{charge}/ram:Reason") == "Frais de déplacement"
    assert one(xml, f"{charge}/ram:CategoryTradeTax/ram:RateApplicablePercent") == "20.00"
    assert one(xml, f"{TOTALS}/ram:ChargeTotalAmount") == "25.00"
    assert one(xml, f"{TOTALS}/ram:TaxBasisTotalAmount") == snapshot["totals"]["tax_exclusive"]


def test_a_seller_without_vat_or_company_number_gives_a_failing_report():
    snapshot = copy.deepcopy(scenarios.fr_b2b_several_rates().frozen)
    snapshot["seller"].update(vat_number="", company_number="", company_number_raw="", endpoint_id="", email="")
    report = validation.validate(cii.build(snapshot), rule_sets(snapshot))
    assert not report.passed
    ids = {f.id for f in report.errors}
    assert "BR-CO-26" in ids  # EN 16931: the seller cannot be identified
    assert {"BR-FR-10_BT-30", "BR-FR-13_BT-34"} <= ids, fired(report)  # the reform: SIREN and address


def test_a_factur_x_pdf_embeds_the_cii_and_gives_it_back_byte_for_byte(monkeypatch):
    from compagnon.sales.pdf import render_pdf

    document = scenarios.fr_b2b_several_rates()
    xml = cii.build(document.frozen)
    pdf = render_pdf(document.frozen)

    def no_network(*args, **kwargs):
        raise AssertionError("factur-x tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    out = facturx.embed(pdf, xml, lang="fr")

    assert out.startswith(b"%PDF")
    assert facturx.extract(out) == xml
    assert facturx.extract(pdf) is None

    reader = PdfReader(io.BytesIO(out))
    catalog = reader.trailer["/Root"]
    assert catalog["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"  # WeasyPrint's PDF/A output intent is kept
    (spec,) = [x.get_object() for x in catalog["/AF"]]
    assert spec["/F"] == spec["/UF"] == "factur-x.xml"
    assert spec["/AFRelationship"] == "/Alternative"
    stream = spec["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/text/xml" and "/ModDate" in stream["/Params"]
    xmp = etree.fromstring(catalog["/Metadata"].get_object().get_data())
    ns = {"pdfaid": "http://www.aiim.org/pdfa/ns/id/", "fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"}
    assert xmp.xpath("string(//pdfaid:part)", namespaces=ns) == "3"
    assert xmp.xpath("string(//pdfaid:conformance)", namespaces=ns) == "B"
    assert xmp.xpath("string(//fx:ConformanceLevel)", namespaces=ns) == "EN 16931"
    assert xmp.xpath("string(//fx:DocumentFileName)", namespaces=ns) == "factur-x.xml"
    assert xmp.xpath("string(//fx:DocumentType)", namespaces=ns) == "INVOICE"
    assert reader.metadata.title == f"{document.frozen['seller']['legal_name']}: Facture {document.number}"
    assert catalog["/Lang"] == "fr"


def test_embedding_refuses_an_invalid_cii():
    with pytest.raises(facturx.InvalidInvoice):
        facturx.embed(b"%PDF-1.7\n", b"<rsm:CrossIndustryInvoice xmlns:rsm='" + cii.RSM.encode() + b"'/>")


def test_travel_costs_travel_as_document_level_charges():
    snapshot = scenarios.fr_b2b_travel_costs().frozen
    xml = cii.build(snapshot)
    charges = f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator='true']"
    assert sorted(xpath(xml, f"{charges}/ram:ActualAmount")) == sorted(c["amount"] for c in snapshot["charges"])
    assert set(xpath(xml, f"{charges}/ram:Reason")) == {"Frais de déplacement"}
    assert xpath(xml, f"{TOTALS}/ram:ChargeTotalAmount") == ["45.00"]
    report = validation.validate(xml, rule_sets(snapshot))
    assert report.passed, fired(report)
