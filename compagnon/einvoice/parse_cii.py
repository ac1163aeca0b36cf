"""The reader of UN/CEFACT CII invoices (alone or embedded in a Factur-X / ZUGFeRD 2 PDF)."""

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
    _cii_date,
    _clean,
    _decimal,
    _Reader,
)


class _CiiReader(_Reader):
    def read(self) -> ParsedInvoice:
        t = self.text
        doc = self.find("rsm:ExchangedDocument")
        transaction = self.find("rsm:SupplyChainTradeTransaction")
        agreement = (
            self.find("ram:ApplicableHeaderTradeAgreement", transaction)
            if transaction is not None
            else None
        )
        settlement = (
            self.find("ram:ApplicableHeaderTradeSettlement", transaction)
            if transaction is not None
            else None
        )
        type_code = t("ram:TypeCode", doc) if doc is not None else ""
        currency = t("ram:InvoiceCurrencyCode", settlement) if settlement is not None else ""
        invoice = ParsedInvoice(
            syntax="cii",
            document_type=CREDIT_NOTE if type_code in CREDIT_NOTE_CODES else INVOICE,
            xml=self.xml,
            type_code=type_code,
            customization_id=t(
                "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
            ),
            profile_id=t(
                "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
            ),
            currency=currency,
        )
        if doc is not None:
            invoice.number = t("ram:ID", doc)
            invoice.issue_date = _cii_date(self.find("ram:IssueDateTime/udt:DateTimeString", doc))
            invoice.notes = [
                _clean(n.text)
                for n in self.findall("ram:IncludedNote/ram:Content", doc)
                if _clean(n.text)
            ]
        if agreement is not None:
            invoice.buyer_reference = t("ram:BuyerReference", agreement)
            invoice.supplier = self.party(self.find("ram:SellerTradeParty", agreement))
            invoice.buyer = self.party(self.find("ram:BuyerTradeParty", agreement))
            invoice.order_reference = t(
                "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID", agreement
            )
            invoice.attachments = self.attachments(agreement)
        if settlement is not None:
            invoice.payment_reference = t("ram:PaymentReference", settlement)
            invoice.preceding_invoice = t(
                "ram:InvoiceReferencedDocument/ram:IssuerAssignedID", settlement
            )
            self.payment(invoice, settlement)
            invoice.vat = self.vat(settlement)
            invoice.totals = self.totals(settlement, currency)
            terms = self.findall("ram:SpecifiedTradePaymentTerms", settlement)
            for term in terms:
                invoice.due_date = invoice.due_date or _cii_date(
                    self.find("ram:DueDateDateTime/udt:DateTimeString", term)
                )
                invoice.payment_terms = invoice.payment_terms or t("ram:Description", term)
        if transaction is not None:
            invoice.lines = [
                self.line(el)
                for el in self.findall("ram:IncludedSupplyChainTradeLineItem", transaction)
            ]
        return invoice

    def party(self, party) -> Party:
        p = Party()
        if party is None:
            return p
        t = self.text
        p.name = t("ram:Name", party)
        p.trading_name = t("ram:SpecifiedLegalOrganization/ram:TradingBusinessName", party)
        p.company_id = t("ram:SpecifiedLegalOrganization/ram:ID", party)
        p.company_id_scheme = self.attr("ram:SpecifiedLegalOrganization/ram:ID", "schemeID", party)
        if not p.company_id:  # the party identifier (BT-29): global id first, then the plain one
            p.company_id = t("ram:GlobalID", party) or t("ram:ID", party)
            p.company_id_scheme = (
                self.attr("ram:GlobalID", "schemeID", party) if t("ram:GlobalID", party) else ""
            )
        p.endpoint = t("ram:URIUniversalCommunication/ram:URIID", party)
        p.endpoint_scheme = self.attr("ram:URIUniversalCommunication/ram:URIID", "schemeID", party)
        for reg in self.findall("ram:SpecifiedTaxRegistration/ram:ID", party):
            if (reg.get("schemeID") or "").upper() == "VA":
                p.vat_id = _clean(reg.text)
                break
        address = self.find("ram:PostalTradeAddress", party)
        if address is not None:
            p.street = t("ram:LineOne", address)
            p.additional_street = ", ".join(
                x for x in (t("ram:LineTwo", address), t("ram:LineThree", address)) if x
            )
            p.postcode = t("ram:PostcodeCode", address)
            p.city = t("ram:CityName", address)
            p.subdivision = t("ram:CountrySubDivisionName", address)
            p.country = t("ram:CountryID", address)
        return p

    def payment(self, invoice: ParsedInvoice, settlement) -> None:
        t = self.text
        means = self.findall("ram:SpecifiedTradeSettlementPaymentMeans", settlement)
        if means:
            invoice.payment_means_code = t("ram:TypeCode", means[0])
        for m in means:
            account = self.find("ram:PayeePartyCreditorFinancialAccount", m)
            iban = (
                (t("ram:IBANID", account) or t("ram:ProprietaryID", account))
                if account is not None
                else ""
            )
            if iban:
                invoice.supplier.iban = iban.replace(" ", "")
                invoice.supplier.bic = t(
                    "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID", m
                )
                break

    def vat(self, settlement) -> list[VatBreakdown]:
        t = self.text
        return [
            VatBreakdown(
                category=t("ram:CategoryCode", tax),
                rate=_decimal(tax.find("ram:RateApplicablePercent", NS), max_integer_digits=3),
                taxable_amount=self.amount("ram:BasisAmount", tax),
                tax_amount=self.amount("ram:CalculatedAmount", tax),
                exemption_reason=t("ram:ExemptionReason", tax),
                exemption_code=t("ram:ExemptionReasonCode", tax),
            )
            for tax in self.findall("ram:ApplicableTradeTax", settlement)
        ]

    def totals(self, settlement, currency: str) -> Totals:
        m = self.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", settlement)
        if m is None:
            return Totals()
        # TaxTotalAmount appears twice when VAT is also given in another currency (BT-111).
        tax_total = next(
            (
                el
                for el in self.findall("ram:TaxTotalAmount", m)
                if (el.get("currencyID") or currency) == currency
            ),
            self.find("ram:TaxTotalAmount", m),
        )
        return Totals(
            line_total=self.amount("ram:LineTotalAmount", m),
            allowance_total=self.amount("ram:AllowanceTotalAmount", m),
            charge_total=self.amount("ram:ChargeTotalAmount", m),
            tax_exclusive=self.amount("ram:TaxBasisTotalAmount", m),
            tax_total=_decimal(tax_total),
            tax_inclusive=self.amount("ram:GrandTotalAmount", m),
            prepaid=self.amount("ram:TotalPrepaidAmount", m),
            rounding=self.amount("ram:RoundingAmount", m),
            payable=self.amount("ram:DuePayableAmount", m),
        )

    def line(self, el) -> Line:
        t = self.text
        tax = self.find("ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax", el)
        price = self.find("ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice", el)
        name = t("ram:SpecifiedTradeProduct/ram:Name", el)
        detail = t("ram:SpecifiedTradeProduct/ram:Description", el)
        return Line(
            line_id=t("ram:AssociatedDocumentLineDocument/ram:LineID", el),
            description=name or detail,
            detail=detail if name and detail != name else "",
            quantity=self.amount("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", el),
            unit_code=self.attr(
                "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", "unitCode", el
            ),
            unit_price=self.amount("ram:ChargeAmount", price) if price is not None else None,
            base_quantity=self.amount("ram:BasisQuantity", price) if price is not None else None,
            net_amount=self.amount(
                "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                el,
            ),
            vat_category=t("ram:CategoryCode", tax) if tax is not None else "",
            vat_rate=_decimal(tax.find("ram:RateApplicablePercent", NS), max_integer_digits=3)
            if tax is not None
            else None,
        )

    def attachments(self, agreement) -> list[Attachment]:
        out = []
        for ref in self.findall("ram:AdditionalReferencedDocument", agreement):
            binary = self.find("ram:AttachmentBinaryObject", ref)
            uri = self.text("ram:URIID", ref)
            if binary is None and not uri:
                continue  # a reference without a file (a tender, an invoiced object…)
            out.append(
                Attachment(
                    document_id=self.text("ram:IssuerAssignedID", ref),
                    description=self.text("ram:Name", ref),
                    filename=_clean(binary.get("filename")) if binary is not None else "",
                    mime_type=_clean(binary.get("mimeCode")) if binary is not None else "",
                    content=_binary(binary) if binary is not None else None,
                    uri=uri,
                )
            )
        return out
