"""A supplier from another country sends an invoice without VAT: the platform suggests a reverse
charge, the accountant confirms it, and the entry books the VAT due and the deductible VAT."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from compagnon.ledger.models import Account
from compagnon.purchases import suppliers, vat, workflow
from compagnon.purchases.models import SupplierInvoiceState, VatTreatment

from .workflow_helpers import booked, cooperative, paper_invoice

pytestmark = pytest.mark.django_db
S = SupplierInvoiceState
T = VatTreatment
NO_VAT = (("0", "1000.00", "0.00"),)


def foreign(coop, country="DE", iban="DE89370400440532013000", name="Softwarehaus Berlin GmbH"):
    coop["supplier"] = suppliers.save_supplier(
        actor=coop["accountant"], entity=coop["entity"], name=name, country=country, iban=iban
    )
    return coop["supplier"]


def test_an_invoice_from_another_eu_country_waits_for_the_accountant_then_books_both_vats():
    coop = cooperative()
    foreign(coop)
    invoice = paper_invoice(coop, rows=NO_VAT, category="fees")
    assert invoice.vat_treatment_suggested == T.EU_SERVICES
    assert "DE" in vat.hints_text(invoice)
    # the member's approval does not book it: the VAT treatment is the accountant's
    invoice = workflow.approve(actor=coop["camille"].user, invoice=invoice)
    assert invoice.state == S.TO_APPROVE and invoice.entry_id is None
    with pytest.raises(ValidationError) as exc:
        workflow.approve(actor=coop["accountant"], invoice=invoice)
    assert "vat_treatment" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        vat.confirm(actor=coop["camille"].user, invoice=invoice, treatment=T.EU_SERVICES)
    invoice = vat.confirm(actor=coop["accountant"], invoice=invoice, treatment=T.EU_SERVICES)
    assert invoice.reverse_charge_rate == Decimal("20")
    invoice = workflow.approve(actor=coop["accountant"], invoice=invoice)
    a = coop["activity"].pk
    assert booked(invoice.entry) == {
        ("6226", Decimal("1000.00"), Decimal("0"), a),
        ("44566", Decimal("200.00"), Decimal("0"), a),
        ("445222", Decimal("0"), Decimal("200.00"), a),
        ("401", Decimal("0"), Decimal("1000.00"), a),
    }
    due = Account.objects.get(entity=coop["entity"], code="445222")
    assert due.vat_rate == Decimal("20") and due.kind == "liability"


@pytest.mark.parametrize(
    "country,iban,category,treatment,due_code",
    [
        ("DE", "DE89370400440532013000", "supplies", T.EU_GOODS, "4511"),
        ("NL", "NL91ABNA0417164300", "fees", T.EU_SERVICES, "4512"),
        ("CH", "CH9300762011623852957", "fees", T.IMPORT_SERVICES, "4513"),
        ("BE", "BE68539007547034", "subcontracting", T.DOMESTIC, "4514"),
    ],
)
def test_belgian_grids_accounts(country, iban, category, treatment, due_code):
    coop = cooperative(belgian=True)
    foreign(coop, country=country, iban=iban, name=f"Leverancier {country}")
    invoice = paper_invoice(coop, rows=NO_VAT, category=category)
    if country == "BE":  # a Belgian supplier without VAT: only the mention says reverse charge
        assert invoice.vat_treatment_suggested == ""
        invoice = workflow.save_details(
            actor=coop["camille"].user,
            invoice=invoice,
            number=invoice.number,
            issue_date=invoice.issue_date,
            vat_rows=list(NO_VAT),
            category=category,
            notes="Btw verlegd, art. 20 KB nr. 1 — medecontractant",
        )
    assert invoice.vat_treatment_suggested == treatment
    vat.confirm(actor=coop["accountant"], invoice=invoice, treatment=treatment)
    invoice = workflow.approve(actor=coop["camille"].user, invoice=invoice)
    codes = {code: (debit, credit) for code, debit, credit, _a in booked(invoice.entry)}
    assert codes[f"{due_code}21"] == (Decimal("0"), Decimal("210.00"))
    assert codes["411"] == (Decimal("210.00"), Decimal("0"))
    assert codes["440"] == (Decimal("0"), Decimal("1000.00"))


def test_french_construction_subcontracting_and_fixed_asset_vat():
    coop = cooperative()
    invoice = paper_invoice(coop, rows=(("0", "2000.00", "0.00"),), category="equipment")
    assert invoice.vat_treatment_suggested == ""
    invoice = workflow.save_details(
        actor=coop["camille"].user,
        invoice=invoice,
        number=invoice.number,
        issue_date=invoice.issue_date,
        vat_rows=[("0", "2000.00", "0.00")],
        notes="Autoliquidation — article 283-2 nonies du CGI",
    )
    assert invoice.vat_treatment_suggested == T.DOMESTIC
    vat.confirm(actor=coop["accountant"], invoice=invoice, treatment=T.DOMESTIC, rate="10")
    invoice = workflow.approve(actor=coop["camille"].user, invoice=invoice)
    assert invoice.state == S.TO_APPROVE  # above the threshold: a second person still approves
    invoice = workflow.approve(actor=coop["accountant"], invoice=invoice)
    a = coop["activity"].pk
    assert booked(invoice.entry) == {
        ("2154", Decimal("2000.00"), Decimal("0"), a),
        ("44562", Decimal("200.00"), Decimal("0"), a),
        ("445241", Decimal("0"), Decimal("200.00"), a),
        ("401", Decimal("0"), Decimal("2000.00"), a),
    }


def test_non_deductible_reverse_charge_goes_to_the_cost():
    coop = cooperative()
    foreign(coop, country="IT", iban="IT60X0542811101000000123456", name="Ristorante Roma")
    invoice = paper_invoice(coop, rows=(("0", "100.00", "0.00"),), category="hospitality")
    vat.confirm(actor=coop["accountant"], invoice=invoice, treatment=T.EU_SERVICES)
    invoice = workflow.approve(actor=coop["camille"].user, invoice=invoice)
    a = coop["activity"].pk
    assert booked(invoice.entry) == {
        ("6257", Decimal("120.00"), Decimal("0"), a),
        ("445222", Decimal("0"), Decimal("20.00"), a),
        ("401", Decimal("0"), Decimal("100.00"), a),
    }


def test_the_accountant_may_say_no_and_a_charged_vat_is_never_reverse_charged():
    coop = cooperative()
    foreign(coop)
    invoice = paper_invoice(coop, rows=NO_VAT, category="fees")
    vat.confirm(actor=coop["accountant"], invoice=invoice, treatment="")
    invoice = workflow.approve(actor=coop["camille"].user, invoice=invoice)
    assert invoice.state == S.APPROVED  # confirmed as charged: booked at once, without VAT
    assert {code for code, *_x in booked(invoice.entry)} == {"6226", "401"}
    charged = paper_invoice(coop, number="F-2", rows=(("20", "100.00", "20.00"),), category="fees")
    assert charged.vat_treatment_suggested == ""
    with pytest.raises(ValidationError) as exc:
        vat.confirm(actor=coop["accountant"], invoice=charged, treatment=T.EU_SERVICES)
    assert "treatment" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # booked: too late
        vat.confirm(actor=coop["accountant"], invoice=invoice, treatment=T.EU_SERVICES)
    assert "state" in exc.value.message_dict
    draft = paper_invoice(coop, number="F-3", rows=NO_VAT, category="fees")
    with pytest.raises(ValidationError) as exc:
        vat.confirm(actor=coop["accountant"], invoice=draft, treatment=T.EU_SERVICES, rate="7")
    assert "rate" in exc.value.message_dict


def test_a_domestic_invoice_with_vat_suggests_nothing_and_is_booked_at_once():
    coop = cooperative()
    invoice = paper_invoice(coop, approve=True)
    assert invoice.vat_treatment_suggested == "" and invoice.state == S.APPROVED


def test_the_accountant_confirms_on_the_page_and_through_the_api(client):
    from compagnon.core.tests.factories import OfficeFactory, api_token_for, member_with_activity

    coop = cooperative()
    foreign(coop)
    invoice = paper_invoice(coop, rows=NO_VAT, category="fees")
    url = f"/activities/{coop['activity'].pk}/supplier-invoices/{invoice.pk}/"
    client.force_login(coop["camille"].user)
    html = client.get(url).content.decode()
    assert "vat-treatment" not in html and "DE" in html  # the member reads why, does not decide
    assert client.post(url + "vat-treatment/", {"treatment": ""}).status_code == 403
    outsider, _activity = member_with_activity(OfficeFactory())
    client.force_login(outsider.user)
    assert client.post(url + "vat-treatment/", {"treatment": ""}).status_code == 404
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(outsider.user)}"}
    api = f"/api/v1/supplier-invoices/{invoice.pk}/vat-treatment/"
    assert (
        client.post(
            api, {"treatment": "eu_services"}, content_type="application/json", **headers
        ).status_code
        == 404
    )
    client.force_login(coop["accountant"])
    assert "vat-treatment" in client.get(url).content.decode()
    response = client.post(url + "vat-treatment/", {"treatment": "eu_services", "rate": "20"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.vat_treatment == T.EU_SERVICES and invoice.vat_treatment_confirmed_at
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token_for(coop['accountant'])}"}
    body = client.post(
        api,
        {"treatment": "import_services", "rate": "10"},
        content_type="application/json",
        **headers,
    ).json()
    assert body["vat_treatment"] == "import_services" and Decimal(body["reverse_charge_rate"]) == 10
    assert body["vat_treatment_hints"]


def test_an_e_invoice_is_read_for_its_vat_category_and_supplier_country():
    from compagnon.purchases.services import receive_supplier_invoice

    from .factories import example

    coop = cooperative()
    data = example("peppol/vat-category-Z.xml")  # a British seller, no VAT
    invoice = receive_supplier_invoice(
        actor=coop["camille"].user, activity=coop["activity"], data=data, filename="z.xml"
    )
    assert invoice.vat_treatment_suggested == T.IMPORT_SERVICES
    assert ["country", "GB"] in invoice.vat_treatment_hints
    reverse = data.replace(b"<cbc:ID>Z</cbc:ID>", b"<cbc:ID>AE</cbc:ID>").replace(
        b"<cbc:IdentificationCode>GB</cbc:IdentificationCode>",
        b"<cbc:IdentificationCode>DE</cbc:IdentificationCode>",
    )
    invoice = receive_supplier_invoice(
        actor=coop["camille"].user, activity=coop["activity"], data=reverse, filename="ae.xml"
    )
    assert invoice.vat_treatment_suggested == T.EU_SERVICES
    assert ["code", "AE"] in invoice.vat_treatment_hints
