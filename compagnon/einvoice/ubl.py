"""UBL 2.1 e-invoices following Peppol BIS Billing 3.0 (Invoice and CreditNote).

``build(snapshot)`` turns the frozen snapshot of an issued document (``sales.freeze.snapshot``)
into the XML a Peppol access point sends. It is pure (reads the dict only, no database) and
cheap: namespaces and lookup tables are module constants, so a call only creates elements.

Choices the rule sets force (see the tests for the proof):
- Peppol allows one document-level note (PEPPOL-EN16931-R002), while the French rules (BR-FR-05)
  need the PMT, PMD and AAB subject-coded notes: they are packed into the one note as
  ``#PMT#text#PMD#text#AAB#text``, which is how the French rules parse notes.
- A document with category O carries neither seller nor buyer VAT identifier (BR-O-02).
- Category K needs a delivery date and country (BR-IC-11/12): the snapshot has no delivery date
  yet, so the issue date is used (``snapshot["delivery_date"]`` wins when present).
- Buyers without a Peppol participant id get their email with scheme EM, the only truthful
  electronic address; EN 16931 accepts it, Peppol's code list does not (PEPPOL-EN16931-CL008),
  which is right: such a buyer cannot be reached over Peppol.
"""

from __future__ import annotations

import base64
import re
from copy import deepcopy
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

from compagnon.jurisdictions.parties import vat_prefix

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

NSMAP = {"cac": CAC, "cbc": CBC}

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

# UNTDID 1001 document types: commercial invoice, prepayment (deposit) invoice, credit note.
TYPE_CODES = {"invoice": "380", "deposit": "386", "credit_note": "381"}

# ISO 6523 ICD of the legal registration number (BT-30 / BT-47) per country.
SIREN, SIRET, BE_ENTERPRISE = "0002", "0009", "0208"

# Categories whose breakdown must say why no VAT is charged (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10).
EXEMPT_CATEGORIES = frozenset({"E", "AE", "K", "G", "O"})

# UNTDID 5189 allowance reason "Discount"; UNTDID 4461 "instrument not defined" (credit notes:
# the refund goes to an account the snapshot does not know).
DISCOUNT_CODE = "95"
PAYMENT_MEANS_UNDEFINED = "1"

# A few words per document language; English is the fallback.
WORDS = {
    "fr": {"discount": "Remise", "charge": "Frais", "within": "Paiement à {days} jours", "now": "Paiement à réception"},
    "nl": {"discount": "Korting", "charge": "Toeslag", "within": "Betaling binnen {days} dagen", "now": "Betaling bij ontvangst"},
    "de": {"discount": "Rabatt", "charge": "Zuschlag", "within": "Zahlbar innerhalb von {days} Tagen", "now": "Zahlbar sofort"},
    "en": {"discount": "Discount", "charge": "Charge", "within": "Payment within {days} days", "now": "Payment on receipt"},
}

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
CENT = Decimal("0.01")
ZERO = Decimal("0")
NAME_MAX = 100  # Item names longer than this are cut; the full text goes to Description.

# Characters XML 1.0 cannot carry (lxml refuses them); stripped from free text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NON_DIGITS = re.compile(r"\D")
_SPACES = re.compile(r"[\s.\-/]")


# --- small helpers ------------------------------------------------------------------------------


def _dec(value) -> Decimal:
    if value is None or value == "":
        return ZERO
    if isinstance(value, float):
        raise TypeError("amounts are Decimals or strings, never float")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None


def _money(value) -> str:
    """An amount with exactly two decimals (BR-DEC-*, BR-FR-DEC-01)."""
    amount = _dec(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return format(amount if amount else CENT * 0, "f")  # never "-0.00"


def _plain(value) -> str:
    """A quantity, price or rate without needless zeros and never in exponent form."""
    number = _dec(value)
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


def _text(value) -> str:
    return _NOT_XML.sub("", str(value or "")).strip()


def _words(snapshot) -> dict:
    return WORDS.get((snapshot.get("language") or "en")[:2], WORDS["en"])


class _Tags(dict):
    """Clark names built once: lxml parses a reused tag string faster than a fresh one."""

    def __init__(self, namespace):
        super().__init__()
        self.namespace = namespace

    def __missing__(self, name):
        tag = self[name] = f"{{{self.namespace}}}{name}"
        return tag


_B, _A = _Tags(CBC), _Tags(CAC)


def _cbc(parent, name, text, **attrs):
    """Append a basic component; empty values are skipped (PEPPOL-EN16931-R008)."""
    text = _text(text)
    if not text:
        return None
    element = etree.SubElement(parent, _B[name])
    for key, value in attrs.items():
        if value:
            element.set(key, value)
    element.text = text
    return element


def _cac(parent, name):
    return etree.SubElement(parent, _A[name])


def _amount(parent, name, value, currency):
    element = etree.SubElement(parent, _B[name])
    element.set("currencyID", currency)
    element.text = _money(value)
    return element


# --- identifiers --------------------------------------------------------------------------------


def vat_id(country: str, value: str) -> str:
    """The VAT number with its country prefix (BR-CO-09), whatever way it was stored."""
    compact = _SPACES.sub("", value or "").upper()
    if not compact:
        return ""
    country = (country or "").upper()
    # Already prefixed (FR…, BE…, EL…, CHE…); a French number without prefix has 11 characters.
    if compact[:2].isalpha() and not (country == "FR" and len(compact) == 11):
        return compact
    return vat_prefix(country) + compact


def legal_id(country: str, value: str) -> tuple[str, str, str]:
    """(ICD scheme, legal registration id, SIRET) for BT-30 / BT-47.

    French numbers are the SIREN with scheme 0002 (BR-FR-10, BR-FR-32); a SIRET also yields its
    SIREN and is returned apart for the party identification (BR-FR-09). Belgian numbers are the
    10-digit enterprise number with scheme 0208. Other countries: the number, no scheme.
    """
    raw = (value or "").strip()
    if not raw:
        return "", "", ""
    digits = _NON_DIGITS.sub("", raw)
    if country == "FR" and len(digits) in (9, 14):
        return SIREN, digits[:9], digits if len(digits) == 14 else ""
    if country == "BE" and len(digits) in (9, 10):
        return BE_ENTERPRISE, digits.zfill(10), ""
    return "", raw, ""


def buyer_endpoint(snapshot: dict) -> tuple[str, str]:
    """(scheme, id) of BT-49: the Peppol participant id, else the email with scheme EM.

    EM is what EN 16931 offers for a buyer outside Peppol; Peppol's own list refuses it
    (PEPPOL-EN16931-CL008), so such a document can be archived or emailed, not sent over Peppol.
    """
    buyer = snapshot.get("buyer") or {}
    for scheme, endpoint in ((buyer.get("endpoint_scheme"), buyer.get("endpoint_id")),
                             (buyer.get("peppol_scheme"), buyer.get("peppol_id")),
                             ("EM", buyer.get("email"))):
        if _text(scheme) and _text(endpoint):
            return _text(scheme), _text(endpoint)
    return "", ""


def known_conflicts(snapshot: dict) -> set[tuple[str, str]]:
    """(rule set, rule id) of blocking rules this document cannot satisfy together with Peppol.

    - BR-FR-08 (French sellers, when BR-FR-UBL is applied): the French rules want the billing
      mode (B1, S1…) in cbc:ProfileID, where Peppol requires its process identifier
      (PEPPOL-EN16931-R001/R007). One element, two meanings: no value satisfies both.
    - PEPPOL-EN16931-CL008: the buyer has no Peppol participant id and is addressed by email
      (EM), which EN 16931 accepts and Peppol does not; the document cannot travel over Peppol.
    Callers deciding whether a document may be issued can ignore exactly these.
    """
    conflicts = set()
    if (snapshot.get("seller") or {}).get("jurisdiction") == "FR":
        conflicts.add(("BR-FR-UBL", "BR-FR-08_BT-23"))
    if buyer_endpoint(snapshot)[0] == "EM":
        conflicts.add(("PEPPOL-EN16931-UBL", "PEPPOL-EN16931-CL008"))
    return conflicts


# --- parts of the document ----------------------------------------------------------------------


def _address(parent, name, street, postcode, city, country, line=""):
    address = _cac(parent, name)
    _cbc(address, "StreetName", street)
    _cbc(address, "CityName", city)
    _cbc(address, "PostalZone", postcode)
    if _text(line):
        _cbc(_cac(address, "AddressLine"), "Line", line)
    _cbc(_cac(address, "Country"), "IdentificationCode", (country or "").upper())
    return address


def _split_address(party: dict) -> tuple[str, str, str]:
    """Street, postcode, city: the structured fields, else the printed lines as a last resort."""
    street, postcode, city = party.get("street") or "", party.get("postcode") or "", party.get("city") or ""
    lines = [x for x in party.get("address") or [] if x]
    if not street and lines:
        street = lines[0]
    if not city and len(lines) > 1:
        city = lines[-1]
    return street, postcode, city


def _supplier(root, snapshot, *, with_vat: bool):
    seller = snapshot.get("seller") or {}
    country = (seller.get("country") or "").upper()
    party = _cac(_cac(root, "AccountingSupplierParty"), "Party")
    _cbc(party, "EndpointID", seller.get("endpoint_id"), schemeID=seller.get("endpoint_scheme"))
    scheme, company_id, siret = legal_id(country, seller.get("company_number_raw") or seller.get("company_number"))
    if siret:
        _cbc(_cac(party, "PartyIdentification"), "ID", siret, schemeID=SIRET)
    trade_name = seller.get("trade_name") or seller.get("name")
    if _text(trade_name):
        _cbc(_cac(party, "PartyName"), "Name", trade_name)
    _address(party, "PostalAddress", *_split_address(seller), country)
    vat = vat_id(country, seller.get("vat_number")) if with_vat else ""
    if vat:
        tax_scheme = _cac(party, "PartyTaxScheme")
        _cbc(tax_scheme, "CompanyID", vat)
        _cbc(_cac(tax_scheme, "TaxScheme"), "ID", "VAT")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", seller.get("legal_name") or seller.get("name"))
    _cbc(legal, "CompanyID", company_id, schemeID=scheme)
    if _text(seller.get("email")):
        _cbc(_cac(party, "Contact"), "ElectronicMail", seller.get("email"))


def _customer(root, snapshot, *, with_vat: bool):
    buyer = snapshot.get("buyer") or {}
    country = (buyer.get("country") or "").upper()
    business = buyer.get("kind") != "individual"
    party = _cac(_cac(root, "AccountingCustomerParty"), "Party")
    scheme, endpoint = buyer_endpoint(snapshot)
    _cbc(party, "EndpointID", endpoint, schemeID=scheme)
    legal_scheme, company_id, siret = legal_id(country, buyer.get("company_number")) if business else ("", "", "")
    if siret:
        _cbc(_cac(party, "PartyIdentification"), "ID", siret, schemeID=SIRET)
    _address(party, "PostalAddress", *_split_address(buyer), country)
    vat = vat_id(country, buyer.get("vat_number")) if business and with_vat else ""
    if vat:
        tax_scheme = _cac(party, "PartyTaxScheme")
        _cbc(tax_scheme, "CompanyID", vat)
        _cbc(_cac(tax_scheme, "TaxScheme"), "ID", "VAT")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", buyer.get("name"))
    _cbc(legal, "CompanyID", company_id, schemeID=legal_scheme)
    if _text(buyer.get("email")):
        _cbc(_cac(party, "Contact"), "ElectronicMail", buyer.get("email"))


def _tax_category(parent, name, category, rate, *, reason_code="", reason=""):
    element = _cac(parent, name)
    _cbc(element, "ID", category)
    if category != "O":  # "not subject to VAT" carries no rate (BR-O-05..07; the breakdown follows suit)
        _cbc(element, "Percent", _plain(rate))
    if category in EXEMPT_CATEGORIES:
        _cbc(element, "TaxExemptionReasonCode", reason_code)
        _cbc(element, "TaxExemptionReason", reason)
    _cbc(_cac(element, "TaxScheme"), "ID", "VAT")
    return element


def _note_text(value) -> str:
    """One line without "#": the French rules read a coded segment up to the next "#"."""
    return " ".join(_text(value).replace("#", " ").split())


def _notes(snapshot) -> str:
    """BT-21/BT-22 in one note: ``#CODE#text`` segments (UNTDID 4451); free text lines as AAI."""
    parts = []
    for note in snapshot.get("notes") or []:
        text, code = _note_text(note.get("text")), _note_text(note.get("code"))
        if text:
            parts.append(f"#{code}#{text}" if code else text)
    extra = " ".join(_note_text(line.get("description")) for line in snapshot.get("lines") or []
                     if line.get("kind") == "text").strip()
    if extra:
        parts.append(f"#AAI#{extra}")
    # An uncoded text first, coded segments after: a coded segment runs up to the next "#".
    parts.sort(key=lambda p: p.startswith("#"))
    return "".join(parts)


def _item_name(description: str) -> tuple[str, str]:
    """(BT-153 name, BT-154 description): the first line, cut to NAME_MAX; the full text apart."""
    text = _text(description)
    first = next((x.strip() for x in text.splitlines() if x.strip()), "")
    name = first if len(first) <= NAME_MAX else first[: NAME_MAX - 1].rstrip() + "…"
    return name, (text if text != name else "")


def _line(root, position: int, line: dict, *, credit: bool, currency: str, words: dict, categories: dict):
    element = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
    _cbc(element, "ID", str(position))
    quantity, price = _dec(line.get("quantity")), _dec(line.get("unit_price"))
    if price < 0:  # BR-27: prices are never negative; the sign moves to the quantity
        quantity, price = -quantity, -price
    net = _dec(line.get("net"))
    _cbc(element, "CreditedQuantity" if credit else "InvoicedQuantity", _plain(quantity), unitCode=line.get("unit") or "C62")
    _amount(element, "LineExtensionAmount", net, currency)
    percent = _dec(line.get("discount_percent"))
    if percent:
        # Line discount as an allowance: gross (quantity × price) − net, so BR-LIN / R120 hold
        # exactly against the frozen net whatever the rounding.
        gross = (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)
        allowance = _cac(element, "AllowanceCharge")
        _cbc(allowance, "ChargeIndicator", "false")
        _cbc(allowance, "AllowanceChargeReasonCode", DISCOUNT_CODE)
        _cbc(allowance, "AllowanceChargeReason", words["discount"])
        _cbc(allowance, "MultiplierFactorNumeric", _plain(percent))
        _amount(allowance, "Amount", gross - net, currency)
        _amount(allowance, "BaseAmount", gross, currency)
    item = _cac(element, "Item")
    name, description = _item_name(line.get("description"))
    _cbc(item, "Description", description)
    _cbc(item, "Name", name or _text(line.get("unit_label")) or "-")
    # Lines share few categories: copy a built subtree rather than building it again.
    key = (line.get("vat_category") or "S", _plain(line.get("vat_rate")))
    if key not in categories:
        categories[key] = _tax_category(etree.Element(_A["Item"], nsmap=NSMAP), "ClassifiedTaxCategory", *key)
    item.append(deepcopy(categories[key]))
    _cbc(_cac(element, "Price"), "PriceAmount", _plain(price), currencyID=currency)


def _document_charges(root, snapshot, *, currency: str, words: dict, bases: dict):
    """BG-20 allowances (snapshot["allowances"]) and BG-21 charges (snapshot["charges"])."""
    discount_percent = _dec(snapshot.get("discount_percent"))
    percent_only = discount_percent and not _dec(snapshot.get("discount_amount"))
    for allowance in snapshot.get("allowances") or []:
        element = _cac(root, "AllowanceCharge")
        _cbc(element, "ChargeIndicator", "false")
        _cbc(element, "AllowanceChargeReasonCode", allowance.get("reason_code") or DISCOUNT_CODE)
        _cbc(element, "AllowanceChargeReason", allowance.get("reason") or words["discount"])
        category, rate, amount = allowance.get("category") or "S", allowance.get("rate"), _dec(allowance.get("amount"))
        base = bases.get((category, _dec(rate)))
        # The percentage and base only when they reproduce the frozen amount (PEPPOL-EN16931-R040).
        with_base = percent_only and base is not None and \
            (base * discount_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP) == amount
        if with_base:
            _cbc(element, "MultiplierFactorNumeric", _plain(discount_percent))
        _amount(element, "Amount", amount, currency)
        if with_base:
            _amount(element, "BaseAmount", base, currency)
        _tax_category(element, "TaxCategory", category, rate)
    for charge in snapshot.get("charges") or []:
        element = _cac(root, "AllowanceCharge")
        _cbc(element, "ChargeIndicator", "true")
        code, reason = _text(charge.get("reason_code")), _text(charge.get("reason"))
        # UNTDID 7161 when the snapshot codes the charge (FC freight, ABL packaging…); a bare
        # reason text is enough otherwise (BR-CO-22 asks for one of the two).
        _cbc(element, "AllowanceChargeReasonCode", code or ("" if reason else "ZZZ"))
        _cbc(element, "AllowanceChargeReason", reason or words["charge"])
        _amount(element, "Amount", charge.get("amount"), currency)
        _tax_category(element, "TaxCategory", charge.get("category") or "S", charge.get("rate"))


def _document_reference(parent, name, number, issue_date=""):
    element = _cac(parent, name)
    _cbc(element, "ID", number)
    _cbc(element, "IssueDate", issue_date)
    return element


# --- the document -------------------------------------------------------------------------------


def build(snapshot: dict, *, pdf: bytes | None = None, pdf_name: str = "") -> bytes:
    """The UBL Invoice (invoice, deposit) or CreditNote (credit_note) of a frozen snapshot."""
    kind = snapshot.get("kind") or "invoice"
    if kind not in TYPE_CODES:
        raise ValueError(f"no e-invoice for a document of kind {kind!r}")
    credit = kind == "credit_note"
    currency = snapshot.get("currency") or "EUR"
    words = _words(snapshot)
    seller = snapshot.get("seller") or {}
    buyer = snapshot.get("buyer") or {}
    references = snapshot.get("references") or {}
    payment = snapshot.get("payment") or {}
    totals = snapshot.get("totals") or {}
    number = snapshot.get("number") or ""
    items = [line for line in snapshot.get("lines") or [] if line.get("kind", "item") == "item"]
    categories = {line.get("vat_category") for line in items} | {v.get("category") for v in snapshot.get("vat") or []}
    # BR-O-02..04: a document outside the scope of VAT names no VAT identifier at all.
    with_vat = "O" not in categories

    root = etree.Element(f"{{{CREDIT_NOTE_NS if credit else INVOICE_NS}}}{'CreditNote' if credit else 'Invoice'}",
                         nsmap={None: CREDIT_NOTE_NS if credit else INVOICE_NS, **NSMAP})
    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", number)
    _cbc(root, "IssueDate", snapshot.get("issue_date"))
    if not credit:
        _cbc(root, "DueDate", snapshot.get("due_date"))  # a CreditNote has it in PaymentMeans
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", TYPE_CODES[kind])
    _cbc(root, "Note", _notes(snapshot))
    _cbc(root, "DocumentCurrencyCode", currency)
    # BT-10: Peppol wants it or an order reference (PEPPOL-EN16931-R003); receivers route on it.
    _cbc(root, "BuyerReference", references.get("buyer") or references.get("order") or references.get("quote") or number)
    if _text(references.get("order")):
        _cbc(_cac(root, "OrderReference"), "ID", references.get("order"))
    if _text(references.get("credited")):
        _document_reference(_cac(root, "BillingReference"), "InvoiceDocumentReference",
                            references.get("credited"), references.get("credited_issue_date"))
    for deposit in references.get("deposits") or []:
        _document_reference(_cac(root, "BillingReference"), "InvoiceDocumentReference",
                            deposit.get("number"), deposit.get("issue_date"))
    if _text(references.get("quote")):  # the accepted, signed quote is the contract (BT-12)
        _cbc(_cac(root, "ContractDocumentReference"), "ID", references.get("quote"))
    if pdf is not None:
        attachment_ref = _cac(root, "AdditionalDocumentReference")
        _cbc(attachment_ref, "ID", number)
        if seller.get("jurisdiction") == "FR":
            _cbc(attachment_ref, "DocumentDescription", "LISIBLE")  # BR-FR-17: the readable copy
        binary = etree.SubElement(_cac(attachment_ref, "Attachment"), _B["EmbeddedDocumentBinaryObject"])
        binary.set("mimeCode", "application/pdf")
        binary.set("filename", _text(pdf_name) or f"{number}.pdf")
        binary.text = base64.b64encode(pdf).decode("ascii")  # ASCII already: no clean-up pass

    _supplier(root, snapshot, with_vat=with_vat)
    _customer(root, snapshot, with_vat=with_vat)

    site = [x for x in buyer.get("site") or [] if x]
    if "K" in categories or site:
        delivery = _cac(root, "Delivery")
        if "K" in categories:  # BR-IC-11
            _cbc(delivery, "ActualDeliveryDate", snapshot.get("delivery_date") or snapshot.get("issue_date"))
        location = _cac(delivery, "DeliveryLocation")
        _address(location, "Address", site[0] if site else "", "", "", buyer.get("country"),
                 line=" ".join(site[1:]))

    if not credit and payment.get("means"):
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", payment.get("means"))
        _cbc(means, "PaymentID", _SPACES.sub("", payment.get("reference") or ""))
        if _text(payment.get("iban")):
            account = _cac(means, "PayeeFinancialAccount")
            _cbc(account, "ID", _SPACES.sub("", payment.get("iban")).upper())
            _cbc(account, "Name", seller.get("legal_name") or seller.get("name"))
            if _text(payment.get("bic")):
                _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", _SPACES.sub("", payment.get("bic")).upper())
    elif credit and snapshot.get("due_date"):
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", PAYMENT_MEANS_UNDEFINED)
        _cbc(means, "PaymentDueDate", snapshot.get("due_date"))
    days = payment.get("terms_days")
    if days is not None and not credit:
        _cbc(_cac(root, "PaymentTerms"), "Note",
             words["within"].format(days=days) if int(days) > 0 else words["now"])

    bases: dict = {}
    for line in items:
        key = (line.get("vat_category") or "S", _dec(line.get("vat_rate")))
        bases[key] = bases.get(key, ZERO) + _dec(line.get("net"))
    _document_charges(root, snapshot, currency=currency, words=words, bases=bases)

    tax_total = _cac(root, "TaxTotal")
    _amount(tax_total, "TaxAmount", totals.get("tax_total"), currency)
    for vat in snapshot.get("vat") or []:
        subtotal = _cac(tax_total, "TaxSubtotal")
        _amount(subtotal, "TaxableAmount", vat.get("taxable"), currency)
        _amount(subtotal, "TaxAmount", vat.get("tax"), currency)
        _tax_category(subtotal, "TaxCategory", vat.get("category") or "S", vat.get("rate"),
                      reason_code=vat.get("exemption_code"), reason=vat.get("exemption_reason"))

    monetary = _cac(root, "LegalMonetaryTotal")
    _amount(monetary, "LineExtensionAmount", totals.get("line_total"), currency)
    _amount(monetary, "TaxExclusiveAmount", totals.get("tax_exclusive"), currency)
    _amount(monetary, "TaxInclusiveAmount", totals.get("tax_inclusive"), currency)
    if snapshot.get("allowances") or _dec(totals.get("allowance_total")):
        _amount(monetary, "AllowanceTotalAmount", totals.get("allowance_total"), currency)
    charges = snapshot.get("charges") or []
    charge_total = totals.get("charge_total")
    if charge_total is None and charges:
        charge_total = sum((_dec(c.get("amount")) for c in charges), ZERO)
    if charges or _dec(charge_total):
        _amount(monetary, "ChargeTotalAmount", charge_total, currency)
    if _dec(totals.get("prepaid")):
        _amount(monetary, "PrepaidAmount", totals.get("prepaid"), currency)
    _amount(monetary, "PayableAmount", totals.get("payable"), currency)

    line_categories: dict = {}
    for position, line in enumerate(items, start=1):
        _line(root, position, line, credit=credit, currency=currency, words=words, categories=line_categories)

    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True)
