"""Failing rules in plain words, each attached to what the member fixes.

Rule texts of the official rule sets are technical and in English or French only. The member sees
which part of the invoice is wrong (the client, a line, the cooperative's details, the document)
in their language, with the rule's id and text kept as the precise reason. The part is found from
the rule's XPath location, which every rule set reports.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .validation import FiredRule

BUYER = ("AccountingCustomerParty", "BuyerTradeParty", "ShipToTradeParty", "Delivery")
SELLER = ("AccountingSupplierParty", "SellerTradeParty", "PayeeFinancialAccount", "PayeePartyCreditorFinancialAccount",
          "PaymentMeans", "SpecifiedTradeSettlementPaymentMeans")
LINE = ("InvoiceLine", "CreditNoteLine", "IncludedSupplyChainTradeLineItem")
LINE_NUMBER = re.compile(r"(?:InvoiceLine|CreditNoteLine|IncludedSupplyChainTradeLineItem)(?:\[[^\]]*\])*\[(\d+)\]")


def field_for(rule: FiredRule) -> str:
    """The form field a failing rule belongs to: client, lines, entity or einvoice."""
    where = rule.location or ""
    if any(part in where for part in LINE):
        return "lines"
    if any(part in where for part in BUYER):
        return "client"
    if any(part in where for part in SELLER):
        return "entity"
    return "einvoice"


def sentence(rule: FiredRule) -> str:
    field = field_for(rule)
    params = {"rule": rule.id, "text": rule.text[:300]}
    if field == "client":
        return _("The client's details do not meet e-invoicing rule %(rule)s: %(text)s") % params
    if field == "lines":
        match = LINE_NUMBER.search(rule.location or "")
        if match:
            params["n"] = match.group(1)
            return _("Line %(n)s does not meet e-invoicing rule %(rule)s: %(text)s") % params
        return _("A line does not meet e-invoicing rule %(rule)s: %(text)s") % params
    if field == "entity":
        return _(
            "The cooperative's details (company number, VAT number, bank account) do not meet e-invoicing "
            "rule %(rule)s; an administrator must complete them: %(text)s"
        ) % params
    return _("The e-invoice would be rejected by rule %(rule)s: %(text)s") % params


def problems(errors: list[FiredRule]) -> dict[str, list[str]]:
    """ValidationError-ready dict: field -> messages, each rule once."""
    out: dict[str, list[str]] = {}
    seen = set()
    for rule in errors:
        key = (rule.id, rule.location)
        if key in seen:
            continue
        seen.add(key)
        out.setdefault(field_for(rule), []).append(sentence(rule))
    return out
