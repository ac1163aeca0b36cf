"""Issued documents covering what e-invoices must carry, made through the services as a member would.

Each scenario returns an issued ``Document`` (with ``frozen`` filled). They are shared by the UBL,
CII/Factur-X and validation tests and by the benchmark, so that every format is proved on the same
variety: every VAT category, several rates, line and document discounts, deposit and final
invoices, credit notes, Belgian and French sellers and buyers, individual (B2C) buyers.
"""

from __future__ import annotations

from decimal import Decimal as D

from compagnon.clients.models import Client
from compagnon.core.demo import kbo_from, siren_from
from compagnon.core.tests.factories import EntityFactory, OfficeFactory, member_with_activity
from compagnon.sales import services
from compagnon.sales.models import Kind, State


def _line(description, quantity, price, category="S", rate="20", unit="HUR", discount="0"):
    return {"description": description, "quantity": D(quantity), "unit": unit, "unit_price": D(price),
            "vat_category": category, "vat_rate": D(rate), "discount_percent": D(discount)}


def seller(country: str = "FR"):
    """A member and their activity in a fresh entity of that country."""
    entity = EntityFactory(belgian=True) if country == "BE" else EntityFactory()
    return member_with_activity(office=OfficeFactory(entity=entity))


def business_client(activity, country: str = "FR", **kw) -> Client:
    if country == "BE":
        number = kbo_from(4300000 + Client.objects.count())
        data = {"name": "Brasserie De Klok BV", "street": "Grote Markt 7", "postcode": "9000", "city": "Gent",
                "country": "BE", "company_number": number, "vat_number": "BE" + number, "language": "nl",
                "peppol_scheme": "0208", "peppol_id": number}
    elif country == "FR":
        from stdnum.fr import siren

        base = siren_from(51000000 + Client.objects.count())
        data = {"name": "Copropriété Les Tilleuls SAS", "street": "4 rue des Lilas", "postcode": "44000",
                "city": "Nantes", "country": "FR", "company_number": base, "vat_number": "FR" + siren.to_tva(base),
                "language": "fr", "peppol_scheme": "0002", "peppol_id": base}
    else:  # outside the EU
        data = {"name": "Atelier Suisse SA", "street": "Rue du Rhône 12", "postcode": "1204", "city": "Genève",
                "country": "CH", "company_number": "", "vat_number": "", "language": "fr"}
    data.update(email="compta@client.example", kind="company", **kw)
    return Client.objects.create(activity=activity, **data)


def individual_client(activity, country: str = "FR") -> Client:
    if country == "BE":
        data = {"name": "An Peeters", "street": "Kerkstraat 3", "postcode": "2000", "city": "Antwerpen",
                "country": "BE", "language": "nl"}
    else:
        data = {"name": "Claire Martin", "street": "9 allée des Chênes", "postcode": "35000", "city": "Rennes",
                "country": "FR", "language": "fr"}
    return Client.objects.create(activity=activity, kind="individual", email="particulier@example.org", **data)


def issue(member, activity, client, lines, kind=Kind.INVOICE, **fields):
    document = services.create_document(actor=member.user, activity=activity, client=client, kind=kind,
                                        lines=lines, **fields)
    return services.issue_document(actor=member.user, document=document)


# --- the scenarios --------------------------------------------------------------------------------


def fr_b2b_several_rates():
    """French seller and buyer, two standard rates, a line discount and a 5 % document discount."""
    member, activity = seller("FR")
    client = business_client(activity, "FR")
    return issue(member, activity, client, [
        {"kind": "section", "description": "Entretien du jardin"},
        _line("Taille de haies", "3.5", "42"),
        _line("Évacuation des déchets verts", "1", "35.50", rate="10", unit="LS"),
        _line("Conseil plantation", "2", "55", discount="10"),
    ], discount_percent=D("5"), buyer_reference="BC-2026-118", order_reference="PO-4471")


def fr_b2c_amount_discount():
    member, activity = seller("FR")
    client = individual_client(activity, "FR")
    return issue(member, activity, client, [_line("Dépannage informatique", "1.5", "55"),
                                            _line("Câble réseau", "2", "8.90", unit="C62")],
                 discount_amount=D("10"))


def fr_b2b_travel_costs():
    """A gardener's invoice with travel costs (a document-level charge, BG-21) and an amount
    discount, over two rates: both are split over the rates, taxed with the work."""
    member, activity = seller("FR")
    client = business_client(activity, "FR")
    return issue(member, activity, client, [_line("Taille de haies", "6", "42"),
                                            _line("Plants de lavande", "12", "6.50", rate="10", unit="C62")],
                 charge_amount=D("45"), charge_reason="Frais de déplacement", discount_amount=D("20"))


def be_b2b_delivery_charge():
    member, activity = seller("BE")
    client = business_client(activity, "BE")
    return issue(member, activity, client, [_line("Renovatie badkamer", "10", "48", rate="6"),
                                            _line("Materiaal", "1", "250", rate="21", unit="LS")],
                 charge_amount=D("30"), charge_reason="Levering materiaal", discount_percent=D("5"))


def fr_exempt_training():
    member, activity = seller("FR")
    client = business_client(activity, "FR")
    return issue(member, activity, client, [_line("Formation bureautique", "7", "60", "E", "0")],
                 exemption_code="fr-training")


def fr_intra_eu_to_belgium():
    member, activity = seller("FR")
    client = business_client(activity, "BE")
    return issue(member, activity, client, [_line("Illustrations", "1", "900", "K", "0", unit="LS")])


def fr_export_outside_eu():
    member, activity = seller("FR")
    client = business_client(activity, "CH")
    return issue(member, activity, client, [_line("Création de logo", "1", "1200", "G", "0", unit="LS")])


def fr_franchise():
    member, activity = seller("FR")
    client = individual_client(activity, "FR")
    return issue(member, activity, client, [_line("Cours de piano", "4", "30", "E", "0")],
                 exemption_code="fr-franchise")


def be_b2b_two_rates():
    member, activity = seller("BE")
    client = business_client(activity, "BE")
    return issue(member, activity, client, [_line("Renovatie badkamer", "12", "48", rate="6"),
                                            _line("Materiaal", "1", "320", rate="21", unit="LS")],
                 order_reference="PO-88")


def be_reverse_charge():
    member, activity = seller("BE")
    client = business_client(activity, "BE")
    return issue(member, activity, client, [_line("Dakwerken", "16", "52", "AE", "0")],
                 exemption_code="be-reverse-charge")


def be_zero_rate():
    member, activity = seller("BE")
    client = business_client(activity, "BE")
    return issue(member, activity, client, [_line("Kranten", "10", "2.5", "Z", "0", unit="C62")])


def be_outside_scope():
    member, activity = seller("BE")
    client = business_client(activity, "BE")
    return issue(member, activity, client, [_line("Schadevergoeding", "1", "150", "O", "0", unit="LS")])


def be_b2c():
    member, activity = seller("BE")
    client = individual_client(activity, "BE")
    return issue(member, activity, client, [_line("Tuinonderhoud", "3", "38", rate="21")])


def deposit_and_final(country: str = "FR"):
    """A quote accepted, a 30 % deposit invoiced, then the final invoice deducting it: (deposit, final)."""
    member, activity = seller(country)
    client = business_client(activity, country)
    quote = services.create_document(actor=member.user, activity=activity, client=client, kind=Kind.QUOTE, lines=[
        _line("Site web vitrine", "1", "2400", unit="LS", rate="20" if country == "FR" else "21"),
        _line("Hébergement (an)", "1", "180", unit="LS", rate="20" if country == "FR" else "21"),
    ])
    services.change_quote_state(actor=member.user, document=quote, to_state=State.SENT)
    services.change_quote_state(actor=member.user, document=quote, to_state=State.ACCEPTED)
    deposit = services.invoice_from_quote(actor=member.user, quote=quote, mode="deposit", percent=D("30"))
    deposit = services.issue_document(actor=member.user, document=deposit)
    final = services.invoice_from_quote(actor=member.user, quote=quote, mode="final")
    final = services.issue_document(actor=member.user, document=final)
    return deposit, final


def credit_note(country: str = "BE"):
    """An invoice and the credit note cancelling it: (invoice, credit note)."""
    member, activity = seller(country)
    client = business_client(activity, country)
    invoice = issue(member, activity, client, [_line("Consultance", "5", "90", rate="21" if country == "BE" else "20")])
    note = services.credit_note_for(actor=member.user, invoice=invoice)
    return invoice, services.issue_document(actor=member.user, document=note)


def all_documents() -> dict:
    """Every scenario's documents by name (credit notes and deposits included)."""
    docs = {
        "fr_b2b_several_rates": fr_b2b_several_rates(),
        "fr_b2c_amount_discount": fr_b2c_amount_discount(),
        "fr_b2b_travel_costs": fr_b2b_travel_costs(),
        "be_b2b_delivery_charge": be_b2b_delivery_charge(),
        "fr_exempt_training": fr_exempt_training(),
        "fr_intra_eu_to_belgium": fr_intra_eu_to_belgium(),
        "fr_export_outside_eu": fr_export_outside_eu(),
        "fr_franchise": fr_franchise(),
        "be_b2b_two_rates": be_b2b_two_rates(),
        "be_reverse_charge": be_reverse_charge(),
        "be_zero_rate": be_zero_rate(),
        "be_outside_scope": be_outside_scope(),
        "be_b2c": be_b2c(),
    }
    for country in ("FR", "BE"):
        deposit, final = deposit_and_final(country)
        docs[f"{country.lower()}_deposit"], docs[f"{country.lower()}_final"] = deposit, final
        invoice, note = credit_note(country)
        docs[f"{country.lower()}_credited_invoice"], docs[f"{country.lower()}_credit_note"] = invoice, note
    return docs
