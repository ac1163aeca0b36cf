"""What a document prints, captured as plain data.

``snapshot(document)`` is used twice: at issue time its result is stored in ``Document.frozen``
and never changes again; for drafts it is computed on the fly for the preview. The PDF and the
HTML preview render only from this data, so an issued document prints the same forever, even
when the client moves or the member changes their brand.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import translation
from django.utils.formats import date_format

from compagnon import jurisdictions
from compagnon.jurisdictions.parties import default_peppol_id

from . import payment
from .models import UNIT_CHOICES, Kind, LineKind, State


def _frozen_logo(activity) -> str:
    """Copy the logo to a content-addressed path so later brand changes leave old documents alone."""
    if not activity.logo:
        return ""
    try:
        with activity.logo.open("rb") as f:
            data = f.read()
    except (FileNotFoundError, OSError):
        return ""
    ext = activity.logo.name.rsplit(".", 1)[-1].lower()
    path = f"brands/frozen/{hashlib.sha256(data).hexdigest()}.{ext}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return path


def snapshot(document, *, lines=None, totals=None, freeze_logo: bool = True) -> dict:
    entity, activity, client = document.entity, document.activity, document.client
    rules = jurisdictions.get(entity.jurisdiction)
    lines = list(document.lines.all()) if lines is None else lines
    totals = totals or document.compute_totals(lines)
    units = dict(UNIT_CHOICES)
    with translation.override(document.language):
        categories = {c.category for c in totals.categories}
        mentions = []
        exemption = None
        if document.exemption_code:
            try:
                exemption = rules.exemption(document.exemption_code)
            except LookupError:
                exemption = None
        reasons = {}  # category -> (VATEX code, text): BT-121 / BT-120
        for category in sorted(categories):
            chosen = exemption if exemption and exemption.category == category else rules.default_exemption(category)
            if chosen:
                mentions.append(str(chosen.mention))
                reasons[category] = (chosen.vatex, str(chosen.mention))
        if document.is_legal and client.is_business and document.kind != Kind.CREDIT_NOTE:
            mentions += [str(m) for m in rules.business_mentions()]
        net_by_position = iter(totals.line_nets)
        printed_lines = []
        for line in lines:
            row = {"kind": line.kind, "description": line.description}
            if line.kind == LineKind.ITEM:
                row.update(
                    quantity=format(line.quantity.normalize(), "f") if line.quantity == line.quantity.to_integral() else str(line.quantity),
                    unit=line.unit, unit_label=str(units.get(line.unit, line.unit)),
                    unit_price=str(line.unit_price), discount_percent=str(line.discount_percent),
                    vat_category=line.vat_category, vat_rate=str(line.vat_rate), net=str(next(net_by_position)),
                )
            printed_lines.append(row)
        seller_endpoint = default_peppol_id(entity.country, entity.company_number, entity.vat_number)
        buyer_endpoint = (client.peppol_scheme, client.peppol_id) if client.peppol_id else ("", "")
        if not buyer_endpoint[1] and client.is_business:
            buyer_endpoint = default_peppol_id(client.country, client.company_number, client.vat_number)
        deposits = []
        if document.kind == Kind.INVOICE and document.quote_id and document.prepaid:
            deposits = [
                {"number": d.number, "issue_date": d.issue_date.isoformat()}
                for d in document.quote.invoices.filter(kind=Kind.DEPOSIT, state=State.ISSUED).order_by("issue_date", "id")
            ]
        reference_kind = "ogm" if entity.jurisdiction == "BE" else "rf"
        payable = totals.payable
        qr = ""
        if document.payment_reference and document.kind != Kind.CREDIT_NOTE:
            qr = payment.epc_qr_payload(
                name=entity.legal_name or entity.name, iban=entity.iban, bic=entity.bic, amount=payable,
                kind=reference_kind, reference=document.payment_reference,
            )
        snap = {
            "kind": document.kind,
            "kind_label": str(Kind(document.kind).label),
            "number": document.number,
            "issue_date": document.issue_date.isoformat() if document.issue_date else "",
            "issue_date_display": date_format(document.issue_date) if document.issue_date else "",
            "due_date": document.due_date.isoformat() if document.due_date else "",
            "due_date_display": date_format(document.due_date) if document.due_date else "",
            "valid_until_display": date_format(document.valid_until) if document.valid_until else "",
            "language": document.language,
            "currency": document.currency,
            "title": document.title, "intro": document.intro, "closing": document.closing, "terms": document.terms,
            "seller": {
                "name": entity.name, "legal_name": entity.legal_name, "address": entity.address_lines,
                "country": entity.country, "company_number": entity.formatted_company_number,
                "company_number_raw": entity.company_number,
                "company_number_label": str(rules.company_number_label_for(entity.company_number)), "vat_number": entity.vat_number,
                "iban": entity.iban, "bic": entity.bic, "email": entity.email, "jurisdiction": entity.jurisdiction,
                "street": entity.street, "postcode": entity.postcode, "city": entity.city,
                "trade_name": activity.name,
                "endpoint_scheme": seller_endpoint[0], "endpoint_id": seller_endpoint[1],
            },
            "activity": {
                "name": activity.name, "trade": activity.trade.name if activity.trade_id else "",
                "brand_color": activity.brand_color, "letterhead": activity.letterhead, "footer": activity.footer,
                "logo": _frozen_logo(activity) if freeze_logo else (activity.logo.name if activity.logo else ""),
            },
            "buyer": {
                "name": client.name, "kind": client.kind, "address": client.address_lines, "country": client.country,
                "company_number": client.company_number, "vat_number": client.vat_number, "email": client.email,
                "peppol_scheme": client.peppol_scheme, "peppol_id": client.peppol_id,
                "site": [x for x in (client.site_street, f"{client.site_postcode} {client.site_city}".strip()) if x],
                "street": client.street, "postcode": client.postcode, "city": client.city,
                "endpoint_scheme": buyer_endpoint[0], "endpoint_id": buyer_endpoint[1],
            },
            "lines": printed_lines,
            "vat": [
                {"category": c.category, "rate": str(c.rate), "taxable": str(c.taxable), "tax": str(c.tax),
                 "allowance": str(c.allowances), "charge": str(c.charges),
                 "exemption_code": reasons.get(c.category, ("", ""))[0],
                 "exemption_reason": reasons.get(c.category, ("", ""))[1]}
                for c in totals.categories
            ],
            "totals": {
                "line_total": str(totals.line_total), "allowance_total": str(totals.allowance_total),
                "charge_total": str(totals.charge_total),
                "tax_exclusive": str(totals.tax_exclusive), "tax_total": str(totals.tax_total),
                "tax_inclusive": str(totals.tax_inclusive), "prepaid": str(totals.prepaid), "payable": str(totals.payable),
            },
            "discount_percent": str(document.discount_percent), "discount_amount": str(document.discount_amount),
            "charge_amount": f"{document.charge_amount:.2f}", "charge_reason": document.charge_reason,
            "mentions": mentions,
            "references": {
                "quote": document.quote.number if document.quote_id else "",
                "credited": document.credited.number if document.credited_id else "",
                "credited_date": date_format(document.credited.issue_date) if document.credited_id and document.credited.issue_date else "",
                "order": document.order_reference, "buyer": document.buyer_reference,
                "credited_issue_date": document.credited.issue_date.isoformat() if document.credited_id and document.credited.issue_date else "",
                "deposits": deposits,
            },
            # document-level allowances per VAT category (BG-20), as the calculation split them
            "allowances": [
                {"category": category, "rate": str(rate), "amount": str(amount)}
                for category, rate, amount in totals.allowances
            ],
            # document-level charges (BG-21), split per VAT category the same way
            "charges": [
                {"category": category, "rate": str(rate), "amount": str(amount), "reason": document.charge_reason}
                for category, rate, amount in totals.charges
            ],
            "payment": {
                "means": "58" if entity.iban else "",  # UNCL 4461: SEPA credit transfer
                "iban": entity.iban, "bic": entity.bic,
                "reference_kind": reference_kind if document.payment_reference else "",
                "reference": document.payment_reference,
                "reference_display": payment.display(reference_kind, document.payment_reference),
                "terms_days": (document.due_date - document.issue_date).days if document.due_date and document.issue_date else None,
                "qr": qr,
            },
            "notes": [{"code": code, "text": str(text)} for code, text in rules.einvoice_notes()] if document.is_legal else [],
            "exemption_code": exemption.code if exemption else "",
        }
    return snap
