"""The report as XML, checked against ``xsd/ereporting-1.xsd`` before it is stored or sent."""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path

from lxml import etree

from .builder import Figures
from .models import FLOW_NUMBER, FLOW_TYPE, ReportKind

NS = "urn:compagnon:ereporting:1"
XSD = Path(__file__).resolve().parent / "xsd" / "ereporting-1.xsd"
BLOCK = {
    ReportKind.TRANSACTIONS: "Transactions",
    ReportKind.TRANSACTIONS_DAILY: "DailyTransactions",
    ReportKind.PAYMENTS: "Payments",
    ReportKind.PAYMENTS_DAILY: "DailyPayments",
}


class ReportInvalid(ValueError):
    """The XML does not follow the schema: the first problems, with their line."""


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _el(parent, name, text=None):
    child = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        child.text = str(text)
    return child


def _subtotals(parent, rates):
    for r in rates:
        sub = _el(parent, "TaxSubtotal")
        _el(sub, "Category", r["category"])
        if r.get("vat_category"):
            _el(sub, "VatCategory", r["vat_category"])
        _el(sub, "Rate", f"{float(r['rate']):.2f}")
        _el(sub, "TaxableAmount", r["base"])
        _el(sub, "TaxAmount", r["tax"])


def _party(parent, name, *, party_name, country, siren="", company_id="", vat_number=""):
    party = _el(parent, name)
    _el(party, "Name", (party_name or "—")[:200])
    if siren:
        _el(party, "Siren", siren)
    if company_id:
        _el(party, "CompanyId", company_id[:200])
    if vat_number:
        _el(party, "VatNumber", vat_number[:200])
    _el(party, "Country", (country or "FR").upper()[:2])


def write(*, entity, kind: str, start: datetime.date, end: datetime.date, version: int, tracking_id: str,
          figures: Figures, issued_at: datetime.datetime) -> bytes:
    root = etree.Element(f"{{{NS}}}Report", nsmap={None: NS})
    head = _el(root, "ReportDocument")
    _el(head, "Id", tracking_id)
    _el(head, "FlowNumber", FLOW_NUMBER[kind])
    _el(head, "TypeCode", FLOW_TYPE[kind])
    _el(head, "IssueDateTime", issued_at.replace(microsecond=0).isoformat())
    period = _el(head, "Period")
    _el(period, "StartDate", start.isoformat())
    _el(period, "EndDate", end.isoformat())
    _el(head, "Version", version)
    digits = "".join(ch for ch in (entity.company_number or "") if ch.isdigit())
    _party(head, "Issuer", party_name=entity.legal_name or entity.name, country=entity.country,
           siren=digits[:9] if len(digits) >= 9 else "", vat_number=entity.vat_number or "")
    block = _el(root, BLOCK[kind])
    for line in figures.lines:
        if kind == ReportKind.TRANSACTIONS:
            invoice = _el(block, "Invoice")
            _el(invoice, "Id", line["number"])
            _el(invoice, "IssueDate", line["issue_date"])
            _el(invoice, "TypeCode", line["type_code"])
            _el(invoice, "Currency", line["currency"])
            if line["credited"]:
                _el(invoice, "PrecedingInvoice", line["credited"])
            buyer = line["buyer"]
            _party(invoice, "Buyer", party_name=buyer["name"], country=buyer["country"],
                   company_id=buyer["company_number"], vat_number=buyer["vat_number"])
            _subtotals(invoice, line["rates"])
            _el(invoice, "TotalExclVat", line["total_excl_vat"])
            _el(invoice, "TotalVat", line["total_vat"])
        elif kind == ReportKind.PAYMENTS:
            payment = _el(block, "Payment")
            _el(payment, "InvoiceId", line["number"])
            _el(payment, "InvoiceIssueDate", line["issue_date"])
            _el(payment, "Date", line["payment_date"])
            _el(payment, "Amount", line["amount"])
            _subtotals(payment, line["rates"])
        else:
            day = _el(block, "Day")
            _el(day, "Date", line["date"])
            _el(day, "Count", line["count"])
            _subtotals(day, line["rates"])
    _subtotals(_el(root, "Totals"), figures.as_json()["rates"])
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    check(data)
    return data


def check(data: bytes) -> None:
    document = etree.fromstring(data)
    xsd = schema()
    if not xsd.validate(document):
        problems = [f"line {e.line}: {e.message}" for e in list(xsd.error_log)[:5]]
        raise ReportInvalid("; ".join(problems))
