"""Failing rules in plain words, each attached to what the member fixes.

Rule texts of the official rule sets are technical and in English or French only. The member sees
which part of the invoice is wrong (the client, a line, the cooperative's details, the document)
in their language, with the rule's id and text kept as the precise reason. The part is found from
the rule's XPath location, which every rule set reports.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from compagnon.jurisdictions.base import NOT_SUBJECT_MIXED

from .validation import FiredRule

# Rules that need one field the member can add: said in plain words, naming the field and where it
# is added, instead of the rule's text. Rule id prefix -> (field, sentence).
BUYER_ADDRESS = ("BR-FR-12", "BR-FR-21")
# BR-O-11 to 14: "not subject to VAT" (O) mixed with other categories. One sentence for all, first.
NOT_SUBJECT_MIXED_RULES = ("BR-O-11", "BR-O-12", "BR-O-13", "BR-O-14")


def _plain(rule: FiredRule) -> tuple[str, str] | None:
    if rule.id.startswith(BUYER_ADDRESS):
        return "client", _(
            "Add the client's email address on the client's page: French e-invoices to businesses must "
            "carry an electronic address for the client."
        )
    if rule.id.startswith(NOT_SUBJECT_MIXED_RULES):
        return "lines", str(NOT_SUBJECT_MIXED)
    return None

BUYER = ("AccountingCustomerParty", "BuyerTradeParty", "ShipToTradeParty", "Delivery")
SELLER = ("AccountingSupplierParty", "SellerTradeParty", "PayeeFinancialAccount", "PayeePartyCreditorFinancialAccount",
          "PaymentMeans", "SpecifiedTradeSettlementPaymentMeans")
LINE = ("InvoiceLine", "CreditNoteLine", "IncludedSupplyChainTradeLineItem")
LINE_NUMBER = re.compile(r"(?:InvoiceLine|CreditNoteLine|IncludedSupplyChainTradeLineItem)(?:\[[^\]]*\])*\[(\d+)\]")


# EN 16931 business terms and groups, by what the member fixes
TERMS = [
    (range(44, 59), "client"), (range(70, 81), "client"),  # buyer, delivery
    (range(27, 44), "entity"), (range(81, 92), "entity"),  # seller, payment instructions
    (range(126, 161), "lines"),
]
GROUPS = {7: "client", 8: "client", 9: "client", 13: "client", 15: "client",
          4: "entity", 5: "entity", 6: "entity", 16: "entity", 17: "entity",
          25: "lines", 26: "lines", 27: "lines", 28: "lines", 29: "lines", 30: "lines", 31: "lines"}
TERM = re.compile(r"\b(BT|BG)-(\d+)\b")


def field_for(rule: FiredRule) -> str:
    """The form field a failing rule belongs to: client, lines, entity or einvoice.

    The rule's location tells where an element is wrong; when an element is missing the location
    is its parent (often the root), so the business term the rule names (BT-44 buyer name…) decides.
    """
    plain = _plain(rule)
    if plain:
        return plain[0]
    where = rule.location or ""
    if any(part in where for part in LINE):
        return "lines"
    if any(part in where for part in BUYER):
        return "client"
    if any(part in where for part in SELLER):
        return "entity"
    for kind, number in TERM.findall(rule.text or ""):
        number = int(number)
        if kind == "BG" and number in GROUPS:
            return GROUPS[number]
        if kind == "BT":
            for numbers, field in TERMS:
                if number in numbers:
                    return field
    return "einvoice"


def sentence(rule: FiredRule) -> str:
    plain = _plain(rule)
    if plain:
        return plain[1]
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
    if any(rule.id.startswith(NOT_SUBJECT_MIXED_RULES) for rule in errors):
        # the cause of the other category rules that fire with it: said first, once
        out["lines"] = [str(NOT_SUBJECT_MIXED)]
        errors = [rule for rule in errors if not rule.id.startswith(("BR-O-",))]
    for rule in errors:
        key = (rule.id, rule.location)
        if key in seen:
            continue
        seen.add(key)
        text = sentence(rule)
        bucket = out.setdefault(field_for(rule), [])
        if text not in bucket:
            bucket.append(text)
    return out
