"""UN/CEFACT Cross Industry Invoice (CII D16B), Factur-X profile EN 16931, from a frozen snapshot.

``build(snapshot)`` reads only the dict that ``sales.freeze.snapshot`` stored when the document was
issued: no database, no clock, no translation machinery, so the same snapshot always gives the
same bytes and the XML says exactly what the PDF prints. Amounts stay Decimals end to end.

Elements are written in the order of the XSD sequences (``Factur-X_EN16931.xsd``): CII rejects
any other order. Business terms (BT-n) are named where they are written so the mapping can be
checked against EN 16931.
"""

from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}

PROFILE_EN16931 = "urn:cen.eu:en16931:2017"

# UNTDID 1001 document type (BT-3).
TYPE_CODES = {"invoice": "380", "deposit": "386", "credit_note": "381"}

# Categories whose VAT breakdown must carry an exemption reason (BR-E-10, BR-AE-10, BR-IC-10,
# BR-G-10, BR-O-10); S and Z must not (BR-S-10, BR-Z-10).
EXEMPT_CATEGORIES = {"E", "AE", "K", "G", "O"}

# Electronic address scheme for an email address (EAS code list).
SCHEME_EMAIL = "EM"
# Legal registration scheme (ISO 6523 ICD) of the company number, by country (BT-30-1 / BT-47-1).
LEGAL_SCHEMES = {"FR": "0002", "BE": "0208"}
# VAT number prefixes that differ from the ISO country code.
VAT_PREFIX = {"GR": "EL"}

CENT = Decimal("0.01")
MAX_PRICE_PLACES = Decimal("0.000001")  # BR-FR-DEC-03: prices have at most 6 decimals

# The few words the XML carries in the document's language.
TEXTS = {
    "fr": {"terms": "Paiement à {days} jours", "on_receipt": "Paiement à réception", "discount": "Remise"},
    "nl": {"terms": "Betaling binnen {days} dagen", "on_receipt": "Betaling bij ontvangst", "discount": "Korting"},
    "en": {"terms": "Payment within {days} days", "on_receipt": "Payment on receipt", "discount": "Discount"},
    "de": {"terms": "Zahlbar innerhalb von {days} Tagen", "on_receipt": "Zahlbar sofort", "discount": "Rabatt"},
}


# --- formatting ---------------------------------------------------------------------------------


def _dec(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("amounts are Decimals or strings, never float")
    return Decimal(str(value)) if value not in (None, "") else Decimal("0")


def amount(value) -> str:
    """A money amount with exactly 2 decimals (BR-DEC-*, BR-FR-DEC-01), never "-0.00"."""
    d = _dec(value).quantize(CENT)
    return str(d if d else abs(d))


def _plain(d: Decimal) -> str:
    return format(d.normalize(), "f")


def quantity(value) -> str:
    """A quantity without trailing zeros: "3.500" -> "3.5"."""
    return _plain(_dec(value))


def price(value) -> str:
    """A unit price: at least 2 and at most 6 decimals."""
    d = _dec(value).quantize(MAX_PRICE_PLACES).normalize()
    if d.as_tuple().exponent > -2:
        d = d.quantize(CENT)
    return format(d, "f")


def date102(iso: str) -> str:
    """ISO date (YYYY-MM-DD) -> UNTDID 2379 format 102 (YYYYMMDD)."""
    return iso.replace("-", "")


def vat_id(number: str, country: str) -> str:
    """A VAT identifier always starts with its country prefix (BR-CO-09)."""
    number = "".join(number.split()).upper()
    if number and not number[:2].isalpha():
        number = VAT_PREFIX.get(country, country) + number
    return number


def _compact(value: str) -> str:
    return "".join((value or "").split())


# --- element helpers ----------------------------------------------------------------------------

# Characters XML 1.0 cannot carry (a pasted description may hold some): lxml would refuse them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

_TAGS: dict[tuple[str, str], str] = {}


def _tag(ns: str, name: str) -> str:
    key = (ns, name)
    tag = _TAGS.get(key)
    if tag is None:
        tag = _TAGS[key] = f"{{{ns}}}{name}"
    return tag


def _el(parent, name: str, text: str | None = None, ns: str = RAM, **attrib):
    el = etree.SubElement(parent, _tag(ns, name), attrib) if attrib else etree.SubElement(parent, _tag(ns, name))
    if text is not None:
        el.text = _NOT_XML.sub("", text)
    return el


def _date(parent, name: str, iso: str, ns: str = UDT) -> None:
    _el(_el(parent, name), "DateTimeString", date102(iso), ns=ns, format="102")


def _indicator(parent, charge: bool) -> None:
    _el(_el(parent, "ChargeIndicator"), "Indicator", "true" if charge else "false", ns=UDT)


def _category_tax(parent, name: str, category: str, rate) -> None:
    """A VAT category with its rate; "not subject to VAT" (O) has no rate (BR-O-05)."""
    tax = _el(parent, name)
    _el(tax, "TypeCode", "VAT")
    _el(tax, "CategoryCode", category)
    if category != "O":
        _el(tax, "RateApplicablePercent", amount(rate))


# --- the document ---------------------------------------------------------------------------------


def build(snapshot: dict) -> bytes:
    """The CII XML (UTF-8, with declaration) of an issued document's snapshot."""
    root = etree.Element(_tag(RSM, "CrossIndustryInvoice"), nsmap=NSMAP)
    _context(root, snapshot)
    _header(root, snapshot)
    transaction = _el(root, "SupplyChainTradeTransaction", ns=RSM)
    for position, line in enumerate((x for x in snapshot["lines"] if x.get("kind") == "item"), start=1):
        _line(transaction, position, line)
    _agreement(transaction, snapshot)
    _delivery(transaction, snapshot)
    _settlement(transaction, snapshot)
    return DECLARATION + etree.tostring(root, encoding="UTF-8")


def _is_french(snapshot: dict) -> bool:
    return snapshot["seller"].get("jurisdiction") == "FR"


def _context(root, snapshot: dict) -> None:
    context = _el(root, "ExchangedDocumentContext", ns=RSM)
    if _is_french(snapshot):
        # BT-23, the French "cadre de facturation" (BR-FR-08): S = services, 1 = an invoice to be
        # paid, 4 = a final invoice after deposits. Compagnon's members sell services.
        final = snapshot["kind"] == "invoice" and bool(snapshot["references"].get("deposits"))
        _el(_el(context, "BusinessProcessSpecifiedDocumentContextParameter"), "ID", "S4" if final else "S1")
    _el(_el(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", PROFILE_EN16931)


def _header(root, snapshot: dict) -> None:
    document = _el(root, "ExchangedDocument", ns=RSM)
    _el(document, "ID", snapshot["number"])  # BT-1
    _el(document, "TypeCode", TYPE_CODES[snapshot["kind"]])  # BT-3
    _date(document, "IssueDateTime", snapshot["issue_date"])  # BT-2
    for note in snapshot.get("notes") or []:  # BG-1; French sellers: PMT, PMD, AAB (BR-FR-05)
        included = _el(document, "IncludedNote")
        _el(included, "Content", note["text"])
        if note.get("code"):
            _el(included, "SubjectCode", note["code"])


def _line(transaction, position: int, line: dict) -> None:
    item = _el(transaction, "IncludedSupplyChainTradeLineItem")  # BG-25
    _el(_el(item, "AssociatedDocumentLineDocument"), "LineID", str(position))  # BT-126

    product = _el(item, "SpecifiedTradeProduct")
    text = (line.get("description") or "").strip()
    first, _, rest = text.partition("\n")
    _el(product, "Name", first.strip() or "-")  # BT-153
    if rest.strip():
        _el(product, "Description", text)  # BT-154: the full text when it spans several lines

    agreement = _el(item, "SpecifiedLineTradeAgreement")
    unit_price, billed = _dec(line["unit_price"]), _dec(line["quantity"])
    if unit_price < 0:
        # A price is never negative (BR-27, BR-FR-DEC-03): a deduction is a negative quantity.
        unit_price, billed = -unit_price, -billed
    discount = _dec(line.get("discount_percent"))
    net_price = unit_price
    if discount:
        # A line discount is a price discount: gross price (BT-148) less BT-147 gives BT-146.
        per_unit = (unit_price * discount / Decimal(100)).quantize(MAX_PRICE_PLACES)
        net_price = unit_price - per_unit
        gross = _el(agreement, "GrossPriceProductTradePrice")
        _el(gross, "ChargeAmount", price(unit_price))
        applied = _el(gross, "AppliedTradeAllowanceCharge")
        _indicator(applied, charge=False)
        _el(applied, "ActualAmount", price(per_unit))
    _el(_el(agreement, "NetPriceProductTradePrice"), "ChargeAmount", price(net_price))

    _el(_el(item, "SpecifiedLineTradeDelivery"), "BilledQuantity", quantity(billed),
        unitCode=line.get("unit") or "C62")  # BT-129, BT-130

    settlement = _el(item, "SpecifiedLineTradeSettlement")
    _category_tax(settlement, "ApplicableTradeTax", line["vat_category"], line["vat_rate"])  # BG-30
    _el(_el(settlement, "SpecifiedTradeSettlementLineMonetarySummation"), "LineTotalAmount",
        amount(line["net"]))  # BT-131


def _address(party, data: dict) -> None:
    address = _el(party, "PostalTradeAddress")
    if data.get("postcode"):
        _el(address, "PostcodeCode", data["postcode"])
    if data.get("street"):
        _el(address, "LineOne", data["street"])
    if data.get("city"):
        _el(address, "CityName", data["city"])
    _el(address, "CountryID", data.get("country") or "")


def _legal_organization(party, number: str, country: str, trade_name: str = "") -> None:
    number = _compact(number)
    if not number and not trade_name:
        return
    organization = _el(party, "SpecifiedLegalOrganization")
    if number:
        scheme = LEGAL_SCHEMES.get(country)
        if scheme:
            number = re.sub(r"\D", "", number)  # "0430.000.604" -> "0430000604"
        if scheme == "0002":
            number = number[:9]  # a SIREN has 9 digits (BR-FR-32); a SIRET starts with it
        if scheme:
            _el(organization, "ID", number, schemeID=scheme)
        else:
            _el(organization, "ID", number)
    if trade_name:
        _el(organization, "TradingBusinessName", trade_name)  # BT-28


def _agreement(transaction, snapshot: dict) -> None:
    references = snapshot["references"]
    seller, buyer = snapshot["seller"], snapshot["buyer"]
    agreement = _el(transaction, "ApplicableHeaderTradeAgreement")
    # An invoice not subject to VAT carries no VAT identifier at all (BR-O-02).
    with_vat_ids = "O" not in _categories(snapshot)
    buyer_reference = references.get("buyer") or references.get("order") or references.get("quote")
    if buyer_reference:
        _el(agreement, "BuyerReference", buyer_reference)  # BT-10

    # BG-4 seller: the cooperative, the member's activity as its trading name.
    party = _el(agreement, "SellerTradeParty")
    _el(party, "Name", seller.get("legal_name") or seller["name"])  # BT-27
    _legal_organization(party, seller.get("company_number_raw") or seller.get("company_number") or "",
                        seller.get("country") or "", trade_name=seller.get("trade_name") or "")  # BT-30
    if seller.get("email"):
        contact = _el(party, "DefinedTradeContact")  # BG-6
        _el(_el(contact, "EmailURIUniversalCommunication"), "URIID", seller["email"])  # BT-43
    _address(party, seller)  # BG-5
    if seller.get("endpoint_id"):
        _el(_el(party, "URIUniversalCommunication"), "URIID", seller["endpoint_id"],
            schemeID=seller["endpoint_scheme"])  # BT-34
    elif seller.get("email"):
        _el(_el(party, "URIUniversalCommunication"), "URIID", seller["email"], schemeID=SCHEME_EMAIL)
    if with_vat_ids and seller.get("vat_number"):
        _el(_el(party, "SpecifiedTaxRegistration"), "ID", vat_id(seller["vat_number"], seller.get("country", "")),
            schemeID="VA")  # BT-31

    # BG-7 buyer: businesses with their identifiers, individuals with name, address and email.
    party = _el(agreement, "BuyerTradeParty")
    _el(party, "Name", buyer["name"])  # BT-44
    business = buyer.get("kind") != "individual"
    if business:
        _legal_organization(party, buyer.get("company_number") or "", buyer.get("country") or "")  # BT-47
    _address(party, buyer)  # BG-8
    if business and buyer.get("endpoint_id"):
        _el(_el(party, "URIUniversalCommunication"), "URIID", buyer["endpoint_id"],
            schemeID=buyer["endpoint_scheme"])  # BT-49
    elif buyer.get("email"):
        _el(_el(party, "URIUniversalCommunication"), "URIID", buyer["email"], schemeID=SCHEME_EMAIL)
    if with_vat_ids and business and buyer.get("vat_number"):
        _el(_el(party, "SpecifiedTaxRegistration"), "ID", vat_id(buyer["vat_number"], buyer.get("country", "")),
            schemeID="VA")  # BT-48

    if references.get("order"):
        _el(_el(agreement, "BuyerOrderReferencedDocument"), "IssuerAssignedID", references["order"])  # BT-13
    if references.get("quote"):
        # The accepted (signed) quote is the contract (BT-12).
        _el(_el(agreement, "ContractReferencedDocument"), "IssuerAssignedID", references["quote"])


def _categories(snapshot: dict) -> set[str]:
    return {v["category"] for v in snapshot["vat"]}


def _delivery(transaction, snapshot: dict) -> None:
    delivery = _el(transaction, "ApplicableHeaderTradeDelivery")
    buyer = snapshot["buyer"]
    intra_community = "K" in _categories(snapshot)
    site = [x for x in buyer.get("site") or [] if x]
    if site or intra_community:
        # BG-13/BG-15: the work site, or the buyer's country for an intra-community supply (BR-IC-12).
        ship_to = _el(delivery, "ShipToTradeParty")
        _el(ship_to, "Name", buyer["name"])
        address = _el(ship_to, "PostalTradeAddress")
        if site:
            _el(address, "LineOne", site[0])
            if len(site) > 1:
                _el(address, "LineTwo", site[1])
        else:
            if buyer.get("postcode"):
                _el(address, "PostcodeCode", buyer["postcode"])
            if buyer.get("street"):
                _el(address, "LineOne", buyer["street"])
            if buyer.get("city"):
                _el(address, "CityName", buyer["city"])
        _el(address, "CountryID", buyer.get("country") or "")
    if intra_community:
        # BR-IC-11 needs a delivery date or period; the snapshot has none, so the issue date.
        event = _el(delivery, "ActualDeliverySupplyChainEvent")
        _date(event, "OccurrenceDateTime", snapshot.get("delivery_date") or snapshot["issue_date"])  # BT-72


def _texts(snapshot: dict) -> dict:
    return TEXTS.get((snapshot.get("language") or "en")[:2], TEXTS["en"])


def _settlement(transaction, snapshot: dict) -> None:
    payment, totals, references = snapshot["payment"], snapshot["totals"], snapshot["references"]
    texts = _texts(snapshot)
    credit_note = snapshot["kind"] == "credit_note"
    settlement = _el(transaction, "ApplicableHeaderTradeSettlement")
    if payment.get("reference") and not credit_note:
        _el(settlement, "PaymentReference", _compact(payment["reference"]))  # BT-83
    _el(settlement, "InvoiceCurrencyCode", snapshot.get("currency") or "EUR")  # BT-5

    # BG-16: the buyer pays by credit transfer to the cooperative's account. A credit note is
    # paid the other way, so it carries no means of the seller's.
    if payment.get("means") and payment.get("iban") and not credit_note:
        means = _el(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _el(means, "TypeCode", payment["means"])  # BT-81
        account = _el(means, "PayeePartyCreditorFinancialAccount")
        _el(account, "IBANID", _compact(payment["iban"]))  # BT-84
        if payment.get("bic"):
            _el(_el(means, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID", _compact(payment["bic"]))  # BT-86

    for row in snapshot["vat"]:  # BG-23
        tax = _el(settlement, "ApplicableTradeTax")
        _el(tax, "CalculatedAmount", amount(row["tax"]))  # BT-117
        _el(tax, "TypeCode", "VAT")
        exempt = row["category"] in EXEMPT_CATEGORIES
        if exempt and row.get("exemption_reason"):
            _el(tax, "ExemptionReason", row["exemption_reason"])  # BT-120
        _el(tax, "BasisAmount", amount(row["taxable"]))  # BT-116
        _el(tax, "CategoryCode", row["category"])  # BT-118
        if exempt and row.get("exemption_code"):
            _el(tax, "ExemptionReasonCode", row["exemption_code"])  # BT-121
        if row["category"] != "O":
            _el(tax, "RateApplicablePercent", amount(row["rate"]))  # BT-119

    _allowances_and_charges(settlement, snapshot, texts)

    if snapshot.get("due_date") or payment.get("terms_days") is not None:  # BG-20 / BT-20, BT-9
        terms = _el(settlement, "SpecifiedTradePaymentTerms")
        days = payment.get("terms_days")
        if days is not None:
            _el(terms, "Description", texts["terms"].format(days=days) if days else texts["on_receipt"])
        if snapshot.get("due_date"):
            _date(terms, "DueDateDateTime", snapshot["due_date"])

    charges = snapshot.get("charges") or []
    summation = _el(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")  # BG-22
    _el(summation, "LineTotalAmount", amount(totals["line_total"]))  # BT-106
    if charges:
        _el(summation, "ChargeTotalAmount", amount(sum((_dec(c["amount"]) for c in charges), Decimal(0))))  # BT-108
    if snapshot.get("allowances"):
        _el(summation, "AllowanceTotalAmount", amount(totals["allowance_total"]))  # BT-107
    _el(summation, "TaxBasisTotalAmount", amount(totals["tax_exclusive"]))  # BT-109
    _el(summation, "TaxTotalAmount", amount(totals["tax_total"]), currencyID=snapshot.get("currency") or "EUR")  # BT-110
    _el(summation, "GrandTotalAmount", amount(totals["tax_inclusive"]))  # BT-112
    if _dec(totals.get("prepaid")):
        _el(summation, "TotalPrepaidAmount", amount(totals["prepaid"]))  # BT-113
    _el(summation, "DuePayableAmount", amount(totals["payable"]))  # BT-115

    # BG-3: the invoice a credit note corrects; the deposits a final invoice deducts.
    preceding = []
    if references.get("credited"):
        preceding.append((references["credited"], references.get("credited_issue_date") or ""))
    preceding += [(d["number"], d.get("issue_date") or "") for d in references.get("deposits") or []]
    for number, issued in preceding:
        document = _el(settlement, "InvoiceReferencedDocument")
        _el(document, "IssuerAssignedID", number)  # BT-25
        if issued:
            _date(document, "FormattedIssueDateTime", issued, ns=QDT)  # BT-26


def _allowances_and_charges(settlement, snapshot: dict, texts: dict) -> None:
    """BG-20 allowances (per VAT category, as the calculation split them) and BG-21 charges."""
    percent = _dec(snapshot.get("discount_percent"))
    only_percent = percent and not _dec(snapshot.get("discount_amount"))
    bases: dict[tuple[str, Decimal], Decimal] = {}
    if only_percent:
        for line in snapshot["lines"]:
            if line.get("kind") == "item":
                key = (line["vat_category"], _dec(line["vat_rate"]))
                bases[key] = bases.get(key, Decimal(0)) + _dec(line["net"])
    for allowance in snapshot.get("allowances") or []:
        row = _el(settlement, "SpecifiedTradeAllowanceCharge")
        _indicator(row, charge=False)
        base = bases.get((allowance["category"], _dec(allowance["rate"])))
        if only_percent and base is not None:
            _el(row, "CalculationPercent", amount(percent))  # BT-94
            _el(row, "BasisAmount", amount(base))  # BT-93
        _el(row, "ActualAmount", amount(allowance["amount"]))  # BT-92
        _el(row, "ReasonCode", "95")  # BT-98: UNTDID 5189 "discount"
        _el(row, "Reason", allowance.get("reason") or texts["discount"])  # BT-97
        _category_tax(row, "CategoryTradeTax", allowance["category"], allowance["rate"])  # BT-95, BT-96
    for charge in snapshot.get("charges") or []:
        row = _el(settlement, "SpecifiedTradeAllowanceCharge")
        _indicator(row, charge=True)
        _el(row, "ActualAmount", amount(charge["amount"]))  # BT-99
        if charge.get("reason_code"):
            _el(row, "ReasonCode", charge["reason_code"])  # BT-105: UNTDID 7161
        _el(row, "Reason", charge.get("reason") or "-")  # BT-104
        _category_tax(row, "CategoryTradeTax", charge["category"], charge["rate"])  # BT-102, BT-103
