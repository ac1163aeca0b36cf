from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from stdnum.exceptions import ValidationError as StdnumError


class IdentifierError(ValueError):
    """An identifier that fails its country's rule; ``message`` is translated and says which rule."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class VatRate:
    code: str  # stable key, e.g. "standard"
    rate: Decimal  # percent
    label: Promise | str


class Jurisdiction:
    """The interface every country module implements. Later issues extend it (numbering,
    payment references, e-invoice format, charts of accounts, late-payment law, social rates)."""

    code: str
    name: Promise | str
    default_language: str
    currency = "EUR"
    company_number_label: Promise | str
    vat_rates: tuple[VatRate, ...]

    def _validate(self, module_validate, value, message):
        try:
            return module_validate(value)
        except StdnumError:
            raise IdentifierError(message) from None

    def validate_company_number(self, value: str) -> str:
        """Return the compact, valid company number or raise :class:`IdentifierError`."""
        raise NotImplementedError

    def validate_vat_number(self, value: str) -> str:
        """Return the normalised VAT number (with country prefix) or raise :class:`IdentifierError`."""
        raise NotImplementedError

    def format_company_number(self, value: str) -> str:
        return value

    def chart(self):
        """The chart of accounts (see charts.py: one module, a section per country)."""
        from .charts import chart_for

        return chart_for(self.code)

    def company_number_label_for(self, value: str):
        """The name of this particular number as printed on documents."""
        return self.company_number_label

    # --- documents ---------------------------------------------------------------------------
    exemptions: tuple  # tuple[Exemption, ...]
    number_patterns = {"invoice": "F{year}-{seq:05}", "credit_note": "A{year}-{seq:05}", "quote": "D{year}-{seq:05}",
                       "statement": "R{year}-{seq:05}"}

    def exemptions_for(self, category: str) -> list:
        return [e for e in self.exemptions if e.category == category]

    def exemption(self, code: str):
        for e in self.exemptions:
            if e.code == code:
                return e
        raise LookupError(code)

    def default_exemption(self, category: str):
        options = self.exemptions_for(category)
        return options[0] if options else None

    def business_mentions(self) -> list:
        """Mentions the law requires on every invoice to a business client (late-payment terms)."""
        return []

    def einvoice_notes(self) -> list:
        """Subject-coded notes (UNTDID 4451) an e-invoice of this country must carry: (code, text)."""
        return []

    def vat_rate(self, code: str) -> VatRate:
        for rate in self.vat_rates:
            if rate.code == code:
                return rate
        raise LookupError(code)


# EN 16931 VAT category codes (UNCL5305 subset) used on documents.
VAT_CATEGORIES = {
    "S": "standard rate",
    "Z": "zero rated",
    "E": "exempt",
    "AE": "reverse charge",
    "K": "intra-community supply",
    "G": "export outside the EU",
    "O": "outside the scope of VAT",
}
# Categories whose tax rate must be 0 (EN 16931 BR-AE-05, BR-E-05, BR-IC-05, BR-G-05, BR-O-05, BR-Z-05).
ZERO_RATE_CATEGORIES = {"Z", "E", "AE", "K", "G", "O"}
# Categories for which the buyer must have a VAT number (BR-AE-02, BR-IC-02).
BUYER_VAT_REQUIRED = {"AE", "K"}
# EN 16931 BR-O-11 to BR-O-14: a document with a line "outside the scope of VAT" (O) has no other
# category. Said before issuing (sales) and when the e-invoice rules refuse it (einvoice.explain).
NOT_SUBJECT_MIXED = gettext_lazy(
    "Lines “outside the scope of VAT” (not subject to VAT) cannot be mixed with other VAT categories on "
    "one document: put them on an invoice of their own, or give every line the same VAT category."
)


@dataclass(frozen=True)
class Exemption:
    code: str  # stable key stored on documents
    category: str  # E, AE, K, G or O
    vatex: str  # CEF VATEX code for e-invoices
    mention: Promise | str  # printed on the document, in the client's language
