"""The XML files Intervat (the VAT portal of the Belgian federal finance service) takes: the
periodic return (VATConsignment), the annual client listing (ClientListingConsignment) and the
intra-EU listing (IntraConsignment). Their structure is checked against the schemas in xsd/.

Amounts are positive with two decimals; VAT numbers are the ten digits without "BE".
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.db.models import Sum
from lxml import etree

from compagnon.ledger.money import ZERO

from . import sources

NS_COMMON = "http://www.minfin.fgov.be/InputCommon"
NS = {
    "VATConsignment": "http://www.minfin.fgov.be/VATConsignment",
    "ClientListingConsignment": "http://www.minfin.fgov.be/ClientListingConsignment",
    "IntraConsignment": "http://www.minfin.fgov.be/IntraConsignment",
}
XSD_DIR = Path(__file__).parent / "xsd"
EU = frozenset(
    "AT BG CY CZ DE DK EE EL ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
LISTING_THRESHOLD = Decimal("250.00")  # clients below this yearly turnover are not listed


def _digits(vat_number: str) -> str:
    return re.sub(r"\D", "", vat_number or "")


def _amount(x: Decimal) -> str:
    return f"{x:.2f}"


def _declarant(parent, ns, entity):
    d = etree.SubElement(parent, f"{{{ns}}}Declarant")
    for tag, value in (
        ("VATNumber", _digits(entity.vat_number or entity.company_number)[-10:].zfill(10)),
        ("Name", entity.legal_name or entity.name),
        ("Street", entity.street),
        ("PostCode", entity.postcode),
        ("City", entity.city),
        ("CountryCode", (entity.country or "BE").upper()),
        ("EmailAddress", entity.email),
    ):
        if value or tag in ("VATNumber", "Name"):
            etree.SubElement(d, f"{{{NS_COMMON}}}{tag}").text = value
    return d


def _period(parent, ns, period):
    p = etree.SubElement(parent, f"{{{ns}}}Period")
    if period.kind == "month":
        etree.SubElement(p, f"{{{ns}}}Month").text = str(period.month)
    else:
        etree.SubElement(p, f"{{{ns}}}Quarter").text = str(period.quarter)
    etree.SubElement(p, f"{{{ns}}}Year").text = str(period.year)


def _root(name: str, count_attr: str):
    ns = NS[name]
    root = etree.Element(f"{{{ns}}}{name}", nsmap={None: NS_COMMON, "ns2": ns})
    root.set(count_attr, "1")
    return root, ns


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def vat_declaration(entity, period, amounts: dict[str, Decimal], *, reference: str) -> bytes:
    """The periodic return: every grid with an amount, and 71 or 72 always."""
    root, ns = _root("VATConsignment", "VATDeclarationsNbr")
    decl = etree.SubElement(root, f"{{{ns}}}VATDeclaration")
    decl.set("SequenceNumber", "1")
    decl.set("DeclarantReference", reference[:30])
    _declarant(decl, ns, entity)
    _period(decl, ns, period)
    data = etree.SubElement(decl, f"{{{ns}}}Data")
    for code in sorted(amounts, key=lambda c: int(c)):
        value = amounts[code]
        if value or (code == "71" and not amounts.get("72")):
            amount = etree.SubElement(data, f"{{{ns}}}Amount")
            amount.set("GridNumber", str(int(code)))
            amount.text = _amount(value)
    etree.SubElement(decl, f"{{{ns}}}ClientListingNihil").text = "NO"
    ask = etree.SubElement(decl, f"{{{ns}}}Ask")
    ask.set("Restitution", "NO")
    ask.set("Payment", "NO")
    return _bytes(root)


def client_listing_rows(entity, year: int) -> list[dict]:
    """Belgian VAT-registered clients invoiced at least 250 € (excl. VAT) in ``year``: turnover
    and VAT, credit notes deducted (one query)."""
    import datetime

    from compagnon.sales.models import Kind, VatBreakdown

    docs = sources.issued_documents(entity, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    rows = (
        VatBreakdown.objects.filter(document__in=docs)
        .values_list("document__client__vat_number", "document__client__country", "document__kind")
        .annotate(t=Sum("taxable_amount"), v=Sum("tax_amount"))
        .order_by()
    )
    by_client: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for vat_number, country, kind, taxable, tax in rows:
        number = (vat_number or "").replace(" ", "").upper()
        if (country or "").upper() != "BE" or not number:
            continue
        sign = -1 if kind == Kind.CREDIT_NOTE else 1
        by_client[number][0] += sign * taxable
        by_client[number][1] += sign * tax
    return [
        {"vat_number": _digits(n)[-10:].zfill(10), "turnover": t, "vat": v}
        for n, (t, v) in sorted(by_client.items())
        if t >= LISTING_THRESHOLD
    ]


def client_listing(entity, year: int, *, reference: str) -> bytes:
    rows = client_listing_rows(entity, year)
    root, ns = _root("ClientListingConsignment", "ClientListingsNbr")
    listing = etree.SubElement(root, f"{{{ns}}}ClientListing")
    listing.set("SequenceNumber", "1")
    listing.set("ClientsNbr", str(len(rows)))
    listing.set("DeclarantReference", reference[:30])
    listing.set("TurnOverSum", _amount(sum((r["turnover"] for r in rows), ZERO)))
    listing.set("VATAmountSum", _amount(sum((r["vat"] for r in rows), ZERO)))
    _declarant(listing, ns, entity)
    etree.SubElement(listing, f"{{{ns}}}Period").text = str(year)
    for i, row in enumerate(rows, start=1):
        client = etree.SubElement(listing, f"{{{ns}}}Client")
        client.set("SequenceNumber", str(i))
        number = etree.SubElement(client, f"{{{ns}}}CompanyVATNumber")
        number.set("issuedBy", "BE")
        number.text = row["vat_number"]
        etree.SubElement(client, f"{{{ns}}}TurnOver").text = _amount(row["turnover"])
        etree.SubElement(client, f"{{{ns}}}VATAmount").text = _amount(row["vat"])
    return _bytes(root)


def intra_listing_rows(entity, period) -> list[dict]:
    """Clients in another EU country: intra-EU supplies (category K, code L) and services under
    reverse charge (AE, code S), per VAT number, credit notes deducted."""
    from compagnon.sales.models import Kind, VatBreakdown

    docs = sources.issued_documents(entity, period.start, period.end)
    rows = (
        VatBreakdown.objects.filter(document__in=docs, category__in=["K", "AE"])
        .values_list(
            "document__client__vat_number",
            "document__client__country",
            "document__kind",
            "category",
        )
        .annotate(t=Sum("taxable_amount"))
        .order_by()
    )
    home = entity.jurisdiction
    totals: dict[tuple[str, str, str], Decimal] = defaultdict(lambda: ZERO)
    for vat_number, country, kind, category, taxable in rows:
        country = (country or "").upper()
        if country == home or country not in EU:
            continue
        number = re.sub(r"[^0-9A-Z]", "", (vat_number or "").upper())
        if number.startswith(country) or number.startswith("EL"):
            number = number[2:]
        sign = -1 if kind == Kind.CREDIT_NOTE else 1
        totals[(country, number, "L" if category == "K" else "S")] += sign * taxable
    return [
        {"country": c, "vat_number": n, "code": code, "amount": a}
        for (c, n, code), a in sorted(totals.items())
        if a > 0
    ]


def intra_listing(entity, period, *, reference: str) -> bytes:
    rows = intra_listing_rows(entity, period)
    root, ns = _root("IntraConsignment", "IntraListingsNbr")
    listing = etree.SubElement(root, f"{{{ns}}}IntraListing")
    listing.set("SequenceNumber", "1")
    listing.set("ClientsNbr", str(len(rows)))
    listing.set("DeclarantReference", reference[:30])
    listing.set("AmountSum", _amount(sum((r["amount"] for r in rows), ZERO)))
    _declarant(listing, ns, entity)
    _period(listing, ns, period)
    for i, row in enumerate(rows, start=1):
        client = etree.SubElement(listing, f"{{{ns}}}IntraClient")
        client.set("SequenceNumber", str(i))
        number = etree.SubElement(client, f"{{{ns}}}CompanyVATNumber")
        number.set("issuedBy", row["country"])
        number.text = row["vat_number"]
        etree.SubElement(client, f"{{{ns}}}Code").text = row["code"]
        etree.SubElement(client, f"{{{ns}}}Amount").text = _amount(row["amount"])
    return _bytes(root)


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / f"{name}.xsd")))


def errors(xml: bytes, name: str) -> list[str]:
    """What the schema ``name`` finds wrong with ``xml`` (empty when valid)."""
    s = schema(name)
    ok = s.validate(etree.fromstring(xml))
    return [] if ok else [f"line {e.line}: {e.message}" for e in s.error_log]
