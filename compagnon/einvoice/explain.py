"""Failing rules in plain words, each attached to what the member fixes.

Rule texts of the official rule sets are technical and in English or French only. The member sees
which part of the invoice is wrong (the client, a line, the cooperative's details, the document)
in their language, with the rule's id and text kept as the precise reason. The part is found from
the rule's XPath location, which every rule set reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from compagnon.jurisdictions.base import NOT_SUBJECT_MIXED

from .validation import FiredRule

# Rules that need one field the member can add: said in plain words, naming the field and where it
# is added, instead of the rule's text. Rule id prefix -> (field, sentence).
BUYER_ADDRESS = ("BR-FR-12", "BR-FR-21")
# BR-O-11 to 14: "not subject to VAT" (O) mixed with other categories. One sentence for all, first.
NOT_SUBJECT_MIXED_RULES = ("BR-O-11", "BR-O-12", "BR-O-13", "BR-O-14")


# The other rules our documents can trigger (see the comments of cii.py and ubl.py, and the tests
# that break a document on purpose): rule id prefix -> (field, plain sentence). Ids of the French
# rules carry a suffix (BR-FR-10_BT-30): a prefix matches them. Longer prefixes first.
PLAIN_RULES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("PEPPOL-EN16931-R008",), "einvoice", gettext_noop(
        "The e-invoice contains an empty section that its format requires (the delivery details). "
        "Receiving software accepts it: there is nothing to fix.")),
    (("BR-CO-26", "BR-FR-10", "BR-S-02", "BR-FR-32"), "entity", gettext_noop(
        "The cooperative's company number or VAT number is missing or not valid in its details: an "
        "administrator must complete them.")),
    (("BR-FR-13", "BR-08", "BR-09"), "entity", gettext_noop(
        "The cooperative's postal address is incomplete in its details: an administrator must "
        "complete it.")),
    (("BR-07", "BR-10", "BR-11", "BR-FR-11"), "client", gettext_noop(
        "Complete the client's name, postal address and country on the client's page.")),
    (("BR-AE-02", "BR-AE-03", "BR-AE-04", "BR-IC-02", "BR-IC-03", "BR-IC-04"), "client", gettext_noop(
        "Add the client's VAT number on the client's page: it is required when the client accounts "
        "for the VAT (reverse charge, intra-community supply).")),
    (("BR-CO-09",), "client", gettext_noop(
        "A VAT number does not start with its country code (FR, BE…): correct it on the client's "
        "page or in the cooperative's details.")),
    (("BR-FR-09",), "client", gettext_noop(
        "A French SIRET number must start with the SIREN of the same business: check the client's "
        "company number.")),
    (("BR-E-10", "BR-AE-10", "BR-IC-10", "BR-G-10", "BR-O-10"), "lines", gettext_noop(
        "The legal reason why no VAT is charged is missing: choose the VAT category of the lines again "
        "so that its mention is added.")),
    (("BR-27", "BR-FR-DEC-03"), "lines", gettext_noop(
        "A line has a negative unit price or too many decimals: for a deduction, enter a negative "
        "quantity with a positive price.")),
    (("BR-IC-11", "BR-IC-12"), "client", gettext_noop(
        "An intra-community supply needs the delivery country and date: check the client's "
        "country and the work site.")),
    (("BR-CO-22",), "lines", gettext_noop(
        "An additional charge needs a reason (travel costs, delivery…): add it next to the amount.")),
    (("BR-CO-", "BR-S-", "BR-Z-", "BR-E-", "BR-AE-", "BR-IC-", "BR-G-", "BR-DEC-", "BR-FR-DEC-"), "einvoice",
     gettext_noop(
        "The amounts of the e-invoice do not add up as the rules require. This is a fault of "
        "Compagnon, not yours: tell the support team.")),
)
GENERIC = gettext_noop(
    "The e-invoice does not meet one of the official rules. The exact rule is under “Technical "
    "details”; the support team can explain it.")


def _plain(rule: FiredRule) -> tuple[str, str] | None:
    if rule.id.startswith(BUYER_ADDRESS):
        return "client", _(
            "Add the client's email address on the client's page: French e-invoices to businesses must "
            "carry an electronic address for the client."
        )
    if rule.id.startswith(NOT_SUBJECT_MIXED_RULES):
        return "lines", str(NOT_SUBJECT_MIXED)
    for prefixes, field, text in PLAIN_RULES:
        if rule.id.startswith(prefixes):
            return field, _(text)
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


FIELD_LABELS = {
    "client": gettext_noop("The client"),
    "lines": gettext_noop("The lines"),
    "entity": gettext_noop("The cooperative's details"),
    "einvoice": gettext_noop("The e-invoice"),
}


@dataclass(frozen=True)
class Explained:
    """One fired rule for a reader: a plain sentence and what to fix first; the rule's own words
    (id, text, location) are kept for the "Technical details" fold."""

    sentence: str
    field: str
    field_label: str
    blocking: bool
    known: bool
    rule: dict


def explain_report(fired: list[dict]) -> list[Explained]:
    """A stored report's fired rules (``EInvoice.report["fired"]``) in the reader's language, errors
    first, each rule once. A rule we do not know says the generic sentence, never its raw text."""
    out, seen = [], set()
    for raw in fired:
        rule = FiredRule(**{k: raw.get(k, "") for k in ("rule_set", "flag", "id", "location", "text", "test")})
        if (rule.id, rule.location) in seen:
            continue
        seen.add((rule.id, rule.location))
        plain = _plain(rule)
        field = plain[0] if plain else field_for(rule)
        out.append(Explained(
            sentence=plain[1] if plain else _(GENERIC), field=field, field_label=_(FIELD_LABELS[field]),
            blocking=rule.blocking, known=plain is not None, rule=raw,
        ))
    return sorted(out, key=lambda e: not e.blocking)
