"""The reader of UBL (Peppol BIS 3.0) invoices and credit notes."""

from __future__ import annotations

from .parsed import (
    CREDIT_NOTE,
    CREDIT_NOTE_CODES,
    INVOICE,
    NS,
    Attachment,
    Line,
    ParsedInvoice,
    Party,
    Totals,
    VatBreakdown,
    _binary,
    _clean,
    _decimal,
    _iso_date,
    _Reader,
)


class _UblReader(_Reader):
    def __init__(self, root, xml: bytes, *, credit_note: bool):
        super().__init__(root, xml)
        self.credit_note = credit_note

    def read(self) -> ParsedInvoice:
        t = self.text
        type_code = t("cbc:CreditNoteTypeCode" if self.credit_note else "cbc:InvoiceTypeCode")
        kind = CREDIT_NOTE if self.credit_note or type_code in CREDIT_NOTE_CODES else INVOICE
        currency = t("cbc:DocumentCurrencyCode")
        invoice = ParsedInvoice(
            syntax="ubl",
            document_type=kind,
            xml=self.xml,
            type_code=type_code,
            customization_id=t("cbc:CustomizationID"),
            profile_id=t("cbc:ProfileID"),
            number=t("cbc:ID"),
            issue_date=_iso_date(self.find("cbc:IssueDate")),
            # A UBL credit note has no DueDate of its own: Peppol puts it in PaymentMeans.
            due_date=_iso_date(self.find("cbc:DueDate"))
            or _iso_date(self.find("cac:PaymentMeans/cbc:PaymentDueDate")),
            currency=currency,
            supplier=self.party(self.find("cac:AccountingSupplierParty/cac:Party")),
            buyer=self.party(self.find("cac:AccountingCustomerParty/cac:Party")),
            buyer_reference=t("cbc:BuyerReference"),
            order_reference=t("cac:OrderReference/cbc:ID"),
            preceding_invoice=t("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
            payment_terms=t("cac:PaymentTerms/cbc:Note"),
            notes=[_clean(n.text) for n in self.findall("cbc:Note") if _clean(n.text)],
        )
        self.payment(invoice)
        invoice.vat = self.vat(currency)
        invoice.totals = self.totals(currency)
        line_tag = "cac:CreditNoteLine" if self.credit_note else "cac:InvoiceLine"
        quantity_tag = "cbc:CreditedQuantity" if self.credit_note else "cbc:InvoicedQuantity"
        invoice.lines = [self.line(el, quantity_tag) for el in self.findall(line_tag)]
        invoice.attachments = self.attachments()
        return invoice

    def party(self, party) -> Party:
        p = Party()
        if party is None:
            return p
        t = self.text
        p.trading_name = t("cac:PartyName/cbc:Name", party)
        p.name = t("cac:PartyLegalEntity/cbc:RegistrationName", party) or p.trading_name
        if p.trading_name == p.name:
            p.trading_name = ""
        p.endpoint = t("cbc:EndpointID", party)
        p.endpoint_scheme = self.attr("cbc:EndpointID", "schemeID", party)
        p.company_id = t("cac:PartyLegalEntity/cbc:CompanyID", party)
        p.company_id_scheme = self.attr("cac:PartyLegalEntity/cbc:CompanyID", "schemeID", party)
        if not p.company_id:  # the party identifier (BT-29) is the next best thing
            p.company_id = t("cac:PartyIdentification/cbc:ID", party)
            p.company_id_scheme = self.attr("cac:PartyIdentification/cbc:ID", "schemeID", party)
        for scheme in self.findall("cac:PartyTaxScheme", party):
            if t("cac:TaxScheme/cbc:ID", scheme).upper() == "VAT":
                p.vat_id = t("cbc:CompanyID", scheme)
                break
        address = self.find("cac:PostalAddress", party)
        if address is not None:
            p.street = t("cbc:StreetName", address)
            p.additional_street = t("cbc:AdditionalStreetName", address)
            p.postcode = t("cbc:PostalZone", address)
            p.city = t("cbc:CityName", address)
            p.subdivision = t("cbc:CountrySubentity", address)
            p.country = t("cac:Country/cbc:IdentificationCode", address)
        return p

    def payment(self, invoice: ParsedInvoice) -> None:
        t = self.text
        means = self.findall("cac:PaymentMeans")
        if means:
            invoice.payment_means_code = t("cbc:PaymentMeansCode", means[0])
        invoice.payment_reference = next(
            (t("cbc:PaymentID", m) for m in means if t("cbc:PaymentID", m)), ""
        )
        for m in means:
            account = self.find("cac:PayeeFinancialAccount", m)
            if account is not None and t("cbc:ID", account):
                invoice.supplier.iban = t("cbc:ID", account).replace(" ", "")
                invoice.supplier.bic = t("cac:FinancialInstitutionBranch/cbc:ID", account)
                break

    def _tax_total(self, currency: str):
        totals = self.findall("cac:TaxTotal")
        for total in totals:
            if self.attr("cbc:TaxAmount", "currencyID", total) in ("", currency):
                return total
        return totals[0] if totals else None

    def vat(self, currency: str) -> list[VatBreakdown]:
        total = self._tax_total(currency)
        if total is None:
            return []
        out = []
        for sub in self.findall("cac:TaxSubtotal", total):
            category = self.find("cac:TaxCategory", sub)
            out.append(
                VatBreakdown(
                    category=self.text("cbc:ID", category) if category is not None else "",
                    rate=_decimal(category.find("cbc:Percent", NS), max_integer_digits=3)
                    if category is not None
                    else None,
                    taxable_amount=self.amount("cbc:TaxableAmount", sub),
                    tax_amount=self.amount("cbc:TaxAmount", sub),
                    exemption_reason=self.text("cbc:TaxExemptionReason", category)
                    if category is not None
                    else "",
                    exemption_code=self.text("cbc:TaxExemptionReasonCode", category)
                    if category is not None
                    else "",
                )
            )
        return out

    def totals(self, currency: str) -> Totals:
        m = self.find("cac:LegalMonetaryTotal")
        tax_total = self._tax_total(currency)
        totals = Totals(
            tax_total=self.amount("cbc:TaxAmount", tax_total) if tax_total is not None else None
        )
        if m is None:
            return totals
        totals.line_total = self.amount("cbc:LineExtensionAmount", m)
        totals.allowance_total = self.amount("cbc:AllowanceTotalAmount", m)
        totals.charge_total = self.amount("cbc:ChargeTotalAmount", m)
        totals.tax_exclusive = self.amount("cbc:TaxExclusiveAmount", m)
        totals.tax_inclusive = self.amount("cbc:TaxInclusiveAmount", m)
        totals.prepaid = self.amount("cbc:PrepaidAmount", m)
        totals.rounding = self.amount("cbc:PayableRoundingAmount", m)
        totals.payable = self.amount("cbc:PayableAmount", m)
        return totals

    def line(self, el, quantity_tag: str) -> Line:
        t = self.text
        item = self.find("cac:Item", el)
        category = self.find("cac:Item/cac:ClassifiedTaxCategory", el)
        name = t("cbc:Name", item) if item is not None else ""
        detail = t("cbc:Description", item) if item is not None else ""
        return Line(
            line_id=t("cbc:ID", el),
            description=name or detail,
            detail=detail if name and detail != name else "",
            quantity=self.amount(quantity_tag, el),
            unit_code=self.attr(quantity_tag, "unitCode", el),
            unit_price=self.amount("cac:Price/cbc:PriceAmount", el),
            base_quantity=self.amount("cac:Price/cbc:BaseQuantity", el),
            net_amount=self.amount("cbc:LineExtensionAmount", el),
            vat_category=t("cbc:ID", category) if category is not None else "",
            vat_rate=_decimal(category.find("cbc:Percent", NS), max_integer_digits=3)
            if category is not None
            else None,
        )

    def attachments(self) -> list[Attachment]:
        out = []
        for ref in self.findall("cac:AdditionalDocumentReference"):
            holder = self.find("cac:Attachment", ref)
            if holder is None:
                continue  # a reference without a file (a tender, an invoiced object…)
            binary = self.find("cbc:EmbeddedDocumentBinaryObject", holder)
            uri = self.text("cac:ExternalReference/cbc:URI", holder)
            if binary is None and not uri:
                continue
            out.append(
                Attachment(
                    document_id=self.text("cbc:ID", ref),
                    description=self.text("cbc:DocumentDescription", ref),
                    filename=_clean(binary.get("filename")) if binary is not None else "",
                    mime_type=_clean(binary.get("mimeCode")) if binary is not None else "",
                    content=_binary(binary) if binary is not None else None,
                    uri=uri,
                )
            )
        return out
