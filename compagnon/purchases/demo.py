"""Demo supplier invoices: a nursery's Factur-X and a Belgian wholesaler's Peppol UBL, received
by demo activities the way a member receives them (through the service, validation included)."""

from __future__ import annotations

import copy

from compagnon.core.demo import siren_from


def _as_supplier_invoice(snapshot: dict, *, number: str, supplier: dict, buyer_entity, activity) -> dict:
    """A demo document turned around: the same lines, sold by ``supplier`` to the cooperative."""
    s = copy.deepcopy(snapshot)
    s["number"] = number
    s["seller"] = {**s["seller"], **supplier}
    s["buyer"] = {
        **s["buyer"], "name": buyer_entity.legal_name, "kind": "company", "country": buyer_entity.country,
        "street": buyer_entity.street, "postcode": buyer_entity.postcode, "city": buyer_entity.city,
        "address": buyer_entity.address_lines, "company_number": buyer_entity.company_number,
        "vat_number": buyer_entity.vat_number, "email": buyer_entity.email,
        "endpoint_scheme": "0208" if buyer_entity.country == "BE" else "0002",
        "endpoint_id": buyer_entity.company_number,
    }
    s["references"] = {**s["references"], "buyer": activity.name[:60], "quote": "", "deposits": []}
    s["activity"] = {**s["activity"], "name": supplier["trade_name"], "logo": ""}
    return s


def seed_demo_supplier_invoices(activities) -> int:
    from compagnon.einvoice import cii, facturx, ubl
    from compagnon.sales.models import Document, Kind, State
    from compagnon.sales.pdf import render_pdf

    from .services import receive_supplier_invoice

    received = 0
    for activity in activities:
        source = (Document.objects.filter(activity=activity, kind=Kind.INVOICE, state=State.ISSUED)
                  .exclude(frozen={}).order_by("id").first())
        holder = activity.memberships.filter(role="holder").select_related("member__user").first()
        if source is None or holder is None:
            continue
        entity = activity.entity
        if entity.jurisdiction == "FR":
            number = siren_from(44100000 + activity.pk)
            supplier = {"name": "Pépinière du Val", "legal_name": "Pépinière du Val SARL", "trade_name": "Pépinière du Val",
                        "company_number": number, "company_number_raw": number,
                        "vat_number": "FR" + __import__("stdnum.fr.siren", fromlist=["to_tva"]).to_tva(number),
                        "street": "3 route de Clisson", "postcode": "44120", "city": "Vertou", "country": "FR",
                        "email": "factures@pepiniere-du-val.example", "endpoint_scheme": "0002", "endpoint_id": number,
                        "iban": "FR7630004000031234567890143", "bic": "BNPAFRPP"}
            snap = _as_supplier_invoice(source.frozen, number=f"PV-{source.issue_date.year}-0412", supplier=supplier,
                                        buyer_entity=entity, activity=activity)
            data = facturx.embed(render_pdf(snap), cii.build(snap), lang="fr")
            name = f"PV-{source.issue_date.year}-0412.pdf"
        else:
            supplier = {"name": "Groothandel Verbeke", "legal_name": "Groothandel Verbeke BV",
                        "trade_name": "Groothandel Verbeke", "company_number": "0403019261",
                        "company_number_raw": "0403019261", "vat_number": "BE0403019261",
                        "street": "Industrieweg 44", "postcode": "8800", "city": "Roeselare", "country": "BE",
                        "email": "facturen@verbeke.example", "endpoint_scheme": "0208", "endpoint_id": "0403019261",
                        "iban": "BE71096123456769", "bic": "GKCCBEBB"}
            snap = _as_supplier_invoice(source.frozen, number=f"VB{source.issue_date.year}/1187", supplier=supplier,
                                        buyer_entity=entity, activity=activity)
            data = ubl.build(snap)
            name = f"VB{source.issue_date.year}-1187.xml"
        receive_supplier_invoice(actor=holder.member.user, activity=activity, data=data, filename=name)
        received += 1
    return received
